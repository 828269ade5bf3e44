package loopnest

import (
	"math/bits"
)

func trailingZeros(x uint64) int { return bits.TrailingZeros64(x) }
func popCount(x uint64) int      { return bits.OnesCount64(x) }

// DataSpaceStats are one level's counts for one data space. Counts are per
// instance of the level, as Timeloop's stats print them.
type DataSpaceStats struct {
	Kept bool
	// TileSize is what one instance holds ("utilized capacity").
	TileSize int64
	// PartitionSize is how many distinct elements one instance ever holds
	// over the whole run.
	PartitionSize int64
	// Reads serve the child level (or the MACs); Fills come from the parent;
	// Updates are partial sums written by the child (read-write data only).
	Reads, Fills, Updates int64
	// Multicast is the number of distinct deltas a parent instance serves per
	// step across its children (≤ its fan-out); Fanout is the number of
	// children instances (or MAC units) one instance of this level feeds.
	Multicast, Fanout int64
}

// LevelStats are the counts of one mapping level.
type LevelStats struct {
	Name string
	// Instances is how many instances of the level the mapping uses (the
	// product of the spatial factors of the levels above it).
	Instances int64
	DS        [MaxDataSpaces]DataSpaceStats
}

// Stats are the loop-nest model's counts for a problem under a mapping.
type Stats struct {
	MACs int64
	// ComputeInstances is the number of MAC units in use.
	ComputeInstances int64
	// Cycles is the compute-bound cycle count (one MAC per unit per cycle);
	// Arch.Cycles adds bandwidth limits.
	Cycles int64
	Levels []LevelStats // same order as Mapping.Levels
}

// Evaluator runs the loop-nest model for one problem. It keeps scratch space
// so that evaluating a mapping allocates nothing once the Stats it writes
// into have grown to the mapping's number of levels. Not safe for concurrent
// use; make one per goroutine.
type Evaluator struct {
	p *Problem

	nloops int
	loops  [maxNestLoops]flatLoop
	// first[l] is the index of level l's first loop in loops; first[L] = nloops.
	first [MaxLevels + 1]int
	// innerSpan[l][x] is the product of the factors of dimension x at level l
	// and inside it.
	innerSpan [MaxLevels + 1][MaxProblemDims]int64

	// per-loop projections for the data space being evaluated
	step [maxNestLoops][MaxRanks]int64
	walk deltaWalk
	// stepwise counts deltas as a walk of every iteration does (the
	// Tracer's count), not as Timeloop does.
	stepwise bool
	// scratch for distinct-offset counting
	marks []uint64
}

// maxNestLoops bounds the number of loops with a factor above one.
const maxNestLoops = 64

type flatLoop struct {
	dim     int
	factor  int64
	level   int
	spatial bool
	below   int64 // product of factors of the same dimension inside this loop
}

// NewEvaluator validates the problem and returns an evaluator for it.
func NewEvaluator(p *Problem) (*Evaluator, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Evaluator{p: p}, nil
}

// Problem returns the problem the evaluator was made for.
func (e *Evaluator) Problem() *Problem { return e.p }

// Evaluate counts a problem's data movement under a mapping; it is the
// one-shot form of NewEvaluator and Evaluator.Evaluate.
func Evaluate(p *Problem, m *Mapping) (*Stats, error) {
	e, err := NewEvaluator(p)
	if err != nil {
		return nil, err
	}
	st := new(Stats)
	if err := e.Evaluate(m, st); err != nil {
		return nil, err
	}
	return st, nil
}

// evaluateStepwise is Evaluate counting as a walk of every iteration does
// (deltaTotalStepwise): the numbers a Tracer's moves sum to.
func evaluateStepwise(p *Problem, m *Mapping) (*Stats, error) {
	e, err := NewEvaluator(p)
	if err != nil {
		return nil, err
	}
	e.stepwise = true
	st := new(Stats)
	if err := e.Evaluate(m, st); err != nil {
		return nil, err
	}
	return st, nil
}

