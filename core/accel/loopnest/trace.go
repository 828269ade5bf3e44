package loopnest

import "fmt"

// Tracer is the loop-nest model run step by step: it walks every temporal
// iteration of a mapping's nest (one step per cycle of a MAC unit), moves
// each level's tiles, and counts what moves with Timeloop's rules applied to
// the tiles' boxes: the part of a child's new tile not in its previous one
// (with the gradient reset), read once at the parent per distinct delta
// among the children it feeds.
//
// It exists so that a visualisation can animate a layer level by level and
// end on the model's numbers: summing the moves of every step gives
// Evaluate's counts (see TraceMove). A step costs O(levels × loops); the
// walk has Stats.Cycles steps, at most MaxTraceSteps.
type Tracer struct {
	p        *Problem
	nest     []NestLoop
	below    []int64
	first    []int
	temporal []int
	cycles   int64
	links    []*traceLink
	idx      []int
	step     TraceStep
	next     int64 // the step Next will produce
	exact    bool  // walk every child instance (tests); else child 0 × multicast
	model    *Stats
	st       *Stats
	deltas   []traceBox
}

type traceLink struct {
	d, parent, child int // child -1: the MACs
	spatial          []int
	boxes            []traceBox // per child instance (one unless exact)
	groups           int64      // distinct deltas among the children
	content          int64      // parent accesses (per parent instance)
	perChild         int64      // deltas one child instance received
	ext              [MaxRanks]int64
}

// MaxTraceSteps bounds the temporal iterations a Tracer walks.
const MaxTraceSteps = 1 << 26

// TraceMove is what one step moved between a level and its child for one
// data space. Summed over a whole trace, for data space d:
//
//   - Σ Accesses of the moves out of level ℓ is ℓ's Reads (read-only data)
//     or Updates (read-write data) in Stats;
//   - Σ Delta of the moves into level ℓ is ℓ's Fills (read-only data) or
//     Fills + PartitionSize (read-write data: first arrivals need no fill).
type TraceMove struct {
	// Parent is the level read (or updated); Child the next inner level
	// keeping the data space, or -1 for the MAC units.
	Parent, Child, DataSpace int
	// Delta is the elements each child instance received (per instance);
	// Accesses is what one parent instance read (or, for outputs, was
	// updated with) for all its children after multicast.
	Delta, Accesses int64
}

// TraceStep is one temporal iteration of the nest.
type TraceStep struct {
	Step int64
	// Index holds the current index of every loop of Mapping.Nest()
	// (spatial loops at 0: they are all active at once).
	Index []int
	// Carry is the position in Mapping.Nest() of the outermost loop that
	// advanced at this step (0 at the first step).
	Carry int
	// Moves lists the tiles that moved at this step, outer levels first,
	// data space by data space, ending with the MACs' accesses to the
	// innermost level keeping it (every step).
	Moves []TraceMove
}

type traceBox struct {
	min, max [MaxRanks]int64
	grad     gradient
	valid    bool
}

// NewTracer prepares a step-by-step walk of m.
func NewTracer(p *Problem, m *Mapping) (*Tracer, error) { return newTracer(p, m, false) }

