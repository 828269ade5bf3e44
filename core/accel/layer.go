package accel

import "fmt"

// Layer is one convolution-like workload in the seven-dimensional loop-nest
// form used by Timeloop and SCALE-Sim: N images, K output channels, C input
// channels (per group), P×Q outputs from H×W inputs, R×S kernels.
//
// Fully connected layers are 1×1 convolutions on a 1×1 input; depthwise
// convolutions have Groups == C_in == K (each group sees C = 1 channel).
type Layer struct {
	Name string

	N int // batch
	// InC and K are the whole layer's input and output channels.
	InC, K int
	// H, W are the input height and width (before padding).
	H, W int
	// R, S are the kernel height and width.
	R, S int
	// StrideH, StrideW are the strides; zero means 1.
	StrideH, StrideW int
	// PadH, PadW are the zero padding added on each side.
	PadH, PadW int
	// Groups splits channels into independent groups; zero means 1.
	Groups int
}

// OrOne returns v, or 1 when v is 0: how every optional count of a layer
// or design (batch, strides, groups, unrolling) reads when unset.
func OrOne(v int) int {
	if v == 0 {
		return 1
	}
	return v
}

// Stride returns the vertical and horizontal strides, defaulting to 1.
func (l Layer) Stride() (int, int) { return OrOne(l.StrideH), OrOne(l.StrideW) }

// G returns the number of groups, defaulting to 1.
func (l Layer) G() int { return OrOne(l.Groups) }

// C returns the input channels each output channel reads (InC / groups).
func (l Layer) C() int { return l.InC / l.G() }

// P returns the output height.
func (l Layer) P() int { sh, _ := l.Stride(); return (l.H+2*l.PadH-l.R)/sh + 1 }

// Q returns the output width.
func (l Layer) Q() int { _, sw := l.Stride(); return (l.W+2*l.PadW-l.S)/sw + 1 }

// MACs returns the multiply-accumulates of the layer.
func (l Layer) MACs() int64 {
	return int64(OrOne(l.N)) * int64(l.K) * int64(l.C()) * int64(l.P()) * int64(l.Q()) * int64(l.R) * int64(l.S)
}

// Validate reports the first shape constraint the layer breaks.
func (l Layer) Validate() error {
	switch {
	case l.N < 0:
		return fmt.Errorf("layer %q: batch N=%d must be ≥ 1", l.Name, l.N)
	case l.InC <= 0 || l.K <= 0:
		return fmt.Errorf("layer %q: channels InC=%d, K=%d must be ≥ 1", l.Name, l.InC, l.K)
	case l.H <= 0 || l.W <= 0 || l.R <= 0 || l.S <= 0:
		return fmt.Errorf("layer %q: sizes H=%d W=%d R=%d S=%d must be ≥ 1", l.Name, l.H, l.W, l.R, l.S)
	case l.StrideH < 0 || l.StrideW < 0 || l.PadH < 0 || l.PadW < 0 || l.Groups < 0:
		return fmt.Errorf("layer %q: strides, paddings and groups must not be negative", l.Name)
	case l.InC%l.G() != 0 || l.K%l.G() != 0:
		return fmt.Errorf("layer %q: groups=%d must divide InC=%d and K=%d", l.Name, l.G(), l.InC, l.K)
	case l.H+2*l.PadH < l.R || l.W+2*l.PadW < l.S:
		return fmt.Errorf("layer %q: kernel %d×%d larger than padded input %d×%d", l.Name, l.R, l.S, l.H+2*l.PadH, l.W+2*l.PadW)
	}
	return nil
}

// ResolveTile returns the tile size v, or next when v is 0: an unset tile
// is as large as the next level out.
func ResolveTile(v, next int) int {
	if v == 0 {
		return next
	}
	return v
}

// CeilDiv returns ⌈a/b⌉ for a ≥ 0 and b > 0.
func CeilDiv(a, b int) int { return (a + b - 1) / b }
