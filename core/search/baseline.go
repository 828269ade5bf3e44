package search

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/supernet"
)

// baselineDescriptions say what each baseline is, for the result.
var baselineDescriptions = map[string]string{
	"sequential": "hardware-unaware NAS (λ = 0), then an accelerator search for the network it found",
	"fixednet":   "a fixed hand-designed network (MobileNetV2-style k3_e6 in every block) on its best accelerator",
	"fixedhw":    "hardware-aware NAS on a fixed accelerator: the one searched for the MobileNetV2-style network",
	"random":     "random co-exploration: random networks, each with a random accelerator search, on the co-search's hardware budget",
}

// randomNetworks is how many networks random co-exploration samples.
const randomNetworks = 8

// baseline runs one comparison from a fresh supernet (the same snapshot or
// warm-up as the co-search), with the same seed and budgets.
func (r *runner) baseline(name string, in Input) (*report.Baseline, error) {
	start := time.Now()
	defer func() { r.baselineSeconds += time.Since(start).Seconds() }()
	b, err := newRunner(r.ctx, r.cfg, in, r.forwardBaseline(name))
	if err != nil {
		return nil, err
	}
	var res *report.Result
	switch name {
	case "sequential":
		b.hwAware, b.lambda = false, 0
		res, err = b.run(in)
	case "fixednet":
		res, err = b.evaluatePath(in, b.mobileNetPath())
	case "fixedhw":
		choice, err := b.mobileNetAccelerator()
		if err != nil {
			return nil, err
		}
		if choice == nil {
			return nil, fmt.Errorf("no feasible accelerator for the MobileNetV2-style network")
		}
		b.fixedHW = choice
		res, err = b.run(in)
	case "random":
		res, err = b.randomCoExploration(in, max(r.hwEvals, randomNetworks))
	default:
		return nil, fmt.Errorf("search: unknown baseline %q (accepted: sequential, fixednet, fixedhw, random)", name)
	}
	if err != nil {
		return nil, err
	}
	return &report.Baseline{Name: name, Description: baselineDescriptions[name], Network: res.Network.Ops,
		Metrics: res.Metrics, Accelerator: res.Accelerator}, nil
}

// forwardBaseline reports a baseline's progress as the baselines phase.
func (r *runner) forwardBaseline(name string) Observer {
	index := 0
	for i, b := range r.cfg.Baselines {
		if b == name {
			index = i
		}
	}
	return func(e report.Event) {
		e.Phase, e.Epoch = report.PhaseBaseline, index
		r.obs(e)
	}
}

// mobileNetPath is k3_e6 in every block.
func (r *runner) mobileNetPath() supernet.Path {
	p := make(supernet.Path, len(r.space.Blocks))
	for i := range p {
		for o, op := range r.space.Ops {
			if op.Name == "k3_e6" {
				p[i] = o
			}
		}
	}
	return p
}

// mobileNetAccelerator searches the accelerator of the fixed network.
func (r *runner) mobileNetAccelerator() ([]int, error) {
	choice, _, err := r.searchAccelerator(r.mobileNetPath(), r.cfg.FinalSteps, r.engine)
	return choice, err
}

// evaluatePath gives a fixed network its accelerator, fine-tunes and
// tests it: the end of a search without the search.
func (r *runner) evaluatePath(in Input, path supernet.Path) (*report.Result, error) {
	choice, _, err := r.finalAccelerator(path)
	if err != nil {
		return nil, err
	}
	acc, err := r.finetune(path)
	if err != nil {
		return nil, err
	}
	res := &report.Result{}
	return res, r.fillResult(res, path, choice, acc)
}

// randomCoExploration samples networks uniformly, gives each a random
// accelerator search of an equal share of budget, scores each network by
// its one-shot accuracy on the architecture split, and keeps the most
// accurate one whose cost is within the target band (or the cheapest if
// none is), which is then fine-tuned and tested.
func (r *runner) randomCoExploration(in Input, budget int) (*report.Result, error) {
	if err := r.initTarget(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(r.cfg.Seed), 0x4a4d))
	eng, _ := NewEngine("random", r.hw.Space, rng)
	type candidate struct {
		path   supernet.Path
		acc, v float64
		ok     bool
	}
	var best *candidate
	better := func(c, than *candidate) bool {
		if than == nil {
			return true
		}
		inBand := func(x *candidate) bool { return x.ok && r.inBand(x.v) }
		switch {
		case inBand(c) != inBand(than):
			return inBand(c)
		case inBand(c):
			return c.acc > than.acc
		}
		return r.cheaper(c.v, than.v)
	}
	for range randomNetworks {
		p := make(supernet.Path, len(r.space.Blocks))
		for i := range p {
			p[i] = rng.IntN(len(r.space.Ops))
		}
		choice, _, err := r.searchAccelerator(p, budget/randomNetworks, eng)
		if err != nil {
			return nil, err
		}
		c := &candidate{path: p, acc: r.accuracy(p, r.splits.Arch, evalImages), ok: choice != nil}
		if c.ok {
			c.v = objectiveValue(r.lastHW, r.cfg.Objective)
		}
		if better(c, best) {
			best = c
		}
	}
	return r.evaluatePath(in, best.path)
}

// inBand reports whether an objective value lies in the target band.
func (r *runner) inBand(v float64) bool { return v >= r.cfg.TargetLo && v <= r.cfg.TargetHi }

// cheaper reports whether objective value a is better hardware than b.
func (r *runner) cheaper(a, b float64) bool {
	if r.cfg.Objective == "fps" {
		return a > b
	}
	return a < b
}