func newTracer(p *Problem, m *Mapping, exact bool) (*Tracer, error) {
	model, err := evaluateStepwise(p, m) // validates p and m
	if err != nil {
		return nil, err
	}
	if model.Cycles > MaxTraceSteps {
		return nil, fmt.Errorf("loopnest: trace: %d steps; at most %d (use Evaluate)", model.Cycles, MaxTraceSteps)
	}
	t := &Tracer{p: p, nest: m.Nest(), exact: exact, model: model, cycles: model.Cycles}
	nest := t.nest
	L := len(m.Levels)
	// below[j]: product of the factors of loop j's dimension inside it.
	t.below = make([]int64, len(nest))
	run := make([]int64, len(p.Dims))
	for x := range run {
		run[x] = 1
	}
	for j := len(nest) - 1; j >= 0; j-- {
		t.below[j] = run[nest[j].Dim]
		run[nest[j].Dim] *= int64(nest[j].Factor)
	}
	t.first = make([]int, L+1) // first nest position of each level
	for li := 0; li <= L; li++ {
		t.first[li] = len(nest)
		for j := range nest {
			if nest[j].Level >= li {
				t.first[li] = j
				break
			}
		}
	}
	for j, lp := range nest {
		if !lp.Spatial {
			t.temporal = append(t.temporal, j)
		}
	}
	// Links: for each data space, each kept level and its child, with the
	// spatial loops between them.
	for d := range p.DataSpaces {
		prev := -1
		for li := 0; li < L; li++ {
			if !m.Levels[li].Keep.Has(d) {
				continue
			}
			if prev >= 0 {
				t.links = append(t.links, &traceLink{d: d, parent: prev, child: li})
			}
			prev = li
		}
		t.links = append(t.links, &traceLink{d: d, parent: prev, child: -1})
	}
	for _, lk := range t.links {
		to := len(nest)
		if lk.child >= 0 {
			to = t.first[lk.child]
		}
		n := 1
		for j := t.first[lk.parent]; j < to; j++ {
			if nest[j].Spatial {
				lk.spatial = append(lk.spatial, j)
				n *= nest[j].Factor
			}
		}
		lk.groups = model.Levels[lk.parent].DS[lk.d].Multicast
		if !exact {
			n = 1
		}
		lk.boxes = make([]traceBox, n)
		for r, rank := range p.DataSpaces[lk.d].Ranks {
			e := int64(1)
			if lk.child >= 0 {
				for _, tm := range rank {
					span := int64(1)
					for j := t.first[lk.child]; j < len(nest); j++ {
						if nest[j].Dim == tm.Dim {
							span *= int64(nest[j].Factor)
						}
					}
					e += int64(tm.Coef) * (span - 1)
				}
			}
			lk.ext[r] = e
		}
	}
	t.idx = make([]int, len(nest))
	t.step.Index = t.idx
	return t, nil
}

// Steps returns the number of steps of the walk (the model's cycles).
func (t *Tracer) Steps() int64 { return t.cycles }

// Step returns the step Next last produced. It is overwritten by the next
// call to Next.
func (t *Tracer) Step() *TraceStep { return &t.step }

// Next advances the walk by one step and reports whether there was one.
func (t *Tracer) Next() bool {
	if t.next >= t.cycles {
		return false
	}
	if t.next > 0 {
		// Advance the temporal odometer.
		k := len(t.temporal) - 1
		for ; k >= 0; k-- {
			j := t.temporal[k]
			t.idx[j]++
			if t.idx[j] < t.nest[j].Factor {
				break
			}
			t.idx[j] = 0
		}
		t.step.Carry = t.temporal[max(k, 0)]
	}
	t.step.Step = t.next
	t.next++
	t.step.Moves = t.step.Moves[:0]
	for _, lk := range t.links {
		// The MACs fetch every step; a child buffer only when a loop above
		// it advanced.
		if lk.child >= 0 && t.step.Step > 0 && t.step.Carry >= t.first[lk.child] {
			continue
		}
		per, parent := t.moveLink(lk)
		lk.content += parent
		lk.perChild += per
		if parent > 0 || per > 0 {
			t.step.Moves = append(t.step.Moves, TraceMove{Parent: lk.parent, Child: lk.child, DataSpace: lk.d, Delta: per, Accesses: parent})
		}
	}
	return true
}

