package systolic

import (
	"fmt"
	"math"

	"github.com/dian-explorer/dian/core/accel"
)

// Array is a SCALE-Sim style design: a Rows × Cols array of MACs
// with one of the os, ws or is dataflows and three double-buffered SRAMs.
type Array struct {
	Rows, Cols int
	// Dataflow is WeightStationary, OutputStationary or InputStationary.
	Dataflow accel.Dataflow
	// SRAM sizes in KB of one-byte words (SCALE-Sim's IfmapSramSzkB, ...).
	IfmapSRAMKB, FilterSRAMKB, OfmapSRAMKB int
}

// Limits on systolic inputs; larger values are rejected so the counts stay
// far from int64 overflow and a bad file cannot ask for a huge allocation.
const (
	MaxSide  = 1 << 12 // array rows or columns
	MaxKB    = 1 << 20 // SRAM size per operand (1 GB)
	MaxDim   = 1 << 16 // any convolution extent
	maxInput = 1 << 24 // H·W·C words of one input (the DRAM model keeps a stamp per word)
	maxGEMM  = 1 << 22 // P·Q output pixels, and R·S·C taps, of one convolution
	maxFolds = 1 << 24 // folds of one convolution on one array
)

// Validate reports the first thing that makes the array unusable.
func (a Array) Validate() error {
	switch {
	case a.Rows < 1 || a.Cols < 1 || a.Rows > MaxSide || a.Cols > MaxSide:
		return fmt.Errorf("systolic: systolic array %d×%d: rows and cols must be in [1, %d]", a.Rows, a.Cols, MaxSide)
	case a.Dataflow != accel.OutputStationary && a.Dataflow != accel.WeightStationary && a.Dataflow != accel.InputStationary:
		return fmt.Errorf("systolic: systolic dataflow %s is not one of os, ws, is", a.Dataflow)
	}
	for _, kb := range [...]struct {
		name string
		v    int
	}{{"ifmap", a.IfmapSRAMKB}, {"filter", a.FilterSRAMKB}, {"ofmap", a.OfmapSRAMKB}} {
		if kb.v < 1 || kb.v > MaxKB {
			return fmt.Errorf("systolic: systolic %s SRAM %d KB must be in [1, %d]", kb.name, kb.v, MaxKB)
		}
	}
	return nil
}

// Conv is one convolution as SCALE-Sim sees it: batch 1, no padding
// (H and W are the padded input), one group.
type Conv struct {
	Name             string
	H, W             int // input rows and columns
	R, S             int // filter rows and columns
	C, M             int // input channels and filters
	StrideH, StrideW int
	P, Q             int // output rows and columns
}

// ScaleSimConv returns the convolution a SCALE-Sim topology row describes,
// with SCALE-Sim's output size ceil((H−R+stride)/stride).
func ScaleSimConv(name string, h, w, r, s, c, m, strideH, strideW int) Conv {
	cv := Conv{Name: name, H: h, W: w, R: r, S: s, C: c, M: m, StrideH: strideH, StrideW: strideW}
	if strideH > 0 && strideW > 0 {
		cv.P = (h - r + 2*strideH - 1) / strideH
		cv.Q = (w - s + 2*strideW - 1) / strideW
	}
	return cv
}

// ConvOf returns one group of l as a Conv (input padded, true
// output size) and how many such convolutions the layer runs back to back:
// groups × batch.
func ConvOf(l accel.Layer) (Conv, int, error) {
	if err := l.Validate(); err != nil {
		return Conv{}, 0, err
	}
	sh, sw := l.Stride()
	cv := Conv{Name: l.Name, H: l.H + 2*l.PadH, W: l.W + 2*l.PadW, R: l.R, S: l.S,
		C: l.C(), M: l.K / l.G(), StrideH: sh, StrideW: sw, P: l.P(), Q: l.Q()}
	return cv, l.G() * accel.OrOne(l.N), cv.Validate()
}

