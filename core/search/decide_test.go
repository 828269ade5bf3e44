package search

import (
	"context"
	"testing"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/supernet"
)

// The default search (v=2: MNIST 14×14 on ZC706) must end with a supernet
// that has decided: in every block the chosen op holds at least 0.6 of the
// probability (uniform over seven ops is 0.14), and the derived network
// still reaches 97 % on MNIST's test set. Before the architecture's
// learning rate was raised from 0.05 to 2 the chosen ops held 0.22–0.44.
// Over seeds 1–10, 49 of 50 blocks reach 0.6 (seed 4's fourth block ends
// at 0.52 in a tie of k5_e3 and k5_e6); seed 1 is checked here, and the
// probabilities must also fall along the search, not only at its end.
func TestDefaultSearchDecides(t *testing.T) {
	cfg := parse(t, "v=2&seed=1")
	in, err := LoadInput(assets, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := supernet.OpSet(cfg.Ops)
	if err != nil {
		t.Fatal(err)
	}
	var firstProbs, lastProbs [][]float64
	res, err := Run(context.Background(), cfg, in, func(e report.Event) {
		if e.Phase == "search" && len(e.Probs) > 0 {
			if firstProbs == nil {
				firstProbs = e.Probs
			}
			lastProbs = e.Probs
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	first, last := meanMax(firstProbs), meanMax(lastProbs)
	if !(last > first) {
		t.Errorf("mean chosen-op probability %.3f at the first search event, %.3f at the last: α did not sharpen", first, last)
	}
	if res.Metrics.Accuracy < 0.97 {
		t.Errorf("accuracy %.4f, want ≥ 0.97", res.Metrics.Accuracy)
	}
	for b, row := range res.Search.FinalProbs {
		best := 0
		for i := range row {
			if row[i] > row[best] {
				best = i
			}
		}
		if row[best] < 0.6 {
			t.Errorf("block %d: the chosen op holds %.2f of the probability, want ≥ 0.6 (row %.2f)", b+1, row[best], row)
		}
		if res.Network.Ops[b] != ops[best].Name {
			t.Errorf("block %d: derived op %s is not the most probable", b+1, res.Network.Ops[b])
		}
	}
	t.Logf("accuracy %.4f, mean chosen-op probability %.2f → %.2f", res.Metrics.Accuracy, first, last)
}

// meanMax is the mean over blocks of the largest probability.
func meanMax(probs [][]float64) float64 {
	var s float64
	for _, row := range probs {
		m := 0.0
		for _, q := range row {
			m = max(m, q)
		}
		s += m
	}
	return s / float64(max(1, len(probs)))
}
