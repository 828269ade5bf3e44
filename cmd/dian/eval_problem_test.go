package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel/timeloop/tlyaml"
)

// cnnData is the published Timeloop CNN data the timeloop package tests
// keep (its SOURCE.md says where it comes from).
var cnnData = filepath.Join("..", "..", "core", "accel", "timeloop", "testdata", "cnn")

// Every layer file of Timeloop's exercises, in both styles, maps onto the
// Eyeriss-like preset: its MACs are the product of the bounds the file
// gives (read independently here), with cycles, energy and a mapping.
func TestEvalProblemEveryLayerShape(t *testing.T) {
	var files []string
	for _, pat := range []string{"resnet18/*.yaml", "CONV/AlexNet/*.yaml"} {
		m, err := filepath.Glob(filepath.Join(cnnData, "layer_shapes", pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) != 26 {
		t.Fatalf("%d layer files, want 26", len(files))
	}
	for _, f := range files {
		var out, errb bytes.Buffer
		if code := run([]string{"eval", "-problem", f, "-platform", "eyeriss", "-json"}, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", f, code, errb.String())
		}
		var res problemResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rd := &tlyaml.Files{Include: tlyaml.FromDisk}
		src, _ := os.ReadFile(f)
		p, err := rd.Problem(f, src)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(1)
		for _, b := range p.Bounds {
			want *= int64(b)
		}
		if res.MACs != want || res.Cycles <= 0 || res.EnergyPJ <= 0 || len(res.Mapping) != 3 || !strings.Contains(res.MapTxt, "<< Compute >>") {
			t.Errorf("%s: macs %d (want %d), cycles %d, energy %g pJ, %d mapping levels", f, res.MACs, want, res.Cycles, res.EnergyPJ, len(res.Mapping))
		}
		if res.Cycles*int64(12*14) < res.MACs {
			t.Errorf("%s: %d cycles on 168 PEs cannot do %d MACs", f, res.Cycles, res.MACs)
		}
	}
}

// One layer on every preset, and the mode's errors.
func TestEvalProblemPlatforms(t *testing.T) {
	layer := filepath.Join(cnnData, "layer_shapes", "CONV", "AlexNet", "AlexNet_layer3.yaml")
	for _, plat := range []string{"eyeriss", "systolic16", "zc706", "ultra96"} {
		var out, errb bytes.Buffer
		if code := run([]string{"eval", "-problem", layer, "-platform", plat, "-json"}, &out, &errb); code != 0 {
			t.Errorf("%s: exit %d: %s", plat, code, errb.String())
			continue
		}
		var res problemResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.MACs != 256*384*13*13*3*3 || res.Platform != plat {
			t.Errorf("%s: %+v, %v", plat, res, err)
		}
		t.Logf("%s: %s %s, %d cycles, %.0f pJ, utilization %.2f", plat, res.Array, res.Dataflow, res.Cycles, res.EnergyPJ, res.Utilized)
	}
	conv1d := filepath.Join(timeloopData, "00-model-conv1d-1level", "prob", "conv1d.prob.yaml")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-problem", layer, "-platform", "tpu"}, 1, "tpu"},
		{[]string{"-problem", conv1d, "-platform", "eyeriss"}, 1, "not a convolution dian can map"},
		{[]string{"-problem", layer, "-platform", "eyeriss", "-objective", "speed"}, 2, "-objective"},
		{[]string{"-problem", layer, "-platform", "eyeriss", "-arch", "a.yaml"}, 2, "without -timeloop-map, -arch or -ert"},
		{[]string{"-problem", layer, "-dataflow", "rs"}, 2, "go with -platform"},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"eval"}, c.args...), &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("dian eval %v: exit %d, %q; want exit %d and %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
}

// The published designs through dian eval as a researcher would run it:
// Timeloop's mapping, the problem and architecture as published, and
// Accelergy's ERT for energy; the cycles are Timeloop's, and what Timeloop
// ignores comes out as note rows.
func TestEvalTimeloopPublishedDesigns(t *testing.T) {
	cycles := map[string]string{"eyeriss_like": "cycles,", "simple_output_stationary": "cycles,"}
	for design := range cycles {
		dir := filepath.Join(cnnData, design)
		var out, errb bytes.Buffer
		args := []string{"eval", "-timeloop-map", filepath.Join(dir, "timeloop-mapper.map.txt"),
			"-problem", filepath.Join(dir, "parsed-processed-input.yaml"),
			"-arch", filepath.Join(dir, "arch.yaml"), "-ert", filepath.Join(dir, "timeloop-mapper.ERT.yaml")}
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", design, code, errb.String())
		}
		stats, err := os.ReadFile(filepath.Join(dir, "timeloop-mapper.stats.txt"))
		if err != nil {
			t.Fatal(err)
		}
		var want string
		for _, line := range strings.Split(string(stats), "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && k == "Cycles" {
				want = strings.TrimSpace(v)
				break
			}
		}
		o := out.String()
		if want == "" || !strings.Contains(o, "\ncycles,"+want+"\n") || !strings.Contains(o, "fj_per_compute,Total,") || !strings.Contains(o, "note,") {
			t.Errorf("%s: output lacks Timeloop's cycles %s, the fJ/compute summary or the notes:\n%s", design, want, o)
		}
	}
}