// Validate reports the first shape problem of the convolution.
func (c Conv) Validate() error {
	for _, d := range [...]struct {
		name string
		v    int
	}{{"H", c.H}, {"W", c.W}, {"R", c.R}, {"S", c.S}, {"C", c.C}, {"M", c.M},
		{"stride H", c.StrideH}, {"stride W", c.StrideW}, {"P", c.P}, {"Q", c.Q}} {
		if d.v < 1 || d.v > MaxDim {
			return fmt.Errorf("systolic: systolic conv %q: %s=%d must be in [1, %d]", c.Name, d.name, d.v, MaxDim)
		}
	}
	switch {
	case c.R > c.H || c.S > c.W:
		return fmt.Errorf("systolic: systolic conv %q: filter %d×%d larger than input %d×%d", c.Name, c.R, c.S, c.H, c.W)
	case (c.P-1)*c.StrideH >= c.H || (c.Q-1)*c.StrideW >= c.W:
		return fmt.Errorf("systolic: systolic conv %q: output %d×%d starts windows outside the %d×%d input", c.Name, c.P, c.Q, c.H, c.W)
	case int64(c.H)*int64(c.W)*int64(c.C) > maxInput:
		return fmt.Errorf("systolic: systolic conv %q: input %d×%d×%d exceeds %d words", c.Name, c.H, c.W, c.C, maxInput)
	case int64(c.P)*int64(c.Q) > maxGEMM || int64(c.R)*int64(c.S)*int64(c.C) > maxGEMM:
		return fmt.Errorf("systolic: systolic conv %q: %d×%d outputs of %d×%d×%d taps; at most %d of either", c.Name, c.P, c.Q, c.R, c.S, c.C, maxGEMM)
	}
	return nil
}

// Window returns R·S·C, the taps of one output (the GEMM's inner dimension).
func (c Conv) Window() int { return c.R * c.S * c.C }

// Pixels returns P·Q, the output pixels of one filter.
func (c Conv) Pixels() int { return c.P * c.Q }

// MACs returns SCALE-Sim's compute count P·Q·M·R·S·C.
func (c Conv) MACs() int64 { return int64(c.Pixels()) * int64(c.M) * int64(c.Window()) }

// Stats are SCALE-Sim's per-layer report items.
type Stats struct {
	Layer string
	// Runs is how many identical convolutions the numbers cover (groups ×
	// batch); every count below is summed over them.
	Runs int

	Sr, Sc, T          int // spatial rows, spatial cols, streamed dimension
	RowFolds, ColFolds int
	CyclesPerFold      int

	TotalCycles int64 // SCALE-Sim's Total Cycles: Runs·(Cycles per run − 1)
	Cycles      int64 // cycles counted from 1, summed over runs
	StallCycles int64 // always 0 (CALC mode)
	MACs        int64

	OverallUtilPct       float64
	MappingEfficiencyPct float64
	ComputeUtilPct       float64

	SRAMIfmapReads, SRAMFilterReads, SRAMOfmapWrites int64
	DRAMIfmapReads, DRAMFilterReads, DRAMOfmapWrites int64
}

// Plan is how one convolution folds onto an array: enough to draw
// the array fold by fold and cycle by cycle (see PEActive) and to count what
// each fold moves (see Fold). The folds' counts add up to Evaluate's.
type Plan struct {
	Array Array
	Conv  Conv

	Sr, Sc, T          int
	RowFolds, ColFolds int
	CyclesPerFold      int
}

// Plan folds c onto the array.
func (a Array) Plan(c Conv) (Plan, error) {
	if err := a.Validate(); err != nil {
		return Plan{}, err
	}
	if err := c.Validate(); err != nil {
		return Plan{}, err
	}
	p := Plan{Array: a, Conv: c}
	switch a.Dataflow {
	case accel.OutputStationary:
		p.Sr, p.Sc, p.T = c.Pixels(), c.M, c.Window()
		p.CyclesPerFold = p.T + a.Rows + a.Cols - 2
	case accel.WeightStationary:
		p.Sr, p.Sc, p.T = c.Window(), c.M, c.Pixels()
		p.CyclesPerFold = p.T + 2*a.Rows + a.Cols - 2
	default:
		p.Sr, p.Sc, p.T = c.Window(), c.Pixels(), c.M
		p.CyclesPerFold = p.T + 2*a.Rows + a.Cols - 2
	}
	p.RowFolds = (p.Sr + a.Rows - 1) / a.Rows
	p.ColFolds = (p.Sc + a.Cols - 1) / a.Cols
	if folds := int64(p.RowFolds) * int64(p.ColFolds); folds > maxFolds {
		return Plan{}, fmt.Errorf("systolic: systolic conv %q needs %d folds on a %d×%d array; at most %d", c.Name, folds, a.Rows, a.Cols, maxFolds)
	}
	return p, nil
}

