package loopnest

import (
	"errors"
	"fmt"
	"math"

	"github.com/dian-explorer/dian/core/accel"
)

// The mapper: for a layer and a sub-accelerator (PE array, dataflow
// template, register-file and global-buffer capacities), find the mapping
// the loop-nest model rates best. The hierarchy is the DNA/Eyeriss one:
// DRAM → global buffer → (NoC fan-out to rows × cols PEs) → per-PE register
// file → MAC. The dataflow template fixes which dimensions may be unrolled
// on each side of the array and what the register file keeps; the mapper
// chooses the unroll factors, the register-file and global-buffer tiles and
// the loop orders of the buffer and DRAM levels.
//
// Search: the spatial unrollings are enumerated and the best-utilised few
// kept; for each, if the tile × order space is small it is enumerated
// exhaustively, otherwise a coordinate descent runs (one dimension's
// (RF, GB) split or one level's order at a time, best move first, until no
// move improves). Everything iterates in a fixed order and ties keep the
// earlier candidate, so the result is deterministic.

// Objective is what the mapper minimises.
type Objective uint8

// The objectives.
const (
	MinEDP    Objective = iota // energy × cycles
	MinEnergy                  // energy, then cycles
	MinCycles                  // cycles, then energy
)

// String returns the objective's key: edp, energy or cycles.
func (o Objective) String() string {
	switch o {
	case MinEDP:
		return "edp"
	case MinEnergy:
		return "energy"
	case MinCycles:
		return "cycles"
	}
	return fmt.Sprintf("Objective(%d)", uint8(o))
}

// ParseObjective returns the objective with the given key.
func ParseObjective(s string) (Objective, error) {
	for _, o := range []Objective{MinEDP, MinEnergy, MinCycles} {
		if o.String() == s {
			return o, nil
		}
	}
	return 0, fmt.Errorf("loopnest: objective %q is not one of edp, energy, cycles", s)
}

// MapperOptions tune the search; the zero value is sensible.
type MapperOptions struct {
	Objective Objective
	// Exhaustive is the largest tile × order space searched exhaustively per
	// spatial unrolling (default 20000).
	Exhaustive int
	// SpatialCandidates is how many spatial unrollings are searched
	// (default 6), the best utilised first.
	SpatialCandidates int
}

// MapperResult is the best mapping found and what it costs.
type MapperResult struct {
	Problem  *Problem
	Arch     *Arch
	Mapping  *Mapping
	Stats    Stats
	Energy   EnergyBreakdown
	Cycles   int64   // with bandwidth limits
	EnergyPJ float64 // EnergyBreakdown.TotalPJ
	// Evaluated counts the mappings the model evaluated; Exhaustive says
	// whether every spatial candidate's space was enumerated completely.
	Evaluated  int
	Exhaustive bool
}

// EDP returns energy × cycles.
func (r *MapperResult) EDP() float64 { return r.EnergyPJ * float64(r.Cycles) }

// Level names of the mapper's hierarchy.
const (
	LevelNameDRAM = "DRAM"
	LevelNameGB   = "GlobalBuffer"
	LevelNameRF   = "RegisterFile"
)

