package search

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/dian-explorer/dian/core/report"

	"github.com/dian-explorer/dian/core/accel"
)

// zc706Space is the default platform's space: 32 decisions of 2 to 6
// options, some bounded by others.
func zc706Space(t *testing.T) *accel.Space {
	t.Helper()
	hw, err := NewHardware("zc706", "corrected", "fps", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return hw.Space
}

// cheapFirst is a cost that prefers the first option of every decision:
// 1 + the sum of the option indices, always feasible.
func cheapFirst(choice []int) (float64, bool) {
	c := 1.0
	for _, v := range choice {
		c += float64(v)
	}
	return c, true
}

func checkRows(t *testing.T, what string, s *accel.Space, rows [][]float64) {
	t.Helper()
	if len(rows) != len(s.Decisions) {
		t.Fatalf("%s: %d rows for %d decisions", what, len(rows), len(s.Decisions))
	}
	for i, row := range rows {
		if len(row) != len(s.Decisions[i].Options) {
			t.Fatalf("%s: decision %s has %d options, its row %d", what, s.Decisions[i].Name, len(s.Decisions[i].Options), len(row))
		}
		var sum float64
		for _, p := range row {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("%s: decision %s: probability %v outside [0, 1]", what, s.Decisions[i].Name, p)
			}
			sum += p
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("%s: decision %s sums to %v", what, s.Decisions[i].Name, sum)
		}
	}
}

func TestEngineDistribution(t *testing.T) {
	for _, name := range EngineNames {
		t.Run(name, func(t *testing.T) {
			s := zc706Space(t)
			e, err := NewEngine(name, s, rand.New(rand.NewPCG(3, 4)))
			if err != nil {
				t.Fatal(err)
			}
			// Nothing learned yet: every engine starts uniform.
			rows := e.Distribution()
			checkRows(t, "before a search", s, rows)
			for i, row := range rows {
				for _, p := range row {
					if p != 1/float64(len(row)) {
						t.Fatalf("before a search: decision %s is %v, want uniform", s.Decisions[i].Name, row)
					}
				}
			}
			e.Search(context.Background(), 400, cheapFirst)
			rows = e.Distribution()
			checkRows(t, "after a search", s, rows)

			switch e := e.(type) {
			case *gumbelEngine, *reinforceEngine:
				var logits [][]float64
				if g, ok := e.(*gumbelEngine); ok {
					logits = g.logits
				} else {
					logits = e.(*reinforceEngine).logits
				}
				for i, z := range logits { // reference softmax with the standard library's exp
					var sum float64
					for _, v := range z {
						sum += math.Exp(v)
					}
					for j, v := range z {
						if want := math.Exp(v) / sum; math.Abs(rows[i][j]-want) > 1e-12 {
							t.Errorf("decision %s option %d: %v, want softmax %v", s.Decisions[i].Name, j, rows[i][j], want)
						}
					}
				}
			case *evolutionEngine:
				for i, row := range rows {
					counts := make([]int, len(row))
					for _, m := range e.pop {
						counts[m[i]]++
					}
					for j, c := range counts {
						if want := float64(c) / float64(len(e.pop)); rows[i][j] != want {
							t.Errorf("decision %s option %d: %v, want %d of %d members", s.Decisions[i].Name, j, rows[i][j], c, len(e.pop))
						}
					}
				}
			}
			if name == "random" {
				for i, row := range rows {
					if row[0] != 1/float64(len(row)) {
						t.Errorf("random: decision %s is %v, want uniform", s.Decisions[i].Name, row)
					}
				}
			}
			if name == "reinforce" || name == "evolution" {
				// Both learn that the first option is cheaper: on average
				// over the decisions it gains probability.
				var gain float64
				for _, row := range rows {
					gain += row[0] - 1/float64(len(row))
				}
				if gain <= 0 {
					t.Errorf("%s: the cheap first options lost probability over 400 evaluations (mean change %v)", name, gain/float64(len(rows)))
				}
			}
		})
	}
}

// TestDistributionChangesNothing interleaves Distribution with searches
// and checks that every trace, and the next random number, are what an
// engine never asked for its distribution gives.
func TestDistributionChangesNothing(t *testing.T) {
	for _, name := range EngineNames {
		t.Run(name, func(t *testing.T) {
			s := zc706Space(t)
			rngA, rngB := rand.New(rand.NewPCG(9, 9)), rand.New(rand.NewPCG(9, 9))
			a, _ := NewEngine(name, s, rngA)
			b, _ := NewEngine(name, s, rngB)
			for call := range 3 {
				b.Distribution()
				ta, tb := a.Search(context.Background(), 60, cheapFirst), b.Search(context.Background(), 60, cheapFirst)
				b.Distribution()
				if !reflect.DeepEqual(ta, tb) {
					t.Fatalf("call %d: the trace changed when the distribution was read", call)
				}
			}
			if x, y := rngA.Uint64(), rngB.Uint64(); x != y {
				t.Errorf("reading the distribution drew random numbers: next %d, want %d", y, x)
			}
		})
	}
}

func TestDistributionAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts in -short")
	}
	for _, name := range EngineNames {
		s := zc706Space(t)
		e, _ := NewEngine(name, s, rand.New(rand.NewPCG(1, 2)))
		e.Search(context.Background(), 40, cheapFirst)
		e.Distribution()
		if n := testing.AllocsPerRun(50, func() { e.Distribution() }); n != 0 {
			t.Errorf("%s: Distribution allocates %v times per call, want 0", name, n)
		}
	}
}