// Evaluate counts the problem's data movement under mapping m into st,
// reusing st.Levels' storage.
func (e *Evaluator) Evaluate(m *Mapping, st *Stats) error {
	p := e.p
	if err := CheckMapping(p, m); err != nil {
		return err
	}
	L := len(m.Levels)
	nd := len(p.Dims)

	// Flatten the nest, dropping factor-1 loops: they never step.
	e.nloops = 0
	for li := range m.Levels {
		e.first[li] = e.nloops
		l := &m.Levels[li]
		for _, lp := range l.Temporal {
			if lp.Factor > 1 {
				e.loops[e.nloops] = flatLoop{dim: lp.Dim, factor: int64(lp.Factor), level: li}
				e.nloops++
			}
		}
		for _, lp := range l.Spatial {
			if lp.Factor > 1 {
				e.loops[e.nloops] = flatLoop{dim: lp.Dim, factor: int64(lp.Factor), level: li, spatial: true}
				e.nloops++
			}
		}
	}
	e.first[L] = e.nloops

	// Spans, innermost first.
	for x := 0; x < nd; x++ {
		e.innerSpan[L][x] = 1
	}
	for li := L - 1; li >= 0; li-- {
		e.innerSpan[li] = e.innerSpan[li+1]
		for j := e.first[li+1] - 1; j >= e.first[li]; j-- {
			lp := &e.loops[j]
			lp.below = e.innerSpan[li][lp.dim]
			e.innerSpan[li][lp.dim] *= lp.factor
		}
	}

	// Cycles and MAC units.
	st.MACs = p.MACs()
	st.Cycles = 1
	st.ComputeInstances = 1
	for j := 0; j < e.nloops; j++ {
		if e.loops[j].spatial {
			st.ComputeInstances *= e.loops[j].factor
		} else {
			st.Cycles *= e.loops[j].factor
		}
	}

	// Level records.
	if cap(st.Levels) < L {
		st.Levels = make([]LevelStats, L)
	}
	st.Levels = st.Levels[:L]
	inst := int64(1)
	for li := 0; li < L; li++ {
		ls := &st.Levels[li]
		ls.Name = m.Levels[li].Name
		ls.Instances = inst
		ls.DS = [MaxDataSpaces]DataSpaceStats{}
		for j := e.first[li]; j < e.first[li+1]; j++ {
			if e.loops[j].spatial {
				inst *= e.loops[j].factor
			}
		}
	}

	for d := range p.DataSpaces {
		e.evalDataSpace(m, st, d)
	}
	return nil
}

// tileExtents writes the extent of data space d's tile along each rank when
// every dimension x spans span[x]: Σ coef·(span−1) + 1, the bounding box
// Timeloop uses (exact for unit coefficients).
func tileExtents(ds *DataSpace, span *[MaxProblemDims]int64, ext *[MaxRanks]int64) int64 {
	size := int64(1)
	for r, rank := range ds.Ranks {
		x := int64(1)
		for _, t := range rank {
			x += int64(t.Coef) * (span[t.Dim] - 1)
		}
		ext[r] = x
		size *= x
	}
	return size
}

