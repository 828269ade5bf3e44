package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/snapshot"
	"github.com/dian-explorer/dian/core/wire"
)

// tripCtx is a context that starts failing on its trip-th Err call after
// it is armed: the observer arms it at a chosen step, so a search is
// interrupted exactly there (trip 1: at the next step boundary; more: inside
// the final accelerator search, which asks every 16 evaluations).
type tripCtx struct {
	context.Context
	armed       bool
	calls, trip int
}

func (c *tripCtx) Err() error {
	if !c.armed {
		return nil
	}
	c.calls++
	if c.calls >= c.trip {
		return context.Canceled
	}
	return nil
}

// stop is an interruption: at the first event of phase with step ≥ step,
// trip on the trip-th Err call after it.
type stop struct {
	phase      string
	step, trip int
}

// runInterrupted runs cfg, interrupting it at each stop in turn and
// resuming from the checkpoint it saved, and returns the final result and
// the events the last run reported. It fails the test if an interruption
// does not save a checkpoint or a run ends otherwise than planned.
func runInterrupted(t *testing.T, cfg share.Config, in Input, stops []stop) (*report.Result, []report.Event) {
	t.Helper()
	var resume []byte
	for i := 0; ; i++ {
		ctx := &tripCtx{Context: context.Background()}
		var saved []byte
		var events []report.Event
		in := in
		in.Resume = resume
		in.Checkpoints = &Checkpoints{Save: func(b []byte, step, steps int) error { saved = bytes.Clone(b); return nil }}
		obs := func(e report.Event) {
			events = append(events, e)
			if i < len(stops) && !ctx.armed && e.Phase == stops[i].phase && e.Step >= stops[i].step {
				ctx.armed, ctx.trip = true, stops[i].trip
			}
		}
		res, err := Run(ctx, cfg, in, obs)
		if i == len(stops) {
			if err != nil {
				t.Fatalf("the last resumed run: %v", err)
			}
			return res, events
		}
		if !errors.Is(err, context.Canceled) || saved == nil {
			t.Fatalf("interruption %d (%+v): err %v, checkpoint saved %v", i, stops[i], err, saved != nil)
		}
		if !strings.Contains(err.Error(), "checkpoint saved at step") {
			t.Errorf("interruption %d: the error does not say a checkpoint was saved: %v", i, err)
		}
		got, err := DecodeCheckpoint(saved)
		if err != nil || (share.Link{Config: got}).Encode() != (share.Link{Config: cfg}).Encode() {
			t.Fatalf("DecodeCheckpoint: %v, config %v", err, got)
		}
		resume = saved
	}
}

// phaseSteps is the first and last step of every phase of a run's events.
func phaseSteps(events []report.Event) map[string][2]int {
	m := map[string][2]int{}
	for _, e := range events {
		r, ok := m[e.Phase]
		if !ok {
			r[0] = e.Step
		}
		r[1] = e.Step
		m[e.Phase] = r
	}
	return m
}

