package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/report"
)

var update = flag.Bool("update", false, "rewrite testdata/search.json")

// TestSearchJSONIsReproducible runs `dian search -json` and compares its
// output, timing removed, with testdata/search.json, naming the first field
// that differs. CI runs it natively and with the CLI compiled to wasm and
// run in Node: one golden file for both proves the CLI prints the same
// JSON on either.
func TestSearchJSONIsReproducible(t *testing.T) {
	const frag = "v=1&dataset=digits8&epochs=1&finetune=1&accelsteps=20&finalsteps=100"
	var stdout, stderr bytes.Buffer
	if code := run([]string{"search", "-config", frag, "-json", "-assets", "../../assets"}, &stdout, &stderr); code != 0 {
		t.Fatalf("dian search exited %d: %s", code, stderr.String())
	}
	var res report.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("output is not a result: %v", err)
	}
	if res.Metrics.Accuracy <= 0 || res.Metrics.Accuracy > 1 || res.Accelerator == nil || len(res.Layers) == 0 {
		t.Errorf("implausible result: metrics %+v, %d layers", res.Metrics, len(res.Layers))
	}
	res.Timing = report.Timing{}
	got, err := json.MarshalIndent(&res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile("testdata/search.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("testdata/search.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		d, err := report.Diff(got, want)
		if err != nil {
			d = err.Error()
		}
		t.Errorf("dian search -json differs from testdata/search.json at %s (this run, then the golden value)", d)
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

func TestSearchResumeRejects(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.ckpt")
	if err := os.WriteFile(junk, []byte("not a checkpoint at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-resume", filepath.Join(dir, "missing.ckpt")}, 1, "no such file"},
		{[]string{"-resume", junk}, 1, "not a DIAN snapshot"},
		{[]string{"-checkpoint-every", "-1s", "-config", "v=2"}, 2, "-checkpoint-every"},
		{[]string{"-checkpoint", filepath.Join(dir, "x.ckpt"), "-config", "v=2&dataset=digits8&method=fixednet"}, 1, "checkpoints cover co-searches"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"search", "-assets", "../../assets"}, c.args...), &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("dian search %v: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
}