// ArchOf returns the three-level hierarchy of a sub-accelerator priced
// with an energy table: DRAM (64 bits per cycle), the global buffer of
// c.GBBytes and one register file of c.RFBytes per PE, with c.Bits words.
func ArchOf(c *accel.SubAccel, t *EnergyTable) (*Arch, error) {
	if c.Rows < 1 || c.Cols < 1 || c.Rows > accel.MaxArraySide || c.Cols > accel.MaxArraySide {
		return nil, fmt.Errorf("loopnest: PE array %d×%d; each side must be in [1, %d]", c.Rows, c.Cols, accel.MaxArraySide)
	}
	bits := c.Bits
	if bits <= 0 {
		bits = 16
	}
	if bits > accel.MaxBits {
		return nil, fmt.Errorf("loopnest: bits=%d; accepted 1..%d", bits, accel.MaxBits)
	}
	words := func(b int64) int64 { return b * 8 / int64(bits) }
	a := &Arch{Name: c.Name, Technology: t.Name,
		Levels: []ArchLevel{
			{Name: LevelNameDRAM, Class: "DRAM", Instances: 1, MeshX: 1, MeshY: 1, Width: 64 / bits * bits, DataWidth: bits, Bandwidth: float64(64 / bits)},
			{Name: LevelNameGB, Class: "SRAM", Instances: 1, MeshX: 1, MeshY: 1, Depth: words(c.GBBytes), Width: bits, DataWidth: bits},
			{Name: LevelNameRF, Class: "regfile", Instances: c.Rows * c.Cols, MeshX: c.Cols, MeshY: c.Rows, Depth: words(c.RFBytes), Width: bits, DataWidth: bits},
		},
		MAC: ArchCompute{Name: "MAC", Class: "intmac", Instances: c.Rows * c.Cols, Width: bits},
	}
	if a.Levels[0].Width == 0 {
		a.Levels[0].Width = bits
		a.Levels[0].Bandwidth = 1
	}
	if err := t.Price(a); err != nil {
		return nil, err
	}
	return a, nil
}

// dataflowTemplate is how a dataflow lays loops on the array: the
// dimensions that may unroll along the rows (Y) and columns (X), and the
// data spaces the register file keeps.
type dataflowTemplate struct {
	y, x   []string
	rfKeep DataSpaceMask
}

// templates follow the dataflow definitions in design.go: ws keeps weights
// in the PEs and unrolls the reduction (C, R, S) down the rows and output
// channels across (a TPU-like array); os keeps partial sums and unrolls
// output pixels down and output channels across; is keeps inputs and
// unrolls the filter window down and output pixels across (SCALE-Sim's
// arrangement); rs is Eyeriss: filter rows (and channels) down, output rows
// (and output channels, images) across, every operand in the RF. A grouped
// layer's G goes where K goes (for is and rs, where C goes: a depthwise
// channel is both).
func templateFor(df accel.Dataflow) (dataflowTemplate, error) {
	w, i, o := DataSpaceMask(1<<DSWeights), DataSpaceMask(1<<DSInputs), DataSpaceMask(1<<DSOutputs)
	switch df {
	case accel.WeightStationary:
		return dataflowTemplate{y: []string{"C", "R", "S"}, x: []string{"K", "G"}, rfKeep: w}, nil
	case accel.OutputStationary:
		return dataflowTemplate{y: []string{"P", "Q", "N"}, x: []string{"K", "G"}, rfKeep: o}, nil
	case accel.InputStationary:
		return dataflowTemplate{y: []string{"C", "G", "R", "S"}, x: []string{"P", "Q", "N"}, rfKeep: i}, nil
	case accel.RowStationary:
		return dataflowTemplate{y: []string{"R", "C", "G"}, x: []string{"P", "K", "N"}, rfKeep: w | i | o}, nil
	}
	return dataflowTemplate{}, fmt.Errorf("loopnest: dataflow %d is not one of ws, os, is, rs", df)
}

// mapPoint is one candidate: per dimension its spatial factor and axis,
// register-file and buffer factors (DRAM takes the rest), and the index of
// the buffer and DRAM loop orders.
type mapPoint struct {
	s, r, g   [MaxProblemDims]int
	axis      [MaxProblemDims]Axis
	gbOrder   int
	dramOrder int
}

type mapperState struct {
	p      *Problem
	nd     int
	ev     *Evaluator
	arch   *Arch
	st     Stats
	eb     EnergyBreakdown
	m      Mapping
	rfKeep DataSpaceMask
	rfCap  int64
	gbCap  int64
	orders [][]int // candidate loop orders, outermost first
	obj    Objective
	evals  int
	// divisors[x] lists the divisors of bound x in increasing order.
	divisors [][]int
}

