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
	onY := func(x int) bool {
		for _, name := range tpl.y {
			if p.Dims[x] == name {
				return true
			}
		}
		return false
	}
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
	return p, m, nil
}
