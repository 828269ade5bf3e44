package search

import (
	"fmt"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/data"
	"github.com/dian-explorer/dian/core/nn"
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

// IgnoresLambda reports whether method's result does not depend on the
// configuration's λ: the baselines that never search the network
// hardware-aware (sequential sets λ to 0; fixednet has no network to
// search; random draws its networks). A sweep runs them once for all
// values of λ (TestLambdaBlindBaselines checks that it may).
func IgnoresLambda(method string) bool {
	switch method {
	case "sequential", "fixednet", "random":
		return true
	}
	return false
}

// randomNetworks is how many networks random co-exploration samples.
const randomNetworks = 8

// baseline runs one comparison from a fresh supernet (the same snapshot or
// warm-up as the co-search), with the same seed and budgets, reporting
// its progress as the baselines phase.
func (r *runner) baseline(name string, in Input) (*report.Baseline, error) {
	b, err := newRunner(r.ctx, r.orig, in, r.forwardBaseline(name))
	if err != nil {
		return nil, err
	}
	res, err := b.runBaseline(name, in)
	if err != nil {
		return nil, err
	}
	return &report.Baseline{Name: name, Description: baselineDescriptions[name], Network: res.Network.Ops, Bits: res.Network.Bits,
		Metrics: res.Metrics, Accelerator: res.Accelerator,
		TrainSteps: res.Search.TrainSteps, HWEvaluations: res.Search.HWEvaluations}, nil
}

// runBaseline runs baseline name on r, a fresh runner, on the budget of a
// co-search of r's configuration (coSearchBudget):
//
//   - sequential searches the network hardware-unaware (λ = 0) with the
//     co-search's training steps, then gives its accelerator every
//     cost-model evaluation the co-search spent, in one final search;
//   - fixedhw searches the accelerator of the MobileNetV2-style network
//     with all the evaluations, then searches the network on that fixed
//     accelerator with the co-search's training steps;
//   - fixednet trains the fixed network for the steps the co-search's
//     warm-up and search take, then fine-tunes it as the co-search
//     fine-tunes its network, and searches its accelerator with all the
//     evaluations;
//   - random trains the supernet on uniformly sampled paths for the steps
//     the co-search's warm-up and search take (random search with weight
//     sharing), splits the evaluations over random networks' accelerator
//     searches and the winner's final search, and fine-tunes the winner
//     as the co-search does.
//
// So every method's final network gets the same fine-tuning, and the
// steps before it train what the method has to train.
func (r *runner) runBaseline(name string, in Input) (*report.Result, error) {
	budget := r.coSearchBudget()
	var res *report.Result
	var err error
	switch name {
	case "sequential":
		r.hwAware, r.lambda = false, 0
		r.finalEvals = budget.HWEvaluations - r.probeEvals()
		res, err = r.run(in)
	case "fixednet":
		r.finalEvals = budget.HWEvaluations
		r.steps = budget.TrainSteps + 2
		if err := r.trainLikeTheSearch(r.mobileNetPath(), r.widest()); err != nil {
			return nil, err
		}
		res, err = r.evaluatePath(r.mobileNetPath(), r.widest())
	case "fixedhw":
		var choice []int
		choice, _, err = r.searchAccelerator(r.mobileNetPath(), r.widest(), budget.HWEvaluations-r.probeEvals(), r.engine)
		if err != nil {
			return nil, err
		}
		if choice == nil {
			return nil, fmt.Errorf("no feasible accelerator for the MobileNetV2-style network")
		}
		r.fixedHW = choice
		res, err = r.run(in)
	case "random":
		r.steps = budget.TrainSteps + 2
		if err := r.trainLikeTheSearch(nil, nil); err != nil {
			return nil, err
		}
		res, err = r.randomCoExploration(budget.HWEvaluations)
	default:
		return nil, fmt.Errorf("search: unknown baseline %q (accepted: sequential, fixednet, fixedhw, random)", name)
	}
	if err != nil {
		return nil, err
	}
	res.Search.TrainSteps, res.Search.HWEvaluations = r.trainSteps, r.hwEvals
	return res, nil
}

// trainLikeTheSearch spends the training steps of the co-search's warm-up
// and search (its weight and architecture steps alike) on weight steps, with
// the co-search's weight schedule: on the fixed path when path is not nil,
// on single paths drawn uniformly otherwise (α stays uniform); a fixed path
// runs at widths w.
func (r *runner) trainLikeTheSearch(path supernet.Path, w supernet.Widths) error {
	n := r.weightBatches()
	total := (r.warmup + 2*r.cfg.Epochs) * n
	opt := nn.NewSGD(r.net.WeightParams(), float32(r.cfg.LRWeights), weightMomentum, weightDecay)
	b := data.NewBatcher(r.splits.Weights, r.cfg.Batch, uint64(r.cfg.Seed)^0x77)
	if path != nil {
		r.net.SetPath(path, w)
	}
	for s := range total {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		opt.LR = r.lr(s, total)
		var lw float64
		var err error
		if path != nil {
			lw, err = r.trainBatch(b, opt)
		} else {
			lw, err = r.weightStep(b, opt, r.tau(r.epochsDone()))
		}
		if err != nil {
			return err
		}
		r.lastLossW = lw
		r.step++
		r.obs(report.Event{Phase: report.PhaseSearch, Step: r.step, Steps: r.steps, Epoch: s / max(1, n), LossWeights: lw, Lambda: r.lambda})
	}
	return nil
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

// evaluatePath gives a fixed network its accelerator, fine-tunes and
// tests it: the end of a search without the search.
func (r *runner) evaluatePath(path supernet.Path, w supernet.Widths) (*report.Result, error) {
	choice, _, err := r.finalAccelerator(path, w)
	if err != nil {
		return nil, err
	}
	acc, err := r.finetune(path, w)
	if err != nil {
		return nil, err
	}
	res := &report.Result{}
	return res, r.fillResult(res, path, w, choice, acc)
}

// randomCoExploration samples networks uniformly, gives each a random
// accelerator search of an equal share of the evaluations the target
// probes and the winner's final search leave of budget, scores each
// network by its one-shot accuracy on the architecture split, and keeps
// the most accurate one whose cost is within the target band (or the
// cheapest if none is), which is then given its final accelerator search,
// fine-tuned and tested.
func (r *runner) randomCoExploration(budget int) (*report.Result, error) {
	if err := r.initTarget(); err != nil {
		return nil, err
	}
	per := max(1, (budget-r.hwEvals-r.cfg.FinalSteps)/randomNetworks)
	r.finalEvals = max(1, budget-r.hwEvals-per*randomNetworks)
	rng := rand.New(rand.NewPCG(uint64(r.cfg.Seed), 0x4a4d))
	eng, _ := NewEngine("random", r.hw.Space, rng)
	type candidate struct {
		path   supernet.Path
		widths supernet.Widths
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
		var w supernet.Widths // with a precision search, a width per block too
		if bits := r.space.Bits; len(bits) > 0 {
			w = make(supernet.Widths, len(p))
			for i := range w {
				w[i] = bits[rng.IntN(len(bits))]
			}
		}
		choice, _, err := r.searchAccelerator(p, w, per, eng)
		if err != nil {
			return nil, err
		}
		acc, err := r.accuracy(p, w, r.splits.Arch, evalImages)
		if err != nil {
			return nil, err
		}
		c := &candidate{path: p, widths: w, acc: acc, ok: choice != nil}
		if c.ok {
			c.v = objectiveValue(r.lastHW, r.cfg.Objective)
		}
		if better(c, best) {
			best = c
		}
	}
	return r.evaluatePath(best.path, best.widths)
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
