//go:build !js

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/data"
	"github.com/dian-explorer/dian/core/report"
)

// ortPath is onnxruntime-web, which .ci/run installs with npm.
var ortPath = filepath.Join("..", "..", ".build", "npm", "node_modules", "onnxruntime-web")

// `dian search -onnx-out` writes the found network with its trained
// weights; ONNX Runtime (onnxruntime-web's wasm backend, in Node) reading
// the test images as stored classifies exactly as many correctly as the
// search reported.
func TestSearchONNXOutRunsInONNXRuntime(t *testing.T) {
	if _, err := os.Stat(filepath.Join(ortPath, "package.json")); err != nil {
		t.Fatalf("onnxruntime-web is not installed (bash .ci/run installs it: npm install --prefix .build/npm -E onnxruntime-web@1.30.0): %v", err)
	}
	ort, err := filepath.Abs(ortPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{
		"v=2&dataset=digits8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100",
		"v=2&dataset=mnist14&epochs=1&searchset=1000&finetune=0.2&accelsteps=20&finalsteps=100",
		// A precision search: each op's input fake-quantized in the graph,
		// its weights stored at their levels.
		"v=2&dataset=digits8&bits=4,6,8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100",
	} {
		dir := t.TempDir()
		model := filepath.Join(dir, "net.onnx")
		var out, errb bytes.Buffer
		if code := run([]string{"search", "-config", frag, "-json", "-quiet", "-assets", "../../assets", "-onnx-out", model}, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", frag, code, errb.String())
		}
		var res report.Result
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		key := strings.TrimPrefix(strings.Split(frag, "&")[1], "dataset=")
		pixels, labels, h, w, err := data.StoredTest(os.DirFS("../../assets/datasets"), key)
		if err != nil {
			t.Fatal(err)
		}
		px, lb := filepath.Join(dir, "pixels"), filepath.Join(dir, "labels")
		if err := os.WriteFile(px, pixels, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(lb, labels, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("node", "testdata/onnx_accuracy.mjs", model, px, lb, fmt.Sprint(h), fmt.Sprint(w))
		cmd.Env = append(os.Environ(), "ORT_PATH="+ort)
		got, err := cmd.Output()
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("%s: node: %v\n%s", key, err, stderr)
		}
		var acc struct{ N, Correct int }
		if err := json.Unmarshal(got, &acc); err != nil {
			t.Fatalf("node printed %q: %v", got, err)
		}
		want := int(math.Round(res.Metrics.Accuracy * float64(acc.N)))
		if acc.N != len(labels) || acc.Correct != want {
			t.Errorf("%s: ONNX Runtime classifies %d of %d test images correctly; the search reported %.4f (%d)", key, acc.Correct, acc.N, res.Metrics.Accuracy, want)
		}
		t.Logf("%s (%s, bits %v): ONNX Runtime %d of %d correct, the search %.2f %%", key, strings.Join(res.Network.Ops, " "), res.Network.Bits, acc.Correct, acc.N, 100*res.Metrics.Accuracy)
	}
}
