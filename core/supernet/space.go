package supernet

import (
	"fmt"
	"strings"

	"github.com/dian-explorer/dian/core/nn"
)

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
	StemOut       int // the first 3×3 convolution's channels
	StemStride    int // its stride (2 for inputs larger than 16 pixels)
	Stem2Out      int // the second, stride-2 3×3 convolution's channels
	Blocks        []BlockSpec
	HeadOut       int
	Ops           []Op
	OpSetKey      string
	// Bits are the widths a precision search chooses among for each
	// block's op (Auto-NBA's num_bits_list, e.g. 4, 6, 8). Nil trains in
	// float32 and costs every layer at 8 bits, as a search without one.
	// The stem, shortcuts, head and classifier are never quantized (as in
	// Auto-NBA) and are costed at 8 bits.
	Bits []int
}

// DefaultBits is the width every layer is costed at without a precision
// search, and that of the layers a precision search leaves alone.
const DefaultBits = 8

// WithBits returns the space with a precision search over bits (nil: none).
func (s Space) WithBits(bits []int) (Space, error) {
	for i, b := range bits {
		if b < 2 || b > nn.MaxQuantBits {
			return Space{}, fmt.Errorf("supernet: bit-width %d: accepted 2..%d", b, nn.MaxQuantBits)
		}
		if i > 0 && b <= bits[i-1] {
			return Space{}, fmt.Errorf("supernet: bit-widths %v: list each once, in increasing order", bits)
		}
	}
	s.Bits = append([]int(nil), bits...)
	if len(bits) == 0 {
		s.Bits = nil
	}
	return s, nil
}

// stage is one searchable block's output channels and stride.
type stage struct{ out, stride int }

// Layouts are the supernet layouts a configuration may name (share's space
// key): "tiny", the browser-sized default, and "fbnet", FBNet's 22 blocks.
var Layouts = []string{"tiny", "fbnet"}

// fbnetStages is FBNet's macro-architecture (Wu et al., CVPR 2019, Table
// 1): after the stem, 22 searchable blocks in seven stages of 16, 24, 32,
// 64, 112, 184 and 352 channels, repeated 1, 4, 4, 4, 4, 4 and 1 times,
// the first block of a stage carrying its stride, and a 1×1 head of 1504
// channels. On 28×28 inputs, after our stem, its maps go 7 → 4 → 2 → 1.
var fbnetStages = func() []stage {
	var out []stage
	for _, st := range []struct{ ch, n, stride int }{{16, 1, 1}, {24, 4, 2}, {32, 4, 2}, {64, 4, 2}, {112, 4, 1}, {184, 4, 2}, {352, 1, 1}} {
		for i := range st.n {
			s := stage{st.ch, 1}
			if i == 0 {
				s.stride = st.stride
			}
			out = append(out, s)
		}
	}
	return out
}()

// stages is the layout for every input size after the two-convolution
// stem: about one block per FBNet stage, channels 16–32, one more
// downsampling (a 14×14 input is 7×7 after the stem and 4×4 after block 2,
// an 8×8 input 4×4 and 2×2), so a training step costs a few hundred
// thousand MACs per image and a search fits a browser's minute. Blocks 1,
// 3 and 5 keep their shape, so their shortcut is the identity, as in
// FBNet's repeated blocks.
var stages = []stage{{16, 1}, {24, 2}, {24, 1}, {32, 1}, {32, 1}}

// NewSpace returns the supernet shape for an input of h×w×c with the given
// number of classes and op set. The stem is two 3×3 convolutions, the
// second with stride 2: full convolutions see each stroke's neighbourhood
// before the searchable blocks downsample again, which is what small digit
// images need (with a single 3×3 stem and MBConv downsampling, MNIST at
// 14×14 stayed near 95 %). Inputs larger than 16 pixels also get a stride-2
// first convolution, so 28×28 runs at the cost of 14×14 after it.
//
// layout picks the blocks: "tiny" (stages above) or "fbnet" (fbnetStages,
// with a 16-channel stem and FBNet's 1504-channel head).
func NewSpace(h, w, c, classes int, opSet, layout string) (Space, error) {
	ops, err := OpSet(opSet)
	if err != nil {
		return Space{}, err
	}
	if h < 4 || w < 4 || c < 1 || classes < 2 {
		return Space{}, fmt.Errorf("supernet: input %d×%d×%d with %d classes is too small", h, w, c, classes)
	}
	s := Space{InH: h, InW: w, InC: c, Classes: classes, StemOut: 8, StemStride: 1, Stem2Out: 16, HeadOut: 32, Ops: ops, OpSetKey: opSet}
	blocks := stages
	switch layout {
	case "tiny":
	case "fbnet":
		s.StemOut, s.HeadOut, blocks = 16, 1504, fbnetStages
	default:
		return Space{}, fmt.Errorf("supernet: layout %q; accepted: %s", layout, strings.Join(Layouts, ", "))
	}
	if h > 16 {
		s.StemStride = 2
	}
	ch, cw := (h+s.StemStride-1)/s.StemStride, (w+s.StemStride-1)/s.StemStride
	ch, cw = (ch+1)/2, (cw+1)/2 // the second stem convolution
	in := s.Stem2Out
	for i, st := range blocks {
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
	k := fmt.Sprintf("in=%dx%dx%d,classes=%d,stem=%d/s%d+%d/s2,head=%d+flatten,ops=%s,blocks=", s.InH, s.InW, s.InC, s.Classes, s.StemOut, s.StemStride, s.Stem2Out, s.HeadOut, s.OpSetKey)
	for i, b := range s.Blocks {
		if i > 0 {
			k += ";"
		}
		k += fmt.Sprintf("%d>%d/s%d", b.In, b.Out, b.Stride)
	}
	return k
}
