package loopnest

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
)

// ChunkOf is DesignMapping's inverse: the layer and the sub-accelerator
// that a mapping of a convolution on an architecture describes, so the
// search's own cost models (Auto-NBA's FPGA chunk model, DNA's estimator,
// the systolic model), which cost a layer on a chunk rather than a
// mapping, can cost a Timeloop mapping too.
//
// The mapping must have the hierarchy those models know: three storage
// levels (DRAM, one global buffer, one register file per PE, outermost
// first) with its spatial loops fanning out from the buffer to the PEs. Per
// dimension the spatial factor is the unroll, spatial × register-file
// factors the RF tile and that × the buffer factor the GB tile; each
// level's loops, outermost first, give its loop order (dimensions without
// a loop there follow in accel.DefaultLoopOrder, where a trip count of 1
// changes nothing). The PE array is the register file's mesh, the buffers
// are the architecture's capacities, the word width its MAC's, and the
// dataflow the one whose register file keeps what the mapping's keeps
// (ws: weights, os: outputs, is: inputs, rs: all three). A grouped layer's
// G may loop only in DRAM, as the models run groups one after another;
// a depthwise layer's G stands for the design's K, as in DesignMapping.
func ChunkOf(p *Problem, m *Mapping, a *Arch) (accel.Layer, accel.SubAccel, error) {
	var c accel.SubAccel
	l, err := LayerOf(p)
	if err != nil {
		return l, c, err
	}
	fail := func(format string, args ...any) (accel.Layer, accel.SubAccel, error) {
		return l, c, fmt.Errorf("loopnest: the mapping of %q is not a chunk the search's models can cost: %s", p.Name, fmt.Sprintf(format, args...))
	}
	if len(m.Levels) != 3 {
		return fail("it has %d storage levels; the models know three (DRAM, a global buffer, a register file per PE)", len(m.Levels))
	}
	var levels [3]*ArchLevel
	for i, lv := range m.Levels {
		if levels[i] = a.Level(lv.Name); levels[i] == nil {
			return fail("level %q is not in architecture %q", lv.Name, a.Name)
		}
		if i != 1 && len(lv.Spatial) > 0 {
			return fail("level %q has spatial loops; only the global buffer may fan out to the PEs", lv.Name)
		}
	}
	rfLevel, gbLevel := levels[2], levels[1]

	// Which problem dimension each design dimension stands for (-1: none).
	var target [accel.NumDims]int
	for d := accel.Dim(0); d < accel.NumDims; d++ {
		target[d] = p.DimIndex(d.String())
	}
	if target[accel.DimK] < 0 {
		target[accel.DimK] = p.DimIndex("M")
	}
	g := p.DimIndex("G")
	if g >= 0 && target[accel.DimK] >= 0 && p.Bounds[target[accel.DimK]] == 1 {
		target[accel.DimK] = g // depthwise: one output channel per group
	}
	designDim := make([]int, len(p.Dims)) // problem dimension → design dimension, or -1
	for x := range designDim {
		designDim[x] = -1
	}
	for d, x := range target {
		if x >= 0 {
			designDim[x] = d
		}
	}

	// Factors per problem dimension: spatial, RF, GB (DRAM takes the rest).
	spatial, rf, gb := make([]int, len(p.Dims)), make([]int, len(p.Dims)), make([]int, len(p.Dims))
	for x := range p.Dims {
		spatial[x], rf[x], gb[x] = 1, 1, 1
	}
	for _, lp := range m.Levels[1].Spatial {
		spatial[lp.Dim] *= lp.Factor
	}
	for _, lp := range m.Levels[1].Temporal {
		gb[lp.Dim] *= lp.Factor
	}
	for _, lp := range m.Levels[2].Temporal {
		rf[lp.Dim] *= lp.Factor
	}
	if g >= 0 && designDim[g] < 0 && spatial[g]*rf[g]*gb[g] > 1 {
		return fail("groups loop inside the global buffer; the models run a layer's groups one after another, so G may loop only in DRAM")
	}
	for d := accel.Dim(0); d < accel.NumDims; d++ {
		x := target[d]
		if x < 0 {
			continue
		}
		c.Unroll[d] = spatial[x]
		c.Tiles[accel.LevelRF][d] = spatial[x] * rf[x]
		c.Tiles[accel.LevelGB][d] = spatial[x] * rf[x] * gb[x]
	}
	for i, lv := range []accel.MemLevel{accel.LevelDRAM, accel.LevelGB, accel.LevelRF} {
		o, err := loopOrderOf(m.Levels[i].Temporal, designDim, p.Dims)
		if err != nil {
			return fail("level %q: %v", m.Levels[i].Name, err)
		}
		c.Order[lv] = o
	}

	keep := DataSpaceMask(0)
	for _, ds := range []struct {
		name string
		bit  int
	}{{"Weights", DSWeights}, {"Inputs", DSInputs}, {"Outputs", DSOutputs}} {
		if i := p.DataSpaceIndex(ds.name); i >= 0 && m.Levels[2].Keep.Has(i) {
			keep |= 1 << ds.bit
		}
	}
	found := false
	for _, df := range accel.Dataflows() {
		if tpl, err := templateFor(df); err == nil && tpl.rfKeep == keep {
			c.Dataflow, found = df, true
			break
		}
	}
	if !found {
		return fail("its register file keeps %s; the dataflows keep weights (ws), outputs (os), inputs (is) or all three (rs)", keepNames(keep))
	}

	c.Name, c.Layers = a.Name, []string{l.Name}
	// The PE array is the register file's mesh: its own and that of the
	// containers around it (a v0.4 file gives it to a container).
	c.Rows, c.Cols = max(rfLevel.MeshY, 1), max(rfLevel.MeshX, 1)
	for _, ct := range a.Containers {
		if ct.After <= 2 {
			c.Rows, c.Cols = c.Rows*max(ct.MeshY, 1), c.Cols*max(ct.MeshX, 1)
		}
	}
	if c.Rows*c.Cols != rfLevel.Instances {
		return fail("its register file has %d instances on a %d × %d mesh", rfLevel.Instances, c.Rows, c.Cols)
	}
	c.Bits = a.MAC.Width
	if c.Bits <= 0 {
		c.Bits = rfLevel.DataWidth
	}
	if c.Bits <= 0 || c.Bits > accel.MaxBits {
		return fail("a word of %d bits; accepted 1..%d", c.Bits, accel.MaxBits)
	}
	bytes := func(lv *ArchLevel) int64 { return lv.CapacityWords() * int64(c.Bits) / 8 }
	c.RFBytes, c.GBBytes = bytes(rfLevel), bytes(gbLevel)
	return l, c, nil
}

// loopOrderOf returns the loop order (outermost first) of one level's
// temporal loops, by design dimension, with the dimensions that do not
// loop there after them in accel.DefaultLoopOrder.
func loopOrderOf(loops []Loop, designDim []int, dims []string) (accel.LoopOrder, error) {
	var o accel.LoopOrder
	var seen [accel.NumDims]bool
	n := 0
	for _, lp := range loops {
		d := designDim[lp.Dim]
		if d < 0 {
			continue // G, which DRAM loops over outside everything
		}
		if seen[d] {
			return o, fmt.Errorf("%s loops twice", dims[lp.Dim])
		}
		seen[d] = true
		o[n] = accel.Dim(d)
		n++
	}
	for _, d := range accel.DefaultLoopOrder {
		if !seen[d] {
			o[n] = d
			n++
		}
	}
	return o, nil
}

// keepNames lists a register file's data spaces for a message.
func keepNames(keep DataSpaceMask) string {
	s := ""
	for i, n := range []string{"Weights", "Inputs", "Outputs"} {
		if keep.Has(i) {
			if s != "" {
				s += ", "
			}
			s += n
		}
	}
	if s == "" {
		return "nothing"
	}
	return s
}
