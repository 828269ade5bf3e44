package sweep

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/share"
)

// Limits on a sweep's size, far above what a machine runs in a day.
const (
	MaxSeeds  = 1000
	MaxPoints = 64
	MaxUnits  = 100000
)

// Point is a trade-off point: the λ of the hardware cost, held fixed
// (adapt=0), or the target band λ adapts to (adapt=1). The zero Point is
// the configuration's own setting.
type Point struct {
	Lambda             float64 // > 0: a fixed λ
	TargetLo, TargetHi float64 // hi > 0: a target band
}

// String is the point's name in results: "lambda=0.1", "target=100-200"
// or "config".
func (p Point) String() string {
	switch {
	case p.Lambda > 0:
		return "lambda=" + strconv.FormatFloat(p.Lambda, 'g', -1, 64)
	case p.TargetHi > 0:
		return "target=" + strconv.FormatFloat(p.TargetLo, 'g', -1, 64) + "-" + strconv.FormatFloat(p.TargetHi, 'g', -1, 64)
	}
	return "config"
}

// apply sets the point on c.
func (p Point) apply(c *share.Config) {
	switch {
	case p.Lambda > 0:
		c.Lambda, c.Adapt = p.Lambda, false
	case p.TargetHi > 0:
		c.TargetLo, c.TargetHi, c.Adapt = p.TargetLo, p.TargetHi, true
	}
}

// Spec is a sweep: a base configuration and the seeds, methods and
// trade-off points to run it at.
type Spec struct {
	// Base is the configuration every run starts from; its seed, method
	// and baselines are replaced by each unit's.
	Base  share.Config
	Seeds []uint32
	// Methods are share.Methods' names, the co-search first when present,
	// and "cosearch/ENGINE" for the co-search run with another accelerator
	// search engine than Base's (compared with the co-search like a
	// baseline).
	Methods []string
	Points  []Point // at least one
}

// Unit is one search of a sweep.
type Unit struct {
	Index  int
	Method string
	Seed   uint32
	Point  int // index into Spec.Points
	Config share.Config
	// Same is the index of the unit whose search gives this unit's result:
	// Index itself, or, for a method that ignores λ (search.IgnoresLambda),
	// the unit of the same method and seed at the first point that differs
	// from this one only in λ. Only units with Same == Index are run.
	Same int
}

// Runs reports whether the unit is searched, rather than copied from the
// unit Same names.
func (u Unit) Runs() bool { return u.Same == u.Index }

// Check reports what is wrong with a spec, naming the part and what it
// accepts.
func (s Spec) Check() error {
	var errs []error
	if len(s.Seeds) == 0 || len(s.Seeds) > MaxSeeds {
		errs = append(errs, fmt.Errorf("sweep: %d seeds; accepted 1 to %d", len(s.Seeds), MaxSeeds))
	}
	seen := map[uint32]bool{}
	for _, seed := range s.Seeds {
		if seen[seed] {
			errs = append(errs, fmt.Errorf("sweep: seed %d is listed twice", seed))
		}
		seen[seed] = true
	}
	if len(s.Methods) == 0 {
		errs = append(errs, fmt.Errorf("sweep: no method; accepted %s", strings.Join(share.Methods, ", ")))
	}
	for i, m := range s.Methods {
		known := slices.Contains(share.Methods, m)
		if engine, ok := strings.CutPrefix(m, "cosearch/"); ok {
			known = slices.Contains(search.EngineNames, engine) && engine != s.Base.Engine
		}
		if !known {
			errs = append(errs, fmt.Errorf("sweep: method %q; accepted %s, or cosearch/ENGINE with an engine of %s other than the configuration's",
				m, strings.Join(share.Methods, ", "), strings.Join(search.EngineNames, ", ")))
		}
		for _, n := range s.Methods[:i] {
			if n == m {
				errs = append(errs, fmt.Errorf("sweep: method %q is listed twice", m))
			}
		}
	}
	if len(s.Points) == 0 || len(s.Points) > MaxPoints {
		errs = append(errs, fmt.Errorf("sweep: %d trade-off points; accepted 1 to %d", len(s.Points), MaxPoints))
	}
	for _, p := range s.Points {
		if p.Lambda < 0 || p.TargetLo < 0 || p.TargetHi < 0 || (p.TargetHi > 0 && p.TargetLo >= p.TargetHi) || (p.Lambda > 0 && p.TargetHi > 0) {
			errs = append(errs, fmt.Errorf("sweep: trade-off point %+v; accepted a λ > 0 or a band 0 ≤ lo < hi", p))
		}
	}
	if n := len(s.Seeds) * len(s.Methods) * len(s.Points); n > MaxUnits {
		errs = append(errs, fmt.Errorf("sweep: %d searches; at most %d", n, MaxUnits))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, u := range s.Units() {
		if err := u.Config.Validate(); err != nil {
			return fmt.Errorf("sweep: %s seed %d %s: %w", u.Method, u.Seed, s.Points[u.Point], err)
		}
	}
	return nil
}

// Units lists the sweep's searches: points outermost, then methods, then
// seeds, so shards interleave methods and points evenly.
func (s Spec) Units() []Unit {
	var out []Unit
	for pi, p := range s.Points {
		for mi, m := range s.Methods {
			for si, seed := range s.Seeds {
				c := s.Base
				c.Seed, c.Method, c.Baselines = seed, m, nil
				if engine, ok := strings.CutPrefix(m, "cosearch/"); ok {
					c.Method, c.Engine = "cosearch", engine
				}
				p.apply(&c)
				u := Unit{Index: len(out), Method: m, Seed: seed, Point: pi, Config: c, Same: len(out)}
				if search.IgnoresLambda(m) {
					for pj, q := range s.Points[:pi] {
						if q.TargetLo == p.TargetLo && q.TargetHi == p.TargetHi {
							u.Same = (pj*len(s.Methods)+mi)*len(s.Seeds) + si
							break
						}
					}
				}
				out = append(out, u)
			}
		}
	}
	return out
}

// Fragment is the unit's configuration as a link writes it: the unit of
// work a scheduler hands to `dian search -config`.
func (u Unit) Fragment() string { return u.Config.Encode() }

// Shard selects a share of the units: the i-th of n (1 ≤ I ≤ N) takes the
// units whose index is I−1 modulo N, with the units that copy them
// (Unit.Same). The zero Shard takes them all.
type Shard struct{ I, N int }

// ParseShard reads "i/n".
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || n > MaxUnits || i < 1 || i > n {
		return Shard{}, fmt.Errorf("sweep: shard %q; accepted i/n with 1 ≤ i ≤ n, e.g. 2/8", s)
	}
	return Shard{I: i, N: n}, nil
}

