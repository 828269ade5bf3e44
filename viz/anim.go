package viz

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// LayerAnim is one layer's mapping walked cycle by cycle for the
// accelerator view. Everything expensive happens in NewLayerAnim (the
// loop-nest model evaluates the mapping once, to know where the walk ends);
// each frame then calls Advance with a small step budget, so no frame runs
// a whole cost-model evaluation.
//
// Its counters are the loop-nest model's (accel.Tracer.Stats) as the walk
// stands: they grow with the animation and, once Done, equal what
// accel.Evaluate reports for the layer (see anim_test.go).
type LayerAnim struct {
	Problem *loopnest.Problem
	Mapping *loopnest.Mapping
	// Nest is Mapping.Nest(): the loops the loop-nest panel prints.
	Nest []loopnest.NestLoop
	// Model is the loop-nest model's verdict for the whole layer: the
	// numbers the counters end on.
	Model *loopnest.Stats

	tr      *loopnest.Tracer
	walked  int64
	carry   int
	flow    FlowSet // what moved during the last Advance
	started bool
}

// MaxAnimSteps bounds the cycles of a layer the view animates; larger
// layers show the model's counts without a walk.
const MaxAnimSteps = 1 << 24

// NewLayerAnim prepares the walk of mapping m of problem p.
func NewLayerAnim(p *loopnest.Problem, m *loopnest.Mapping) (*LayerAnim, error) {
	tr, err := loopnest.NewTracer(p, m)
	if err != nil {
		return nil, fmt.Errorf("viz: layer %q: %w", p.Name, err)
	}
	if tr.Steps() > MaxAnimSteps {
		return nil, fmt.Errorf("viz: layer %q takes %d cycles; the view animates at most %d", p.Name, tr.Steps(), MaxAnimSteps)
	}
	return &LayerAnim{Problem: p, Mapping: m, Nest: m.Nest(), Model: tr.Model(), tr: tr}, nil
}

// Steps returns the layer's cycles: the number of steps of the walk.
func (a *LayerAnim) Steps() int64 { return a.tr.Steps() }

// Walked returns the steps taken so far.
func (a *LayerAnim) Walked() int64 { return a.walked }

// Done reports whether the walk reached the end of the layer.
func (a *LayerAnim) Done() bool { return a.walked >= a.tr.Steps() }

// Index returns the current index of every loop of Nest (spatial loops
// stay at 0: all their instances run at once). Read-only.
func (a *LayerAnim) Index() []int { return a.tr.Step().Index }

// Carry returns the position in Nest of the outermost loop that advanced
// at the last step: the loop the panel highlights. It is -1 before the
// first step.
func (a *LayerAnim) Carry() int {
	if !a.started {
		return -1
	}
	return a.carry
}

// Flows returns what moved during the last Advance, for drawing.
func (a *LayerAnim) Flows() FlowSet { return a.flow }

// Advance walks at most n steps and returns how many it took.
func (a *LayerAnim) Advance(n int64) int64 {
	a.flow = FlowSet{}
	var k int64
	for ; k < n && a.tr.Next(); k++ {
		st := a.tr.Step()
		a.walked++
		a.started = true
		a.carry = st.Carry
		for _, mv := range st.Moves {
			a.flow.add(mv)
		}
	}
	return k
}

// AdvanceIteration walks until a loop outside the innermost temporal loop
// advances (one iteration of the second-innermost loop), or at most limit
// steps, and returns the steps taken.
func (a *LayerAnim) AdvanceIteration(limit int64) int64 {
	inner := -1
	for j := len(a.Nest) - 1; j >= 0; j-- {
		if !a.Nest[j].Spatial {
			inner = j
			break
		}
	}
	var flow FlowSet
	var k int64
	for k < limit && !a.Done() {
		k += a.Advance(1)
		flow.merge(a.flow)
		if a.carry < inner {
			break
		}
	}
	a.flow = flow
	return k
}

