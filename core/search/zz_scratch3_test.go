package search

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/dian-explorer/dian/core/stats"
	"github.com/dian-explorer/dian/core/supernet"
)

func TestScratchTransfer(t *testing.T) {
	space, _ := supernet.NewSpace(14, 14, 1, 10, "fbnet")
	idx := map[string]int{}
	for i, o := range space.Ops {
		idx[o.Name] = i
	}
	path := func(ops []string) supernet.Path {
		p := make(supernet.Path, len(ops))
		for i, n := range ops {
			p[i] = idx[n]
		}
		return p
	}
	var d struct {
		Runs []struct {
			Method, Point string
			Seed          int
			Network       []string
			FPS           float64
		}
	}
	b, _ := os.ReadFile("/work/sweeps/v2/" + os.Getenv("SWEEP") + ".json")
	json.Unmarshal(b, &d)
	plat := os.Getenv("PLAT")
	var own, mob []float64
	for _, r := range d.Runs {
		if r.Method != "cosearch" {
			continue
		}
		// accelerator searched for the MobileNetV2-style net, seed = run seed
		hw, _ := NewHardware(plat, "corrected", "fps")
		hw.Bind(space.Network(path([]string{"k3_e6", "k3_e6", "k3_e6", "k3_e6", "k3_e6"}), 8))
		e, _ := NewEngine("reinforce", hw.Space, rand.New(rand.NewPCG(uint64(r.Seed), 5)))
		tm := e.Search(3600, hw.Eval)
		hw.Bind(space.Network(path(r.Network), 8))
		cm, ok := hw.Eval(tm.Best)
		e2, _ := NewEngine("reinforce", hw.Space, rand.New(rand.NewPCG(uint64(r.Seed), 5)))
		to := e2.Search(3600, hw.Eval)
		f := func(c float64) float64 { return hw.Platform.ClockMHz * 1e6 / c }
		t.Log(r.Seed, r.Point, r.Network, fmt.Sprintf("search %.0f  mobilenet-hw %.0f (%v)  own-3600 %.0f", r.FPS, f(cm), ok, f(to.BestCost)))
		own, mob = append(own, f(to.BestCost)), append(mob, f(cm))
	}
	p := stats.Compare(own, mob)
	t.Logf("own vs mobilenet hw: wins %d/%d mean %.0f [%.0f %.0f]", p.Wins, p.N, p.Diff.Mean, p.Diff.CI95[0], p.Diff.CI95[1])
}
