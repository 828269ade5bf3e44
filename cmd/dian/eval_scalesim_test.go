package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const scaleSimGolden = "../../core/accel/scalesim/testdata/calc_ws_alexnet_conv1"

// SCALE-Sim's own regression run, through the CLI: the row carries the
// numbers of its COMPUTE and DETAILED_ACCESS reports.
func TestEvalScaleSimGolden(t *testing.T) {
	var so, se bytes.Buffer
	args := []string{"eval", "-scalesim-config", filepath.Join(scaleSimGolden, "scale.cfg"), "-topology", filepath.Join(scaleSimGolden, "alexnet_part.csv")}
	if code := run(args, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	want := "layer,total_cycles,overall_util_pct,sram_ifmap_reads,sram_filter_reads,sram_ofmap_writes,dram_ifmap_reads,dram_filter_reads,dram_ofmap_writes\n" +
		"Conv1,112283,91.68309650614964,3294225,34848,3484800,1805023,34848,3484831\n"
	if so.String() != want {
		t.Errorf("dian %s =\n%s\nwant\n%s", strings.Join(args, " "), so.String(), want)
	}
}

// Depthwise rows run once per channel, one output row each, as in
// SCALE-Sim's reports.
func TestEvalScaleSimDepthwise(t *testing.T) {
	dir := t.TempDir()
	topo := filepath.Join(dir, "t.csv")
	os.WriteFile(topo, []byte("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nConv_DP, 10, 10, 3, 3, 3, 1, 1,\n"), 0o644)
	var so, se bytes.Buffer
	if code := run([]string{"eval", "-scalesim-config", filepath.Join(scaleSimGolden, "scale.cfg"), "-topology", topo}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	lines := strings.Split(strings.TrimSpace(so.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[3], "Conv_DPChannel_2,") || lines[1][strings.IndexByte(lines[1], ','):] != lines[3][strings.IndexByte(lines[3], ','):] {
		t.Errorf("depthwise output:\n%s\nwant 3 identical rows Conv_DPChannel_0..2", so.String())
	}
}

func TestEvalScaleSimBadFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(scaleSimGolden, "scale.cfg")
	topo := filepath.Join(scaleSimGolden, "alexnet_part.csv")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, _ := os.ReadFile(cfg)
	head := "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
	tests := []struct {
		name, cfg, topo string
		want            []string
	}{
		{"missing config", filepath.Join(dir, "none.cfg"), topo, []string{"none.cfg"}},
		{"zero SRAM", write("zero.cfg", strings.Replace(string(good), "IfmapSramSzkB:   64", "IfmapSramSzkB: 0", 1)), topo, []string{"zero.cfg:7", "IfmapSramSzkB"}},
		{"huge array", write("huge.cfg", strings.Replace(string(good), "ArrayWidth:     32", "ArrayWidth: 1000000", 1)), topo, []string{"huge.cfg:6", "ArrayWidth"}},
		{"wrong columns", cfg, write("cols.csv", head+"Conv1, 224, 224, 11, 11, 3,\n"), []string{"cols.csv:2", "want 8 or 9"}},
		{"non-number", cfg, write("nan.csv", head+"Conv1, 224, two, 11, 11, 3, 96, 4,\n"), []string{"nan.csv:2", "IFMAP Width", `"two"`}},
		{"negative", cfg, write("neg.csv", head+"Conv1, 224, 224, 11, 11, 3, -96, 4,\n"), []string{"neg.csv:2", "Num Filter"}},
	}
	for _, tt := range tests {
		var so, se bytes.Buffer
		code := run([]string{"eval", "-scalesim-config", tt.cfg, "-topology", tt.topo}, &so, &se)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1 (stderr %q)", tt.name, code, se.String())
		}
		for _, w := range tt.want {
			if !strings.Contains(se.String(), w) {
				t.Errorf("%s: stderr %q does not mention %q", tt.name, se.String(), w)
			}
		}
	}
}
