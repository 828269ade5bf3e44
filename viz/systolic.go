package viz

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/accel/systolic"
)

// SystolicSchedule is a layer's schedule on a systolic array as SCALE-Sim
// runs it (systolic.Plan): the layer becomes a GEMM, folded onto the
// array, and in every fold one operand stays in the PEs while the other two
// move one PE per cycle, skewed so that row i (or column j) starts i (or j)
// cycles late. The schedule says, for any PE and cycle, which element of
// which operand the PE holds, whether it arrived from a neighbour or is
// held in place, and whether the PE does a MAC: the diagonal wavefront the
// accelerator view draws.
//
// Operand elements are named by their place in SCALE-Sim's operand
// matrices: IFMAP (output pixel × tap), FILTER (tap × filter) and OFMAP
// (output pixel × filter), taps being R·S·C. Per dataflow:
//
//	      stays in the PEs   moves right along a row   moves down a column
//	os    output             input (IFMAP[p][τ])       weight (FILTER[τ][m])
//	ws    weight             input (IFMAP[p][τ])       partial sum (OFMAP[p][m])
//	is    input              weight (FILTER[τ][m])     partial sum (OFMAP[p][m])
//
// For os, PE (i, j) does its first MAC at cycle i+j of a fold; ws and is
// first spend Rows cycles shifting the stationary operand down into the
// array, so the first MAC is at Rows+i+j. A fold lasts the plan's
// CyclesPerFold: fill, compute and drain.
type SystolicSchedule struct {
	Plan systolic.Plan
	// Runs is how many times the layer's GEMM runs back to back (groups ×
	// batch, systolic.ConvOf).
	Runs int
}

// NewSystolicSchedule folds layer l onto chunk c's systolic array (its
// dataflow must be os, ws or is).
func NewSystolicSchedule(l accel.Layer, c *accel.SubAccel) (*SystolicSchedule, error) {
	arr, err := systolic.ArrayOf(c)
	if err != nil {
		return nil, fmt.Errorf("viz: layer %q: %w", l.Name, err)
	}
	conv, runs, err := systolic.ConvOf(l)
	if err != nil {
		return nil, fmt.Errorf("viz: layer %q: %w", l.Name, err)
	}
	p, err := arr.Plan(conv)
	if err != nil {
		return nil, fmt.Errorf("viz: layer %q: %w", l.Name, err)
	}
	return &SystolicSchedule{Plan: p, Runs: runs}, nil
}

// Cycles returns the layer's cycles on the array: runs × folds × cycles
// per fold, SCALE-Sim's cycle count (systolic.Stats.Cycles).
func (s *SystolicSchedule) Cycles() int64 {
	return int64(s.Runs) * int64(s.Plan.Folds()) * int64(s.Plan.CyclesPerFold)
}

// Locate splits a cycle of the layer into its run, fold and cycle within
// the fold. Cycles past the end stay on the last cycle.
func (s *SystolicSchedule) Locate(cycle int64) (run, fold, t int) {
	cycle = min(max(cycle, 0), s.Cycles()-1)
	per := int64(s.Plan.CyclesPerFold)
	folds := int64(s.Plan.Folds())
	return int(cycle / (per * folds)), int(cycle / per % folds), int(cycle % per)
}

// Operand directions in the array.
const (
	Held       = iota // stays in the PE
	FromLeft          // arrived from the left neighbour (or the row's edge)
	FromAbove         // arrived from the neighbour above (or the column's edge)
	LoadedDown        // shifting down into place before the fold computes
)

// SystolicElem is the element of one operand a PE holds in a cycle.
type SystolicElem struct {
	// Present is false when the PE holds no element of this operand.
	Present bool
	// Row and Col place the element in its operand matrix (IFMAP, FILTER
	// or OFMAP).
	Row, Col int
	// How says how it got there: Held, FromLeft, FromAbove or LoadedDown.
	How int
}

// SystolicPE is what one PE holds and does in one cycle.
type SystolicPE struct {
	// MAC is set when the PE multiplies and accumulates this cycle.
	MAC bool
	// Operands are indexed by accel.DSWeights, DSInputs and DSOutputs.
	Operands [3]SystolicElem
	// Taps is how many MACs the output (or partial sum) the PE holds has
	// accumulated, this cycle's included.
	Taps int
	// Leaving is set when the output or partial sum the PE holds leaves
	// the array after this cycle: a finished output (os) or a partial sum
	// at the bottom row (ws, is).
	Leaving bool
}