// Counters returns the loop-nest model's counts for the steps walked so
// far. For read-write data (outputs) the model counts reads as updates
// minus first arrivals, which it knows only in total; until a walk has
// updated more than that, such reads (and fills) show as 0.
func (a *LayerAnim) Counters() *loopnest.Stats {
	st := a.tr.Stats()
	for li := range st.Levels {
		for d := range st.Levels[li].DS {
			ds := &st.Levels[li].DS[d]
			ds.Reads, ds.Fills = max(0, ds.Reads), max(0, ds.Fills)
		}
	}
	return st
}

// FlowSet records which links carried which data spaces during a frame:
// Bits[parent][child+1] holds one bit per data space (child −1 is the MACs).
type FlowSet struct {
	Bits [loopnest.MaxLevels][loopnest.MaxLevels + 1]loopnest.DataSpaceMask
	// Words counts the elements each data space delivered to the MACs'
	// level during the frame (per PE).
	Words [loopnest.MaxDataSpaces]int64
}

func (f *FlowSet) add(mv loopnest.TraceMove) {
	f.Bits[mv.Parent][mv.Child+1] |= 1 << uint(mv.DataSpace)
	if mv.Child < 0 {
		f.Words[mv.DataSpace] += mv.Delta
	}
}

func (f *FlowSet) merge(g FlowSet) {
	for i := range f.Bits {
		for j := range f.Bits[i] {
			f.Bits[i][j] |= g.Bits[i][j]
		}
	}
	for d := range f.Words {
		f.Words[d] += g.Words[d]
	}
}

// Moved reports whether data space d moved from level parent to child (−1:
// the MACs) during the frame.
func (f FlowSet) Moved(parent, child, d int) bool {
	return f.Bits[parent][child+1].Has(d)
}

// Into reports whether data space d arrived at level child from any parent.
func (f FlowSet) Into(child, d int) bool {
	for p := range f.Bits {
		if f.Bits[p][child+1].Has(d) {
			return true
		}
	}
	return false
}

// Unroll returns the spatial unrolling of a mapping: the product of the
// factors of the spatial loops along the array's rows (AxisY) and columns
// (AxisX). These are the PEs the layer keeps busy: the top-left
// rows × cols block of the array.
func Unroll(m *loopnest.Mapping) (rows, cols int) {
	rows, cols = 1, 1
	for _, l := range m.Levels {
		for _, lp := range l.Spatial {
			if lp.Axis == loopnest.AxisY {
				rows *= lp.Factor
			} else {
				cols *= lp.Factor
			}
		}
	}
	return rows, cols
}

// Accumulation returns how far the current output's partial sum has got:
// done of total steps, where total is the product of the innermost run of
// temporal loops that do not index the outputs (the reduction loops
// walked while an output stays put) and done counts the steps of that run
// walked so far, the current one included. When done reaches total the
// partial sum is complete and leaves. Before the walk, done is 0.
func (a *LayerAnim) Accumulation() (done, total int) {
	outDims := map[int]bool{}
	for _, rank := range a.Problem.DataSpaces[loopnest.DSOutputs].Ranks {
		for _, t := range rank {
			outDims[t.Dim] = true
		}
	}
	idx := a.Index()
	total, stride := 1, 1
	for j := len(a.Nest) - 1; j >= 0; j-- {
		lp := a.Nest[j]
		if lp.Spatial || lp.Factor == 1 {
			continue
		}
		if outDims[lp.Dim] {
			break
		}
		done += idx[j] * stride
		stride *= lp.Factor
		total *= lp.Factor
	}
	if !a.started {
		return 0, total
	}
	return done + 1, total
}

// OnNoC reports whether data space d crossed the NoC to the PEs in f: the
// global buffer (level 1) sent it to the register files (level 2) or
// straight to the MACs, or the register files received it from DRAM.
func OnNoC(f FlowSet, d int) bool {
	return f.Into(2, d) || f.Moved(1, -1, d)
}
