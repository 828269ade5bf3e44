package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	exampleDesign = "../../core/accel/testdata/design_autonba_cifar.json"
	exampleNet    = "../../core/accel/testdata/net_cifar_tiny.json"
)

func TestEvalDesignCSV(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"eval", "-design", exampleDesign, "-net", exampleNet}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	blocks := strings.Split(out.String(), "\n\n")
	if len(blocks) != 3 {
		t.Fatalf("got %d CSV blocks, want 3 (layers, chunks, totals):\n%s", len(blocks), out.String())
	}
	layers, err := csv.NewReader(strings.NewReader(blocks[0])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(layers[0], ","); got != strings.Join(costLayerHeader, ",") {
		t.Errorf("header = %s", got)
	}
	// 12 layers, a header and a total row.
	if len(layers) != 14 || layers[1][0] != "stem" || layers[13][0] != "total" {
		t.Errorf("layer block has %d rows, first %q, last %q; want 14, stem, total", len(layers), layers[1][0], layers[len(layers)-1][0])
	}
	if !strings.Contains(blocks[2], "model,fpga-chunk/corrected") || !strings.Contains(blocks[2], "feasible,true") {
		t.Errorf("totals block lacks model or feasibility:\n%s", blocks[2])
	}
}

func TestEvalDesignJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"eval", "-json", "-model", "faithful", "-design", exampleDesign, "-net", exampleNet}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got struct {
		Model  string `json:"model"`
		FPS    float64
		Layers []struct {
			Layer    string `json:"layer"`
			Modelled bool   `json:"modelled"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Model != "fpga-chunk/faithful" || len(got.Layers) != 12 || got.Layers[0].Modelled || got.FPS <= 0 {
		t.Errorf("JSON = model %q, %d layers, stem modelled %v, fps %v; want faithful, 12, false, > 0",
			got.Model, len(got.Layers), got.Layers[0].Modelled, got.FPS)
	}
}

func TestEvalDesignDNA(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"eval", "-model", "dna", "-design", exampleDesign, "-net", exampleNet}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "model,dna-estimator") {
		t.Errorf("-model dna output lacks model,dna-estimator:\n%s", out.String())
	}
}

func TestEvalUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-design", exampleDesign},
		{"-design", exampleDesign, "-net", exampleNet, "-timeloop-map", "m.txt"},
		{"-scalesim-config", "a.cfg", "-topology", "t.csv", "-json"},
		{"-design", exampleDesign, "-net", exampleNet, "-model", "exact"},
		{"-scalesim-config", "a.cfg"},
		{"-problem", "p.yaml"},
	} {
		var out, errb bytes.Buffer
		if code := run(append([]string{"eval"}, args...), &out, &errb); code != 2 {
			t.Errorf("eval %q: exit %d, want 2 (usage); stderr %s", args, code, errb.String())
		}
	}
}

func TestEvalBadFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\"name\": \"n\", \"layers\": [\n{\"name\": \"l\", \"in_c\": 1, \"k\": -4, \"h\": 8, \"w\": 8, \"r\": 1, \"s\": 1}]}"), 0o644)
	var out, errb bytes.Buffer
	code := run([]string{"eval", "-design", exampleDesign, "-net", bad}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "bad.json: line 2: layers[0]: field k: -4") {
		t.Errorf("exit %d, stderr %q; want 1 and an error naming file, line, field", code, errb.String())
	}
	code = run([]string{"eval", "-design", filepath.Join(dir, "missing.json"), "-net", exampleNet}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "missing.json") {
		t.Errorf("missing file: exit %d, stderr %q", code, errb.String())
	}
}
