package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const timeloopData = "../../core/accel/timeloop/testdata/tutorial"

// Each tutorial case with the rows Timeloop's own stats file gives
// (timeloop-model.stats.txt: utilized instances and per-instance scalar
// reads, fills and updates, innermost level first) and its total energy
// without leakage (the summary's fJ/Compute total × computes, minus the
// levels' "Leakage energy (total)").
var timeloopCLICases = []struct {
	dir, prob, arch, ref string
	rows                 string
	energyPJ             float64
}{
	{"00-model-conv1d-1level", "conv1d.prob.yaml", "1level.arch.yaml", "ref-output",
		"Buffer,Weights,1,48,0,0\nBuffer,Inputs,1,48,0,0\nBuffer,Outputs,1,32,0,48\ncycles,48", 115.474},
	{"01-model-conv1d-2level", "conv1d.prob.yaml", "2level.arch.yaml", "ref-output/os",
		"Buffer,Weights,1,48,3,0\nBuffer,Inputs,1,48,18,0\nBuffer,Outputs,1,32,0,48\nMainMemory,Weights,1,3,0,0\nMainMemory,Inputs,1,18,0,0\nMainMemory,Outputs,1,0,0,16\ncycles,48", 359.584},
	{"01-model-conv1d-2level", "conv1d.prob.yaml", "2level.arch.yaml", "ref-output/ws",
		"Buffer,Weights,1,48,3,0\nBuffer,Inputs,1,48,18,0\nBuffer,Outputs,1,32,0,48\nMainMemory,Weights,1,3,0,0\nMainMemory,Inputs,1,18,0,0\nMainMemory,Outputs,1,0,0,16\ncycles,48", 359.584},
	{"02-model-conv1d+oc-2level", "conv1d+oc.prob.yaml", "2level.arch.yaml", "ref-output/no-tiling",
		"Buffer,Weights,1,1536,96,0\nBuffer,Inputs,1,1536,576,0\nBuffer,Outputs,1,1024,0,1536\nMainMemory,Weights,1,96,0,0\nMainMemory,Inputs,1,576,0,0\nMainMemory,Outputs,1,0,0,512\ncycles,1536", 9599.035},
	{"02-model-conv1d+oc-2level", "conv1d+oc.prob.yaml", "2level.arch.yaml", "ref-output/tiling",
		"Buffer,Weights,1,1536,96,0\nBuffer,Inputs,1,1536,288,0\nBuffer,Outputs,1,1024,0,1536\nMainMemory,Weights,1,96,0,0\nMainMemory,Inputs,1,288,0,0\nMainMemory,Outputs,1,0,0,512\ncycles,1536", 7915.733},
	{"03-model-conv1d+oc-3level", "conv1d+oc.prob.yaml", "3level.arch.yaml", "ref-output/no-bypass",
		"RegisterFile,Weights,1,1536,96,0\nRegisterFile,Inputs,1,1536,288,0\nRegisterFile,Outputs,1,1024,0,1536\nGlobalBuffer,Weights,1,96,96,0\nGlobalBuffer,Inputs,1,288,18,0\nGlobalBuffer,Outputs,1,0,0,512\nMainMemory,Weights,1,96,0,0\nMainMemory,Inputs,1,18,0,0\nMainMemory,Outputs,1,0,0,512\ncycles,1536", 49338.903},
	{"03-model-conv1d+oc-3level", "conv1d+oc.prob.yaml", "3level.arch.yaml", "ref-output/bypass",
		"RegisterFile,Outputs,1,1024,0,1536\nGlobalBuffer,Weights,1,1536,96,0\nGlobalBuffer,Inputs,1,1536,18,0\nMainMemory,Weights,1,96,0,0\nMainMemory,Inputs,1,18,0,0\nMainMemory,Outputs,1,0,0,512\ncycles,1536", 60458.315},
	{"04-model-conv1d+oc-3levelspatial", "conv1d+oc+ic.prob.yaml", "3levelspatial.arch.yaml", "ref-output/cp",
		"RegisterFile,Weights,16,3072,192,0\nRegisterFile,Inputs,16,3072,1152,0\nRegisterFile,Outputs,16,2560,512,3072\nGlobalBuffer,Weights,16,192,192,0\nGlobalBuffer,Inputs,16,1152,36,0\nGlobalBuffer,Outputs,16,512,0,1024\nMainMemory,Weights,1,3072,0,0\nMainMemory,Inputs,1,576,0,0\nMainMemory,Outputs,1,0,0,512\ncycles,3072", 639103.647},
	{"04-model-conv1d+oc-3levelspatial", "conv1d+oc+ic.prob.yaml", "3levelspatial.arch.yaml", "ref-output/kp",
		"RegisterFile,Weights,16,3072,192,0\nRegisterFile,Inputs,16,3072,1152,0\nRegisterFile,Outputs,16,3040,992,3072\nGlobalBuffer,Weights,16,192,192,0\nGlobalBuffer,Inputs,16,1152,576,0\nGlobalBuffer,Outputs,16,992,0,1024\nMainMemory,Weights,1,3072,0,0\nMainMemory,Inputs,1,576,0,0\nMainMemory,Outputs,1,0,0,512\ncycles,3072", 720361.734},
}