// Folds returns the number of folds.
func (p Plan) Folds() int { return p.RowFolds * p.ColFolds }

// Fold is one fold of a plan: which part of the array it uses, when
// it runs and what it moves.
type Fold struct {
	Index            int // position in execution order
	RowFold, ColFold int
	// UsedRows × UsedCols PEs hold data; the rest idle for the fold.
	UsedRows, UsedCols int
	// StartCycle is the fold's first cycle; it lasts CyclesPerFold cycles.
	StartCycle int64

	SRAMIfmapReads, SRAMFilterReads, SRAMOfmapWrites int64
}

// Fold returns fold k (0 ≤ k < Folds()) in execution order: column folds
// outside, row folds inside.
func (p Plan) Fold(k int) Fold {
	if k < 0 || k >= p.Folds() {
		panic(fmt.Sprintf("systolic: fold %d outside [0, %d)", k, p.Folds()))
	}
	a := p.Array
	f := Fold{Index: k, ColFold: k / p.RowFolds, RowFold: k % p.RowFolds}
	f.UsedRows = min(a.Rows, p.Sr-f.RowFold*a.Rows)
	f.UsedCols = min(a.Cols, p.Sc-f.ColFold*a.Cols)
	f.StartCycle = int64(k) * int64(p.CyclesPerFold)
	ur, uc, t := int64(f.UsedRows), int64(f.UsedCols), int64(p.T)
	switch a.Dataflow {
	case accel.OutputStationary:
		f.SRAMIfmapReads, f.SRAMFilterReads = t*ur, t*uc
		f.SRAMOfmapWrites = ur*uc + int64(a.Rows+a.Cols)
	case accel.WeightStationary:
		f.SRAMIfmapReads, f.SRAMFilterReads, f.SRAMOfmapWrites = t*ur, ur*uc, t*uc
	default:
		f.SRAMIfmapReads, f.SRAMFilterReads, f.SRAMOfmapWrites = ur*uc, t*ur, t*uc
	}
	return f
}

// PEActive reports whether PE (i, j) performs a MAC at cycle `cycle` of fold
// k (counted from the fold's start). Operands enter row i and column j
// skewed by i and j cycles, so the active PEs form the diagonal wave a
// visualisation draws; ws and is first spend Rows cycles loading the
// stationary operand. Over a fold exactly UsedRows·UsedCols·T (PE, cycle)
// pairs are active.
func (p Plan) PEActive(k, cycle, i, j int) bool {
	f := p.Fold(k)
	if i < 0 || j < 0 || i >= f.UsedRows || j >= f.UsedCols {
		return false
	}
	t := cycle - i - j
	if p.Array.Dataflow != accel.OutputStationary {
		t -= p.Array.Rows
	}
	return t >= 0 && t < p.T
}

