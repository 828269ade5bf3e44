package timeloop

import (
	"path/filepath"
	"testing"

	"github.com/dian-explorer/dian/core/accel/timeloop/tlyaml"

	"github.com/dian-explorer/dian/core/accel/loopnest"

	"github.com/dian-explorer/dian/core/accel"
)

// Tutorial exercise 05 asks Timeloop's mapper for the best mapping of the
// exercise-03 problem on the exercise-03 hierarchy. Our mapper, searching
// exhaustively for minimum energy with every data space kept in the
// register file (rs), must do at least as well as the hand mapping of
// exercise 03, which Timeloop prices at 49338.9 pJ without leakage.
func TestMapperTutorial05(t *testing.T) {
	dir := filepath.Join("testdata", "tutorial", "05-mapper-conv1d+oc-3level")
	p, err := tlyaml.ReadProblem("prob", readFile(t, filepath.Join(dir, "prob", "conv1d+oc.prob.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	a, err := tlyaml.ReadArch("arch", readFile(t, filepath.Join(dir, "arch", "3level.arch.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	res, err := loopnest.MapProblem(p, a, accel.RowStationary, loopnest.MapperOptions{Objective: loopnest.MinEnergy, Exhaustive: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Exhaustive || res.EnergyPJ > 49338.9 {
		t.Errorf("exhaustive %v, energy %.1f pJ; want ≤ 49338.9 pJ\n%s", res.Exhaustive, res.EnergyPJ, res.Mapping.String(p))
	}
	t.Logf("best: %.1f pJ, %d cycles, %d mappings\n%s", res.EnergyPJ, res.Cycles, res.Evaluated, res.Mapping.String(p))
}
