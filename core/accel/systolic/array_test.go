package systolic

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// A 3×3 single-channel input, two 2×2 filters, stride 1: 2×2 outputs.
// Worked by hand for a 2×2 array with large SRAMs:
//
//	os: Sr=4 pixels, Sc=2 filters, T=4 taps; 2×1 folds of 4+2+2−2 = 6 cycles.
//	ws: Sr=4 taps, Sc=2 filters, T=4 pixels; 2×1 folds of 4+4+2−2 = 8 cycles.
//	is: Sr=4 taps, Sc=4 pixels, T=2 filters; 2×2 folds of 2+4+2−2 = 6 cycles.
var tinyConv = Conv{Name: "tiny", H: 3, W: 3, R: 2, S: 2, C: 1, M: 2, StrideH: 1, StrideW: 1, P: 2, Q: 2}

func TestSystolicHandWorked(t *testing.T) {
	tests := []struct {
		df                              accel.Dataflow
		folds, cycles                   int64
		sramIf, sramFt, sramOf          int64
		dramIf, dramFt, dramOf          int64
		mappingPct, computePct, utilPct float64
	}{
		// os: ifmap streamed once per column fold (16), filters once per
		// row fold (2·8); OFMAP 8 outputs + 2 folds·(2+2) bookkeeping.
		{accel.OutputStationary, 2, 12, 16, 16, 16, 9, 8, 8, 100, 100 * 16.0 / (4 * 6), 100 * 32.0 / (11 * 4)},
		// ws: weights read once (8), ifmap once per column fold (16), each
		// row fold writes its 8 partial sums.
		{accel.WeightStationary, 2, 16, 16, 8, 16, 9, 8, 16, 100, 100 * 16.0 / (4 * 9), 100 * 32.0 / (15 * 4)},
		// is: inputs read once (16), filters once per column fold (2·8),
		// each row fold writes 8 partial sums.
		{accel.InputStationary, 4, 24, 16, 16, 16, 9, 8, 16, 100, 100 * 8.0 / (4 * 7), 100 * 32.0 / (23 * 4)},
	}
	for _, tt := range tests {
		a := Array{Rows: 2, Cols: 2, Dataflow: tt.df, IfmapSRAMKB: 64, FilterSRAMKB: 64, OfmapSRAMKB: 64}
		st, err := a.Evaluate(tinyConv)
		if err != nil {
			t.Fatal(err)
		}
		got := []int64{int64(st.RowFolds * st.ColFolds), st.Cycles, st.TotalCycles, st.MACs, st.SRAMIfmapReads, st.SRAMFilterReads,
			st.SRAMOfmapWrites, st.DRAMIfmapReads, st.DRAMFilterReads, st.DRAMOfmapWrites}
		want := []int64{tt.folds, tt.cycles, tt.cycles - 1, 32, tt.sramIf, tt.sramFt, tt.sramOf, tt.dramIf, tt.dramFt, tt.dramOf}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: folds, cycles, total, MACs, SRAM if/ft/of, DRAM if/ft/of = %v, want %v", tt.df, got, want)
		}
		for _, p := range []struct {
			name      string
			got, want float64
		}{{"mapping", st.MappingEfficiencyPct, tt.mappingPct}, {"compute", st.ComputeUtilPct, tt.computePct}, {"overall", st.OverallUtilPct, tt.utilPct}} {
			if d := p.got - p.want; d > 1e-12 || d < -1e-12 {
				t.Errorf("%s: %s utilisation = %v%%, want %v%%", tt.df, p.name, p.got, p.want)
			}
		}
	}
}