func (e *Evaluator) evalDataSpace(m *Mapping, st *Stats, d int) {
	p := e.p
	ds := &p.DataSpaces[d]
	nr := len(ds.Ranks)
	L := len(m.Levels)

	// Per-loop translation of the data space's tile when the loop steps once.
	for j := 0; j < e.nloops; j++ {
		lp := &e.loops[j]
		for r, rank := range ds.Ranks {
			var s int64
			for _, t := range rank {
				if t.Dim == lp.dim {
					s += int64(t.Coef) * lp.below
				}
			}
			e.step[j][r] = s
		}
		for r := nr; r < MaxRanks; r++ {
			e.step[j][r] = 0
		}
	}

	var ext [MaxRanks]int64
	child := -1 // the next inner level keeping d (-1: the MAC units)
	for li := L - 1; li >= 0; li-- {
		if !m.Levels[li].Keep.Has(d) {
			continue
		}
		ls := &st.Levels[li].DS[d]
		ls.Kept = true
		ls.TileSize = tileExtents(ds, &e.innerSpan[li], &ext)
		ls.PartitionSize = e.partition(ds, e.first[li])

		// What this level sends its child (reads or, for outputs, receives
		// as updates): the child's deltas, once per distinct delta among
		// the child instances it feeds.
		var perChild int64
		var groups, fanout int64
		if child < 0 {
			// The MAC units hold nothing: every MAC touches one element.
			perChild = st.Cycles
			groups, fanout = e.distinctOffsets(d, e.first[li], e.nloops)
		} else {
			if e.stepwise {
				perChild = e.deltaTotalStepwise(d, child)
			} else {
				perChild = e.deltaTotal(d, child)
			}
			groups, fanout = e.distinctOffsets(d, e.first[li], e.first[child])
			cs := &st.Levels[child].DS[d]
			// Timeloop tests multicast at each fan-out level on its own:
			// with fan-outs at several levels between this one and its
			// child, this level serves the instances of the level below
			// its outermost fan-out, each the whole tile under it (tiles
			// that only overlap are read separately).
			if v := e.firstFanout(li, child) + 1; !e.stepwise && v > 0 && v < child {
				g, _ := e.distinctOffsets(d, e.first[li], e.first[v])
				ls.Multicast, ls.Fanout = g, fanout
				content := g * e.deltaTotal(d, v)
				if ds.ReadWrite {
					cs.Fills = perChild - cs.PartitionSize
					ls.Updates, ls.Reads = content, content-ls.PartitionSize
				} else {
					cs.Fills = perChild
					ls.Reads = content
				}
				child = li
				continue
			}
			// parent_access_share: each child receives its own deltas.
			if ds.ReadWrite {
				cs.Fills = perChild - cs.PartitionSize
			} else {
				cs.Fills = perChild
			}
		}
		ls.Multicast, ls.Fanout = groups, fanout
		content := groups * perChild
		if ds.ReadWrite {
			ls.Updates = content
			ls.Reads = content - ls.PartitionSize
		} else {
			ls.Reads = content
		}
		child = li
	}
}

// partition returns how many distinct elements of ds one instance of the
// level whose loops start at nest position from touches over the whole run:
// its coordinates along a dimension come from every temporal loop and from
// the spatial loops at or inside the level. Along a rank of one dimension
// that is the product of those loops' factors; a rank summing dimensions
// (an input window) is counted with a bitmap unless every term is a
// contiguous range with coefficient 1, where it is Σ (extent−1) + 1.
func (e *Evaluator) partition(ds *DataSpace, from int) int64 {
	size := int64(1)
	for _, rank := range ds.Ranks {
		simple := true
		var boxExt int64 = 1
		for _, t := range rank {
			prod, ext := int64(1), int64(1)
			for j := 0; j < e.nloops; j++ {
				lp := &e.loops[j]
				if lp.dim == t.Dim && (!lp.spatial || j >= from) {
					prod *= lp.factor
					ext += (lp.factor - 1) * lp.below
				}
			}
			if len(rank) == 1 {
				boxExt = prod // distinct by the mixed-radix strides
				break
			}
			if prod != ext || t.Coef != 1 {
				simple = false
				break
			}
			boxExt += ext - 1
		}
		if !simple {
			boxExt = e.rankValues(rank, from)
		}
		size *= boxExt
	}
	return size
}

// maxMarkBits bounds the bitmaps that count distinct values; past it the
// counts fall back to an upper bound (min of combinations and range), which
// only pathological mappings (huge strided spans) reach.
const maxMarkBits = 1 << 22

// rankValues counts the distinct values of a summed rank over the loops an
// instance runs (see partition), with a bitmap.
func (e *Evaluator) rankValues(rank []Term, from int) int64 {
	var span, prod int64 = 1, 1
	for _, t := range rank {
		for j := 0; j < e.nloops; j++ {
			lp := &e.loops[j]
			if lp.dim == t.Dim && (!lp.spatial || j >= from) {
				span += int64(t.Coef) * (lp.factor - 1) * lp.below
				prod *= lp.factor
			}
		}
	}
	if span > maxMarkBits || prod > maxMarkBits {
		return min(span, prod)
	}
	words := int((span + 63) / 64)
	if cap(e.marks) < 2*words {
		e.marks = make([]uint64, 2*words)
	}
	cur, next := e.marks[:words], e.marks[words:2*words]
	clear(cur)
	cur[0] = 1
	for _, t := range rank {
		for j := 0; j < e.nloops; j++ {
			lp := &e.loops[j]
			if lp.dim != t.Dim || (lp.spatial && j < from) {
				continue
			}
			step := int64(t.Coef) * lp.below
			clear(next)
			for w, bits := range cur {
				for bits != 0 {
					b := int64(w*64) + int64(trailingZeros(bits))
					bits &= bits - 1
					for k := int64(0); k < lp.factor; k++ {
						v := b + k*step
						next[v>>6] |= 1 << uint(v&63)
					}
				}
			}
			cur, next = next, cur
		}
	}
	var n int64
	for _, bits := range cur {
		n += int64(popCount(bits))
	}
	return n
}