// moveLink computes one link's per-child delta and parent accesses at the
// current indices.
func (t *Tracer) moveLink(lk *traceLink) (per, parent int64) {
	nest, idx := t.nest, t.idx
	ds := &t.p.DataSpaces[lk.d]
	nr := len(ds.Ranks)
	lim := len(nest)
	if lk.child >= 0 {
		lim = t.first[lk.child]
	}
	t.deltas = t.deltas[:0]
	var sum int64
	for c := range lk.boxes {
		// Decode child c's spatial indices into idx (then reset).
		rem := c
		for k := len(lk.spatial) - 1; k >= 0 && t.exact; k-- {
			j := lk.spatial[k]
			idx[j] = rem % nest[j].Factor
			rem /= nest[j].Factor
		}
		var cur traceBox
		cur.valid = true
		for r, rank := range ds.Ranks {
			var lo int64
			for _, tm := range rank {
				var base int64
				for j := 0; j < lim; j++ {
					if nest[j].Dim == tm.Dim {
						base += int64(idx[j]) * t.below[j]
					}
				}
				lo += int64(tm.Coef) * base
			}
			cur.min[r], cur.max[r] = lo, lo+lk.ext[r]
		}
		for _, j := range lk.spatial {
			idx[j] = 0
		}
		var dl traceBox
		if lk.child < 0 {
			dl = cur // the MACs hold nothing
		} else {
			dl = aahrDelta(&cur, &lk.boxes[c], nr)
			lk.boxes[c] = cur
		}
		n := boxSize(&dl, nr)
		sum += n
		if n == 0 {
			continue
		}
		dup := false
		for i := range t.deltas {
			if t.deltas[i].min == dl.min && t.deltas[i].max == dl.max {
				dup = true
				break
			}
		}
		if !dup {
			t.deltas = append(t.deltas, dl)
		}
	}
	if !t.exact {
		return sum, lk.groups * sum
	}
	for i := range t.deltas {
		parent += boxSize(&t.deltas[i], nr)
	}
	return sum / int64(len(lk.boxes)), parent
}

// Model returns the counts the walk ends on: Evaluate's, except that a
// window sliding after a loop the data does not depend on is counted as a
// walk moves it, not with Timeloop's shortcut (see deltaTotalStepwise).
func (t *Tracer) Model() *Stats { return t.model }

// Stats returns the counts of the walk so far; after the last step they
// equal Model's.
func (t *Tracer) Stats() *Stats {
	st := &Stats{MACs: t.model.MACs, Cycles: t.cycles, ComputeInstances: t.model.ComputeInstances,
		Levels: make([]LevelStats, len(t.model.Levels))}
	for li := range st.Levels {
		st.Levels[li].Name = t.model.Levels[li].Name
		st.Levels[li].Instances = t.model.Levels[li].Instances
	}
	for _, lk := range t.links {
		ls := &st.Levels[lk.parent].DS[lk.d]
		ds := &t.p.DataSpaces[lk.d]
		ls.Kept = true
		ls.Multicast, ls.Fanout = t.model.Levels[lk.parent].DS[lk.d].Multicast, t.model.Levels[lk.parent].DS[lk.d].Fanout
		if t.exact {
			ls.TileSize = partitionBrute(t.p, t.nest, t.first[lk.parent], ds, false)
			ls.PartitionSize = partitionBrute(t.p, t.nest, t.first[lk.parent], ds, true)
		} else {
			ls.TileSize = t.model.Levels[lk.parent].DS[lk.d].TileSize
			ls.PartitionSize = t.model.Levels[lk.parent].DS[lk.d].PartitionSize
		}
		if ds.ReadWrite {
			ls.Updates = lk.content
			ls.Reads = lk.content - ls.PartitionSize
		} else {
			ls.Reads = lk.content
		}
	}
	for _, lk := range t.links {
		if lk.child >= 0 {
			cs := &st.Levels[lk.child].DS[lk.d]
			if t.p.DataSpaces[lk.d].ReadWrite {
				cs.Fills = lk.perChild - cs.PartitionSize
			} else {
				cs.Fills = lk.perChild
			}
		}
	}
	return st
}

// Trace walks m step by step, calling visit (if not nil) after every step;
// visit returns false to stop early. It returns the counts of the steps
// walked, which equal Evaluate(p, m) when the walk completes.
func Trace(p *Problem, m *Mapping, visit func(*TraceStep) bool) (*Stats, error) {
	return trace(p, m, visit, false)
}

func trace(p *Problem, m *Mapping, visit func(*TraceStep) bool, exact bool) (*Stats, error) {
	t, err := newTracer(p, m, exact)
	if err != nil {
		return nil, err
	}
	for t.Next() {
		if visit != nil && !visit(t.Step()) {
			break
		}
	}
	return t.Stats(), nil
}

