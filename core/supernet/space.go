package supernet

import "fmt"

// BlockSpec is one searchable block's place in the network.
type BlockSpec struct {
	Name    string
	In, Out int // channels
	Stride  int
	H, W    int // input size
}

// OutSize returns the block's output height and width ("same" padding).
func (b BlockSpec) OutSize() (int, int) {
	return (b.H + b.Stride - 1) / b.Stride, (b.W + b.Stride - 1) / b.Stride
}

// Space is the shape of a supernet for one input size: everything but the
// choice of op in each block.
type Space struct {
	InH, InW, InC int
	Classes       int
	StemOut       int
	StemStride    int
	Blocks        []BlockSpec
	HeadOut       int
	Ops           []Op
	OpSetKey      string
}

// stage is one stage of the scaled-down FBNet layout.
type stage struct{ out, stride int }

// stages is the layout for every input size: about one block per FBNet
// stage, channels 16–32, downsampling early (a 14×14 input is 7×7 after the
// first block and 4×4 after the third, an 8×8 input 4×4 and 2×2) so a
// training step costs a few hundred thousand MACs per image and a search
// fits a browser's minute. Blocks 2 and 4 keep their shape, so their
// shortcut is the identity, as in FBNet's repeated blocks.
var stages = []stage{{16, 2}, {16, 1}, {24, 2}, {24, 1}, {32, 1}}

// NewSpace returns the supernet shape for an input of h×w×c with the given
// number of classes and op set. Inputs larger than 16 pixels get a stride-2
// stem, so 28×28 runs at the cost of 14×14 after the stem.
func NewSpace(h, w, c, classes int, opSet string) (Space, error) {
	ops, err := OpSet(opSet)
	if err != nil {
		return Space{}, err
	}
	if h < 4 || w < 4 || c < 1 || classes < 2 {
		return Space{}, fmt.Errorf("supernet: input %d×%d×%d with %d classes is too small", h, w, c, classes)
	}
	s := Space{InH: h, InW: w, InC: c, Classes: classes, StemOut: 8, StemStride: 1, HeadOut: 64, Ops: ops, OpSetKey: opSet}
	if h > 16 {
		s.StemStride = 2
	}
	ch, cw := (h+s.StemStride-1)/s.StemStride, (w+s.StemStride-1)/s.StemStride
	in := s.StemOut
	for i, st := range stages {
		b := BlockSpec{Name: fmt.Sprintf("b%d", i+1), In: in, Out: st.out, Stride: st.stride, H: ch, W: cw}
		s.Blocks = append(s.Blocks, b)
		ch, cw = b.OutSize()
		in = st.out
	}
	return s, nil
}

// Key is a canonical description of the space, recorded in snapshots so a
// snapshot is never loaded into a supernet of another shape.
func (s Space) Key() string {
	k := fmt.Sprintf("in=%dx%dx%d,classes=%d,stem=%d/s%d,head=%d,ops=%s,blocks=", s.InH, s.InW, s.InC, s.Classes, s.StemOut, s.StemStride, s.HeadOut, s.OpSetKey)
	for i, b := range s.Blocks {
		if i > 0 {
			k += ";"
		}
		k += fmt.Sprintf("%d>%d/s%d", b.In, b.Out, b.Stride)
	}
	return k
}
