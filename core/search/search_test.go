package search

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/stats"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/data"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/supernet"
)

// assets is the repository's assets folder.
var assets = os.DirFS("../../assets")

var digits = sync.OnceValues(func() (*data.Dataset, error) { return LoadDataset(assets, "digits8") })

// loadInput is the dataset (digits8, loaded once) and the snapshot a test
// configuration searches on.
func loadInput(t testing.TB, cfg share.Config) Input {
	t.Helper()
	ds, err := digits()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := LoadSnapshot(assets, ds, cfg.Ops)
	if err != nil {
		t.Fatal(err)
	}
	return Input{Data: ds, Snapshot: snap}
}

func parse(t *testing.T, frag string) share.Config {
	t.Helper()
	l, err := share.Parse(frag)
	if err != nil {
		t.Fatal(err)
	}
	return l.Config
}

func TestRunRejects(t *testing.T) {
	ds, err := digits()
	if err != nil {
		t.Fatal(err)
	}
	cfg := parse(t, "v=1&dataset=digits8")
	if _, err := Run(context.Background(), cfg, Input{Data: ds}, nil); err == nil || !strings.Contains(err.Error(), "pretrained=1 needs") {
		t.Errorf("a pretrained search without its snapshot: err = %v", err)
	}
	cfg.Dataset = "mnist14"
	if _, err := Run(context.Background(), cfg, Input{Data: ds}, nil); err == nil || !strings.Contains(err.Error(), "dataset mnist14") {
		t.Errorf("a search on the wrong dataset: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg = parse(t, "v=1&dataset=digits8&pretrained=0&warmup=1")
	if _, err := Run(ctx, cfg, Input{Data: ds}, nil); err != context.Canceled {
		t.Errorf("a cancelled search: err = %v, want context.Canceled", err)
	}
}

// mobileNetHardware binds the MobileNetV2-style digits network to the
// ZC706 space: the problem the engines are compared on.
func mobileNetHardware(t testing.TB) *Hardware {
	space, err := supernet.NewSpace(8, 8, 1, 10, "fbnet", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	hw, err := NewHardware("zc706", "corrected", "fps", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := make(supernet.Path, len(space.Blocks))
	for i := range p {
		p[i] = 2 // k3_e6
	}
	if err := hw.Bind(space.Network(p, nil)); err != nil {
		t.Fatal(err)
	}
	return hw
}

func TestEnginesFindFeasibleDesigns(t *testing.T) {
	hw := mobileNetHardware(t)
	for _, name := range EngineNames {
		t.Run(name, func(t *testing.T) {
			run := func() Trace {
				e, err := NewEngine(name, hw.Space, rand.New(rand.NewPCG(3, 4)))
				if err != nil {
					t.Fatal(err)
				}
				return e.Search(context.Background(), 300, hw.Eval)
			}
			tr := run()
			if tr.Best == nil || tr.Evals != 300 || len(tr.BestSoFar) != 300 {
				t.Fatalf("trace: best %v after %d evals (%d points)", tr.Best, tr.Evals, len(tr.BestSoFar))
			}
			for i := 1; i < len(tr.BestSoFar); i++ {
				if tr.BestSoFar[i] > tr.BestSoFar[i-1] {
					t.Fatalf("best-so-far rose at %d: %v → %v", i, tr.BestSoFar[i-1], tr.BestSoFar[i])
				}
			}
			if c, ok := hw.Eval(tr.Best); !ok || c != tr.BestCost {
				t.Errorf("the best point costs %v (feasible %v), trace says %v", c, ok, tr.BestCost)
			}
			if again := run(); again.BestCost != tr.BestCost {
				t.Errorf("same seed, different result: %v vs %v", again.BestCost, tr.BestCost)
			}
		})
	}
	if _, err := NewEngine("annealing", hw.Space, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("an unknown engine was accepted")
	}
}

// TestEngineComparison runs every engine with the same budget on the same
// 30 seeds and compares each with random search seed by seed (go test -v
// prints the table). Costs are bottleneck cycles, so lower is better, and
// a win is a seed where the engine's best design is faster than random's.
// REINFORCE must beat random clearly: on most seeds and with a sign-test
// p-value below 0.01. The others are reported as measured (Auto-NBA's
// Gumbel engine is no better than random, as docs/METHOD.md explains).
func TestEngineComparison(t *testing.T) {
	hw := mobileNetHardware(t)
	const seeds, budget = 30, 600
	best := map[string][]float64{}
	for _, name := range EngineNames {
		for s := range seeds {
			e, err := NewEngine(name, hw.Space, rand.New(rand.NewPCG(uint64(s), 99)))
			if err != nil {
				t.Fatal(err)
			}
			tr := e.Search(context.Background(), budget, hw.Eval)
			if tr.Best == nil {
				t.Fatalf("%s seed %d: no feasible design in %d evaluations", name, s, budget)
			}
			best[name] = append(best[name], tr.BestCost)
		}
	}
	fps := func(cycles []float64) []float64 {
		out := make([]float64, len(cycles))
		for i, c := range cycles {
			out[i] = hw.Platform.ClockMHz * 1e6 / c
		}
		return out
	}
	for _, name := range EngineNames {
		s := stats.Summarize(fps(best[name]))
		line := fmt.Sprintf("%-9s n=%d, %d evaluations: FPS %.0f [%.0f, %.0f]", name, s.N, budget, s.Mean, s.CI95[0], s.CI95[1])
		if name != "random" {
			p := stats.Compare(fps(best[name]), fps(best["random"]))
			line += fmt.Sprintf("; against random: %d wins, %d losses, %d ties, mean gain %.0f FPS [%.0f, %.0f], p_sign %.2g, p_t %.2g",
				p.Wins, p.Losses, p.Ties, p.Diff.Mean, p.Diff.CI95[0], p.Diff.CI95[1], p.PSign, p.PT)
			if name == "reinforce" && (p.Wins <= seeds*2/3 || p.PSign >= 0.01) {
				t.Errorf("REINFORCE beats random in %d of %d seeds (sign-test p %.3g); want more than two thirds and p < 0.01", p.Wins, seeds, p.PSign)
			}
		}
		t.Log(line)
	}
}

// Every platform preset can be co-searched: its space has feasible
// designs for the supernet's networks and the costs are positive.
func TestEveryPlatformHasFeasibleDesigns(t *testing.T) {
	space, err := supernet.NewSpace(14, 14, 1, 10, "fbnet", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	for _, platform := range []string{"zc706", "ultra96", "eyeriss", "systolic16"} {
		hw, err := NewHardware(platform, "corrected", "edp", nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", platform, err)
		}
		p := make(supernet.Path, len(space.Blocks))
		for i := range p {
			p[i] = i % len(space.Ops)
		}
		if err := hw.Bind(space.Network(p, nil)); err != nil {
			t.Fatalf("%s: %v", platform, err)
		}
		e, _ := NewEngine("random", hw.Space, rand.New(rand.NewPCG(1, 2)))
		tr := e.Search(context.Background(), 200, hw.Eval)
		if tr.Best == nil {
			t.Fatalf("%s: no feasible design in 200 samples", platform)
		}
		_, c, err := hw.Evaluate(tr.Best)
		if err != nil || c.FPS <= 0 || c.EDP <= 0 || c.EnergySum <= 0 {
			t.Errorf("%s: cost %+v, err %v", platform, c, err)
		}
		blocks := make([]string, len(space.Blocks))
		for i, b := range space.Blocks {
			blocks[i] = b.Name
		}
		shares, err := hw.BlockCosts(tr.Best, blocks)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, s := range shares {
			sum += s
		}
		if sum <= 0 || sum > 1+1e-9 {
			t.Errorf("%s: block shares %v sum to %v, want (0, 1]", platform, shares, sum)
		}
	}
}

// TestSearchReportsArea checks that an ASIC search reports the area of the
// accelerator it found, by the area model of core/accel, and an FPGA search
// none (its budgets are DSP and BRAM18).
func TestSearchReportsArea(t *testing.T) {
	for _, platform := range []string{"eyeriss", "systolic16", "zc706"} {
		cfg := parse(t, "v=1&dataset=digits8&epochs=1&finetune=0&accelsteps=20&finalsteps=100&platform="+platform)
		res, err := Run(context.Background(), cfg, loadInput(t, cfg), nil)
		if err != nil {
			t.Fatalf("%s: %v", platform, err)
		}
		p, err := accel.Preset(platform)
		if err != nil {
			t.Fatal(err)
		}
		want := 0.0
		if table, ok := accel.AreaTableFor(p); ok {
			want = table.DesignArea(res.Accelerator).Total()
		}
		if got := res.Metrics.AreaMM2; math.Abs(got-want) > 1e-9*want || (p.Target != accel.FPGA) != (got > 0) {
			t.Errorf("%s: area %v mm², want %v (the area model on the design found)", platform, got, want)
		}
	}
}

// TestEventsCarryLosses checks that every event of the search phase, the
// epoch summaries included, reports the losses of the last steps: the
// search view plots them, and a 0 there would be a false dip.
func TestEventsCarryLosses(t *testing.T) {
	cfg := parse(t, "v=1&dataset=digits8&epochs=2&finetune=0.5&accelsteps=20&finalsteps=100")
	var bad []report.Event
	var n int
	_, err := Run(context.Background(), cfg, loadInput(t, cfg), func(e report.Event) {
		if e.Phase == report.PhaseSearch || e.Phase == report.PhaseFinetune {
			n++
			if e.LossWeights <= 0 || (e.Phase == report.PhaseSearch && e.LossArch <= 0) {
				bad = append(bad, e)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || len(bad) > 0 {
		t.Errorf("%d of %d search and fine-tune events have no losses (first: %+v)", len(bad), n, bad[:min(1, len(bad))])
	}
}

// The URL's accepted values are the registries' own: every dataset loads,
// every platform gets a design space and cost model, every engine exists,
// and the lists name exactly those.
func TestShareKeysAgreeWithRegistries(t *testing.T) {
	accepted := map[string][]string{}
	for _, k := range share.Keys {
		accepted[k.Name] = k.Accepted
	}
	for _, c := range []struct {
		key  string
		want []string
	}{
		{"dataset", data.Keys()},
		{"platform", accel.PresetNames()},
		{"engine", EngineNames},
		{"space", supernet.Layouts},
	} {
		if !slices.Equal(accepted[c.key], c.want) {
			t.Errorf("%s accepts %v; the registry has %v", c.key, accepted[c.key], c.want)
		}
	}
	for _, p := range accepted["platform"] {
		for _, obj := range accepted["objective"] {
			for _, m := range accepted["model"] {
				if _, err := NewHardware(p, m, obj, nil, nil); err != nil {
					t.Errorf("platform %s, objective %s, model %s: %v", p, obj, m, err)
				}
			}
		}
	}
	space, err := accel.PlatformSpace(accel.Presets()[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range accepted["engine"] {
		if _, err := NewEngine(e, space, rand.New(rand.NewPCG(1, 1))); err != nil {
			t.Errorf("engine %s: %v", e, err)
		}
	}
	for _, ops := range accepted["ops"] {
		if _, err := supernet.NewSpace(14, 14, 1, 10, ops, "tiny"); err != nil {
			t.Errorf("ops %s: %v", ops, err)
		}
	}
}

// REINFORCE keeps exploring: more evaluations buy better designs. Seed by
// seed, a search of 2,000 evaluations starts as the search of 600 does
// (same draws), so it is never worse; it must be better on at least 9 of
// 10 seeds. A policy that collapses early (no entropy bonus) is better on
// 6: the rest are stuck on their design by evaluation 600.
func TestReinforceKeepsImproving(t *testing.T) {
	hw := mobileNetHardware(t)
	const seeds = 10
	better := 0
	for s := range seeds {
		var best [2]float64
		for i, budget := range []int{600, 2000} {
			e, err := NewEngine("reinforce", hw.Space, rand.New(rand.NewPCG(uint64(s), 7)))
			if err != nil {
				t.Fatal(err)
			}
			best[i] = e.Search(context.Background(), budget, hw.Eval).BestCost
		}
		if best[1] > best[0] {
			t.Fatalf("seed %d: 2,000 evaluations found %g cycles, 600 found %g: the longer search must start as the shorter", s, best[1], best[0])
		}
		if best[1] < best[0] {
			better++
		}
	}
	if better < seeds-1 {
		t.Errorf("2,000 evaluations beat 600 on %d of %d seeds; want all but one at least", better, seeds)
	}
	t.Logf("2,000 evaluations beat 600 on %d of %d seeds", better, seeds)
}