// PE returns what PE (i, j) holds and does at cycle t (from the fold's
// start) of fold k. PEs outside the fold's used rows and columns hold
// nothing, except that partial sums pass down through unused rows.
func (s *SystolicSchedule) PE(k, t, i, j int) SystolicPE {
	var pe SystolicPE
	p := s.Plan
	f := p.Fold(k)
	rows := p.Array.Rows
	if i < 0 || j < 0 || i >= rows || j >= p.Array.Cols || j >= f.UsedCols || t < 0 || t >= p.CyclesPerFold {
		return pe
	}
	r0, c0 := f.RowFold*rows, f.ColFold*p.Array.Cols // the fold's first GEMM row and column
	usedRow := i < f.UsedRows
	elem := func(row, col, how int) SystolicElem { return SystolicElem{Present: true, Row: row, Col: col, How: how} }
	if p.Array.Dataflow == accel.OutputStationary {
		if !usedRow {
			return pe
		}
		// Row i streams pixel r0+i's taps, column j filter c0+j's weights;
		// tap τ meets at PE (i, j) at cycle i+j+τ.
		tau := t - i - j
		if tau < 0 || tau >= p.T {
			return pe
		}
		pe.MAC, pe.Taps, pe.Leaving = true, tau+1, tau == p.T-1
		pe.Operands[loopnest.DSInputs] = elem(r0+i, tau, FromLeft)
		pe.Operands[loopnest.DSWeights] = elem(tau, c0+j, FromAbove)
		pe.Operands[loopnest.DSOutputs] = elem(r0+i, c0+j, Held)
		return pe
	}
	// ws and is: the stationary operand enters the top row during the
	// first Rows cycles and shifts down; the one bound for row r enters at
	// cycle Rows−1−r, so every row is in place at cycle Rows−1.
	stat, moving := loopnest.DSWeights, loopnest.DSInputs
	if p.Array.Dataflow == accel.InputStationary {
		stat, moving = loopnest.DSInputs, loopnest.DSWeights
	}
	// statElem is the stationary element of PE row r (tap r0+r).
	statElem := func(r, how int) SystolicElem {
		if stat == loopnest.DSWeights {
			return elem(r0+r, c0+j, how) // FILTER[tap][filter]
		}
		return elem(c0+j, r0+r, how) // IFMAP[pixel][tap]
	}
	if t < rows {
		if r := i + rows - 1 - t; usedRow && r < f.UsedRows && r <= rows-1 && i <= t {
			pe.Operands[stat] = statElem(r, LoadedDown)
		}
	} else if usedRow {
		pe.Operands[stat] = statElem(i, Held)
	}
	// Stream step τ reaches PE (i, j) at cycle Rows+i+j+τ: the moving
	// operand from the left, the partial sum from above.
	tau := t - rows - i - j
	if tau < 0 || tau >= p.T {
		return pe
	}
	pe.Operands[loopnest.DSOutputs] = elem(tau, c0+j, FromAbove) // OFMAP[pixel][filter] for ws
	if stat == loopnest.DSInputs {
		pe.Operands[loopnest.DSOutputs] = elem(c0+j, tau, FromAbove) // OFMAP[pixel][filter] for is
	}
	pe.Leaving = i == rows-1
	pe.Taps = min(i+1, f.UsedRows)
	if usedRow {
		pe.MAC = true
		if moving == loopnest.DSInputs {
			pe.Operands[moving] = elem(tau, r0+i, FromLeft) // IFMAP[pixel][tap]
		} else {
			pe.Operands[moving] = elem(r0+i, tau, FromLeft) // FILTER[tap][filter]
		}
	}
	return pe
}

// SystolicState is the systolic schedule's numbers at the view's cycle.
type SystolicState struct {
	// Cycle counts the cycles run; the rest describe the last of them.
	Cycle         int64 `json:"cycle"`
	Cycles        int64 `json:"cycles"`
	Run           int   `json:"run"`
	Runs          int   `json:"runs"`
	Fold          int   `json:"fold"`
	Folds         int   `json:"folds"`
	FoldCycle     int   `json:"foldCycle"`
	CyclesPerFold int   `json:"cyclesPerFold"`
	// UsedRows × UsedCols is the block of PEs the fold uses (the GEMM's
	// last row or column fold may not fill the array).
	UsedRows int `json:"usedRows"`
	UsedCols int `json:"usedCols"`
	// MACs counts the PEs that multiply this cycle; Loading the PEs that
	// receive their stationary operand; Leaving the outputs or partial
	// sums that leave the array.
	MACs    int `json:"macs"`
	Loading int `json:"loading"`
	Leaving int `json:"leaving"`
	// Stationary, Right and Down name the operand each way moves.
	Stationary string `json:"stationary"`
	Right      string `json:"right"`
	Down       string `json:"down"`
}

// Position returns where the schedule is once walked cycles have run:
// the cycle, run, fold and the fold's used block, without the per-PE
// counts State adds (which look at every PE). The last cycle run is the
// one described (the first fold before any).
func (s *SystolicSchedule) Position(walked int64) SystolicState {
	walked = min(max(walked, 0), s.Cycles())
	run, k, t := s.Locate(walked - 1)
	f := s.Plan.Fold(k)
	return SystolicState{Cycle: walked, Cycles: s.Cycles(), Run: run, Runs: s.Runs, Fold: k, Folds: s.Plan.Folds(),
		FoldCycle: t, CyclesPerFold: s.Plan.CyclesPerFold, UsedRows: f.UsedRows, UsedCols: f.UsedCols}
}

// State returns the schedule's numbers once walked cycles have run: the
// last of them is the one described (none before the first).
func (s *SystolicSchedule) State(walked int64) SystolicState {
	st := s.Position(walked)
	walked, k, t := st.Cycle, st.Fold, st.FoldCycle
	names := [3]string{"weights", "inputs", "outputs"}
	switch s.Plan.Array.Dataflow {
	case accel.OutputStationary:
		st.Stationary, st.Right, st.Down = names[loopnest.DSOutputs], names[loopnest.DSInputs], names[loopnest.DSWeights]
	case accel.WeightStationary:
		st.Stationary, st.Right, st.Down = names[loopnest.DSWeights], names[loopnest.DSInputs], "partial sums"
	default:
		st.Stationary, st.Right, st.Down = names[loopnest.DSInputs], names[loopnest.DSWeights], "partial sums"
	}
	if walked == 0 {
		return st
	}
	for i := range s.Plan.Array.Rows {
		for j := range s.Plan.Array.Cols {
			pe := s.PE(k, t, i, j)
			if pe.MAC {
				st.MACs++
			}
			if pe.Leaving {
				st.Leaving++
			}
			for _, e := range pe.Operands {
				if e.Present && e.How == LoadedDown {
					st.Loading++
				}
			}
		}
	}
	return st
}