func TestSystolicScanRepeat(t *testing.T) {
	tests := []struct{ fill, u, reps, epoch, cost, fillAfter int64 }{
		{0, 10, 3, 100, 10, 10},    // fits: one miss per word
		{95, 10, 3, 100, 15, 10},   // window moves after 5 words: those 5 again
		{95, 10, 1, 100, 10, 5},    // ... unless the scan is not repeated
		{90, 10, 2, 100, 20, 10},   // window moves exactly at the end
		{0, 150, 2, 100, 300, 0},   // does not fit: every word every pass
		{30, 150, 3, 100, 450, 80}, // fill wraps with the moves
		{5, 0, 4, 100, 0, 5},
	}
	for _, tt := range tests {
		cost, fill := scanRepeat(tt.fill, tt.u, tt.reps, tt.epoch)
		if cost != tt.cost || fill != tt.fillAfter {
			t.Errorf("scanRepeat(%d, %d, %d, %d) = %d, %d; want %d, %d", tt.fill, tt.u, tt.reps, tt.epoch, cost, fill, tt.cost, tt.fillAfter)
		}
	}
}

func TestSystolicOfmapDrain(t *testing.T) {
	// 1 KB: 1024 words, drains of 512 words. With 3-word lines the first
	// drain starts after 513 writes = 171 whole lines: nothing padded.
	// With 2-word lines 513 writes leave a 1-word line, forced out padded;
	// it starts the next chunk, so its empty slot is drained (and counted).
	tests := []struct {
		n        int64
		kb, cols int
		want     int64
	}{
		{600, 1, 3, 600},
		{1000, 1, 2, 1001},
		{512, 1, 2, 512}, // never more than half full: no forced line
		{0, 1, 2, 0},
		{3484800, 64, 32, 3484831}, // SCALE-Sim's AlexNet conv1 report
	}
	for _, tt := range tests {
		if got := ofmapDrain(tt.n, tt.kb, tt.cols); got != tt.want {
			t.Errorf("ofmapDrain(%d, %d KB, %d cols) = %d, want %d", tt.n, tt.kb, tt.cols, got, tt.want)
		}
	}
}

// TestSystolicPlanFolds checks that the per-fold view a visualisation
// animates adds up to Evaluate's totals: the folds' SRAM counts, and the
// (PE, cycle) pairs PEActive lights, which must be the MACs, all inside
// their fold.
func TestSystolicPlanFolds(t *testing.T) {
	conv := ScaleSimConv("c", 9, 7, 3, 2, 3, 5, 2, 1)
	forEachSystolicPlan(t, conv, func(a Array, p Plan) {
		df, shape := a.Dataflow, [2]int{a.Rows, a.Cols}
		st, _ := a.Evaluate(conv)
		var ifr, ftr, ofw, macs int64
		for k := range p.Folds() {
			f := p.Fold(k)
			ifr, ftr, ofw = ifr+f.SRAMIfmapReads, ftr+f.SRAMFilterReads, ofw+f.SRAMOfmapWrites
			if f.StartCycle != int64(k*p.CyclesPerFold) {
				t.Errorf("%s %v fold %d starts at %d, want %d", df, shape, k, f.StartCycle, k*p.CyclesPerFold)
			}
			last := -1
			for c := -2; c < p.CyclesPerFold+2; c++ {
				for i := range a.Rows {
					for j := range a.Cols {
						if p.PEActive(k, c, i, j) {
							macs++
							last = max(last, c)
							if c < 0 || c >= p.CyclesPerFold {
								t.Errorf("%s %v fold %d: PE (%d,%d) active at cycle %d, outside the fold", df, shape, k, i, j, c)
							}
						}
					}
				}
			}
			if f.UsedRows == a.Rows && f.UsedCols == a.Cols && last != p.CyclesPerFold-1 {
				t.Errorf("%s %v full fold %d: last MAC at cycle %d, want the fold's last %d", df, shape, k, last, p.CyclesPerFold-1)
			}
		}
		if ifr != st.SRAMIfmapReads || ftr != st.SRAMFilterReads || ofw != st.SRAMOfmapWrites {
			t.Errorf("%s %v: folds add up to SRAM %d/%d/%d, Evaluate %d/%d/%d", df, shape, ifr, ftr, ofw, st.SRAMIfmapReads, st.SRAMFilterReads, st.SRAMOfmapWrites)
		}
		if macs != st.MACs {
			t.Errorf("%s %v: PEActive lights %d (PE, cycle) pairs, want the %d MACs", df, shape, macs, st.MACs)
		}
	})
}

