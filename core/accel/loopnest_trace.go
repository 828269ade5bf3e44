package accel

import (
	"errors"
	"fmt"
)

// Trace is the loop-nest model run step by step: it walks every temporal
// iteration of a mapping's nest (one step per cycle of a MAC unit), moves
// each level's tiles, and counts what moves with Timeloop's rules applied
// literally to the tiles' boxes: per child instance, the part of its new
// tile not in its previous one (with the gradient reset), then one read at
// the parent per distinct delta among the children it feeds.
//
// Its totals equal Evaluate's closed form, which tests check on random
// mappings; it exists so that the visualisation can animate a layer level
// by level and end on the model's numbers. It costs O(cycles × children),
// so keep it to small layers (see MaxTraceSteps).

// MaxTraceSteps bounds the temporal iterations Trace walks.
const MaxTraceSteps = 1 << 24

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

// errStopTrace is returned by visit to stop early.
var errStopTrace = errors.New("trace stopped")

type traceBox struct {
	min, max [MaxRanks]int64
	grad     gradient
	valid    bool
}

// Trace walks m step by step, calling visit (if not nil) after every step;
// visit returns false to stop. It returns the counts accumulated over the
// whole walk, which equal Evaluate(p, m) when the walk completes.
func Trace(p *Problem, m *Mapping, visit func(*TraceStep) bool) (*Stats, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := CheckMapping(p, m); err != nil {
		return nil, err
	}
	nest := m.Nest()
	L := len(m.Levels)
	nd := len(p.Dims)
	// below[j]: product of the factors of loop j's dimension inside it.
	below := make([]int64, len(nest))
	run := make([]int64, nd)
	for x := range run {
		run[x] = 1
	}
	for j := len(nest) - 1; j >= 0; j-- {
		below[j] = run[nest[j].Dim]
		run[nest[j].Dim] *= int64(nest[j].Factor)
	}
	first := make([]int, L+1) // first nest position of each level
	for li := 0; li <= L; li++ {
		first[li] = len(nest)
		for j := range nest {
			if nest[j].Level >= li {
				first[li] = j
				break
			}
		}
	}
	var temporal []int
	cycles := int64(1)
	for j, lp := range nest {
		if !lp.Spatial {
			temporal = append(temporal, j)
			cycles *= int64(lp.Factor)
			if cycles > MaxTraceSteps {
				return nil, fmt.Errorf("accel: trace: more than %d steps; use Evaluate", MaxTraceSteps)
			}
		}
	}

	st := &Stats{MACs: p.MACs(), Cycles: cycles, ComputeInstances: 1, Levels: make([]LevelStats, L)}
	inst := int64(1)
	for li := 0; li < L; li++ {
		st.Levels[li].Name = m.Levels[li].Name
		st.Levels[li].Instances = inst
		for j := first[li]; j < first[li+1]; j++ {
			if nest[j].Spatial {
				inst *= int64(nest[j].Factor)
			}
		}
	}
	st.ComputeInstances = inst

	// Chains: for each data space, the kept levels outermost first, with
	// the spatial loops between each and its child.
	type link struct {
		d, parent, child int // child -1: the MACs
		spatial          []int
		boxes            []traceBox // per child instance
		content          int64      // parent accesses (per parent instance)
		perChild         int64      // deltas one child instance received
		ext              [MaxRanks]int64
		size             int64
	}
	var links []*link
	for d := range p.DataSpaces {
		prev := -1
		for li := 0; li < L; li++ {
			if !m.Levels[li].Keep.Has(d) {
				continue
			}
			if prev >= 0 {
				links = append(links, &link{d: d, parent: prev, child: li})
			}
			prev = li
		}
		links = append(links, &link{d: d, parent: prev, child: -1})
	}
	for _, lk := range links {
		to := len(nest)
		if lk.child >= 0 {
			to = first[lk.child]
		}
		n := 1
		for j := first[lk.parent]; j < to; j++ {
			if nest[j].Spatial {
				lk.spatial = append(lk.spatial, j)
				n *= nest[j].Factor
			}
		}
		lk.boxes = make([]traceBox, n)
		ds := &p.DataSpaces[lk.d]
		lk.size = 1
		for r, rank := range ds.Ranks {
			e := int64(1)
			if lk.child >= 0 {
				for _, t := range rank {
					span := int64(1)
					for j := first[lk.child]; j < len(nest); j++ {
						if nest[j].Dim == t.Dim {
							span *= int64(nest[j].Factor)
						}
					}
					e += int64(t.Coef) * (span - 1)
				}
			}
			lk.ext[r] = e
			lk.size *= e
		}
	}

	idx := make([]int, len(nest))
	step := &TraceStep{Index: idx}
	var deltas []traceBox
	for s := int64(0); s < cycles; s++ {
		step.Step = s
		step.Moves = step.Moves[:0]
		for _, lk := range links {
			ds := &p.DataSpaces[lk.d]
			nr := len(ds.Ranks)
			// The MACs fetch every step; a child buffer only when a loop
			// above it advanced.
			if lk.child >= 0 && s > 0 && step.Carry >= first[lk.child] {
				continue
			}
			deltas = deltas[:0]
			var sum int64
			for c := range lk.boxes {
				// Decode child c's spatial indices into idx (then reset).
				rem := c
				for k := len(lk.spatial) - 1; k >= 0; k-- {
					j := lk.spatial[k]
					idx[j] = rem % nest[j].Factor
					rem /= nest[j].Factor
				}
				var cur traceBox
				cur.valid = true
				for r, rank := range ds.Ranks {
					var lo int64
					for _, t := range rank {
						var base int64
						lim := len(nest)
						if lk.child >= 0 {
							lim = first[lk.child]
						}
						for j := 0; j < lim; j++ {
							if nest[j].Dim == t.Dim {
								base += int64(idx[j]) * below[j]
							}
						}
						lo += int64(t.Coef) * base
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
				sum += boxSize(&dl, nr)
				if boxSize(&dl, nr) == 0 {
					continue
				}
				dup := false
				for i := range deltas {
					if deltas[i].min == dl.min && deltas[i].max == dl.max {
						dup = true
						break
					}
				}
				if !dup {
					deltas = append(deltas, dl)
				}
			}
			var parent int64
			for i := range deltas {
				parent += boxSize(&deltas[i], nr)
			}
			per := sum / int64(len(lk.boxes))
			lk.content += parent
			lk.perChild += per
			if parent > 0 || per > 0 {
				step.Moves = append(step.Moves, TraceMove{Parent: lk.parent, Child: lk.child, DataSpace: lk.d, Delta: per, Accesses: parent})
			}
		}
		if visit != nil && !visit(step) {
			return st, errStopTrace
		}
		// Advance the temporal odometer.
		k := len(temporal) - 1
		for ; k >= 0; k-- {
			j := temporal[k]
			idx[j]++
			if idx[j] < nest[j].Factor {
				break
			}
			idx[j] = 0
		}
		if k >= 0 {
			step.Carry = temporal[k]
		}
	}

	// Partition sizes by brute force over the whole walk of one instance.
	for _, lk := range links {
		ls := &st.Levels[lk.parent].DS[lk.d]
		ds := &p.DataSpaces[lk.d]
		ls.Kept = true
		ls.TileSize = partitionBrute(p, nest, first[lk.parent], ds, false)
		ls.PartitionSize = partitionBrute(p, nest, first[lk.parent], ds, true)
		ls.Multicast, ls.Fanout = 0, int64(len(lk.boxes))
		if ds.ReadWrite {
			ls.Updates = lk.content
			ls.Reads = lk.content - ls.PartitionSize
		} else {
			ls.Reads = lk.content
		}
		if lk.child >= 0 {
			cs := &st.Levels[lk.child].DS[lk.d]
			if ds.ReadWrite {
				cs.Fills = lk.perChild - partitionBrute(p, nest, first[lk.child], ds, true)
			} else {
				cs.Fills = lk.perChild
			}
		}
	}
	return st, nil
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