// MapLayer finds the best mapping of layer l on sub-accelerator c, priced
// with table t, under opt.Objective.
func MapLayer(l accel.Layer, c *accel.SubAccel, t *EnergyTable, opt MapperOptions) (*MapperResult, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	arch, err := ArchOf(c, t)
	if err != nil {
		return nil, err
	}
	return MapProblem(ConvProblem(l), arch, c.Dataflow, opt)
}

// ErrNoMapping is returned when no mapping satisfies the capacities.
var ErrNoMapping = errors.New("loopnest: no mapping fits the buffers")

// MapProblem is MapLayer for a conv problem (as ConvProblem builds it) and a
// three-level arch as ArchOf builds it.
func MapProblem(p *Problem, arch *Arch, df accel.Dataflow, opt MapperOptions) (*MapperResult, error) {
	if len(arch.Levels) != 3 {
		return nil, fmt.Errorf("loopnest: mapper: arch %q has %d storage levels; the mapper needs DRAM, buffer, register file", arch.Name, len(arch.Levels))
	}
	tpl, err := templateFor(df)
	if err != nil {
		return nil, err
	}
	if len(p.DataSpaces) != 3 || p.DataSpaces[DSOutputs].ReadWrite != true {
		return nil, fmt.Errorf("loopnest: mapper: problem %q is not a convolution (Weights, Inputs, Outputs)", p.Name)
	}
	ev, err := NewEvaluator(p)
	if err != nil {
		return nil, err
	}
	if opt.Exhaustive <= 0 {
		opt.Exhaustive = 20000
	}
	if opt.SpatialCandidates <= 0 {
		opt.SpatialCandidates = 6
	}
	ms := &mapperState{p: p, nd: len(p.Dims), ev: ev, arch: arch, rfKeep: tpl.rfKeep, obj: opt.Objective,
		rfCap: arch.Levels[2].CapacityWords(), gbCap: arch.Levels[1].CapacityWords()}
	ms.orders = loopOrders(p)
	for _, b := range p.Bounds {
		ms.divisors = append(ms.divisors, divisorsOf(b))
	}
	rows, cols := arch.Levels[2].MeshY, arch.Levels[2].MeshX
	if rows*cols != arch.Levels[2].Instances || rows < 1 {
		rows, cols = 1, arch.Levels[2].Instances
	}
	ms.m.Levels = []MappingLevel{
		{Name: arch.Levels[0].Name, Keep: AllDataSpaces(3), Temporal: make([]Loop, 0, ms.nd)},
		{Name: arch.Levels[1].Name, Keep: AllDataSpaces(3), Temporal: make([]Loop, 0, ms.nd), Spatial: make([]Loop, 0, ms.nd)},
		{Name: arch.Levels[2].Name, Keep: tpl.rfKeep, Temporal: make([]Loop, 0, ms.nd)},
	}

	spatials := ms.spatialCandidates(tpl, rows, cols, opt.SpatialCandidates)
	best := mapPoint{}
	bestObj, bestE, bestC := math.Inf(1), math.Inf(1), int64(math.MaxInt64)
	exhaustive := true
	for _, sp := range spatials {
		pt, obj, e, c, ex := ms.searchTiles(sp, opt.Exhaustive)
		exhaustive = exhaustive && ex
		if better(obj, e, c, bestObj, bestE, bestC) {
			best, bestObj, bestE, bestC = pt, obj, e, c
		}
	}
	if math.IsInf(bestObj, 1) {
		return nil, fmt.Errorf("%w: layer %q on %s (RF %d words, buffer %d words)", ErrNoMapping, p.Name, arch.Name, ms.rfCap, ms.gbCap)
	}
	ms.build(&best)
	res := &MapperResult{Problem: p, Arch: arch, Mapping: ms.m.Clone(), Evaluated: ms.evals, Exhaustive: exhaustive}
	if err := ev.Evaluate(res.Mapping, &res.Stats); err != nil {
		return nil, err
	}
	if err := arch.Energy(p, &res.Stats, &res.Energy); err != nil {
		return nil, err
	}
	res.Cycles = arch.Cycles(p, &res.Stats)
	res.EnergyPJ = res.Energy.TotalPJ
	return res, nil
}

