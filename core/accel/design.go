package accel

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Dataflow is the NoC/dataflow template of a PE array: which operand stays
// in the PEs while the others stream past, and so which loop dimensions the
// array may unroll spatially.
type Dataflow uint8

// The dataflow templates, keyed ws, os, is and rs.
const (
	WeightStationary Dataflow = iota // weights stay; unrolls K, C, R, S
	OutputStationary                 // partial sums stay; unrolls K, P, Q, N
	InputStationary                  // inputs stay; unrolls C, P, Q, R, S, N
	RowStationary                    // Eyeriss rows; unrolls R, P plus C, K, N folding
	numDataflows
)

var dataflowKeys = [numDataflows]string{"ws", "os", "is", "rs"}

// dataflowSpatial lists, per dataflow, the dimensions its array may unroll.
// They are the dimensions of the operand that stays put (ws: the weight's
// K, C, R, S), as in Timeloop's and SCALE-Sim's templates; row-stationary
// follows Eyeriss (filter rows × output rows, replicated over C, K and N).
var dataflowSpatial = [numDataflows]DimSet{
	WeightStationary: DimSetOf(DimK, DimC, DimR, DimS),
	OutputStationary: DimSetOf(DimK, DimP, DimQ, DimN),
	InputStationary:  DimSetOf(DimC, DimP, DimQ, DimR, DimS, DimN),
	RowStationary:    DimSetOf(DimR, DimP, DimC, DimK, DimN),
}

// Dataflows returns every dataflow template, in index order.
func Dataflows() []Dataflow {
	return []Dataflow{WeightStationary, OutputStationary, InputStationary, RowStationary}
}

// String returns the dataflow's key: ws, os, is or rs.
func (d Dataflow) String() string {
	if d < numDataflows {
		return dataflowKeys[d]
	}
	return fmt.Sprintf("Dataflow(%d)", uint8(d))
}

// ParseDataflow returns the dataflow with the given key (ws, os, is, rs).
func ParseDataflow(s string) (Dataflow, error) {
	for i, k := range dataflowKeys {
		if s == k {
			return Dataflow(i), nil
		}
	}
	return 0, fmt.Errorf("accel: dataflow %q is not one of ws, os, is, rs", s)
}

// Spatial returns the dimensions the dataflow's array may unroll.
func (d Dataflow) Spatial() DimSet {
	if d < numDataflows {
		return dataflowSpatial[d]
	}
	return 0
}