func resultJSON(t *testing.T, r *report.Result) []byte {
	t.Helper()
	r.Timing = report.Timing{}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A search interrupted in every phase, and resumed from its checkpoint
// each time, ends with the uninterrupted result (timing apart), and its
// events after a resume carry on where the interrupted run's stopped.
func TestResumeGivesTheUninterruptedResult(t *testing.T) {
	cases := []struct{ name, fragment string }{
		// Version 2's default schedule on the shipped snapshot.
		{"v2", "v=2&dataset=digits8&seed=4&epochs=2&finetune=0.5&accelsteps=20&finalsteps=200"},
		// A warm-up here, soft sampling, DNA's cost table, evolution.
		{"warmup-table-evolution", "v=2&dataset=digits8&pretrained=0&warmup=1&sampling=soft&hwcost=table&engine=evolution&epochs=1&finetune=0.5&accelsteps=20&finalsteps=200"},
		// Gumbel's Adam state, and the baselines phase.
		{"bits", "v=2&dataset=digits8&bits=4,6,8&seed=3&epochs=2&finetune=0.5&accelsteps=20&finalsteps=200&baselines=random"},
		{"gumbel-baselines", "v=2&dataset=digits8&engine=gumbel&platform=zc706&epochs=1&finetune=0.5&accelsteps=20&finalsteps=200&baselines=sequential,fixednet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := parse(t, c.fragment)
			in := loadInput(t, cfg)
			var whole []report.Event
			want, err := Run(context.Background(), cfg, in, func(e report.Event) { whole = append(whole, e) })
			if err != nil {
				t.Fatal(err)
			}
			ph := phaseSteps(whole)
			mid := func(phase string) int { return (ph[phase][0] + ph[phase][1]) / 2 }
			var stops []stop
			if _, ok := ph[report.PhaseWarmup]; ok {
				stops = append(stops, stop{report.PhaseWarmup, mid(report.PhaseWarmup), 1})
			}
			stops = append(stops,
				stop{report.PhaseSearch, ph[report.PhaseSearch][0], 1}, // the first search step
				stop{report.PhaseSearch, mid(report.PhaseSearch), 1},
				stop{report.PhaseSearch, ph[report.PhaseSearch][1], 4}, // inside the final accelerator search
				stop{report.PhaseFinetune, mid(report.PhaseFinetune), 1})
			if len(cfg.Baselines) > 0 {
				stops = append(stops, stop{report.PhaseBaseline, mid(report.PhaseBaseline), 1})
			}
			got, events := runInterrupted(t, cfg, in, stops)
			if w, g := resultJSON(t, want), resultJSON(t, got); !bytes.Equal(w, g) {
				d, _ := report.Diff(g, w)
				t.Errorf("interrupted %d times and resumed, the result differs at %s (resumed, then uninterrupted)", len(stops), d)
			}
			// The last run replays the kept events, then continues: its
			// steps never go back except where the replay starts.
			for i := 1; i < len(events); i++ {
				// (Baselines count their own steps.)
				inBaselines := events[i].Phase == report.PhaseBaseline || events[i-1].Phase == report.PhaseBaseline
				if events[i].Step < events[i-1].Step && !inBaselines {
					t.Fatalf("event %d goes back from step %d to %d", i, events[i-1].Step, events[i].Step)
				}
			}
			if last := events[len(events)-1]; last.Phase != report.PhaseDone || last.Step != whole[len(whole)-1].Step {
				t.Errorf("the resumed run ends at %s step %d, the whole one at step %d", last.Phase, last.Step, whole[len(whole)-1].Step)
			}
		})
	}
}