// better orders candidates: objective, then energy, then cycles; a tie keeps
// the incumbent.
func better(obj, e float64, c int64, bObj, bE float64, bC int64) bool {
	if obj != bObj {
		return obj < bObj
	}
	if e != bE {
		return e < bE
	}
	return c < bC
}

func divisorsOf(n int) []int {
	var d []int
	for i := 1; i <= n; i++ {
		if n%i == 0 {
			d = append(d, i)
		}
	}
	return d
}

// loopOrders returns the candidate orders of a level's temporal loops: the
// problem's own dimension order, and for each data space one that puts the
// dimensions it does not depend on innermost (so its tile stays put in the
// level below while they run).
func loopOrders(p *Problem) [][]int {
	base := make([]int, len(p.Dims))
	for i := range base {
		base[i] = i
	}
	orders := [][]int{base}
	for d := range p.DataSpaces {
		rel := make([]bool, len(p.Dims))
		for _, rank := range p.DataSpaces[d].Ranks {
			for _, t := range rank {
				rel[t.Dim] = true
			}
		}
		var o []int
		for _, x := range base {
			if rel[x] {
				o = append(o, x)
			}
		}
		for _, x := range base {
			if !rel[x] {
				o = append(o, x)
			}
		}
		orders = append(orders, o)
	}
	return orders
}

// spatialCandidates enumerates the unrollings the template allows that fit
// rows × cols, and returns the n with the most PEs busy (ties: enumeration
// order).
func (ms *mapperState) spatialCandidates(tpl dataflowTemplate, rows, cols, n int) []mapPoint {
	type axisDim struct {
		dim  int
		axis Axis
	}
	var dims []axisDim
	for _, name := range tpl.y {
		if x := ms.p.DimIndex(name); x >= 0 && ms.p.Bounds[x] > 1 {
			dims = append(dims, axisDim{x, AxisY})
		}
	}
	for _, name := range tpl.x {
		if x := ms.p.DimIndex(name); x >= 0 && ms.p.Bounds[x] > 1 {
			dims = append(dims, axisDim{x, AxisX})
		}
	}
	type cand struct {
		pt   mapPoint
		used int
	}
	var cands []cand
	var pt mapPoint
	for x := 0; x < ms.nd; x++ {
		pt.s[x], pt.r[x], pt.g[x] = 1, 1, 1
	}
	var rec func(k, py, px int)
	rec = func(k, py, px int) {
		if k == len(dims) {
			cands = append(cands, cand{pt, py * px})
			return
		}
		ad := dims[k]
		for _, f := range ms.divisors[ad.dim] {
			ny, nx := py, px
			if ad.axis == AxisY {
				ny *= f
			} else {
				nx *= f
			}
			if ny > rows || nx > cols {
				break
			}
			pt.s[ad.dim], pt.axis[ad.dim] = f, ad.axis
			rec(k+1, ny, nx)
		}
		pt.s[ad.dim] = 1
	}
	rec(0, 1, 1)
	// Stable selection of the n best utilised.
	out := make([]mapPoint, 0, n)
	taken := make([]bool, len(cands))
	for len(out) < n && len(out) < len(cands) {
		bi := -1
		for i, c := range cands {
			if !taken[i] && (bi < 0 || c.used > cands[bi].used) {
				bi = i
			}
		}
		taken[bi] = true
		out = append(out, cands[bi].pt)
	}
	return out
}

