package service

import (
	"slices"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/wasm/protocol"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/share"
)

func TestHandleKeys(t *testing.T) {
	var k protocol.Keys
	if err := msgpack.Unmarshal(Answer(mustMarshal(t, map[string]any{"type": "keys", "id": 5})), &k); err != nil {
		t.Fatal(err)
	}
	if k.Type != "keys" || k.ID != 5 || k.Version != share.Version || len(k.Keys) != len(share.Keys) {
		t.Fatalf("keys reply = %+v", k)
	}
	for i, info := range k.Keys {
		key := share.Keys[i]
		if info.Name != key.Name || info.Default != key.Default() || info.Kind != key.Kind() || info.Accepts == "" {
			t.Errorf("key %d = %+v, want %s with default %q", i, info, key.Name, key.Default())
		}
		if info.Kind == "enum" && !slices.Contains(info.Accepted, info.Default) {
			t.Errorf("enum %s: default %q is not among %v", info.Name, info.Default, info.Accepted)
		}
	}
}

func TestParseLink(t *testing.T) {
	p := ParseLink(4, "#v=1&dataset=digits8&seed=9&run=1&lock=seed&lesson=tradeoff")
	if len(p.Problems) != 0 || !p.Run || p.Values["dataset"] != "digits8" || p.Values["seed"] != "9" ||
		strings.Join(p.Lock, ",") != "seed" || p.Lesson != "tradeoff" {
		t.Errorf("ParseLink = %+v", p)
	}
	if len(p.Values) != len(share.Keys) {
		t.Errorf("ParseLink gives %d values, want one per key (%d)", len(p.Values), len(share.Keys))
	}
	if !strings.HasPrefix(p.Canonical, "v=3&dataset=digits8&") || !strings.HasSuffix(p.Canonical, "&run=1&lock=seed&lesson=tradeoff") {
		t.Errorf("canonical = %q", p.Canonical)
	}

	bad := ParseLink(1, "v=1&epochs=0&platform=tpu&target=5")
	var keys []string
	for _, pr := range bad.Problems {
		keys = append(keys, pr.Key)
		if !strings.HasPrefix(pr.Message, pr.Key+": ") || pr.Accepted == "" {
			t.Errorf("problem %+v does not name its key and what it accepts", pr)
		}
	}
	if strings.Join(keys, ",") != "epochs,platform,target" {
		t.Errorf("problems name %v, want epochs, platform, target", keys)
	}
	if epochs, _ := share.KeyByName("epochs"); bad.Values["epochs"] != epochs.Default() {
		t.Errorf("a bad key's value = %q, want its default", bad.Values["epochs"])
	}
}

// Every lesson is one of share.Lessons and its link parses and opens the
// lesson without starting the search.
func TestLessons(t *testing.T) {
	if len(Lessons) != len(share.Lessons) {
		t.Fatalf("%d lessons, share names %d", len(Lessons), len(share.Lessons))
	}
	for i, l := range Lessons {
		if l.Name != share.Lessons[i] || l.Title == "" || len(l.Steps) == 0 {
			t.Errorf("lesson %d = %+v, want %s with a title and steps", i, l, share.Lessons[i])
		}
		link, err := share.Parse(l.Fragment)
		if err != nil {
			t.Errorf("lesson %s: %v", l.Name, err)
			continue
		}
		if link.Lesson != l.Name || link.Run {
			t.Errorf("lesson %s: link opens lesson %q (run %v), want itself and no auto-run", l.Name, link.Lesson, link.Run)
		}
	}
}

// A link may carry a result: ParseLink decodes it, and names the result
// key when it is not one.
func TestParseLinkCarriedResult(t *testing.T) {
	text, err := report.EncodeCompact(report.Compact{Ops: []string{"k3_e1", "skip"}, Metrics: report.Metrics{Accuracy: 0.9, FPS: 1200}})
	if err != nil {
		t.Fatal(err)
	}
	p := ParseLink(1, "v=1&dataset=digits8&result="+text)
	if len(p.Problems) != 0 || p.Carried == nil || p.Carried.FPS != 1200 || p.Carried.Ops[1] != "skip" {
		t.Errorf("ParseLink carried %+v, problems %v", p.Carried, p.Problems)
	}
	bad := ParseLink(1, "v=1&result=AAAA")
	if len(bad.Problems) != 1 || bad.Problems[0].Key != "result" || bad.Carried != nil {
		t.Errorf("a bad result= gave problems %+v, carried %v", bad.Problems, bad.Carried)
	}
}
