package search

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/detmath"
	"github.com/dian-explorer/dian/core/nn"
)

// CostFunc evaluates one point of a design space: its cost (lower is
// better) and whether it is feasible (within the platform's budgets).
type CostFunc func(choice []int) (cost float64, feasible bool)

// Trace is what one engine call found.
type Trace struct {
	Best     []int   // the best feasible point seen (nil if none)
	BestCost float64 // its cost, +Inf if none
	Evals    int
	// BestSoFar[i] is the best feasible cost after i+1 evaluations (+Inf
	// before the first feasible one): the curve the engines are compared on.
	BestSoFar []float64
}

func newTrace(budget int) Trace {
	return Trace{BestCost: math.Inf(1), BestSoFar: make([]float64, 0, budget)}
}

// stopped reports, every 16th evaluation, whether ctx is done: often
// enough to stop within a millisecond, rarely enough to cost nothing.
func stopped(ctx context.Context, evals int) bool {
	return evals%16 == 0 && ctx.Err() != nil
}

// record notes one evaluation.
func (t *Trace) record(choice []int, cost float64, feasible bool) {
	t.Evals++
	if feasible && cost < t.BestCost {
		t.BestCost = cost
		t.Best = append(t.Best[:0], choice...)
	}
	t.BestSoFar = append(t.BestSoFar, t.BestCost)
}

// Engine searches a design space. Engines keep their learned state across
// calls (as Auto-NBA keeps its logits), so a later call on a changed
// network starts from what earlier calls learned.
type Engine interface {
	Name() string
	// Search spends budget evaluations of cost and returns the best point
	// it saw in this call. It stops early, within a few evaluations, when
	// ctx is cancelled; the caller tells that from ctx.Err().
	Search(ctx context.Context, budget int, cost CostFunc) Trace
	// Distribution returns the engine's current belief over every
	// decision of its space: one row per decision, the probability of each
	// option (summing to 1), ignoring bounds. The gradient engines report
	// the softmax of their logits, evolution the share of its population
	// that holds each option, random the uniform distribution. The rows are
	// the engine's own buffer, overwritten by the next call; computing them
	// draws no random number and changes nothing a search reads, so showing
	// them never changes a result.
	Distribution() [][]float64
}

// EngineNames are the accelerator search engines, in the order the UI
// lists them.
var EngineNames = []string{"gumbel", "reinforce", "evolution", "random"}

// NewEngine returns the named engine over space, drawing from rng.
func NewEngine(name string, space *accel.Space, rng *rand.Rand) (Engine, error) {
	switch name {
	case "random":
		return &randomEngine{space: space, rng: rng}, nil
	case "gumbel":
		return newGumbelEngine(space, rng), nil
	case "reinforce":
		return newReinforceEngine(space, rng), nil
	case "evolution":
		return &evolutionEngine{space: space, rng: rng, size: 16}, nil
	}
	return nil, fmt.Errorf("search: unknown engine %q (accepted: gumbel, reinforce, evolution, random)", name)
}

// distBuf is the buffer an engine's Distribution fills: one row per
// decision, allocated on first use and reused after.
type distBuf struct{ rows [][]float64 }

func (b *distBuf) sized(s *accel.Space) [][]float64 {
	if b.rows == nil {
		n := 0
		for _, d := range s.Decisions {
			n += len(d.Options)
		}
		flat := make([]float64, n)
		b.rows = make([][]float64, len(s.Decisions))
		for i, d := range s.Decisions {
			b.rows[i], flat = flat[:len(d.Options):len(d.Options)], flat[len(d.Options):]
		}
	}
	return b.rows
}

// uniform fills every row with 1/len(row).
func uniform(rows [][]float64) [][]float64 {
	for _, row := range rows {
		for j := range row {
			row[j] = 1 / float64(len(row))
		}
	}
	return rows
}

// randomEngine samples every point uniformly (within bounds): the baseline
// every other engine must beat on the same budget.
type randomEngine struct {
	space *accel.Space
	rng   *rand.Rand
	dist  distBuf
}