// deltaTotal returns how many elements of data space d one instance of level
// child receives over the whole run: its first tile plus, at every step of
// the temporal loops above it, the part of the new tile not in the previous
// one, by Timeloop's rules (see the file comment):
//
//   - Timeloop evaluates each loop at iterations 0 and 1 only and weights
//     iteration 1 by factor−1, so when a loop steps, the inner loops come
//     back from iteration 1, not from their last: the tile moves by the
//     loop's step minus every inner loop's step.
//   - A move reuses the previous tile only if it repeats the stored stride
//     exactly, or if there is no stored stride (then it becomes the stride,
//     even a zero one: a step of a loop the data does not depend on). Any
//     other move refetches the whole tile and clears the stride.
//
// The steps form a ruler sequence, so the count is a recursion over the
// loops with the stride as its state, memoised (the stride is none or one
// loop's move: m+1 states).
func (e *Evaluator) deltaTotal(d, child int) int64 {
	ds := &e.p.DataSpaces[d]
	w := &e.walk
	w.nr = len(ds.Ranks)
	w.full = tileExtents(ds, &e.innerSpan[child], &w.ext)
	w.m = 0
	for j := 0; j < e.first[child]; j++ {
		if !e.loops[j].spatial {
			w.loop[w.m] = j
			w.m++
		}
	}
	if w.m == 0 {
		return w.full
	}
	var inner [MaxRanks]int64 // Σ of the steps of the loops inside k
	for k := w.m - 1; k >= 0; k-- {
		st := &e.step[w.loop[k]]
		for r := 0; r < w.nr; r++ {
			w.move[k][r] = st[r] - inner[r]
			inner[r] += st[r]
		}
		for r := w.nr; r < MaxRanks; r++ {
			w.move[k][r] = 0
		}
		for s := range w.m + 1 {
			w.memo[k][s].ok = false
		}
	}
	rest, _ := e.visit(0, -1)
	return w.full + rest
}

// deltaWalk is deltaTotal's scratch space, kept in the Evaluator so that
// Evaluate does not allocate.
type deltaWalk struct {
	nr, m int
	full  int64
	ext   [MaxRanks]int64
	loop  [maxNestLoops]int // the temporal loops' indices, outermost first
	move  [maxNestLoops][MaxRanks]int64
	memo  [maxNestLoops][maxNestLoops + 1]struct {
		total int64
		state int
		ok    bool
	}
}

// reuse is the delta of move k when it reuses the previous tile: 0 for no
// move, the slice it uncovers for a move along one rank within the tile,
// else the whole tile.
func (w *deltaWalk) reuse(k int) int64 {
	mv := &w.move[k]
	moved := -1
	for r := 0; r < w.nr; r++ {
		if mv[r] != 0 {
			if moved >= 0 {
				return w.full
			}
			moved = r
		}
	}
	if moved < 0 {
		return 0
	}
	a := mv[moved]
	if a < 0 {
		a = -a
	}
	if a >= w.ext[moved] {
		return w.full
	}
	return a * (w.full / w.ext[moved])
}

// visit counts the steps of loops k..m−1 after their first point (all at
// iteration 0), entered with stride state s (-1: none; else the loop whose
// move is the stride), weighted relative to that point; it returns the
// count and the state it leaves.
func (e *Evaluator) visit(k, s int) (int64, int) {
	w := &e.walk
	if k == w.m {
		return 0, s
	}
	if r := &w.memo[k][s+1]; r.ok {
		return r.total, r.state
	}
	a, s1 := e.visit(k+1, s)
	var delta int64
	var s2 int
	switch {
	case s1 < 0:
		delta, s2 = w.reuse(k), k
	case w.move[s1] == w.move[k]:
		delta, s2 = w.reuse(k), s1
	default:
		delta, s2 = w.full, -1
	}
	b, s3 := e.visit(k+1, s2)
	total := a + (e.loops[w.loop[k]].factor-1)*(delta+b)
	w.memo[k][s+1].total, w.memo[k][s+1].state, w.memo[k][s+1].ok = total, s3, true
	return total, s3
}

