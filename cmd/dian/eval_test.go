package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/report"
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

// eyerissDesign is the Eyeriss preset's full array (12 × 14 PEs, 16-bit,
// 0.5 KB register file per PE, 108 KB global buffer) running every layer of
// exampleNet.
const eyerissDesign = `{"name": "eyeriss-full", "platform": "eyeriss", "assign": "explicit", "pad": true,
  "chunks": [{"name": "array", "rows": 12, "cols": 14, "dataflow": "rs", "bits": 16,
    "buffers": {"rf_bytes": 512, "gb_bytes": 110592},
    "tiles": {"rf": {"K": 8, "C": 8}, "gb": {"K": 8, "C": 8, "P": 16, "Q": 16}},
    "unroll": {"K": 4, "C": 4, "P": 8},
    "layers": ["stem", "b0.pw1", "b0.dw", "b0.pw2", "b1.pw1", "b1.dw", "b1.pw2", "b2.pw1", "b2.dw", "b2.pw2", "head", "fc"]}]}`

// TestEvalDesignArea: on the ASIC preset the totals block has the area and
// its parts, which add up, at the preset's 65 nm; the FPGA example has no
// area rows; -json carries the same numbers.
func TestEvalDesignArea(t *testing.T) {
	design := filepath.Join(t.TempDir(), "eyeriss.json")
	if err := os.WriteFile(design, []byte(eyerissDesign), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"eval", "-model", "dna", "-design", design, "-net", exampleNet}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	blocks := strings.Split(out.String(), "\n\n")
	rows, err := csv.NewReader(strings.NewReader(blocks[len(blocks)-1])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	metric := map[string]float64{}
	for _, r := range rows {
		if v, err := strconv.ParseFloat(r[1], 64); err == nil {
			metric[r[0]] = v
		}
	}
	parts := metric["area_mac_mm2"] + metric["area_rf_mm2"] + metric["area_gb_mm2"]
	if metric["area_mm2"] <= 0 || math.Abs(metric["area_mm2"]-parts) > 1e-12*parts || metric["area_node_nm"] != 65 {
		t.Errorf("area_mm2 %v, parts sum %v, node %v; want a positive area equal to its parts at 65 nm:\n%s",
			metric["area_mm2"], parts, metric["area_node_nm"], blocks[len(blocks)-1])
	}

	out.Reset()
	if code := run([]string{"eval", "-json", "-model", "dna", "-design", design, "-net", exampleNet}, &out, &errb); code != 0 {
		t.Fatalf("-json: exit %d: %s", code, errb.String())
	}
	var js struct {
		AreaMM2   float64            `json:"area_mm2"`
		AreaParts map[string]float64 `json:"area_parts"`
	}
	if err := json.Unmarshal(out.Bytes(), &js); err != nil {
		t.Fatal(err)
	}
	if js.AreaMM2 != metric["area_mm2"] || js.AreaParts["gb_mm2"] != metric["area_gb_mm2"] {
		t.Errorf("-json area %v, parts %v; CSV says %v", js.AreaMM2, js.AreaParts, metric["area_mm2"])
	}

	out.Reset()
	if code := run([]string{"eval", "-design", exampleDesign, "-net", exampleNet}, &out, &errb); code != 0 {
		t.Fatalf("FPGA: exit %d: %s", code, errb.String())
	}
	if strings.Contains(out.String(), "area_") {
		t.Errorf("the FPGA design's output has area rows:\n%s", out.String())
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
		{"-timeloop-map", "m.txt", "-problem", "p.yaml", "-platform", "zc706"},                                   // the model needs -arch
		{"-timeloop-map", "m.txt", "-problem", "p.yaml", "-arch", "a.yaml", "-model", "dna"},                     // -model needs -platform
		{"-timeloop-map", "m.txt", "-problem", "p.yaml", "-arch", "a.yaml", "-platform", "tpu"},                  // no such preset
		{"-timeloop-map", "m.txt", "-problem", "p.yaml", "-arch", "a.yaml", "-platform", "zc706", "-model", "x"}, // no such model
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

// TestEvalCostsLikeTheSearch runs a short search on each kind of platform
// (an FPGA, the ASIC, the systolic array), writes the design and network it
// found as the files dian eval reads, and evaluates them with the default
// model: every headline number and every layer's cycles must be the
// search's own, bit for bit.
func TestEvalCostsLikeTheSearch(t *testing.T) {
	for _, platform := range []string{"zc706", "eyeriss", "systolic16"} {
		t.Run(platform, func(t *testing.T) {
			frag := "v=1&dataset=digits8&platform=" + platform + "&epochs=1&finetune=0.2&accelsteps=20&finalsteps=100"
			var out, errb bytes.Buffer
			if code := run([]string{"search", "-quiet", "-json", "-config", frag, "-assets", "../../assets"}, &out, &errb); code != 0 {
				t.Fatalf("search exited %d: %s", code, errb.String())
			}
			var res struct {
				Network struct {
					Layers json.RawMessage `json:"layers"`
				} `json:"network"`
				Accelerator json.RawMessage   `json:"accelerator"`
				Metrics     report.Metrics    `json:"metrics"`
				Layers      []accel.LayerCost `json:"layers"`
			}
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			if !res.Metrics.Feasible {
				t.Fatalf("the search found no feasible design on %s", platform)
			}
			dir := t.TempDir()
			design, network := filepath.Join(dir, "design.json"), filepath.Join(dir, "net.json")
			netJSON := `{"name": "found", "layers": ` + string(res.Network.Layers) + `}`
			if err := os.WriteFile(design, res.Accelerator, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(network, []byte(netJSON), 0o644); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			if code := run([]string{"eval", "-json", "-design", design, "-net", network}, &out, &errb); code != 0 {
				t.Fatalf("eval exited %d: %s", code, errb.String())
			}
			var cost accel.NetworkCost
			if err := json.Unmarshal(out.Bytes(), &cost); err != nil {
				t.Fatal(err)
			}
			got := report.MetricsOf(&cost, res.Metrics.Accuracy)
			if got != res.Metrics {
				t.Errorf("dian eval gives %+v\nthe search gave %+v", got, res.Metrics)
			}
			if len(cost.Layers) != len(res.Layers) {
				t.Fatalf("dian eval costs %d layers, the search %d", len(cost.Layers), len(res.Layers))
			}
			for i := range cost.Layers {
				if g, w := cost.Layers[i], res.Layers[i]; g.Layer != w.Layer || g.Cycles != w.Cycles || g.EnergySum != w.EnergySum {
					t.Errorf("layer %d: dian eval %s %v cycles %v energy, the search %s %v %v", i, g.Layer, g.Cycles, g.EnergySum, w.Layer, w.Cycles, w.EnergySum)
				}
			}
		})
	}
}