func (e *randomEngine) Name() string { return "random" }

// Distribution is uniform over every decision's options: what the engine
// draws from (within bounds), and never learns away from.
func (e *randomEngine) Distribution() [][]float64 { return uniform(e.dist.sized(e.space)) }

func (e *randomEngine) Search(ctx context.Context, budget int, cost CostFunc) Trace {
	t := newTrace(budget)
	choice := make([]int, len(e.space.Decisions))
	for range budget {
		if stopped(ctx, t.Evals) {
			break
		}
		e.space.Sample(e.rng, choice)
		c, ok := cost(choice)
		t.record(choice, c, ok)
	}
	return t
}

// allowedFrom returns the first option of decision i that its bound allows
// given the earlier choices; allowed options are a suffix of the list.
func allowedFrom(s *accel.Space, i int, choice []int) int {
	n := len(s.Decisions[i].Options)
	first := 0
	for first < n-1 && !s.Allowed(i, choice, first) {
		first++
	}
	return first
}

// categorical holds one logit vector per decision.
type categorical struct {
	space  *accel.Space
	logits [][]float64
	probs  []float64 // scratch
	dist   distBuf
}

// Distribution is the softmax of each decision's logits over all its
// options (with the pure-Go exp, so it is the same on every platform).
func (c *categorical) Distribution() [][]float64 {
	rows := c.dist.sized(c.space)
	for i, z := range c.logits {
		nn.Softmax(rows[i], z)
	}
	return rows
}

func newCategorical(space *accel.Space, init float64) categorical {
	c := categorical{space: space, logits: make([][]float64, len(space.Decisions))}
	maxN := 0
	for i, d := range space.Decisions {
		c.logits[i] = make([]float64, len(d.Options))
		for j := range c.logits[i] {
			c.logits[i][j] = init
		}
		maxN = max(maxN, len(d.Options))
	}
	c.probs = make([]float64, maxN)
	return c
}

// gumbelEngine is Auto-NBA's differentiable accelerator search as its code
// does it: every decision drawn by hard Gumbel-softmax (τ = 1) among the
// options its bound allows, loss = cost·Π ST1(y_chosen) so each chosen
// option's soft probability gets gradient cost, and Adam with lr 1e-7,
// β = (0.5, 0.999). With that learning rate the logits barely move, which
// is why this engine behaves close to random search (docs/METHOD.md §5.2);
// it is kept faithful so the comparison is honest.
type gumbelEngine struct {
	categorical
	rng          *rand.Rand
	lr, b1, b2   float64
	m, v         [][]float64
	b1t, b2t     float64 // β1ᵗ and β2ᵗ for bias correction (no math.Pow: it is not bit-portable)
	soft, noised []float64
}

func newGumbelEngine(space *accel.Space, rng *rand.Rand) *gumbelEngine {
	e := &gumbelEngine{categorical: newCategorical(space, 1e-3), rng: rng, lr: 1e-7, b1: 0.5, b2: 0.999, b1t: 1, b2t: 1}
	e.m, e.v = make([][]float64, len(e.logits)), make([][]float64, len(e.logits))
	for i := range e.logits {
		e.m[i], e.v[i] = make([]float64, len(e.logits[i])), make([]float64, len(e.logits[i]))
	}
	e.soft, e.noised = make([]float64, len(e.probs)), make([]float64, len(e.probs))
	return e
}

func (e *gumbelEngine) Name() string { return "gumbel" }