// FoldAccessesAt returns the SRAM accesses of cycle `cycle` of fold k (from
// the fold's start), line by line as SCALE-Sim's demand matrices issue
// them: ifmap and filter words read, OFMAP words written. Summed over the
// fold's cycles they give Fold(k)'s counts; for os, whose SRAM OFMAP count
// carries SCALE-Sim's bookkeeping term of Rows+Cols per fold, that term is
// added on the fold's last cycle, so counters animated with this end on
// Evaluate's numbers.
func (p Plan) FoldAccessesAt(k, cycle int) (ifmapReads, filterReads, ofmapWrites int) {
	f := p.Fold(k)
	if cycle < 0 || cycle >= p.CyclesPerFold {
		return 0, 0, 0
	}
	rows, t := p.Array.Rows, p.T
	// skewed counts the x in [0, n) whose stream step cycle−x lies in [0, T).
	skewed := func(c, n int) int { return max(0, min(c, n-1)-max(0, c-t+1)+1) }
	// loaded counts the words of line `cycle` of a flipped, padded block
	// of `used` rows × width (the stationary operand's load).
	loaded := func(used, width int) int {
		if cycle < rows && rows-1-cycle < used {
			return width
		}
		return 0
	}
	switch p.Array.Dataflow {
	case accel.OutputStationary:
		ifmapReads, filterReads = skewed(cycle, f.UsedRows), skewed(cycle, f.UsedCols)
		// PE row i's outputs leave at T−1 + (Rows−1−i) + j.
		if d := cycle - (t - 1); d >= 0 {
			lo, hi := max(0, rows-1-d), min(f.UsedRows-1, rows-1-d+f.UsedCols-1)
			ofmapWrites = max(0, hi-lo+1)
		}
		if cycle == p.CyclesPerFold-1 {
			ofmapWrites += rows + p.Array.Cols
		}
	case accel.WeightStationary:
		ifmapReads = skewed(cycle-rows, f.UsedRows)
		filterReads = loaded(f.UsedRows, f.UsedCols)
		ofmapWrites = skewed(cycle-2*rows+1, f.UsedCols)
	default:
		ifmapReads = loaded(f.UsedRows, f.UsedCols)
		filterReads = skewed(cycle-rows, f.UsedRows)
		ofmapWrites = skewed(cycle-2*rows+1, f.UsedCols)
	}
	return ifmapReads, filterReads, ofmapWrites
}

// Evaluate returns SCALE-Sim's report items for one convolution.
func (a Array) Evaluate(c Conv) (Stats, error) {
	p, err := a.Plan(c)
	if err != nil {
		return Stats{}, err
	}
	return p.stats(), nil
}

// EvaluateLayer evaluates a network layer: one Conv per group and
// image, run back to back (see ConvOf), counts summed.
func (a Array) EvaluateLayer(l accel.Layer) (Stats, error) {
	c, runs, err := ConvOf(l)
	if err != nil {
		return Stats{}, err
	}
	st, err := a.Evaluate(c)
	if err != nil {
		return Stats{}, err
	}
	return st.repeat(runs), nil
}

func (p Plan) stats() Stats {
	a, c := p.Array, p.Conv
	folds := int64(p.Folds())
	rows, cols := int64(a.Rows), int64(a.Cols)
	sr, sc, t := int64(p.Sr), int64(p.Sc), int64(p.T)
	rf, cf := int64(p.RowFolds), int64(p.ColFolds)
	st := Stats{Layer: c.Name, Runs: 1, Sr: p.Sr, Sc: p.Sc, T: p.T,
		RowFolds: p.RowFolds, ColFolds: p.ColFolds, CyclesPerFold: p.CyclesPerFold}
	st.Cycles = folds * int64(p.CyclesPerFold)
	st.TotalCycles = st.Cycles - 1
	st.MACs = c.MACs()

	// The three percentages follow SCALE-Sim's arithmetic step by step
	// (per-fold ratios summed in fold order, then averaged) so they agree
	// with its reports to the last bit, not just to rounding.
	pes := rows * cols
	st.OverallUtilPct = float64(st.MACs*100) / float64(max(st.TotalCycles, 1)*pes)
	measured := t + rows + cols - 2 // SCALE-Sim's per-fold length for compute_util
	if a.Dataflow != accel.OutputStationary {
		measured = t + 2*rows + 2*cols - 3
	}
	var mapping, compute pythonSum
	for fc := int64(0); fc < cf; fc++ {
		for fr := int64(0); fr < rf; fr++ {
			used := min(rows, sr-fr*rows) * min(cols, sc-fc*cols)
			mapping.add(float64(used) / float64(pes))
			compute.add(float64(used*t) / float64(pes*measured))
		}
	}
	st.MappingEfficiencyPct = mapping.result() / float64(folds) * 100
	st.ComputeUtilPct = compute.result() / float64(folds) * 100

	window, pixels, m := int64(c.Window()), int64(c.Pixels()), int64(c.M)
	var ofmapWrites int64 // real words written, without the os bookkeeping term
	switch a.Dataflow {
	case accel.OutputStationary:
		st.SRAMIfmapReads = cf * pixels * window
		st.SRAMFilterReads = rf * window * m
		ofmapWrites = pixels * m
		st.SRAMOfmapWrites = ofmapWrites + folds*(rows+cols)
	case accel.WeightStationary:
		st.SRAMIfmapReads = cf * pixels * window
		st.SRAMFilterReads = window * m
		ofmapWrites = rf * pixels * m
		st.SRAMOfmapWrites = ofmapWrites
	default:
		st.SRAMIfmapReads = pixels * window
		st.SRAMFilterReads = cf * window * m
		ofmapWrites = rf * pixels * m
		st.SRAMOfmapWrites = ofmapWrites
	}
	st.DRAMIfmapReads = p.dramIfmapReads()
	st.DRAMFilterReads = p.dramFilterReads()
	st.DRAMOfmapWrites = ofmapDrain(ofmapWrites, a.OfmapSRAMKB, a.Cols)
	return st
}

