package accel

import (
	"fmt"
	"slices"
)

// PlatformSpace returns the design space the co-search explores on
// platform p, one per kind of target:
//
//   - FPGA: Auto-NBA's chunked pipeline (AutoNBASpace) with CIFAR's tile
//     lists, whose maps of at least 16 and smaller fit our inputs (at most
//     14×14 after the stem), at 8 bits;
//   - ASIC: one PE array with the platform's shape and global buffer,
//     16-bit words and Eyeriss' 0.5 KB register file per PE, running every
//     layer, with DNA-style choices of dataflow, tiles, unrolling and loop
//     orders (asicChoices);
//   - systolic: the platform's array with 64 KB of SRAM per operand and
//     8-bit words; the search picks its dataflow (os, ws or is).
//
// On the one-array targets the template's chunk lists no layers: the
// caller assigns the network it costs (see AssignAll).
//
// With bits (a precision search's widths; nil for none) the network's
// layers run at several widths: an FPGA gets Auto-NBA's chunks for each
// width and for 8 (the stem and head); a one-array target becomes a
// precision-scalable array (SubAccel.Scalable) built for the widest width,
// on which each layer moves and multiplies words of its own width.
func PlatformSpace(p Platform, bits []int) (*Space, error) {
	switch p.Target {
	case FPGA:
		return AutoNBASpace("cifar", withWidth(bits, 8), p.Name)
	case ASIC:
		return GenericSpace(scalable(asicTemplate(p), bits), asicChoices)
	case Systolic:
		return GenericSpace(scalable(systolicTemplate(p), bits), ChunkChoices{
			Dataflows: []Dataflow{OutputStationary, WeightStationary, InputStationary}})
	}
	return nil, fmt.Errorf("accel: platform %q has target %q, which has no design space", p.Name, p.Target)
}

// withWidth returns bits with b added, in increasing order ([b] for nil).
func withWidth(bits []int, b int) []int {
	out := append([]int(nil), bits...)
	if !slices.Contains(out, b) {
		out = append(out, b)
	}
	slices.Sort(out)
	return out
}

// scalable makes d's one array precision-scalable at the widest of bits
// (and of the 8 bits the unsearched layers run at); nil leaves d as it is.
func scalable(d Design, bits []int) Design {
	if len(bits) == 0 {
		return d
	}
	c := &d.Chunks[0]
	c.Bits, c.Scalable = slices.Max(withWidth(bits, 8)), true
	return d
}

// asicTemplate is one row-stationary PE array with the platform's shape and
// global buffer, 16-bit words and Eyeriss' 0.5 KB register file per PE.
func asicTemplate(p Platform) Design {
	return Design{Name: p.Name + "-dna", Platform: p.Name, Assign: AssignExplicit, Pad: true,
		Chunks: []SubAccel{{Name: "array", Rows: p.Rows, Cols: p.Cols, Dataflow: RowStationary, Bits: 16,
			RFBytes: 512, GBBytes: int64(p.GlobalBufferBytes)}}}
}

// asicChoices are the DNA-style options for an ASIC's array: the dataflow,
// global-buffer and register tiles, the spatial unrolling and the loop
// orders, sized for the supernet's layers (at most 192 channels, 14×14
// maps).
var asicChoices = ChunkChoices{
	Dataflows: []Dataflow{RowStationary, WeightStationary, OutputStationary, InputStationary},
	GBTile: [NumDims][]int{
		DimK: {64, 32, 16, 8}, DimC: {64, 32, 16, 8}, DimP: {14, 7, 4}, DimQ: {14, 7, 4}},
	RFTile: [NumDims][]int{DimK: {16, 8, 4, 2, 1}, DimC: {8, 4, 2, 1}},
	Unroll: [NumDims][]int{DimK: {16, 8, 4, 2, 1}, DimC: {8, 4, 2, 1}, DimP: {14, 7, 4, 2, 1}},
	Orders: []LoopOrder{
		DefaultLoopOrder,
		{DimN, DimC, DimK, DimP, DimQ, DimR, DimS},
		{DimN, DimP, DimQ, DimK, DimC, DimR, DimS},
	},
}

// systolicTemplate is the platform's systolic array with 64 KB of SRAM per
// operand.
func systolicTemplate(p Platform) Design {
	return Design{Name: p.Name, Platform: p.Name, Assign: AssignExplicit, Pad: true,
		Chunks: []SubAccel{{Name: "array", Rows: p.Rows, Cols: p.Cols, Dataflow: OutputStationary, Bits: 8,
			GBBytes: 3 * 64 * 1024}}}
}

// AssignAll makes the only chunk of d run every layer of net. It is how
// the one-array templates of PlatformSpace (ASIC, systolic) are bound to a
// network; designs of several chunks are left as they are.
func AssignAll(d *Design, net *Network) {
	if len(d.Chunks) != 1 {
		return
	}
	names := make([]string, len(net.Layers))
	for i, l := range net.Layers {
		names[i] = l.Name
	}
	d.Chunks[0].Layers = names
}