func (e *gumbelEngine) Search(ctx context.Context, budget int, cost CostFunc) Trace {
	t := newTrace(budget)
	choice := make([]int, len(e.space.Decisions))
	grads := make([][]float64, len(e.logits))
	for i := range grads {
		grads[i] = make([]float64, len(e.logits[i]))
	}
	softs := make([][]float64, len(e.logits))
	for range budget {
		if stopped(ctx, t.Evals) {
			break
		}
		for i := range e.space.Decisions {
			z := e.logits[i]
			first := allowedFrom(e.space, i, choice)
			noised := e.noised[:len(z)]
			for j := first; j < len(z); j++ {
				noised[j] = z[j] + nn.Gumbel(e.rng)
			}
			y := nn.Softmax(e.soft[first:], noised[first:]) // τ = 1
			best := 0
			for j := range y {
				if y[j] > y[best] {
					best = j
				}
			}
			choice[i] = first + best
			softs[i] = append(softs[i][:0], e.soft[:len(z)]...)
			for j := range grads[i] {
				grads[i][j] = 0
			}
			// d y_c / d z_j = y_c(δ_cj − y_j) over the allowed options.
			c := choice[i]
			for j := first; j < len(z); j++ {
				d := float64(-softs[i][c] * softs[i][j])
				if j == c {
					d += softs[i][c]
				}
				grads[i][j] = d
			}
		}
		c, ok := cost(choice)
		t.record(choice, c, ok)
		if !ok {
			continue // Auto-NBA skips infeasible designs
		}
		e.b1t = float64(e.b1t * e.b1)
		e.b2t = float64(e.b2t * e.b2)
		bc1, bc2 := 1-e.b1t, 1-e.b2t
		for i := range e.logits {
			for j := range e.logits[i] {
				g := c * grads[i][j]
				e.m[i][j] = float64(e.b1*e.m[i][j]) + float64((1-e.b1)*g)
				e.v[i][j] = float64(e.b2*e.v[i][j]) + float64((1-e.b2)*g*g)
				e.logits[i][j] -= e.lr * (e.m[i][j] / bc1) / (math.Sqrt(e.v[i][j]/bc2) + 1e-8)
			}
		}
	}
	return t
}

// reinforceEngine is REINFORCE with a moving-average baseline and an
// entropy bonus: each decision is a softmax policy over its allowed
// options, the reward is −log(cost) (so it does not depend on the cost's
// unit), and the logits move by lr·(reward − baseline)·∇log π + β·∇H(π).
//
// Without the bonus (β = 0) the policy collapses within a few hundred
// evaluations onto whatever design it favoured early, and more evaluations
// buy nothing: on the MobileNetV2-style network on ZC706, 10 seeds reach
// 8.9k FPS [7.5k, 10.3k] after 2,000 evaluations, each seed stuck on its
// own design. With β = 0.05 all 10 reach the same 10.8k, and on Ultra96
// and Eyeriss the bonus helps as much (docs/METHOD.md §5.4). Inside a
// co-search it matters more: the engine keeps its policy across calls, so
// a collapsed one cannot adapt to the network the search ends with.
type reinforceEngine struct {
	categorical
	rng      *rand.Rand
	lr       float64
	entropy  float64 // β
	baseline float64
	started  bool
}

func newReinforceEngine(space *accel.Space, rng *rand.Rand) *reinforceEngine {
	return &reinforceEngine{categorical: newCategorical(space, 0), rng: rng, lr: 0.2, entropy: 0.05}
}

func (e *reinforceEngine) Name() string { return "reinforce" }

func (e *reinforceEngine) Search(ctx context.Context, budget int, cost CostFunc) Trace {
	t := newTrace(budget)
	choice := make([]int, len(e.space.Decisions))
	firsts := make([]int, len(e.space.Decisions))
	for range budget {
		if stopped(ctx, t.Evals) {
			break
		}
		for i := range e.space.Decisions {
			z := e.logits[i]
			first := allowedFrom(e.space, i, choice)
			firsts[i] = first
			p := nn.Softmax(e.probs[first:], z[first:])
			u := e.rng.Float64()
			k := len(p) - 1
			for j, pj := range p {
				if u < pj {
					k = j
					break
				}
				u -= pj
			}
			choice[i] = first + k
		}
		c, ok := cost(choice)
		t.record(choice, c, ok)
		reward := -detmath.Log(c)
		if !ok || math.IsInf(reward, 0) || math.IsNaN(reward) {
			if !e.started {
				continue
			}
			reward = e.baseline - 1 // an infeasible design is worse than average
		}
		if !e.started {
			e.baseline, e.started = reward, true
			continue
		}
		adv := reward - e.baseline
		e.baseline = float64(0.9*e.baseline) + float64(0.1*reward)
		for i := range e.space.Decisions {
			z := e.logits[i]
			p := nn.Softmax(e.probs[firsts[i]:], z[firsts[i]:])
			// ∂H/∂z_j = −p_j (log p_j + H), with H the policy's entropy.
			var h float64
			for _, pj := range p {
				if pj > 0 {
					h -= float64(pj * detmath.Log(pj))
				}
			}
			for j, pj := range p {
				g := -pj
				if firsts[i]+j == choice[i] {
					g++
				}
				var dh float64
				if pj > 0 {
					dh = float64(-pj * (detmath.Log(pj) + h))
				}
				z[firsts[i]+j] += float64(e.lr*adv*g) + float64(e.entropy*dh)
			}
		}
	}
	return t
}