// A checkpoint is refused, with an error that says why, when it belongs to
// another search, is damaged, or holds a state outside the search's
// schedule.
func TestResumeRefuses(t *testing.T) {
	cfg := parse(t, "v=2&dataset=digits8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100")
	in := loadInput(t, cfg)
	ck := checkpointAt(t, cfg, in, report.PhaseSearch, 3)

	other := parse(t, "v=2&dataset=digits8&seed=9&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100")
	damaged := bytes.Clone(ck)
	damaged[len(damaged)/2] ^= 1
	cases := []struct {
		name string
		cfg  share.Config
		b    []byte
		want string
	}{
		{"another seed", other, ck, "does not match"},
		{"damaged", cfg, damaged, "corrupted"},
		{"truncated", cfg, ck[:len(ck)/3], "truncated"},
		{"not a snapshot", cfg, []byte("hello"), "not a DIAN snapshot"},
		{"baseline run", parse(t, "v=2&dataset=digits8&method=fixednet&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"), ck, "checkpoints cover co-searches"},
		{"state outside the schedule", cfg, withState(t, ck, func(st *checkpointState) { st.Pos.Batch = 1 << 20 }), "outside this search's schedule"},
		{"unknown phase", cfg, withState(t, ck, func(st *checkpointState) { st.Pos.Phase = "nap" }), "unknown phase"},
		{"future format", cfg, withState(t, ck, func(st *checkpointState) { st.Format = 99 }), "format 99"},
		{"foreign engine", cfg, withState(t, ck, func(st *checkpointState) { st.Engine.Engine = "gumbel" }), "engine"},
		{"bad batch order", cfg, withState(t, ck, func(st *checkpointState) { st.Weights.Perm[0] = st.Weights.Perm[1] }), "not a permutation"},
		{"bad design", cfg, withState(t, ck, func(st *checkpointState) { st.LastChoice = []int{1 << 30} }), "saved accelerator"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := in
			in.Resume = c.b
			_, err := Run(context.Background(), c.cfg, in, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// checkpointAt is the checkpoint a search of cfg saves when interrupted
// at the first event of phase at or after step.
func checkpointAt(t testing.TB, cfg share.Config, in Input, phase string, step int) []byte {
	t.Helper()
	ctx := &tripCtx{Context: context.Background(), trip: 1}
	var saved []byte
	in.Checkpoints = &Checkpoints{Save: func(b []byte, _, _ int) error { saved = bytes.Clone(b); return nil }}
	_, err := Run(ctx, cfg, in, func(e report.Event) {
		if e.Phase == phase && e.Step >= step {
			ctx.armed = true
		}
	})
	if !errors.Is(err, context.Canceled) || saved == nil {
		t.Fatalf("interrupting at %s step %d: %v, saved %v", phase, step, err, saved != nil)
	}
	return saved
}

// withState re-encodes checkpoint b with its state changed by edit (the
// checksum made valid again, so only the state's checks can refuse it).
func withState(t testing.TB, b []byte, edit func(*checkpointState)) []byte {
	t.Helper()
	snap, err := snapshot.Decode(b, snapshot.Expect{})
	if err != nil {
		t.Fatal(err)
	}
	var st checkpointState
	if err := wire.Unmarshal(snap.Payload, &st); err != nil {
		t.Fatal(err)
	}
	edit(&st)
	if snap.Payload, err = marshalState(&st); err != nil {
		t.Fatal(err)
	}
	out, err := snapshot.Encode(snap)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// FuzzResumeState restores a search from a checkpoint whose state payload
// is arbitrary bytes: every input must be refused with an error or
// accepted, never panic. (The snapshot around the payload has its own
// fuzz target; the whole path through Run is TestResumeRefuses.)
func FuzzResumeState(f *testing.F) {
	cfg := parse(&testing.T{}, "v=2&dataset=digits8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100")
	in := loadInput(f, cfg)
	ck := checkpointAt(f, cfg, in, report.PhaseSearch, 2)
	snap, err := snapshot.Decode(ck, snapshot.Expect{})
	if err != nil {
		f.Fatal(err)
	}
	r, err := newRunner(context.Background(), cfg, in, func(report.Event) {})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(snap.Payload)
	f.Add([]byte{0x80})
	f.Add([]byte{0xde, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, payload []byte) {
		var st checkpointState
		if err := wire.Unmarshal(payload, &st); err != nil {
			return
		}
		if err := r.restoreState(snap, &st); err != nil {
			return
		}
		// Accepted: the runner now holds it, and saves it back as is.
		b, err := r.encodeCheckpoint()
		if err != nil {
			t.Fatalf("an accepted state does not encode: %v", err)
		}
		again, err := snapshot.Decode(b, snapshot.Expect{})
		if err != nil {
			t.Fatal(err)
		}
		var st2 checkpointState
		if err := wire.Unmarshal(again.Payload, &st2); err != nil || st2.Pos != st.Pos || st2.Step != st.Step || st2.Lambda != st.Lambda {
			t.Fatalf("saved back, the state reads %v at %+v step %d λ %g; restored at %+v step %d λ %g", err, st2.Pos, st2.Step, st2.Lambda, st.Pos, st.Step, st.Lambda)
		}
	})
}

func ExampleDecodeCheckpoint() {
	_, err := DecodeCheckpoint([]byte("not a checkpoint"))
	fmt.Println(errors.Is(err, snapshot.ErrNotSnapshot))
	// Output: true
}

// BenchmarkCheckpoint is the cost of saving a checkpoint of the default
// MNIST search (its supernet, its batchers over the 5,000 search images):
// what Stop and Ctrl-C add before they take effect.
func BenchmarkCheckpoint(b *testing.B) {
	cfg := parse(&testing.T{}, "v=2")
	ds, err := LoadDataset(assets, cfg.Dataset)
	if err != nil {
		b.Fatal(err)
	}
	snap, err := LoadSnapshot(assets, ds, cfg.Ops)
	if err != nil {
		b.Fatal(err)
	}
	r, err := newRunner(context.Background(), cfg, Input{Data: ds, Snapshot: snap}, func(report.Event) {})
	if err != nil {
		b.Fatal(err)
	}
	r.pos = position{Phase: report.PhaseSearch}
	var size int
	for b.Loop() {
		ck, err := r.encodeCheckpoint()
		if err != nil {
			b.Fatal(err)
		}
		size = len(ck)
	}
	b.ReportMetric(float64(size)/1e6, "MB")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/save")
}