func (sh Shard) takes(index int) bool { return sh.N <= 1 || index%sh.N == sh.I-1 }

// String is "i/n", or "" for the whole sweep.
func (sh Shard) String() string {
	if sh.N <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", sh.I, sh.N)
}

// Options say how to run a sweep.
type Options struct {
	// Workers is how many searches run at once (0: one per CPU). The result
	// does not depend on it.
	Workers int
	Shard   Shard
	// Done, if not nil, is told of each finished run (from any goroutine,
	// one call at a time) with the number done and the number to do.
	Done func(r RunResult, done, total int)
	// Skip lists runs finished earlier (a resumed sweep): their units are
	// not run again and their results are kept.
	Skip []RunResult
}

// Run runs the units of spec that opts.Shard takes, opts.Workers at a
// time, on the inputs in (the dataset and the snapshot, shared read-only
// by every search), and returns their results in unit order with the
// summary. On an error or a cancelled ctx it stops starting runs and
// returns what finished, with the error.
func Run(ctx context.Context, spec Spec, in search.Input, opts Options) (*Result, error) {
	if err := spec.Check(); err != nil {
		return nil, err
	}
	start := time.Now()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// done holds the searched units' runs; NewResult adds their copies.
	skip := map[int]RunResult{}
	for _, r := range opts.Skip {
		skip[r.Index] = r
	}
	done := map[int]RunResult{}
	var todo []Unit
	for _, u := range spec.Units() {
		if !u.Runs() || !opts.Shard.takes(u.Index) {
			continue
		}
		if r, ok := skip[u.Index]; ok && r.Config == u.Fragment() {
			done[u.Index] = r
		} else {
			todo = append(todo, u)
		}
	}
	total := len(todo) + len(done)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	next := make(chan Unit)
	for range min(workers, max(1, len(todo))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range next {
				t0 := time.Now()
				res, err := search.Run(ctx, u.Config, in, nil)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("sweep: %s seed %d %s (%s): %w", u.Method, u.Seed, spec.Points[u.Point], u.Fragment(), err)
					}
					cancel()
				} else {
					r := RunOf(u, spec, res, time.Since(t0).Seconds())
					done[u.Index] = r
					if opts.Done != nil {
						opts.Done(r, len(done), total)
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, u := range todo {
		select {
		case next <- u:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	runs := make([]RunResult, 0, len(done))
	for _, r := range done {
		runs = append(runs, r)
	}
	out := NewResult(spec, opts.Shard, runs)
	out.Timing = Timing{WallSeconds: time.Since(start).Seconds(), Workers: workers}
	if firstErr == nil {
		firstErr = ctx.Err()
		if errors.Is(firstErr, context.Canceled) && len(done) == total {
			firstErr = nil // every run finished
		}
	}
	return out, firstErr
}

// RunOf is what a sweep keeps of unit u's search result res, which took
// seconds (the page runs units in its workers and hands the results back).
func RunOf(u Unit, spec Spec, res *report.Result, seconds float64) RunResult {
	return RunResult{Index: u.Index, Method: u.Method, Seed: u.Seed, Point: spec.Points[u.Point].String(),
		Config: u.Fragment(), Network: res.Network.Ops, Bits: res.Network.Bits, Metrics: res.Metrics,
		TrainSteps: res.Search.TrainSteps, HWEvaluations: res.Search.HWEvaluations, Seconds: seconds}
}

// SpecOfLink is the comparison a link describes (share.Link.Seeds): the
// co-search and the baselines its configuration lists, over its seeds and
// trade-off points.
func SpecOfLink(l share.Link) (Spec, error) {
	if len(l.Seeds) == 0 {
		return Spec{}, fmt.Errorf("sweep: the link names no seeds (add seeds=1-5, say, to compare)")
	}
	s := Spec{Base: l.Config, Seeds: l.Seeds, Methods: append([]string{"cosearch"}, l.Config.Baselines...)}
	for _, e := range l.Engines {
		s.Methods = append(s.Methods, "cosearch/"+e)
	}
	s.Base.Baselines = nil
	for _, v := range l.Lambdas {
		s.Points = append(s.Points, Point{Lambda: v})
	}
	for _, t := range l.Targets {
		s.Points = append(s.Points, Point{TargetLo: t[0], TargetHi: t[1]})
	}
	if len(s.Points) == 0 {
		s.Points = []Point{{}}
	}
	return s, s.Check()
}
