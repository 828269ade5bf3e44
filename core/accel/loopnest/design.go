package loopnest

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
)

// DesignMapping turns a sub-accelerator's own tiling of a layer (its RF and
// global-buffer tiles, unrolling and per-level loop orders, as a design file
// gives them) into the loop-nest model's problem and mapping on the
// three-level hierarchy of ArchOf, so a design can be costed with
// Evaluate as well as with the FPGA chunk model.
//
// Per dimension, with tiles clipped to the layer (0 meaning "as large as the
// next level out"): the unroll is the spatial factor at the buffer level
// (rows or columns as the dataflow template lays it), RF tile / unroll runs
// in the register file, GB tile / RF tile in the buffer, and the rest in
// DRAM. A grouped layer with one output channel per group (depthwise) takes
// the design's K extents on its G dimension. Tiles that do not divide are
// padded up when pad is set (the padded MACs count as work, as on the
// hardware); otherwise they are reported as a CstTilesDivide violation.
func DesignMapping(l accel.Layer, c *accel.SubAccel, pad bool) (*Problem, *Mapping, error) {
	if err := l.Validate(); err != nil {
		return nil, nil, err
	}
	tpl, err := templateFor(c.Dataflow)
	if err != nil {
		return nil, nil, err
	}
	p := ConvProblem(l)
	where := fmt.Sprintf("chunk %q layer %q", c.Name, l.Name)
	// Which problem dimension each design dimension drives.
	target := [accel.NumDims]int{}
	for d := accel.Dim(0); d < accel.NumDims; d++ {
		target[d] = int(d)
	}
	if g := p.DimIndex("G"); g >= 0 && p.Bounds[accel.DimK] == 1 {
		target[accel.DimK] = g
	}
	var spatial, rf, gb [MaxProblemDims]int
	for x := range p.Dims {
		spatial[x], rf[x], gb[x] = 1, 1, 1
	}
	for d := accel.Dim(0); d < accel.NumDims; d++ {
		x := target[d]
		dim := p.Bounds[x]
		gt := c.Tiles[accel.LevelGB][d]
		if gt <= 0 || gt > dim {
			gt = dim
		}
		rt := c.Tiles[accel.LevelRF][d]
		if rt <= 0 || rt > gt {
			rt = gt
		}
		u := accel.OrOne(c.Unroll[d])
		if u > rt {
			u = rt
		}
		if rt%u != 0 || gt%rt != 0 || dim%gt != 0 {
			if !pad {
				return nil, nil, accel.NewViolation(accel.CstTilesDivide, where, "%s: unroll %d, rf tile %d, gb tile %d, layer %d do not divide (allow padding or pick divisors)", d, u, rt, gt, dim)
			}
			rt = (rt + u - 1) / u * u
			gt = (gt + rt - 1) / rt * rt
			dim = (dim + gt - 1) / gt * gt
			p.Bounds[x] = dim
		}
		spatial[x], rf[x], gb[x] = u, rt/u, gt/rt
	}
	// The unrolling goes on the array the way the design space sized it
	// (accel.RowDims over rows), not as the mapper's dataflow template
	// would lay it: a design's rows × cols is the product of its row and
	// column unrolls, and any other layout can be wider than the array.
	var onRows [MaxProblemDims]bool
	for d := accel.Dim(0); d < accel.NumDims; d++ {
		onRows[target[d]] = accel.RowDims.Has(d)
	}
	onY := func(x int) bool { return onRows[x] }
	m := &Mapping{Levels: []MappingLevel{
		{Name: LevelNameDRAM, Keep: AllDataSpaces(3)},
		{Name: LevelNameGB, Keep: AllDataSpaces(3)},
		{Name: LevelNameRF, Keep: tpl.rfKeep},
	}}
	// order lists the problem dimensions in the design's order for a level,
	// then G (which the design does not name) outermost.
	order := func(lv accel.MemLevel) []int {
		var xs []int
		if g := p.DimIndex("G"); g >= 0 && target[accel.DimK] != g {
			xs = append(xs, g)
		}
		for _, d := range c.Order[lv].Resolve() {
			xs = append(xs, target[d])
		}
		return xs
	}
	for _, x := range order(accel.LevelDRAM) {
		if f := p.Bounds[x] / (spatial[x] * rf[x] * gb[x]); f > 1 {
			m.Levels[0].Temporal = append(m.Levels[0].Temporal, Loop{Dim: x, Factor: f})
		}
	}
	for _, x := range order(accel.LevelGB) {
		if gb[x] > 1 {
			m.Levels[1].Temporal = append(m.Levels[1].Temporal, Loop{Dim: x, Factor: gb[x]})
		}
	}
	for _, ax := range []Axis{AxisY, AxisX} {
		for x := range p.Dims {
			if spatial[x] > 1 && onY(x) == (ax == AxisY) {
				m.Levels[1].Spatial = append(m.Levels[1].Spatial, Loop{Dim: x, Factor: spatial[x], Axis: ax})
			}
		}
	}
	for _, x := range order(accel.LevelRF) {
		if rf[x] > 1 {
			m.Levels[2].Temporal = append(m.Levels[2].Temporal, Loop{Dim: x, Factor: rf[x]})
		}
	}
	if err := CheckMapping(p, m); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", where, err)
	}
	if rows, cols := unrolled(m); rows > c.Rows || cols > c.Cols {
		return nil, nil, fmt.Errorf("%s: the unrolling needs %d × %d PEs; the array has %d × %d", where, rows, cols, c.Rows, c.Cols)
	}
	return p, m, nil
}