func boxSize(b *traceBox, nr int) int64 {
	if !b.valid {
		return 0
	}
	n := int64(1)
	for r := 0; r < nr; r++ {
		n *= b.max[r] - b.min[r]
	}
	return n
}

// aahrDelta returns cur minus last as Timeloop's AAHR point sets compute it
// (point-set-aahr.cpp, Subtract and operator-), updating cur's gradient.
func aahrDelta(cur, last *traceBox, nr int) traceBox {
	delta := *cur
	if !last.valid {
		cur.grad = 0
		return delta
	}
	if cur.min == last.min && cur.max == last.max {
		cur.grad = 0
		return traceBox{}
	}
	// Subtract: find the one rank that differs.
	var g gradient
	diff := -1
	overlap := true
	for r := 0; r < nr; r++ {
		if last.max[r] <= cur.min[r] || last.min[r] >= cur.max[r] {
			overlap = false
		}
	}
	if overlap {
		for r := 0; r < nr; r++ {
			if cur.min[r] != last.min[r] || cur.max[r] != last.max[r] {
				if diff >= 0 {
					diff = -2
					break
				}
				diff = r
			}
		}
	}
	if diff >= 0 {
		r := diff
		switch {
		case last.min[r] <= cur.min[r] && last.max[r] <= cur.max[r]:
			g = gradient(r + 1) // positive move
			delta.min[r] = last.max[r]
		case last.min[r] > cur.min[r] && last.max[r] >= cur.max[r]:
			g = -gradient(r + 1)
			delta.max[r] = last.min[r]
		default:
			// last contains cur along r: nothing new.
			delta = traceBox{}
		}
	}
	// operator-: accept the partial delta only when the direction holds.
	switch {
	case last.grad == 0:
		cur.grad = g
	case g == 0 && boxSize(&delta, nr) == 0:
		cur.grad = 0
	case last.grad == g:
		cur.grad = g
	default:
		delta = *cur
		cur.grad = 0
	}
	delta.grad = 0
	return delta
}

// partitionBrute counts the elements of ds one instance of the
// level whose loops start at nest position from touches: with all, over the
// whole run (every temporal loop, spatial loops from this level inward);
// without, in one tile (loops from this level inward).
func partitionBrute(p *Problem, nest []NestLoop, from int, ds *DataSpace, all bool) int64 {
	var loops []int
	for j := range nest {
		if j >= from || (all && !nest[j].Spatial) {
			loops = append(loops, j)
		}
	}
	below := make([]int64, len(nest))
	run := make([]int64, len(p.Dims))
	for x := range run {
		run[x] = 1
	}
	for j := len(nest) - 1; j >= 0; j-- {
		below[j] = run[nest[j].Dim]
		run[nest[j].Dim] *= int64(nest[j].Factor)
	}
	// A tile is an axis-aligned box, as Timeloop keeps point sets: the
	// bounding box of its points, rank by rank. A partition is the set of
	// distinct points.
	seen := map[[MaxRanks]int64]bool{}
	var lo, hi [MaxRanks]int64
	started := false
	ks := make([]int, len(loops))
	for {
		var pt [MaxRanks]int64
		for r, rank := range ds.Ranks {
			for _, t := range rank {
				for i, j := range loops {
					if nest[j].Dim == t.Dim {
						pt[r] += int64(t.Coef) * int64(ks[i]) * below[j]
					}
				}
			}
		}
		if all {
			seen[pt] = true
		}
		for r := range ds.Ranks {
			if !started || pt[r] < lo[r] {
				lo[r] = pt[r]
			}
			if !started || pt[r] > hi[r] {
				hi[r] = pt[r]
			}
		}
		started = true
		i := len(loops) - 1
		for ; i >= 0; i-- {
			ks[i]++
			if ks[i] < nest[loops[i]].Factor {
				break
			}
			ks[i] = 0
		}
		if i < 0 {
			break
		}
	}
	if all {
		return int64(len(seen))
	}
	n := int64(1)
	for r := range ds.Ranks {
		n *= hi[r] - lo[r] + 1
	}
	return n
}