// gradient is the direction of the last partial tile move: rank+1 with the
// sign of the move, or 0 after a full refetch or no move.
type gradient int

// deltaTotalStepwise is deltaTotal for a walk of every iteration, as the
// Tracer animates it: each step's move is the loop's step less the inner
// loops' whole runs, and a partial delta is kept while the tile moves in the
// same direction (AAHR's gradient rule, point-set-aahr.cpp). It differs from
// Timeloop's count only where a window slides after a loop the data does
// not depend on, or after an inner loop of more than two iterations that
// moves it.
func (e *Evaluator) deltaTotalStepwise(d, child int) int64 {
	ds := &e.p.DataSpaces[d]
	nr := len(ds.Ranks)
	var ext [MaxRanks]int64
	full := tileExtents(ds, &e.innerSpan[child], &ext)

	// Temporal loops above the child's boundary, outermost first.
	var idx [maxNestLoops]int
	m := 0
	for j := 0; j < e.first[child]; j++ {
		if !e.loops[j].spatial {
			idx[m] = j
			m++
		}
	}
	if m == 0 {
		return full
	}

	// classify returns the delta of a step translating the tile by mv and
	// the gradient such a step leaves when its partial delta is accepted.
	classify := func(mv *[MaxRanks]int64) (delta int64, g gradient, partial bool) {
		moved := -1
		for r := 0; r < nr; r++ {
			if mv[r] != 0 {
				if moved >= 0 {
					return full, 0, false // moved along two ranks
				}
				moved = r
			}
		}
		if moved < 0 {
			return 0, 0, false // the same tile
		}
		a := mv[moved]
		if a < 0 {
			a = -a
		}
		if a >= ext[moved] {
			return full, 0, false // no overlap
		}
		delta = a * (full / ext[moved])
		g = gradient(moved + 1)
		if mv[moved] < 0 {
			g = -g
		}
		return delta, g, true
	}

	// Translation when loop k steps and every loop inside it wraps to 0.
	var acc, mv [MaxRanks]int64
	jm := idx[m-1]
	for r := 0; r < nr; r++ {
		mv[r] = e.step[jm][r]
	}
	deltaM, gM, partialM := classify(&mv)
	for r := 0; r < nr; r++ {
		acc[r] = (e.loops[jm].factor - 1) * e.step[jm][r]
	}

	// outer[k] = product of the factors of the loops outside loop idx[k].
	total := full
	var outer [maxNestLoops]int64
	outer[0] = 1
	for k := 1; k < m; k++ {
		outer[k] = outer[k-1] * e.loops[idx[k-1]].factor
	}
	// The innermost loop's steps: all accepted once a run has started.
	total += outer[m-1] * (e.loops[jm].factor - 1) * deltaM
	var stateM gradient
	if partialM {
		stateM = gM
	}
	for k := m - 2; k >= 0; k-- {
		j := idx[k]
		for r := 0; r < nr; r++ {
			mv[r] = e.step[j][r] - acc[r]
			acc[r] += (e.loops[j].factor - 1) * e.step[j][r]
		}
		steps := outer[k] * (e.loops[j].factor - 1)
		delta, g, partial := classify(&mv)
		var after gradient
		if partial {
			if stateM == 0 || stateM == g {
				after = g
			} else {
				delta = full // direction changed: refetch
			}
		}
		total += steps * delta
		// The innermost loop's first step after this carry is refused when
		// the carry left a different direction behind.
		if partialM && after != 0 && after != gM {
			total += steps * (full - deltaM)
		}
	}
	return total
}

// firstFanout returns the level owning the outermost spatial loop between
// level li's loops and its child's, or -1 when the fan-outs between them
// belong to one level only (or there are none).
func (e *Evaluator) firstFanout(li, child int) int {
	first, last := -1, -1
	for j := e.first[li]; j < e.first[child]; j++ {
		if !e.loops[j].spatial {
			continue
		}
		if first < 0 {
			first = e.loops[j].level
		}
		last = e.loops[j].level
	}
	if first == last {
		return -1
	}
	return first
}

