package viz

import (
	"fmt"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// systolicCase is a 4×3 array and a layer whose GEMM folds unevenly onto
// it under every dataflow (9 pixels, 18 taps, 5 filters).
func systolicCase(t *testing.T, df accel.Dataflow) *SystolicSchedule {
	t.Helper()
	c := accel.SubAccel{Name: "array", Rows: 4, Cols: 3, Dataflow: df, Bits: 8, GBBytes: 3 * 64 * 1024}
	l := accel.Layer{Name: "conv", N: 1, InC: 2, K: 5, H: 5, W: 5, R: 3, S: 3}
	s, err := NewSystolicSchedule(l, &c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var systolicDataflows = []accel.Dataflow{accel.OutputStationary, accel.WeightStationary, accel.InputStationary}

// TestSystolicWavefront checks the schedule's MACs against SCALE-Sim's
// PEActive, the diagonal wavefront (first MAC of PE (i, j) at i+j for os,
// Rows+i+j after the load for ws and is), and that a full fold's activity
// lasts exactly the model's cycles per fold.
func TestSystolicWavefront(t *testing.T) {
	for _, df := range systolicDataflows {
		t.Run(df.String(), func(t *testing.T) {
			s := systolicCase(t, df)
			p := s.Plan
			rows, cols := p.Array.Rows, p.Array.Cols
			fill := 0
			if df != accel.OutputStationary {
				fill = rows
			}
			fullFolds := 0
			for k := range p.Folds() {
				f := p.Fold(k)
				macs, last := 0, -1
				first := map[[2]int]int{}
				for c := range p.CyclesPerFold + 3 {
					for i := range rows {
						for j := range cols {
							pe := s.PE(k, c, i, j)
							if pe.MAC != p.PEActive(k, c, i, j) {
								t.Fatalf("fold %d cycle %d PE (%d, %d): MAC %v, SCALE-Sim's PEActive %v", k, c, i, j, pe.MAC, !pe.MAC)
							}
							if pe.MAC {
								macs++
								if _, ok := first[[2]int{i, j}]; !ok {
									first[[2]int{i, j}] = c
								}
							}
							if pe.MAC || pe.Leaving || pe.Operands[0].Present || pe.Operands[1].Present || pe.Operands[2].Present {
								last = c
							}
						}
					}
				}
				if macs != f.UsedRows*f.UsedCols*p.T {
					t.Errorf("fold %d: %d MACs, want %d×%d×%d", k, macs, f.UsedRows, f.UsedCols, p.T)
				}
				for i := range f.UsedRows {
					for j := range f.UsedCols {
						if got := first[[2]int{i, j}]; got != fill+i+j {
							t.Errorf("fold %d: PE (%d, %d) first busy at cycle %d, want %d", k, i, j, got, fill+i+j)
						}
					}
				}
				if f.UsedRows == rows && f.UsedCols == cols {
					fullFolds++
					// Fill, compute and drain take the whole fold, as the
					// systolic model counts it, and nothing happens after.
					if last != p.CyclesPerFold-1 {
						t.Errorf("fold %d: the last operand moves at cycle %d; the model's fold lasts %d cycles", k, last, p.CyclesPerFold)
					}
				}
			}
			if fullFolds == 0 {
				t.Fatal("the case has no full fold")
			}
			want := p.T + rows + cols - 2
			if df != accel.OutputStationary {
				want = p.T + 2*rows + cols - 2
			}
			if p.CyclesPerFold != want {
				t.Errorf("cycles per fold %d, want T+fill+drain = %d", p.CyclesPerFold, want)
			}
			st, err := p.Array.Evaluate(p.Conv)
			if err != nil {
				t.Fatal(err)
			}
			if s.Cycles() != st.Cycles {
				t.Errorf("schedule of %d cycles, the systolic model counts %d", s.Cycles(), st.Cycles)
			}
		})
	}
}

// TestSystolicOperandsMove checks the skew per operand: a moving element
// is one PE further right (inputs, or weights for is) or down (weights for
// os, partial sums for ws and is) one cycle later, a stationary one stays
// in its PE, and the elements that enter and leave the array's edges each
// cycle are SCALE-Sim's SRAM reads and writes of that cycle.
func TestSystolicOperandsMove(t *testing.T) {
	for _, df := range systolicDataflows {
		t.Run(df.String(), func(t *testing.T) {
			s := systolicCase(t, df)
			p := s.Plan
			rows, cols := p.Array.Rows, p.Array.Cols
			ifmap, filter := loopnest.DSInputs, loopnest.DSWeights
			for k := range p.Folds() {
				var leftTotal int
				for c := range p.CyclesPerFold {
					var in, filt, out int // entering and leaving the edges this cycle
					for i := range rows {
						for j := range cols {
							pe := s.PE(k, c, i, j)
							for d, e := range pe.Operands {
								if !e.Present {
									continue
								}
								var ni, nj int
								switch e.How {
								case FromLeft:
									ni, nj = i, j+1
								case FromAbove, LoadedDown:
									ni, nj = i+1, j
								case Held:
									ni, nj = i, j
								}
								if e.How == LoadedDown && c == rows-1 {
									continue // in place: held from the next cycle
								}
								f := p.Fold(k)
								if e.How != Held && (ni >= rows || nj >= f.UsedCols || (ni >= f.UsedRows && d != loopnest.DSOutputs)) {
									continue // leaves the array, or the part of it the fold uses
								}
								next := s.PE(k, c+1, ni, nj).Operands[d]
								if e.How == Held && c+1 < p.CyclesPerFold && !pe.Leaving && (!next.Present || next.Row != e.Row || next.Col != e.Col) {
									t.Fatalf("fold %d cycle %d PE (%d, %d): held %s element %v is gone the next cycle (%v)", k, c, i, j, dsNames[d], e, next)
								}
								if e.How != Held && (!next.Present || next.Row != e.Row || next.Col != e.Col) {
									t.Fatalf("fold %d cycle %d PE (%d, %d): %s element (%d, %d) moving %d is not at (%d, %d) next cycle (%+v)",
										k, c, i, j, dsNames[d], e.Row, e.Col, e.How, ni, nj, next)
								}
							}
							if e := pe.Operands[ifmap]; e.Present && ((e.How == FromLeft && j == 0) || (e.How == LoadedDown && i == 0)) {
								in++
							}
							if e := pe.Operands[filter]; e.Present && ((e.How == FromLeft && j == 0) || ((e.How == FromAbove || e.How == LoadedDown) && i == 0)) {
								filt++
							}
							if pe.Leaving {
								out++
							}
						}
					}
					ri, rf, wo := p.FoldAccessesAt(k, c)
					if in != ri || filt != rf {
						t.Errorf("fold %d cycle %d: %d ifmap and %d filter words enter the array; SCALE-Sim reads %d and %d", k, c, in, filt, ri, rf)
					}
					if df != accel.OutputStationary && out != wo {
						t.Errorf("fold %d cycle %d: %d partial sums leave; SCALE-Sim writes %d", k, c, out, wo)
					}
					leftTotal += out
				}
				if f := p.Fold(k); df == accel.OutputStationary && leftTotal != f.UsedRows*f.UsedCols {
					t.Errorf("fold %d: %d outputs leave, want the fold's %d×%d", k, leftTotal, f.UsedRows, f.UsedCols)
				}
			}
		})
	}
}

func TestSystolicStateAndDemoLayers(t *testing.T) {
	p, err := accel.Preset("systolic16")
	if err != nil {
		t.Fatal(err)
	}
	for _, df := range systolicDataflows {
		w := PresetWorkload(p, df)
		for i, spec := range w.Layers {
			name := fmt.Sprintf("%s/%s", df, spec.Layer.Name)
			pr, err := w.Prepare(i)
			if err != nil {
				t.Fatal(err)
			}
			s := pr.Systolic
			if s == nil {
				t.Fatalf("%s: no systolic schedule on the systolic array", name)
			}
			st, err := s.Plan.Array.EvaluateLayer(spec.Layer)
			if err != nil {
				t.Fatal(err)
			}
			if s.Cycles() != st.Cycles {
				t.Errorf("%s: %d cycles, the systolic model %d", name, s.Cycles(), st.Cycles)
			}
			first := s.State(1)
			if first.Fold != 0 || first.FoldCycle != 0 || first.Folds != s.Plan.Folds() || first.Stationary == "" {
				t.Errorf("%s: state at cycle 0 %+v", name, first)
			}
			if none := s.State(0); none.MACs != 0 || none.Loading != 0 || none.Cycle != 0 {
				t.Errorf("%s: activity before the first cycle: %+v", name, none)
			}
			if df == accel.OutputStationary && first.MACs != 1 {
				t.Errorf("%s: %d MACs at cycle 0, want PE (0, 0) alone", name, first.MACs)
			}
			if df != accel.OutputStationary {
				// The first Rows cycles load the stationary operand; the
				// row that gets it last (row 0) gets it on cycle Rows−1.
				rows := s.Plan.Array.Rows
				for c := range rows {
					if st := s.State(int64(c + 1)); st.MACs != 0 || (c == rows-1 && st.Loading == 0) {
						t.Errorf("%s: cycle %d has %d MACs and %d PEs loading, want only loading", name, c, st.MACs, st.Loading)
					}
				}
				if st := s.State(int64(rows + 1)); st.MACs != 1 {
					t.Errorf("%s: %d MACs at cycle %d, want PE (0, 0) alone", name, st.MACs, rows)
				}
			}
			last := s.State(s.Cycles())
			if last.Run != s.Runs-1 || last.Fold != last.Folds-1 || last.FoldCycle != s.Plan.CyclesPerFold-1 {
				t.Errorf("%s: the last cycle is %+v", name, last)
			}
		}
	}
	// Other arrays and row stationary have no systolic schedule.
	e, _ := accel.Preset("eyeriss")
	we, wrs := PresetWorkload(e, accel.OutputStationary), PresetWorkload(p, accel.RowStationary)
	if pr, err := we.Prepare(0); err != nil || pr.Systolic != nil {
		t.Errorf("eyeriss: systolic schedule %v (%v)", pr.Systolic, err)
	}
	if pr, err := wrs.Prepare(0); err != nil || pr.Systolic != nil {
		t.Errorf("systolic16 rs: systolic schedule %v (%v)", pr.Systolic, err)
	}
}

var dsNames = [3]string{"weight", "input", "output"}

// TestAccelViewRunsTheSystolicSchedule: on the systolic array the view
// keeps the schedule's clock at the walk's pace and plays until both the
// loop-nest walk and the schedule reach the end of the layer.
func TestAccelViewRunsTheSystolicSchedule(t *testing.T) {
	p, _ := accel.Preset("systolic16")
	v := NewAccelView(p)
	if err := v.SetDataflow(accel.OutputStationary); err != nil {
		t.Fatal(err)
	}
	if st := v.State().Systolic; st == nil || st.Cycle != 0 || st.MACs != 0 {
		t.Fatalf("before the walk: %+v", st)
	}
	v.StepCycle()
	if st := v.State().Systolic; st.Cycle != 1 || st.FoldCycle != 0 || st.MACs != 1 || st.Stationary != "outputs" {
		t.Errorf("after one cycle: %+v", st)
	}
	v.StepCycle()
	if st := v.State().Systolic; st.MACs != 3 { // PEs (0, 0), (0, 1), (1, 0): the second anti-diagonal joins
		t.Errorf("after two cycles: %d PEs multiply, want 3", st.MACs)
	}
	v.Finish()
	for range 10000 {
		if !v.Playing {
			break
		}
		v.Update(1.0 / 60)
	}
	st := v.State()
	if !st.Done || st.Systolic.Cycle != st.Systolic.Cycles || v.Playing {
		t.Errorf("after finish: walk done %v, systolic %d of %d, playing %v", st.Done, st.Systolic.Cycle, st.Systolic.Cycles, v.Playing)
	}
	for _, c := range st.Counters {
		if c.Reads != c.ModelReads || c.Fills != c.ModelFills || c.Updates != c.ModelUpdates {
			t.Errorf("%s %s: the walk ends on %d/%d/%d, the model says %d/%d/%d", c.Level, c.DataSpace, c.Reads, c.Fills, c.Updates, c.ModelReads, c.ModelFills, c.ModelUpdates)
		}
	}
	v.Restart()
	if v.State().Systolic.Cycle != 0 {
		t.Error("restart kept the systolic clock")
	}
}

// TestAccelViewBusyFollowsTheFold checks the busy block the view draws:
// on a systolic array it is the current SCALE-Sim fold's used rows and
// columns, which change when the GEMM's last fold does not fill the
// array; elsewhere it is the mapping's spatial unrolling.
func TestAccelViewBusyFollowsTheFold(t *testing.T) {
	p, _ := accel.Preset("systolic16")
	v := NewAccelView(p)
	if err := v.SetDataflow(accel.WeightStationary); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for layer := range v.Work.Layers {
		v.SelectLayer(layer)
		sys := v.Prep.Systolic
		plan := sys.Plan
		seen := map[[2]int]bool{}
		for k := range plan.Folds() {
			f := plan.Fold(k)
			// Walk to the fold's middle cycle.
			v.sysWalked = int64(k)*int64(plan.CyclesPerFold) + int64(plan.CyclesPerFold)/2
			if r, c := v.Busy(); r != f.UsedRows || c != f.UsedCols {
				t.Fatalf("layer %d fold %d: busy %d × %d, the fold uses %d × %d", layer, k, r, c, f.UsedRows, f.UsedCols)
			}
			if st := v.State(); st.BusyRows != f.UsedRows || st.BusyCols != f.UsedCols || st.Systolic.UsedRows != f.UsedRows {
				t.Fatalf("layer %d fold %d: state says busy %d × %d (systolic %d × %d)", layer, k, st.BusyRows, st.BusyCols, st.Systolic.UsedRows, st.Systolic.UsedCols)
			}
			seen[[2]int{f.UsedRows, f.UsedCols}] = true
		}
		if len(seen) > 1 {
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no demo layer has folds of different sizes; the test checks nothing that changes")
	}
	e, _ := accel.Preset("eyeriss")
	w := NewAccelView(e)
	if r, c := w.Busy(); r == 0 || c == 0 {
		t.Fatalf("eyeriss: busy %d × %d", r, c)
	} else if ur, uc := Unroll(w.Prep.Anim.Mapping); r != ur || c != uc {
		t.Errorf("eyeriss: busy %d × %d, the mapping unrolls %d × %d", r, c, ur, uc)
	}
}