// build writes the mapping of pt into ms.m, reusing its loop slices.
func (ms *mapperState) build(pt *mapPoint) {
	dram, gb, rf := &ms.m.Levels[0], &ms.m.Levels[1], &ms.m.Levels[2]
	dram.Temporal, gb.Temporal, gb.Spatial, rf.Temporal = dram.Temporal[:0], gb.Temporal[:0], gb.Spatial[:0], rf.Temporal[:0]
	for _, x := range ms.orders[pt.dramOrder] {
		if f := ms.p.Bounds[x] / (pt.s[x] * pt.r[x] * pt.g[x]); f > 1 {
			dram.Temporal = append(dram.Temporal, Loop{Dim: x, Factor: f})
		}
	}
	for _, x := range ms.orders[pt.gbOrder] {
		if pt.g[x] > 1 {
			gb.Temporal = append(gb.Temporal, Loop{Dim: x, Factor: pt.g[x]})
		}
	}
	for _, ax := range []Axis{AxisY, AxisX} {
		for x := 0; x < ms.nd; x++ {
			if pt.s[x] > 1 && pt.axis[x] == ax {
				gb.Spatial = append(gb.Spatial, Loop{Dim: x, Factor: pt.s[x], Axis: ax})
			}
		}
	}
	for x := 0; x < ms.nd; x++ {
		if pt.r[x] > 1 {
			rf.Temporal = append(rf.Temporal, Loop{Dim: x, Factor: pt.r[x]})
		}
	}
}

// fits checks the register-file and buffer capacities of pt.
func (ms *mapperState) fits(pt *mapPoint) bool {
	var rfSpan, gbSpan [MaxProblemDims]int64
	for x := 0; x < ms.nd; x++ {
		rfSpan[x] = int64(pt.r[x])
		gbSpan[x] = int64(pt.r[x] * pt.s[x] * pt.g[x])
	}
	var ext [MaxRanks]int64
	var rf, gb int64
	for d := range ms.p.DataSpaces {
		if ms.rfKeep.Has(d) {
			rf += tileExtents(&ms.p.DataSpaces[d], &rfSpan, &ext)
		}
		gb += tileExtents(&ms.p.DataSpaces[d], &gbSpan, &ext)
	}
	return (ms.rfCap == 0 || rf <= ms.rfCap) && (ms.gbCap == 0 || gb <= ms.gbCap)
}

// score evaluates pt; ok is false when it does not fit.
func (ms *mapperState) score(pt *mapPoint) (obj, energy float64, cycles int64, ok bool) {
	if !ms.fits(pt) {
		return 0, 0, 0, false
	}
	ms.build(pt)
	ms.evals++
	if err := ms.ev.Evaluate(&ms.m, &ms.st); err != nil {
		return 0, 0, 0, false
	}
	if err := ms.arch.Energy(ms.p, &ms.st, &ms.eb); err != nil {
		return 0, 0, 0, false
	}
	energy = ms.eb.TotalPJ
	cycles = ms.arch.Cycles(ms.p, &ms.st)
	switch ms.obj {
	case MinEnergy:
		obj = energy
	case MinCycles:
		obj = float64(cycles)
	default:
		obj = float64(energy * float64(cycles))
	}
	return obj, energy, cycles, true
}

// splits lists the (rf, gb) factor pairs of dimension x for spatial factor s.
func (ms *mapperState) splits(x, s int) [][2]int {
	rem := ms.p.Bounds[x] / s
	var out [][2]int
	for _, r := range ms.divisors[x] {
		if rem%r != 0 {
			continue
		}
		for _, g := range ms.divisors[x] {
			if (rem/r)%g == 0 {
				out = append(out, [2]int{r, g})
			}
		}
	}
	return out
}