// pythonSum adds floats as Python's sum() does since 3.12 (Neumaier's
// compensated summation), so fold averages match SCALE-Sim's reports bit
// for bit. The order of additions is fixed, so the result is too.
type pythonSum struct{ sum, comp float64 }

func (p *pythonSum) add(x float64) {
	t := p.sum + x
	if math.Abs(p.sum) >= math.Abs(x) {
		p.comp += (p.sum - t) + x
	} else {
		p.comp += (x - t) + p.sum
	}
	p.sum = t
}

func (p *pythonSum) result() float64 {
	if p.comp != 0 && !math.IsInf(p.comp, 0) && !math.IsNaN(p.comp) {
		return p.sum + p.comp
	}
	return p.sum
}

// repeat scales the stats to n back-to-back runs of the same convolution.
func (s Stats) repeat(n int) Stats {
	if n == 1 {
		return s
	}
	k := int64(n)
	s.Runs *= n
	s.TotalCycles *= k
	s.Cycles *= k
	s.MACs *= k
	s.SRAMIfmapReads *= k
	s.SRAMFilterReads *= k
	s.SRAMOfmapWrites *= k
	s.DRAMIfmapReads *= k
	s.DRAMFilterReads *= k
	s.DRAMOfmapWrites *= k
	return s
}

// defaultSRAMKB is the SRAM per operand given to a design that
// leaves its global buffer unbounded: SCALE-Sim's example configuration.
const defaultSRAMKB = 64

// ArrayOf returns the SCALE-Sim array for a sub-accelerator: its
// PE array and dataflow (os, ws or is; SCALE-Sim has no row-stationary),
// and its global buffer split evenly into ifmap, filter and ofmap SRAMs.
// SCALE-Sim sizes SRAMs in KB of one-word entries, so the buffer is
// converted to words at the chunk's bit-width: a 16-bit, 96 KB buffer is
// 48 K words, 16 KB per operand. An unbounded buffer gets 64 KB per operand.
func ArrayOf(c *accel.SubAccel) (Array, error) {
	a := Array{Rows: c.Rows, Cols: c.Cols, Dataflow: c.Dataflow,
		IfmapSRAMKB: defaultSRAMKB, FilterSRAMKB: defaultSRAMKB, OfmapSRAMKB: defaultSRAMKB}
	if c.GBBytes > 0 {
		bytesPerWord := int64(max(1, (accel.OrOne(c.Bits)+7)/8))
		kb := int(min(c.GBBytes/bytesPerWord/3/1024, MaxKB))
		if kb < 1 {
			return Array{}, fmt.Errorf("systolic: chunk %q: a %d-byte global buffer gives each SCALE-Sim SRAM less than 1 KB of %d-bit words", c.Name, c.GBBytes, accel.OrOne(c.Bits))
		}
		a.IfmapSRAMKB, a.FilterSRAMKB, a.OfmapSRAMKB = kb, kb, kb
	}
	if err := a.Validate(); err != nil {
		return Array{}, fmt.Errorf("systolic: chunk %q: %w", c.Name, err)
	}
	return a, nil
}