// MarshalText encodes the dataflow as its key.
func (d Dataflow) MarshalText() ([]byte, error) {
	if d >= numDataflows {
		return nil, fmt.Errorf("accel: invalid dataflow %d", uint8(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes a dataflow key.
func (d *Dataflow) UnmarshalText(b []byte) error {
	v, err := ParseDataflow(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Dim is one of the seven loop dimensions of a Layer.
type Dim uint8

// The loop dimensions, in the order Extents stores them.
const (
	DimN Dim = iota // batch
	DimK            // output channels
	DimC            // input channels per group
	DimP            // output rows
	DimQ            // output columns
	DimR            // kernel rows
	DimS            // kernel columns
	NumDims
)

var dimNames = [NumDims]string{"N", "K", "C", "P", "Q", "R", "S"}

// String returns the dimension's one-letter name.
func (d Dim) String() string {
	if d < NumDims {
		return dimNames[d]
	}
	return fmt.Sprintf("Dim(%d)", uint8(d))
}

// ParseDim returns the dimension with the given one-letter name.
func ParseDim(s string) (Dim, error) {
	for i, n := range dimNames {
		if strings.EqualFold(s, n) {
			return Dim(i), nil
		}
	}
	return 0, fmt.Errorf("accel: dimension %q is not one of N, K, C, P, Q, R, S", s)
}

// Extent returns the layer's extent along dimension d.
func (l *Layer) Extent(d Dim) int {
	switch d {
	case DimN:
		return OrOne(l.N)
	case DimK:
		return l.K
	case DimC:
		return l.C()
	case DimP:
		return l.P()
	case DimQ:
		return l.Q()
	case DimR:
		return l.R
	case DimS:
		return l.S
	}
	return 0
}

// DimSet is a set of loop dimensions, one bit each.
type DimSet uint8

// RowDims are the dimensions a design unrolls over the rows of its PE
// array; the others (K, S, Q) go over its columns. Design spaces size an
// array by this rule (Space.Apply), and the loop-nest model lays a design's
// unrolling out by it (loopnest.DesignMapping), so the two always agree on
// which PEs a layer keeps busy.
const RowDims DimSet = 1<<DimC | 1<<DimR | 1<<DimP | 1<<DimN

func DimSetOf(ds ...Dim) DimSet {
	var s DimSet
	for _, d := range ds {
		s |= 1 << d
	}
	return s
}

// Has reports whether d is in the set.
func (s DimSet) Has(d Dim) bool { return s&(1<<d) != 0 }

// String lists the set's dimensions, e.g. "K,C".
func (s DimSet) String() string {
	var parts []string
	for d := Dim(0); d < NumDims; d++ {
		if s.Has(d) {
			parts = append(parts, d.String())
		}
	}
	return strings.Join(parts, ",")
}

// Extents gives one integer per loop dimension (tile sizes, unroll factors).
type Extents [NumDims]int

// MemLevel is a level of the memory hierarchy a sub-accelerator owns.
type MemLevel uint8

// The memory levels, innermost first.
const (
	LevelRF   MemLevel = iota // per-PE register file (on an FPGA: the compute tile's registers)
	LevelGB                   // global buffer (on an FPGA: BRAM)
	LevelDRAM                 // off-chip memory
	NumMemLevels
)

var levelNames = [NumMemLevels]string{"rf", "gb", "dram"}

// String returns the level's key: rf, gb or dram.
func (l MemLevel) String() string {
	if l < NumMemLevels {
		return levelNames[l]
	}
	return fmt.Sprintf("MemLevel(%d)", uint8(l))
}

// LoopOrder is a permutation of the seven dimensions, outermost loop first.
// The zero value (all DimN) stands for DefaultLoopOrder.
type LoopOrder [NumDims]Dim

// DefaultLoopOrder is N, K, C, P, Q, R, S from outermost to innermost, the
// order of Auto-NBA's FPGA template (output tiles outside, input channels
// inside, the kernel innermost).
var DefaultLoopOrder = LoopOrder{DimN, DimK, DimC, DimP, DimQ, DimR, DimS}

// IsZero reports whether the order is unset.
func (o LoopOrder) IsZero() bool { return o == LoopOrder{} }

// Resolve returns the order, or DefaultLoopOrder when it is unset.
func (o LoopOrder) Resolve() LoopOrder {
	if o.IsZero() {
		return DefaultLoopOrder
	}
	return o
}

// IsPermutation reports whether every dimension appears exactly once.
func (o LoopOrder) IsPermutation() bool {
	var seen DimSet
	for _, d := range o {
		if d >= NumDims || seen.Has(d) {
			return false
		}
		seen |= 1 << d
	}
	return true
}

// String lists the order, e.g. "NKCPQRS".
func (o LoopOrder) String() string {
	var b strings.Builder
	for _, d := range o {
		b.WriteString(d.String())
	}
	return b.String()
}

// SubAccel is one sub-accelerator ("chunk") of a design: a PE array with its
// dataflow, its buffers and the tiling it applies to every layer it runs.
//
// Tiles are layer-independent sizes, clipped to each layer: Tiles[LevelGB]
// is what the global buffer holds (Auto-NBA's Tr, Tc, Tm, Tn for P, Q, K, C)
// and Tiles[LevelRF] is the compute tile the array and its registers work on
// in one pass (Auto-NBA's tr, tc, tm, tn). A tile entry of 0 means "as large
// as the next level out" (the whole layer for the global buffer). Unroll is
// the spatial unrolling over the PE array; an entry of 0 means 1.
type SubAccel struct {
	Name string

	// PE array.
	Rows, Cols int
	Dataflow   Dataflow
	// Bits is the word width of weights and activations.
	Bits int
	// Scalable marks a precision-scalable array (as Bit Fusion's): its
	// MACs and buffers are built for Bits, and a layer of fewer bits
	// (NetworkLayer.Bits) moves and multiplies words of its own width, at
	// the energy of that width; its cycles are the array's at Bits.
	Scalable bool

	// Buffer capacities in bytes; 0 means unbounded (or, on an FPGA, sized
	// by the model and charged as BRAM18).
	RFBytes, GBBytes, DRAMBytes int64

	Tiles  [LevelDRAM]Extents // RF and global-buffer tiles
	Unroll Extents            // spatial unrolling over the PE array
	// Order is the temporal loop order at each level, outermost first.
	Order [NumMemLevels]LoopOrder

	// Layers names the network layers this chunk runs (explicit assignment).
	Layers []string
}

// WidthFor returns the width layer l runs at on c: its own on a scalable
// array (when set and at most c.Bits), else c.Bits.
func (c *SubAccel) WidthFor(l *NetworkLayer) int {
	if c.Scalable && l.Bits > 0 && l.Bits <= c.Bits {
		return l.Bits
	}
	return c.Bits
}

// At returns the chunk as layer l runs on it: c itself, or, when l runs at
// another width (WidthFor), a copy at that width written into scratch.
func (c *SubAccel) At(l *NetworkLayer, scratch *SubAccel) *SubAccel {
	w := c.WidthFor(l)
	if w == c.Bits {
		return c
	}
	*scratch = *c
	scratch.Bits = w
	return scratch
}

// PEs returns the size of the PE array.
func (c *SubAccel) PEs() int { return c.Rows * c.Cols }

// UnrollProduct returns the number of PEs the spatial unrolling occupies.
func (c *SubAccel) UnrollProduct() int {
	p := 1
	for _, u := range c.Unroll {
		p *= OrOne(u)
	}
	return p
}

// Assignment rules: how a design decides which chunk runs each layer.
const (
	// AssignExplicit: each chunk lists its layers by name.
	AssignExplicit = "explicit"
	// AssignAutoNBACIFAR and AssignAutoNBAImageNet: Auto-NBA's fixed rule,
	// chunk "{a|dwa}{0|1}q{bits}" by depthwise-ness, output map ≥ 16 (CIFAR)
	// or ≥ 28 (ImageNet), and bit-width.
	AssignAutoNBACIFAR    = "autonba-cifar"
	AssignAutoNBAImageNet = "autonba-imagenet"
)

// Design is a chunked pipeline of sub-accelerators: every layer of a network
// runs on one chunk, chunks work concurrently on consecutive images, so the
// slowest chunk sets the throughput.
type Design struct {
	Name string
	// Platform is the key of the preset the design targets (see Preset).
	Platform string
	// Assign is one of AssignExplicit (the default when empty),
	// AssignAutoNBACIFAR, AssignAutoNBAImageNet.
	Assign string
	// Pad lets tiles that do not divide evenly (unroll into RF tile, RF
	// tile into GB tile) be padded; without it they must divide.
	Pad    bool
	Chunks []SubAccel
}

// Limits on sizes a design or network may use; larger values are rejected
// as input errors rather than risking integer overflow in the models.
const (
	MaxTile        = 1 << 16
	MaxArraySide   = 1 << 12
	MaxBits        = 32
	MaxBufferBytes = int64(1) << 40
)

// ConstraintError says which constraint a design breaks, where, and with
// which numbers.
type ConstraintError struct {
	Constraint string // stable key, e.g. "unroll-le-tile", "dsp-budget"
	Where      string // e.g. `chunk "a0q8"`, `chunk "a0q8" layer "b1.pw"`
	Detail     string // the numbers, e.g. "unroll K=16 > rf tile K=8"
}

func (e *ConstraintError) Error() string { return "accel: " + e.Message() }

// Message is Error without the package prefix.
func (e *ConstraintError) Message() string {
	return fmt.Sprintf("%s breaks %s: %s", e.Where, e.Constraint, e.Detail)
}

// NewViolation returns the violation of constraint at where, its detail
// formatted as fmt.Sprintf does. It is kept out of line (go:noinline): the
// validators call it at dozens of sites on their cold paths, and inlining
// its formatting into each would grow both wasm binaries.
//
//go:noinline
func NewViolation(constraint, where, format string, args ...any) *ConstraintError {
	return &ConstraintError{Constraint: constraint, Where: where, Detail: fmt.Sprintf(format, args...)}
}

// Constraint keys Validate and the cost models report.
const (
	CstChunks        = "chunks"            // at least one chunk, unique names
	CstAssign        = "assign"            // a known rule; a layer in one chunk only
	CstPEArray       = "pe-array"          // rows, cols in [1, MaxArraySide]
	CstDataflow      = "dataflow"          // a known template
	CstBits          = "bits"              // in [1, MaxBits]
	CstTile          = "tile"              // tiles in [0, MaxTile]
	CstUnrollLeTile  = "unroll-le-tile"    // unroll ≤ RF tile ≤ GB tile
	CstTilesDivide   = "tiles-divide"      // unroll divides RF tile divides GB tile (else padded)
	CstUnrollFits    = "unroll-fits-array" // Π unroll ≤ rows × cols
	CstDataflowDims  = "dataflow-unroll"   // only the dataflow's spatial dims unrolled
	CstLoopOrder     = "loop-order"        // each level's order is a permutation
	CstBuffer        = "buffer"            // capacities in [0, MaxBufferBytes]
	CstDSPBudget     = "dsp-budget"        // Σ DSP ≤ platform DSP
	CstBRAMBudget    = "bram-budget"       // Σ BRAM18 ≤ platform BRAM18
	CstPEBudget      = "pe-budget"         // Σ PEs ≤ platform PEs (ASIC, systolic)
	CstGBBudget      = "gb-budget"         // Σ global buffer ≤ platform buffer
	CstGBCapacity    = "gb-capacity"       // a layer's GB tile fits the chunk's GB
	CstRFCapacity    = "rf-capacity"       // a PE's share of a layer's RF tile fits its RF
	CstDRAMCapacity  = "dram-capacity"     // a layer's tensors fit the DRAM
	CstModelDataflow = "model-dataflow"    // the model supports the dataflow
	CstDNAResource   = "dna-resource"      // the DNA estimator's PE, RF and GB checks
)

// IsBudget reports whether a constraint key is a platform budget (DSP,
// BRAM18, PEs, global buffer). A design over budget is still evaluated, and
// the cost reports it as infeasible; other violations make it unrunnable.
func IsBudget(constraint string) bool {
	switch constraint {
	case CstDSPBudget, CstBRAMBudget, CstPEBudget, CstGBBudget, CstAreaBudget:
		return true
	}
	return false
}

// Validate checks the design's static constraints against the platform and
// returns every broken one (joined; each a *ConstraintError). Constraints that
// depend on the layers (BRAM18, buffer capacities) are checked by the cost
// models. Without d.Pad, tiles must divide evenly (unroll | RF tile | GB
// tile); with it, remainders are padded and only the ≤ order is needed.
func (d *Design) Validate(p Platform) error {
	var errs []error
	add := func(e *ConstraintError) { errs = append(errs, e) }
	if len(d.Chunks) == 0 {
		add(NewViolation(CstChunks, fmt.Sprintf("design %q", d.Name), "no chunks; a design needs at least one sub-accelerator"))
	}
	switch d.Assign {
	case "", AssignExplicit, AssignAutoNBACIFAR, AssignAutoNBAImageNet:
	default:
		add(NewViolation(CstAssign, fmt.Sprintf("design %q", d.Name), "assign %q is not one of %s, %s, %s",
			d.Assign, AssignExplicit, AssignAutoNBACIFAR, AssignAutoNBAImageNet))
	}
	names := map[string]bool{}
	owner := map[string]string{}
	var dsp float64
	for i := range d.Chunks {
		c := &d.Chunks[i]
		where := fmt.Sprintf("chunk %d %q", i, c.Name)
		if c.Name == "" || names[c.Name] {
			add(NewViolation(CstChunks, where, "chunk names must be non-empty and unique"))
		}
		names[c.Name] = true
		for _, e := range c.validate(where, d.Pad) {
			add(e)
		}
		for _, ln := range c.Layers {
			if prev, dup := owner[ln]; dup {
				add(NewViolation(CstAssign, where, "layer %q is already assigned to chunk %q", ln, prev))
			}
			owner[ln] = c.Name
		}
		dsp += float64(float64(c.PEs()) * float64(c.Bits) / 16)
	}
	if (d.Assign == AssignAutoNBACIFAR || d.Assign == AssignAutoNBAImageNet) && len(owner) > 0 {
		add(NewViolation(CstAssign, fmt.Sprintf("design %q", d.Name), "assign %q picks chunks by rule; chunks must not list layers", d.Assign))
	}
	// Every chunk is built, and on an FPGA each takes rows·cols·bits/16 DSP
	// slices; BRAM18 depends on the layers, so the cost models check it.
	for _, v := range budgetViolations(d, p, nil, dsp, -1) {
		add(v)
	}
	return errors.Join(errs...)
}

// budgetViolations returns the platform budgets d breaks: on an FPGA its
// DSP slices (dsp, as the caller counts them) and BRAM18 blocks (bram; -1
// leaves them unchecked), elsewhere its PEs and global buffer. With a cost
// row per chunk (chunks), only the chunks that run a layer count (an
// unused chunk is not built); with chunks nil, every chunk does. It does
// not allocate unless a budget is broken.
func budgetViolations(d *Design, p Platform, chunks []ChunkCost, dsp float64, bram int) []*ConstraintError {
	var out []*ConstraintError
	over := func(cst, format string, args ...any) {
		out = append(out, NewViolation(cst, "design "+strconv.Quote(d.Name), format, args...))
	}
	if p.Target == FPGA {
		if p.DSP > 0 && dsp > float64(p.DSP) {
			over(CstDSPBudget, "Σ DSP = %g > %d on %s", dsp, p.DSP, p.Name)
		}
		if bram >= 0 && p.BRAM18 > 0 && bram > p.BRAM18 {
			over(CstBRAMBudget, "Σ BRAM18 = %d > %d on %s", bram, p.BRAM18, p.Name)
		}
		return out
	}
	pes, gb := 0, int64(0)
	for i := range d.Chunks {
		if chunks == nil || chunks[i].Layers > 0 {
			pes += d.Chunks[i].PEs()
			gb += d.Chunks[i].GBBytes
		}
	}
	if p.PEs() > 0 && pes > p.PEs() {
		over(CstPEBudget, "Σ PEs = %d > %d on %s", pes, p.PEs(), p.Name)
	}
	if p.GlobalBufferBytes > 0 && gb > int64(p.GlobalBufferBytes) {
		over(CstGBBudget, "Σ global buffer = %d B > %d B on %s", gb, p.GlobalBufferBytes, p.Name)
	}
	return out
}

// CheckRunnable is d.Validate(p) without the budgets: it returns every
// broken constraint when at least one is not a budget (IsBudget), and nil
// otherwise. A design over budget still runs; the cost models report it as
// infeasible.
func CheckRunnable(d *Design, p Platform) error {
	err := d.Validate(p)
	if err == nil {
		return nil
	}
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	for _, e := range list {
		var ce *ConstraintError
		if !errors.As(e, &ce) || !IsBudget(ce.Constraint) {
			return err
		}
	}
	return nil
}

// validate checks one chunk's own constraints.
func (c *SubAccel) validate(where string, pad bool) []*ConstraintError {
	var errs []*ConstraintError
	add := func(e *ConstraintError) { errs = append(errs, e) }
	if c.Rows < 1 || c.Cols < 1 || c.Rows > MaxArraySide || c.Cols > MaxArraySide {
		add(NewViolation(CstPEArray, where, "rows=%d cols=%d; each must be in [1, %d]", c.Rows, c.Cols, MaxArraySide))
	}
	if c.Dataflow >= numDataflows {
		add(NewViolation(CstDataflow, where, "dataflow %d is not one of ws, os, is, rs", c.Dataflow))
	}
	if c.Bits < 1 || c.Bits > MaxBits {
		add(NewViolation(CstBits, where, "bits=%d; accepted 1..%d", c.Bits, MaxBits))
	}
	for _, b := range []struct {
		name string
		v    int64
	}{{"rf_bytes", c.RFBytes}, {"gb_bytes", c.GBBytes}, {"dram_bytes", c.DRAMBytes}} {
		if b.v < 0 || b.v > MaxBufferBytes {
			add(NewViolation(CstBuffer, where, "%s=%d; accepted 0 (unbounded) .. %d", b.name, b.v, MaxBufferBytes))
		}
	}
	sizesOK := true
	for lv := LevelRF; lv < LevelDRAM; lv++ {
		for d := Dim(0); d < NumDims; d++ {
			if v := c.Tiles[lv][d]; v < 0 || v > MaxTile {
				add(NewViolation(CstTile, where, "%s tile %s=%d; accepted 0 (next level's size) .. %d", lv, d, v, MaxTile))
				sizesOK = false
			}
		}
	}
	for d := Dim(0); d < NumDims; d++ {
		if v := c.Unroll[d]; v < 0 || v > MaxArraySide*MaxArraySide {
			add(NewViolation(CstTile, where, "unroll %s=%d; accepted 0 (=1) .. %d", d, v, MaxArraySide*MaxArraySide))
			sizesOK = false
		}
	}
	if sizesOK {
		for d := Dim(0); d < NumDims; d++ {
			u, rf, gb := OrOne(c.Unroll[d]), c.Tiles[LevelRF][d], c.Tiles[LevelGB][d]
			if u > 1 && !c.Dataflow.Spatial().Has(d) {
				add(NewViolation(CstDataflowDims, where, "unroll %s=%d but dataflow %s unrolls only %s", d, u, c.Dataflow, c.Dataflow.Spatial()))
			}
			if rf > 0 && u > rf {
				add(NewViolation(CstUnrollLeTile, where, "unroll %s=%d > rf tile %s=%d", d, u, d, rf))
			}
			if gb > 0 && rf > gb {
				add(NewViolation(CstUnrollLeTile, where, "rf tile %s=%d > gb tile %s=%d", d, rf, d, gb))
			}
			if gb > 0 && rf == 0 && u > gb {
				add(NewViolation(CstUnrollLeTile, where, "unroll %s=%d > gb tile %s=%d", d, u, d, gb))
			}
			if !pad {
				if rf > 0 && rf%u != 0 {
					add(NewViolation(CstTilesDivide, where, "unroll %s=%d does not divide rf tile %d (allow padding or pick a divisor)", d, u, rf))
				}
				if rf > 0 && gb > 0 && gb%rf != 0 {
					add(NewViolation(CstTilesDivide, where, "rf tile %s=%d does not divide gb tile %d (allow padding or pick a divisor)", d, rf, gb))
				}
			}
		}
		if n := c.UnrollProduct(); c.Rows >= 1 && c.Cols >= 1 && n > c.PEs() {
			add(NewViolation(CstUnrollFits, where, "Π unroll = %d > %d×%d PEs", n, c.Rows, c.Cols))
		}
	}
	for lv := LevelRF; lv < NumMemLevels; lv++ {
		if o := c.Order[lv]; !o.IsZero() && !o.IsPermutation() {
			add(NewViolation(CstLoopOrder, where, "%s loop order %s is not a permutation of N, K, C, P, Q, R, S", lv, o))
		}
	}
	return errs
}
