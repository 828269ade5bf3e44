package service

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/sweep"
	"github.com/dian-explorer/dian/wasm/protocol"
)

// The page's Compare mode: plan lists the link's searches, the page runs
// them in its workers, and summarize turns their results into what
// `dian sweep -json` gives for the same link.
func TestPlanAndSummarize(t *testing.T) {
	const frag = "v=1&dataset=digits8&epochs=1&finetune=0.2&accelsteps=10&finalsteps=40&baselines=fixednet&seeds=1-2"
	var p protocol.Plan
	if err := msgpack.Unmarshal(Answer(mustMarshal(t, protocol.ParseRequest{Type: "plan", ID: 3, Fragment: frag})), &p); err != nil {
		t.Fatal(err)
	}
	if p.Type != "plan" || p.ID != 3 || len(p.Units) != 4 || strings.Join(p.Methods, ",") != "cosearch,fixednet" || len(p.Points) != 1 {
		t.Fatalf("plan %+v", p)
	}
	link, in := loadFragment(t, frag)
	req := protocol.SummarizeRequest{Type: "summarize", ID: 4, Fragment: frag}
	for _, u := range p.Units {
		ul, err := share.Parse(u.Fragment)
		if err != nil {
			t.Fatal(err)
		}
		res, err := search.Run(context.Background(), ul.Config, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := ResultJSON(res)
		req.Runs = append(req.Runs, protocol.SummarizeRun{Index: u.Index, JSON: string(b)})
	}
	var s protocol.Summary
	if err := msgpack.Unmarshal(Answer(mustMarshal(t, req)), &s); err != nil || s.Type != "summary" {
		t.Fatalf("summary %+v, %v", s, err)
	}
	spec, err := sweep.SpecOfLink(link)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sweep.Run(context.Background(), spec, in, sweep.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sweep.Decode([]byte(s.JSON), "summary")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [](*sweep.Result){got, want} {
		r.Timing = sweep.Timing{}
		for i := range r.Runs {
			r.Runs[i].Seconds = 0
		}
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("the page's summary differs from dian sweep's:\n%s\n%s", a, b)
	}
	// Bad input gets an error that says what is wrong.
	for _, bad := range []protocol.SummarizeRequest{
		{Type: "summarize", Fragment: frag, Runs: []protocol.SummarizeRun{{Index: 9, JSON: "{}"}}},
		{Type: "summarize", Fragment: frag, Runs: []protocol.SummarizeRun{{Index: 0, JSON: req.Runs[1].JSON}}},
		{Type: "summarize", Fragment: "v=1&dataset=digits8", Runs: nil},
	} {
		var e protocol.Error
		if err := msgpack.Unmarshal(Answer(mustMarshal(t, bad)), &e); err != nil || e.Type != "error" || e.Message == "" {
			t.Errorf("summarize %+v: reply %+v, %v; want an error", bad.Runs, e, err)
		}
	}
}