func TestOptionLabels(t *testing.T) {
	for _, platform := range []string{"zc706", "ultra96", "eyeriss", "systolic16"} {
		hw, err := NewHardware(platform, "corrected", "fps", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		s := hw.Space
		labels := report.OptionLabels(s)
		if len(labels) != len(s.Decisions) {
			t.Fatalf("%s: %d label rows for %d decisions", platform, len(labels), len(s.Decisions))
		}
		for i, d := range s.Decisions {
			ls := labels[i]
			if len(ls) != len(d.Options) {
				t.Fatalf("%s %s: %d labels for %d options", platform, d.Name, len(ls), len(d.Options))
			}
			for j, l := range ls {
				if l == "" || slices.Index(ls, l) != j {
					t.Errorf("%s %s: labels %q are not non-empty and distinct", platform, d.Name, ls)
				}
			}
			switch d.Knob {
			case accel.KnobGBTile, accel.KnobRFTile, accel.KnobUnroll:
				for j, v := range d.Options {
					if ls[j] != strconv.Itoa(v) {
						t.Errorf("%s %s: option %d labelled %q", platform, d.Name, v, ls[j])
					}
				}
			case accel.KnobOrder:
				for j, l := range ls {
					if len(l) != int(accel.NumDims) {
						t.Errorf("%s %s: order %d labelled %q, want one letter per dimension", platform, d.Name, j, l)
					}
				}
			}
		}
	}
	hw, _ := NewHardware("systolic16", "corrected", "fps", nil, nil)
	if got := report.OptionLabels(hw.Space); len(got) != 1 || !slices.Equal(got[0], []string{"os", "ws", "is"}) {
		t.Errorf("systolic16 labels %q, want one dataflow decision os, ws, is", got)
	}
	s := zc706Space(t)
	want := map[string][]string{"a0q8.mode": {"ws K", "ws K·C", "os P"}, "dwa1q8.mode": {"ws K", "os P"}}
	for i, l := range report.OptionLabels(s) {
		if w, ok := want[s.Decisions[i].Name]; ok && !slices.Equal(l, w) {
			t.Errorf("%s labelled %q, want %q", s.Decisions[i].Name, l, w)
		}
	}
}

// TestEventsCarryHWDist runs a short search and checks which events carry
// the engine's distribution, and that the final one's best design is the
// result's accelerator.
func TestEventsCarryHWDist(t *testing.T) {
	cfg := parse(t, "v=1&dataset=digits8&epochs=2&finetune=1&accelsteps=20&finalsteps=100")
	var withDist []report.Event
	steps := 0
	res, err := Run(context.Background(), cfg, loadInput(t, cfg), func(e report.Event) {
		if e.Phase == report.PhaseSearch {
			steps++
		}
		if e.HWDist != nil {
			withDist = append(withDist, e)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	hw, err := NewHardware(cfg.Platform, cfg.Model, cfg.Objective, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	phases := map[string]int{}
	for _, e := range withDist {
		phases[e.Phase]++
		d := e.HWDist
		if d.Engine != cfg.Engine || len(d.Decisions) != len(hw.Space.Decisions) || len(d.Options) != len(d.Decisions) {
			t.Fatalf("%s step %d: engine %q with %d decisions, %d label rows", e.Phase, e.Step, d.Engine, len(d.Decisions), len(d.Options))
		}
		checkRows(t, e.Phase+" event", hw.Space, d.Probs)
		if e.HW != nil && len(d.Best) != len(d.Decisions) {
			t.Errorf("%s step %d: a hardware summary but best %v", e.Phase, e.Step, d.Best)
		}
	}
	// Every epoch's end, the step after each accelerator search inside an
	// epoch, the final search, the evaluation and the end.
	if phases[report.PhaseSearch] < cfg.Epochs || phases[report.PhaseFinalHW] != 1 || phases[report.PhaseEvaluate] != 1 || phases[report.PhaseDone] != 1 {
		t.Errorf("events with a distribution per phase: %v", phases)
	}
	if phases[report.PhaseSearch] >= steps {
		t.Errorf("%d of %d search events carry a distribution; only those after an accelerator search should", phases[report.PhaseSearch], steps)
	}
	var final *report.Event
	for i := range withDist {
		if withDist[i].Phase == report.PhaseFinalHW {
			final = &withDist[i]
		}
	}
	if final == nil || res.Accelerator == nil {
		t.Fatal("no final-hw distribution or no accelerator")
	}
	want := make([]int, len(hw.Space.Decisions))
	if err := hw.Space.Encode(res.Accelerator, want); err != nil {
		t.Fatal(err)
	}
	var got, wantDesign accel.Design
	if err := hw.Space.Decode(final.HWDist.Best, &got); err != nil {
		t.Fatal(err)
	}
	if err := hw.Space.Decode(want, &wantDesign); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Chunks, wantDesign.Chunks) {
		t.Errorf("final-hw best %v decodes to another design than the result's accelerator (%v)", final.HWDist.Best, want)
	}
}

// Every engine stops within 16 evaluations of its context being cancelled,
// however large its budget: Stop and Ctrl-C reach the final accelerator
// search (2,000 evaluations by default, up to a million).
func TestEnginesStopWhenCancelled(t *testing.T) {
	for _, name := range EngineNames {
		t.Run(name, func(t *testing.T) {
			e, err := NewEngine(name, zc706Space(t), rand.New(rand.NewPCG(3, 4)))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			evals := 0
			tr := e.Search(ctx, 1_000_000, func(c []int) (float64, bool) {
				if evals++; evals == 100 {
					cancel()
				}
				return cheapFirst(c)
			})
			if tr.Evals < 100 || tr.Evals > 100+16 {
				t.Errorf("cancelled at evaluation 100, stopped after %d", tr.Evals)
			}
		})
	}
}