// forEachSystolicPlan calls fn with conv planned on three array shapes in
// each dataflow, with 1 KB SRAMs.
func forEachSystolicPlan(t *testing.T, conv Conv, fn func(Array, Plan)) {
	t.Helper()
	for _, df := range []accel.Dataflow{accel.OutputStationary, accel.WeightStationary, accel.InputStationary} {
		for _, shape := range [][2]int{{4, 4}, {3, 5}, {16, 2}} {
			a := Array{Rows: shape[0], Cols: shape[1], Dataflow: df, IfmapSRAMKB: 1, FilterSRAMKB: 1, OfmapSRAMKB: 1}
			p, err := a.Plan(conv)
			if err != nil {
				t.Fatal(err)
			}
			fn(a, p)
		}
	}
}

// TestSystolicEvaluateLayer checks grouped and batched layers run as
// back-to-back copies of one group's convolution, as SCALE-Sim runs "DP"
// rows, and that counts scale exactly with batch.
func TestSystolicEvaluateLayer(t *testing.T) {
	a := Array{Rows: 8, Cols: 8, Dataflow: accel.WeightStationary, IfmapSRAMKB: 4, FilterSRAMKB: 4, OfmapSRAMKB: 4}
	dw := accel.Layer{Name: "dw", N: 1, InC: 12, K: 12, H: 10, W: 10, R: 3, S: 3, PadH: 1, PadW: 1, Groups: 12}
	one, err := a.Evaluate(Conv{Name: "dw", H: 12, W: 12, R: 3, S: 3, C: 1, M: 1, StrideH: 1, StrideW: 1, P: 10, Q: 10})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.EvaluateLayer(dw)
	if err != nil {
		t.Fatal(err)
	}
	if st.Runs != 12 || st.Cycles != 12*one.Cycles || st.TotalCycles != 12*one.TotalCycles || st.DRAMIfmapReads != 12*one.DRAMIfmapReads ||
		st.SRAMFilterReads != 12*one.SRAMFilterReads || st.MACs != dw.MACs() || st.OverallUtilPct != one.OverallUtilPct {
		t.Errorf("EvaluateLayer(depthwise) = %+v, want 12 runs of %+v", st, one)
	}
	dw.N = 3
	st3, _ := a.EvaluateLayer(dw)
	if st3.Cycles != 3*st.Cycles || st3.DRAMOfmapWrites != 3*st.DRAMOfmapWrites || st3.MACs != 3*st.MACs {
		t.Errorf("batch 3 = %+v, want 3× %+v", st3, st)
	}
}

