package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestSearchJSONIsReproducible runs `dian search -json` and compares the
// hash of its output, timing removed, with testdata/search-json.sha256.
// CI runs it natively and with the CLI compiled to wasm and run in Node:
// the same golden value for both proves the CLI gives the same JSON on
// either.
func TestSearchJSONIsReproducible(t *testing.T) {
	const frag = "v=1&dataset=digits8&epochs=1&finetune=1&accelsteps=20&finalsteps=100"
	var stdout, stderr bytes.Buffer
	if code := run([]string{"search", "-config", frag, "-json", "-assets", "../../assets"}, &stdout, &stderr); code != 0 {
		t.Fatalf("dian search exited %d: %s", code, stderr.String())
	}
	var result map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &result); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	for _, key := range []string{"config", "network", "accelerator", "metrics", "layers", "timing"} {
		if _, ok := result[key]; !ok {
			t.Errorf("the JSON has no %q", key)
		}
	}
	if acc := result["metrics"].(map[string]any)["accuracy"].(float64); acc <= 0 || acc > 1 {
		t.Errorf("metrics.accuracy = %v, want a fraction", acc)
	}
	delete(result, "timing")
	canonical, _ := json.Marshal(result) // sorted keys: independent of field order
	sum := sha256.Sum256(canonical)
	got := hex.EncodeToString(sum[:])
	want, err := os.ReadFile("testdata/search-json.sha256")
	if err != nil {
		t.Fatal(err)
	}
	if got != strings.TrimSpace(string(want)) {
		t.Errorf("dian search -json hash %s, want %s", got, strings.TrimSpace(string(want)))
	}
}

func TestSearchRejectsBadConfig(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"search", "-config", "v=1&epochs=0&dataset=cifar", "-assets", "../../assets"}, &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "epochs:") || !strings.Contains(stderr.String(), "dataset:") {
		t.Errorf("exit %d, stderr %q: want a usage error naming epochs and dataset", code, stderr.String())
	}
}

func TestSearchKeysListsEveryKey(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"search", "-keys"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, k := range []string{"dataset", "platform", "engine", "seed", "epochs", "baselines"} {
		if !strings.Contains(stdout.String(), "  "+k+" ") {
			t.Errorf("dian search -keys does not list %q", k)
		}
	}
}