// unrolled returns the rows × columns of PEs a mapping's spatial loops
// span.
func unrolled(m *Mapping) (rows, cols int) {
	rows, cols = 1, 1
	for _, lv := range m.Levels {
		for _, lp := range lv.Spatial {
			if lp.Axis == AxisY {
				rows *= lp.Factor
			} else {
				cols *= lp.Factor
			}
		}
	}
	return rows, cols
}

// HasTiling reports whether a sub-accelerator carries its own tiling
// (tiles or unrolling), which DesignMapping turns into a mapping; one
// without (a systolic array, whose schedule SCALE-Sim's rules fix) is
// mapped by the mapper.
func HasTiling(c *accel.SubAccel) bool {
	for d := accel.Dim(0); d < accel.NumDims; d++ {
		if c.Unroll[d] > 1 || c.Tiles[accel.LevelRF][d] > 0 || c.Tiles[accel.LevelGB][d] > 0 {
			return true
		}
	}
	return false
}

// DesignMapperOptions bound the mapper where a layer of a found design
// has no tiling of its own (RunLayer's fallback): small enough that
// choosing a layer in the browser stays interactive. The accelerator view,
// the page's Timeloop download and `dian export -design` all use them, and
// the mapper is deterministic, so they agree on the mapping.
var DesignMapperOptions = MapperOptions{Objective: MinEDP, Exhaustive: 3000, SpatialCandidates: 4}

// Mapping sources: where the mapping of a layer came from.
const (
	SourceDesign = "design" // the design's own tiling (DesignMapping)
	SourceMapper = "mapper" // the mapper (MapLayer)
)

// LayerRun is one layer of a design on its chunk in the loop-nest model:
// the mapping, its counts, cycles and energy, and where the mapping came
// from (SourceDesign or SourceMapper).
type LayerRun struct {
	MapperResult
	Source string
}

// RunLayer is the one way a layer of a found design meets the loop-nest
// model. The accelerator view animates its mapping, `dian export -format
// timeloop` and the page's Timeloop download write it, and `dian eval
// -timeloop-map` reads those files back to the same cycles and energy:
// so every loop-nest figure of a layer is the same figure.
//
// A chunk with its own tiling (HasTiling) runs that tiling (DesignMapping,
// padded when pad is set); one without, or whose tiling the loop-nest
// model cannot lay on its array, is mapped by the mapper with opt. The
// chunk's unbounded buffers are sized as platform p's default array's
// (accel.BoundedChunk): the model prices a buffer by its size.
func RunLayer(p accel.Platform, l accel.Layer, c *accel.SubAccel, pad bool, t *EnergyTable, opt MapperOptions) (*LayerRun, error) {
	bc := accel.BoundedChunk(p, *c)
	if HasTiling(&bc) {
		if prob, m, err := DesignMapping(l, &bc, pad); err == nil {
			return evaluateRun(prob, m, &bc, t)
		}
	}
	res, err := MapLayer(l, &bc, t, opt)
	if err != nil {
		return nil, err
	}
	return &LayerRun{MapperResult: *res, Source: SourceMapper}, nil
}

// evaluateRun costs mapping m of p on chunk c with the loop-nest model.
func evaluateRun(p *Problem, m *Mapping, c *accel.SubAccel, t *EnergyTable) (*LayerRun, error) {
	arch, err := ArchOf(c, t)
	if err != nil {
		return nil, err
	}
	r := &LayerRun{MapperResult: MapperResult{Problem: p, Arch: arch, Mapping: m}, Source: SourceDesign}
	ev, err := NewEvaluator(p)
	if err != nil {
		return nil, err
	}
	if err := ev.Evaluate(m, &r.Stats); err != nil {
		return nil, err
	}
	if err := arch.Energy(p, &r.Stats, &r.Energy); err != nil {
		return nil, err
	}
	r.Cycles, r.EnergyPJ, r.Evaluated, r.Exhaustive = arch.Cycles(p, &r.Stats), r.Energy.TotalPJ, 1, true
	return r, nil
}