// searchTiles finds the best tiles and orders for one spatial unrolling.
func (ms *mapperState) searchTiles(sp mapPoint, limit int) (mapPoint, float64, float64, int64, bool) {
	splits := make([][][2]int, ms.nd)
	size := len(ms.orders) * len(ms.orders)
	for x := 0; x < ms.nd; x++ {
		splits[x] = ms.splits(x, sp.s[x])
		if size <= limit {
			size *= len(splits[x])
		}
	}
	best := sp
	bObj, bE, bC := math.Inf(1), math.Inf(1), int64(math.MaxInt64)
	try := func(pt *mapPoint) bool {
		obj, e, c, ok := ms.score(pt)
		if ok && better(obj, e, c, bObj, bE, bC) {
			best, bObj, bE, bC = *pt, obj, e, c
			return true
		}
		return false
	}
	if size <= limit {
		pt := sp
		var rec func(x int)
		rec = func(x int) {
			if x == ms.nd {
				for a := range ms.orders {
					for b := range ms.orders {
						pt.gbOrder, pt.dramOrder = a, b
						try(&pt)
					}
				}
				return
			}
			for _, rg := range splits[x] {
				pt.r[x], pt.g[x] = rg[0], rg[1]
				rec(x + 1)
			}
		}
		rec(0)
		return best, bObj, bE, bC, true
	}
	// Coordinate descent from "everything in DRAM", then from "everything
	// in the buffer" cut down until it fits; keep the better.
	starts := []mapPoint{sp, ms.fillBuffer(sp)}
	for _, start := range starts {
		cur := start
		cObj, cE, cC, ok := ms.score(&cur)
		if !ok {
			continue
		}
		if better(cObj, cE, cC, bObj, bE, bC) {
			best, bObj, bE, bC = cur, cObj, cE, cC
		}
		for pass := 0; pass < 12; pass++ {
			improved := false
			for x := 0; x < ms.nd; x++ {
				move := cur
				for _, rg := range splits[x] {
					pt := cur
					pt.r[x], pt.g[x] = rg[0], rg[1]
					obj, e, c, ok := ms.score(&pt)
					if ok && better(obj, e, c, cObj, cE, cC) {
						move, cObj, cE, cC = pt, obj, e, c
						improved = true
					}
				}
				cur = move
			}
			for a := range ms.orders {
				for b := range ms.orders {
					pt := cur
					pt.gbOrder, pt.dramOrder = a, b
					obj, e, c, ok := ms.score(&pt)
					if ok && better(obj, e, c, cObj, cE, cC) {
						cur, cObj, cE, cC = pt, obj, e, c
						improved = true
					}
				}
			}
			if !improved {
				break
			}
		}
		if better(cObj, cE, cC, bObj, bE, bC) {
			best, bObj, bE, bC = cur, cObj, cE, cC
		}
	}
	return best, bObj, bE, bC, false
}

// fillBuffer returns sp with every remaining factor in the global buffer,
// then moves factors of the largest dimensions out to DRAM until the tiles
// fit (deterministic: largest GB factor first, ties by dimension index).
func (ms *mapperState) fillBuffer(sp mapPoint) mapPoint {
	pt := sp
	for x := 0; x < ms.nd; x++ {
		pt.r[x] = 1
		pt.g[x] = ms.p.Bounds[x] / sp.s[x]
	}
	for !ms.fits(&pt) {
		bx := -1
		for x := 0; x < ms.nd; x++ {
			if pt.g[x] > 1 && (bx < 0 || pt.g[x] > pt.g[bx]) {
				bx = x
			}
		}
		if bx < 0 {
			return sp
		}
		f := primeFactors(pt.g[bx])
		pt.g[bx] /= f[0]
	}
	return pt
}

// primeFactors returns n's prime factors in increasing order.
func primeFactors(n int) []int {
	var f []int
	for q := 2; q*q <= n; q++ {
		for n%q == 0 {
			f = append(f, q)
			n /= q
		}
	}
	if n > 1 {
		f = append(f, n)
	}
	return f
}
