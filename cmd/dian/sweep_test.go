package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tinySweep = "v=1&dataset=digits8&epochs=1&finetune=0.2&accelsteps=10&finalsteps=40"

func dian(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return o.String(), e.String(), code
}

// The JSON has the keys the tools around the project read, and a sweep
// split into shards and merged is the sweep run whole (apart from timing).
func TestSweepCommand(t *testing.T) {
	args := []string{"sweep", "-quiet", "-json", "-assets", "../../assets", "-config", tinySweep, "-seeds", "1-2", "-baselines", "fixednet", "-lambdas", "0.1,1"}
	whole, stderr, code := dian(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Runs []struct {
			Method   string  `json:"method"`
			Seed     int     `json:"seed"`
			Accuracy float64 `json:"accuracy"`
			FPS      float64 `json:"fps"`
			EDP      float64 `json:"edp"`
			Config   string  `json:"config"`
		} `json:"runs"`
		Summary map[string]map[string]json.RawMessage `json:"summary"`
	}
	if err := json.Unmarshal([]byte(whole), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 8 || doc.Runs[0].Method != "cosearch" || doc.Runs[0].Seed != 1 || doc.Runs[0].Accuracy <= 0 || doc.Runs[0].FPS <= 0 {
		t.Fatalf("runs %+v", doc.Runs)
	}
	if !strings.Contains(doc.Runs[7].Config, "method=fixednet") {
		t.Errorf("the last run's config %q does not name its method", doc.Runs[7].Config)
	}
	for _, m := range []string{"cosearch", "fixednet"} {
		for _, key := range []string{"hypervolume", "accuracy", "fps"} {
			var s struct {
				Mean float64    `json:"mean"`
				CI95 [2]float64 `json:"ci95"`
			}
			if err := json.Unmarshal(doc.Summary[m][key], &s); err != nil || s.Mean <= 0 || !(s.CI95[0] <= s.Mean && s.Mean <= s.CI95[1]) {
				t.Errorf("summary.%s.%s = %s (%v)", m, key, doc.Summary[m][key], err)
			}
		}
	}
	dir := t.TempDir()
	var shards []string
	for _, sh := range []string{"1/2", "2/2"} {
		f := filepath.Join(dir, strings.Replace(sh, "/", "of", 1)+".json")
		if _, stderr, code := dian(t, append(args, "-shard", sh, "-workers", "1", "-out", f)...); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", sh, code, stderr)
		}
		shards = append(shards, f)
	}
	merged, stderr, code := dian(t, append([]string{"merge", "-json"}, shards...)...)
	if code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	if a, b := withoutTimes(t, whole), withoutTimes(t, merged); a != b {
		t.Errorf("two shards merged differ from the sweep run whole:\n%s\n%s", b, a)
	}
	// Tables, and a merge of one shard says what is missing.
	out, stderr, code := dian(t, "merge", shards[0])
	if code != 0 || !strings.Contains(stderr, "4 of 8 units have no run") || !strings.Contains(out, "hypervolume") {
		t.Errorf("merge of one shard: exit %d, stderr %q, stdout %q", code, stderr, out)
	}
	// -markdown writes the same tables as Markdown, as the README shows them.
	md, stderr, code := dian(t, append([]string{"merge", "-markdown"}, shards...)...)
	if code != 0 || !strings.Contains(md, "| method | searches | accuracy % |") || !strings.Contains(md, "|---|---|") ||
		!strings.Contains(md, "| fixednet | ") {
		t.Errorf("merge -markdown: exit %d, stderr %q, stdout %q", code, stderr, md)
	}
	// -out resumes: a second run of a finished sweep runs nothing again.
	f := filepath.Join(dir, "whole.json")
	if _, stderr, code := dian(t, append(args, "-out", f)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, stderr, code := dian(t, append(args, "-out", f)...); code != 0 || !strings.Contains(stderr, "resuming") || !strings.Contains(stderr, "8 runs done") {
		t.Errorf("resume: exit %d, stderr %q", code, stderr)
	}
	if b, err := os.ReadFile(f); err != nil || withoutTimes(t, string(b)) != withoutTimes(t, whole) {
		t.Errorf("-out holds another result (%v)", err)
	}
}

// withoutTimes clears a sweep JSON's timing fields.
func withoutTimes(t *testing.T, s string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "timing")
	for _, r := range doc["runs"].([]any) {
		delete(r.(map[string]any), "seconds")
	}
	if sw, ok := doc["sweep"].(map[string]any); ok {
		delete(sw, "shard")
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

func TestSweepRejects(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-seeds", "5-1"}, "-seeds"},
		{[]string{"-baselines", "nas"}, "-baselines"},
		{[]string{"-lambdas", "0.1", "-targets", "1-2"}, "one kind"},
		{[]string{"-lambdas", "-1"}, "-lambdas"},
		{[]string{"-shard", "3/2"}, "-shard"},
		{[]string{"-config", "v=1&method=random"}, "method=random"},
		{[]string{"-workers", "-1"}, "-workers"},
	} {
		_, stderr, code := dian(t, append([]string{"sweep", "-assets", "../../assets"}, tt.args...)...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("sweep %v: exit %d, stderr %q; want a usage error naming %q", tt.args, code, stderr, tt.want)
		}
	}
	if _, stderr, code := dian(t, "merge"); code != 2 || !strings.Contains(stderr, "name the shards") {
		t.Errorf("merge with no files: exit %d, %q", code, stderr)
	}
}