func TestSystolicRejects(t *testing.T) {
	good := Array{Rows: 4, Cols: 4, Dataflow: accel.OutputStationary, IfmapSRAMKB: 1, FilterSRAMKB: 1, OfmapSRAMKB: 1}
	arrays := map[string]Array{
		"rows":     {Rows: 0, Cols: 4, Dataflow: accel.OutputStationary, IfmapSRAMKB: 1, FilterSRAMKB: 1, OfmapSRAMKB: 1},
		"dataflow": {Rows: 4, Cols: 4, Dataflow: accel.RowStationary, IfmapSRAMKB: 1, FilterSRAMKB: 1, OfmapSRAMKB: 1},
		"sram":     {Rows: 4, Cols: 4, Dataflow: accel.OutputStationary, IfmapSRAMKB: 1, FilterSRAMKB: 0, OfmapSRAMKB: 1},
	}
	for what, a := range arrays {
		if _, err := a.Evaluate(tinyConv); err == nil || !strings.Contains(err.Error(), map[string]string{"rows": "rows", "dataflow": "rs", "sram": "filter"}[what]) {
			t.Errorf("Evaluate on bad %s = %v, want an error naming it", what, err)
		}
	}
	convs := []Conv{
		{Name: "zero", H: 0, W: 3, R: 1, S: 1, C: 1, M: 1, StrideH: 1, StrideW: 1, P: 1, Q: 1},
		{Name: "big filter", H: 3, W: 3, R: 4, S: 1, C: 1, M: 1, StrideH: 1, StrideW: 1, P: 1, Q: 1},
		{Name: "too many outputs", H: 3, W: 3, R: 1, S: 1, C: 1, M: 1, StrideH: 1, StrideW: 1, P: 4, Q: 3},
		{Name: "huge", H: 4096, W: 4096, R: 1, S: 1, C: 4, M: 1, StrideH: 1, StrideW: 1, P: 4096, Q: 4096},
	}
	for _, c := range convs {
		if _, err := good.Evaluate(c); err == nil || !strings.Contains(err.Error(), c.Name) {
			t.Errorf("Evaluate(%+v) = %v, want an error naming the layer", c, err)
		}
	}
}

// BenchmarkLayer evaluates layers on a 16×16 array: "fits" is a
// small-network mix whose operands fit in SRAM (closed forms only), "walk"
// a ResNet-18 layer whose input does not (the ifmap read buffer is walked).
func BenchmarkLayer(b *testing.B) {
	small := []Conv{
		ScaleSimConv("c1", 34, 34, 3, 3, 3, 16, 1, 1),
		ScaleSimConv("c2", 18, 18, 3, 3, 16, 32, 1, 1),
		ScaleSimConv("pw", 8, 8, 1, 1, 32, 64, 1, 1),
		ScaleSimConv("dw", 18, 18, 3, 3, 1, 1, 2, 2),
		ScaleSimConv("fc", 1, 1, 1, 1, 400, 120, 1, 1),
	}
	big := []Conv{ScaleSimConv("layer1", 58, 58, 3, 3, 64, 64, 1, 1)}
	for _, bc := range []struct {
		name   string
		layers []Conv
	}{{"fits", small}, {"walk", big}} {
		b.Run(bc.name, func(b *testing.B) {
			evals := 0
			for i := 0; b.Loop(); i++ {
				df := []accel.Dataflow{accel.OutputStationary, accel.WeightStationary, accel.InputStationary}[i%3]
				a := Array{Rows: 16, Cols: 16, Dataflow: df, IfmapSRAMKB: 64, FilterSRAMKB: 64, OfmapSRAMKB: 64}
				for _, c := range bc.layers {
					if _, err := a.Evaluate(c); err != nil {
						b.Fatal(err)
					}
					evals++
				}
			}
			b.ReportMetric(float64(evals)/b.Elapsed().Seconds(), "evals/s")
		})
	}
}

// TestSystolicHugeLayersBounded checks absurd but valid sizes finish fast:
// more folds than the model accepts are an error, and an OFMAP of 2^40
// words on a 1 KB buffer is extrapolated, not drained line by line.
func TestSystolicHugeLayersBounded(t *testing.T) {
	a := Array{Rows: 1, Cols: 1, Dataflow: accel.OutputStationary, IfmapSRAMKB: 1, FilterSRAMKB: 1, OfmapSRAMKB: 1}
	c := ScaleSimConv("wide", 2048, 2048, 1, 1, 1, 65536, 1, 1)
	if _, err := a.Evaluate(c); err == nil || !strings.Contains(err.Error(), "folds") {
		t.Errorf("Evaluate(%+v) = %v, want a folds limit error", c, err)
	}
	n := int64(1) << 40
	if got := ofmapDrain(n, 1, 3); got < n || got > n+n/100 {
		t.Errorf("ofmapDrain(2^40, 1 KB, 3) = %d, want a little over %d", got, n)
	}
}