// evolutionEngine is steady-state evolution: a population of designs,
// tournament selection of a parent, mutation of a few decisions (repaired
// to respect bounds), and the child replacing the worst member if better.
// The population survives across calls and is re-evaluated at the start of
// each, since the network (and so every cost) may have changed.
type evolutionEngine struct {
	space *accel.Space
	rng   *rand.Rand
	size  int
	pop   [][]int
	costs []float64
	dist  distBuf
}

func (e *evolutionEngine) Name() string { return "evolution" }

// Distribution is the population's histogram: the share of members that
// hold each option of each decision (uniform before there is a population).
func (e *evolutionEngine) Distribution() [][]float64 {
	rows := e.dist.sized(e.space)
	if len(e.pop) == 0 {
		return uniform(rows)
	}
	n := float64(len(e.pop))
	for i, row := range rows {
		for j := range row {
			row[j] = 0
		}
		for _, p := range e.pop {
			row[p[i]]++
		}
		for j := range row {
			row[j] /= n
		}
	}
	return rows
}

func (e *evolutionEngine) Search(ctx context.Context, budget int, cost CostFunc) Trace {
	t := newTrace(budget)
	eval := func(p []int) float64 {
		c, ok := cost(p)
		t.record(p, c, ok)
		if !ok {
			return math.Inf(1)
		}
		return c
	}
	n := len(e.space.Decisions)
	for i := 0; i < len(e.pop) && t.Evals < budget && !stopped(ctx, t.Evals); i++ {
		e.costs[i] = eval(e.pop[i])
	}
	for len(e.pop) < e.size && t.Evals < budget && !stopped(ctx, t.Evals) {
		p := make([]int, n)
		e.space.Sample(e.rng, p)
		e.pop = append(e.pop, p)
		e.costs = append(e.costs, eval(p))
	}
	child := make([]int, n)
	for t.Evals < budget && !stopped(ctx, t.Evals) {
		parent := e.tournament(3)
		copy(child, e.pop[parent])
		mutated := false
		for i := 0; i < n; i++ {
			if e.rng.IntN(n) < 2 { // about two decisions per child
				child[i] = e.rng.IntN(len(e.space.Decisions[i].Options))
				mutated = true
			}
		}
		if !mutated {
			i := e.rng.IntN(n)
			child[i] = e.rng.IntN(len(e.space.Decisions[i].Options))
		}
		for i := range child { // repair: an option above its bound drops to the largest allowed
			if !e.space.Allowed(i, child, child[i]) {
				child[i] = allowedFrom(e.space, i, child)
			}
		}
		c := eval(child)
		worst := 0
		for i := range e.costs {
			if e.costs[i] > e.costs[worst] {
				worst = i
			}
		}
		if c < e.costs[worst] {
			copy(e.pop[worst], child)
			e.costs[worst] = c
		}
	}
	return t
}

// tournament returns the index of the best of k random members.
func (e *evolutionEngine) tournament(k int) int {
	best := e.rng.IntN(len(e.pop))
	for range k - 1 {
		if i := e.rng.IntN(len(e.pop)); e.costs[i] < e.costs[best] {
			best = i
		}
	}
	return best
}
