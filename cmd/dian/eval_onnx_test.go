package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var onnxData = filepath.Join("..", "..", "core", "accel", "onnx", "testdata")

// A MobileNetV2-style model written by python3-onnx, costed on the ASIC
// and systolic presets: the total MACs are the ones its writer computed, every layer is
// mapped, and the errors say what is wrong.
func TestEvalONNX(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(onnxData, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]struct {
		MACs   int64             `json:"macs"`
		Layers []json.RawMessage `json:"layers"`
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(onnxData, "mobilenetv2_tiny.onnx")
	for _, plat := range []string{"eyeriss", "systolic16"} {
		var out, errb bytes.Buffer
		if code := run([]string{"eval", "-onnx", model, "-platform", plat, "-json"}, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", plat, code, errb.String())
		}
		var res onnxResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		w := want["mobilenetv2_tiny"]
		if res.MACs != w.MACs || len(res.Layers) != len(w.Layers) || res.Cycles <= 0 || res.EnergyPJ <= 0 {
			t.Errorf("%s: %d MACs in %d layers (want %d in %d), %d cycles, %g pJ", plat, res.MACs, len(res.Layers), w.MACs, len(w.Layers), res.Cycles, res.EnergyPJ)
		}
		t.Logf("%s: %d MACs, %d cycles, %.3g pJ", plat, res.MACs, res.Cycles, res.EnergyPJ)
	}
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.onnx")
	os.WriteFile(junk, []byte("not a model"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-onnx", model}, 2, "-onnx takes -platform"},
		{[]string{"-onnx", junk, "-platform", "eyeriss"}, 1, "junk.onnx: onnx: malformed model"},
		{[]string{"-onnx", filepath.Join(dir, "none.onnx"), "-platform", "eyeriss"}, 1, "no such file"},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"eval"}, c.args...), &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("dian eval %v: exit %d, %q; want exit %d and %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
}
