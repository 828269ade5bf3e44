//go:build !js

package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
)

// The page's MessagePack decoder (wasm/web/msgpack.js), fuzzed in Node for
// a few seconds: every input decodes or is refused with a "msgpack:"
// error, never another exception. Longer runs:
// node wasm/web/test/msgpack_fuzz.mjs SECONDS SEED.
func TestMsgpackJSFuzz(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed (apt-get install -y nodejs; .ci/run does this)")
	}
	out, err := exec.Command(node, filepath.Join(repoRoot, "wasm", "web", "test", "msgpack_fuzz.mjs"), "3", "1").Output()
	if err != nil {
		t.Fatalf("running the fuzzer: %v", err)
	}
	var r struct {
		Runs, Decoded, Refused int
		Failure                *struct{ Input, Error string }
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("the fuzzer printed %q: %v", out, err)
	}
	if r.Failure != nil {
		t.Fatalf("msgpack.js threw %s on %s", r.Failure.Error, r.Failure.Input)
	}
	if r.Runs < 1000 || r.Decoded == 0 || r.Refused == 0 {
		t.Errorf("the fuzzer ran %d inputs (%d decoded, %d refused): too few to mean anything", r.Runs, r.Decoded, r.Refused)
	}
	t.Logf("%d inputs: %d decoded, %d refused", r.Runs, r.Decoded, r.Refused)
}