func TestEvalTimeloopTutorial(t *testing.T) {
	for _, c := range timeloopCLICases {
		dir := filepath.Join(timeloopData, c.dir)
		args := []string{"eval",
			"-timeloop-map", filepath.Join(dir, c.ref, "timeloop-model.map.txt"),
			"-problem", filepath.Join(dir, "prob", c.prob)}
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%s %s: exit %d: %s", c.dir, c.ref, code, errb.String())
		}
		want := timeloopHeader + "\n" + c.rows + "\n"
		if out.String() != want {
			t.Errorf("%s %s:\ngot\n%s\nwant\n%s", c.dir, c.ref, out.String(), want)
		}
		out.Reset()
		args = append(args, "-arch", filepath.Join(dir, "arch", c.arch))
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%s %s -arch: exit %d: %s", c.dir, c.ref, code, errb.String())
		}
		body, rest, _ := strings.Cut(strings.TrimSuffix(out.String(), "\n"), "\nenergy_pj,")
		if body+"\n" != want {
			t.Errorf("%s %s -arch: rows differ:\n%s", c.dir, c.ref, body)
		}
		last, summary, _ := strings.Cut(rest, "\n")
		if !strings.HasPrefix(summary, "fj_per_compute,") || !strings.Contains(summary, "fj_per_compute,Total,") {
			t.Errorf("%s %s -arch: no fJ/compute summary after the energy: %q", c.dir, c.ref, summary)
		}
		e, err := strconv.ParseFloat(last, 64)
		if err != nil || math.Abs(e-c.energyPJ) > 0.05+1e-5*c.energyPJ {
			t.Errorf("%s %s: energy_pj %q, want %.3f", c.dir, c.ref, last, c.energyPJ)
		}
	}
}

func TestEvalTimeloopBadFiles(t *testing.T) {
	dir := t.TempDir()
	prob := filepath.Join(timeloopData, "00-model-conv1d-1level/prob/conv1d.prob.yaml")
	good := filepath.Join(timeloopData, "00-model-conv1d-1level/ref-output/timeloop-model.map.txt")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := writeFileForTest(p, body); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name      string
		mapFile   string
		probFile  string
		wantParts []string
	}{
		{"missing map", filepath.Join(dir, "nope.txt"), prob, []string{"nope.txt"}},
		{"bad loop bound", write("a.map.txt", "Buffer [ Weights:3 (3) Inputs:18 (18) Outputs:16 (16) ]\n---\n| for P in [0:x)\n|   for R in [0:3)\n|     << Compute >>\n"), prob, []string{"a.map.txt:3", "loop bound"}},
		{"zero factor", write("b.map.txt", "Buffer [ Weights:3 (3) Inputs:18 (18) Outputs:16 (16) ]\n---\n| for P in [0:0)\n|     << Compute >>\n"), prob, []string{"b.map.txt:3", "1.."}},
		{"wrong product", write("c.map.txt", "Buffer [ Weights:3 (3) Inputs:18 (18) Outputs:16 (16) ]\n---\n| for P in [0:8)\n|   for R in [0:3)\n|     << Compute >>\n"), prob, []string{"c.map.txt", "P", "8 ≠ 16"}},
		{"unknown data space", write("d.map.txt", "Buffer [ Psums:3 (3) ]\n| for P in [0:16)\n|   for R in [0:3)\n|     << Compute >>\n"), prob, []string{"d.map.txt:1", "Psums"}},
		{"huge bound", good, write("e.prob.yaml", "problem:\n  shape:\n    dimensions: [ R, P ]\n    data_spaces:\n    - name: W\n      projection:\n      - [ [R] ]\n  instance:\n    R: 3\n    P: 99999999999\n"), []string{"e.prob.yaml:10", "problem.instance.P", "out of range"}},
		{"negative bound", good, write("f.prob.yaml", "problem:\n  shape:\n    dimensions: [ R, P ]\n    data_spaces:\n    - name: W\n      projection:\n      - [ [R] ]\n  instance:\n    R: -3\n    P: 16\n"), []string{"f.prob.yaml:9", "problem.instance.R"}},
		{"not a number", good, write("g.prob.yaml", "problem:\n  shape:\n    dimensions: [ R, P ]\n    data_spaces:\n    - name: W\n      projection:\n      - [ [R] ]\n  instance:\n    R: three\n    P: 16\n"), []string{"g.prob.yaml:9", "not an integer"}},
		{"unknown field", good, write("h.prob.yaml", "problem:\n  shape:\n    dimensions: [ R, P ]\n    dataspaces: []\n  instance:\n    R: 3\n"), []string{"h.prob.yaml:4", "unknown field \"dataspaces\""}},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := run([]string{"eval", "-timeloop-map", c.mapFile, "-problem", c.probFile}, &out, &errb)
		if code == 0 {
			t.Errorf("%s: exit 0, want an error", c.name)
			continue
		}
		for _, part := range c.wantParts {
			if !strings.Contains(errb.String(), part) {
				t.Errorf("%s: error %q lacks %q", c.name, strings.TrimSpace(errb.String()), part)
			}
		}
	}
}

func writeFileForTest(path, body string) error { return os.WriteFile(path, []byte(body), 0o644) }
