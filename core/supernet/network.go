package supernet

import (
	"github.com/dian-explorer/dian/core/accel"
)

// Network lowers a path to the layer list the cost models evaluate, for
// batch-1 inference: stem, the blocks' convolutions
// (a 1×1 projection shortcut where the block changes shape, then the op's
// expand, depthwise and project; skip adds nothing to the shortcut), head
// and classifier. Every
// block layer names its block, so costs can be summed per block. An op's
// three layers run at its block's width in widths; every other layer, and
// every layer when widths is nil, at DefaultBits.
func (s Space) Network(p Path, widths Widths) *accel.Network {
	net := &accel.Network{Name: "derived"}
	bits := DefaultBits
	add := func(name, block string, role accel.Role, l accel.Layer) {
		l.Name, l.N = name, 1
		net.Layers = append(net.Layers, accel.NetworkLayer{Layer: l, Role: role, Block: block, Bits: bits})
	}
	h, w := s.InH, s.InW
	add("stem", "", accel.RoleStem, accel.Layer{InC: s.InC, K: s.StemOut, H: h, W: w, R: 3, S: 3,
		StrideH: s.StemStride, StrideW: s.StemStride, PadH: 1, PadW: 1})
	h, w = (h+s.StemStride-1)/s.StemStride, (w+s.StemStride-1)/s.StemStride
	add("stem2", "", accel.RoleStem, accel.Layer{InC: s.StemOut, K: s.Stem2Out, H: h, W: w, R: 3, S: 3,
		StrideH: 2, StrideW: 2, PadH: 1, PadW: 1})
	for bi, b := range s.Blocks {
		o := s.Ops[p[bi]]
		if b.In != b.Out || b.Stride != 1 { // the shared projection shortcut
			add(b.Name+".short", b.Name, accel.RoleSkip, accel.Layer{InC: b.In, K: b.Out, H: b.H, W: b.W, R: 1, S: 1, StrideH: b.Stride, StrideW: b.Stride})
		}
		if o.IsSkip() {
			continue
		}
		if widths != nil {
			bits = widths[bi]
		}
		mid := b.In * o.Expand
		oh, ow := b.OutSize()
		add(b.Name+".pw1", b.Name, accel.RoleBody, accel.Layer{InC: b.In, K: mid, H: b.H, W: b.W, R: 1, S: 1, Groups: o.Groups})
		add(b.Name+".dw", b.Name, accel.RoleBody, accel.Layer{InC: mid, K: mid, H: b.H, W: b.W, R: o.Kernel, S: o.Kernel,
			StrideH: b.Stride, StrideW: b.Stride, PadH: o.Kernel / 2, PadW: o.Kernel / 2, Groups: mid})
		add(b.Name+".pw2", b.Name, accel.RoleBody, accel.Layer{InC: mid, K: b.Out, H: oh, W: ow, R: 1, S: 1, Groups: o.Groups})
		bits = DefaultBits
	}
	last := s.Blocks[len(s.Blocks)-1]
	oh, ow := last.OutSize()
	add("head", "", accel.RoleHead, accel.Layer{InC: last.Out, K: s.HeadOut, H: oh, W: ow, R: 1, S: 1})
	add("fc", "", accel.RoleFC, accel.Layer{InC: oh * ow * s.HeadOut, K: s.Classes, H: 1, W: 1, R: 1, S: 1})
	return net
}

// MACs returns the multiply-accumulates of one image through path p.
func (s Space) MACs(p Path) int64 {
	var n int64
	for _, l := range s.Network(p, nil).Layers {
		n += l.MACs()
	}
	return n
}