// distinctOffsets returns, for the spatial loops among loops[from:to] (the
// fan-out between a level and the child level that keeps data space d), how
// many distinct tiles of d the children hold at once and how many children
// there are. Children with the same tile receive one multicast.
func (e *Evaluator) distinctOffsets(d, from, to int) (groups, fanout int64) {
	ds := &e.p.DataSpaces[d]
	groups, fanout = 1, 1
	for r := range ds.Ranks {
		// Distinct values of Σ k_j·step_j over the spatial loops moving
		// this rank. Conv projections move each rank independently, so
		// the product over ranks is exact unless a loop moves two ranks.
		var n, span int64 = 0, 1
		count := int64(1)
		for j := from; j < to; j++ {
			lp := &e.loops[j]
			if !lp.spatial || e.step[j][r] == 0 {
				continue
			}
			n++
			count *= lp.factor
			span += e.step[j][r] * (lp.factor - 1)
		}
		if n > 1 && count > 1 {
			count = e.distinctSums(r, from, to, span, count)
		}
		groups *= count
	}
	for j := from; j < to; j++ {
		if e.loops[j].spatial {
			fanout *= e.loops[j].factor
		}
	}
	if e.movesTwoRanks(d, from, to) && fanout <= maxMarkBits {
		groups = e.distinctVectors(d, from, to)
	}
	return groups, fanout
}

func (e *Evaluator) movesTwoRanks(d, from, to int) bool {
	nr := len(e.p.DataSpaces[d].Ranks)
	for j := from; j < to; j++ {
		if !e.loops[j].spatial {
			continue
		}
		moved := 0
		for r := 0; r < nr; r++ {
			if e.step[j][r] != 0 {
				moved++
			}
		}
		if moved > 1 {
			return true
		}
	}
	return false
}

// distinctSums counts distinct values of Σ k_j·step_j[r] over the spatial
// loops in [from, to) (combos combinations) with a bitmap of the reachable
// range.
func (e *Evaluator) distinctSums(r, from, to int, span, combos int64) int64 {
	if span > maxMarkBits || combos > maxMarkBits {
		return min(span, combos)
	}
	words := int((span + 63) / 64)
	if cap(e.marks) < words {
		e.marks = make([]uint64, words)
	}
	marks := e.marks[:words]
	clear(marks)
	var js [maxNestLoops]int
	var ks [maxNestLoops]int64
	n := 0
	for j := from; j < to; j++ {
		if e.loops[j].spatial && e.step[j][r] != 0 {
			js[n] = j
			n++
		}
	}
	var count int64
	for {
		var v int64
		for i := 0; i < n; i++ {
			v += ks[i] * e.step[js[i]][r]
		}
		if marks[v>>6]&(1<<uint(v&63)) == 0 {
			marks[v>>6] |= 1 << uint(v&63)
			count++
		}
		if !e.advance(ks[:n], js[:n]) {
			return count
		}
	}
}

// advance steps the odometer ks over the loops js (the last fastest) and
// reports false when it wraps around.
func (e *Evaluator) advance(ks []int64, js []int) bool {
	for i := len(ks) - 1; i >= 0; i-- {
		ks[i]++
		if ks[i] < e.loops[js[i]].factor {
			return true
		}
		ks[i] = 0
	}
	return false
}

// distinctVectors is the general (slow) case of distinctOffsets for loops
// that move several ranks at once: enumerate every child's offset vector
// and count the distinct ones.
func (e *Evaluator) distinctVectors(d, from, to int) int64 {
	nr := len(e.p.DataSpaces[d].Ranks)
	var js [maxNestLoops]int
	var ks [maxNestLoops]int64
	n := 0
	for j := from; j < to; j++ {
		if e.loops[j].spatial {
			js[n] = j
			n++
		}
	}
	seen := map[[MaxRanks]int64]bool{}
	for {
		var v [MaxRanks]int64
		for i := 0; i < n; i++ {
			for r := 0; r < nr; r++ {
				v[r] += ks[i] * e.step[js[i]][r]
			}
		}
		seen[v] = true
		if !e.advance(ks[:n], js[:n]) {
			return int64(len(seen))
		}
	}
}
