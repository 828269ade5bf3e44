package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/tensor"
)

// ReLU is max(x, 0), or min(max(x, 0), Max) when Max > 0 (ReLU6 has Max 6).
type ReLU struct {
	Max   float32
	y, dx tensor.Tensor
}

// NewReLU returns max(x, 0).
func NewReLU() *ReLU { return &ReLU{} }

// NewReLU6 returns min(max(x, 0), 6).
func NewReLU6() *ReLU { return &ReLU{Max: 6} }

// Forward clamps x.
func (r *ReLU) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	r.y.ResizeLike(x)
	y := r.y.Data[:len(x.Data)]
	// Branch-free: clearing every bit of a negative value gives +0 (the
	// sign bit, shifted arithmetically, is the mask). The min and max builtins
	// must order NaNs and signed zeros and cost several times more in wasm;
	// a branch on the sign mispredicts half the time.
	// Four at a time: in wasm each loop iteration pays for a trip through
	// the function's block dispatch.
	xs := x.Data[:len(y)]
	i := 0
	for ; i+4 <= len(xs); i += 4 {
		u0, u1, u2, u3 := math.Float32bits(xs[i]), math.Float32bits(xs[i+1]), math.Float32bits(xs[i+2]), math.Float32bits(xs[i+3])
		y[i] = math.Float32frombits(u0 &^ uint32(int32(u0)>>31))
		y[i+1] = math.Float32frombits(u1 &^ uint32(int32(u1)>>31))
		y[i+2] = math.Float32frombits(u2 &^ uint32(int32(u2)>>31))
		y[i+3] = math.Float32frombits(u3 &^ uint32(int32(u3)>>31))
	}
	for ; i < len(xs); i++ {
		u := math.Float32bits(xs[i])
		y[i] = math.Float32frombits(u &^ uint32(int32(u)>>31))
	}
	if m := r.Max; m > 0 {
		// y ≥ +0 here, and non-negative floats order like their bits, so the
		// upper clamp is an integer select with no branch.
		mb := math.Float32bits(m)
		for i, v := range y {
			u := math.Float32bits(v)
			over := uint32(int32(mb-u) >> 31) // all ones when u > mb
			y[i] = math.Float32frombits(u&^over | mb&over)
		}
	}
	return &r.y
}

// Backward passes dy where the input was inside (0, Max), else 0. The test
// is on the output, which is inside the open interval exactly when the
// input is.
func (r *ReLU) Backward(dy *tensor.Tensor) *tensor.Tensor {
	r.dx.ResizeLike(dy)
	dx := r.dx.Data[:len(dy.Data)]
	y := r.y.Data[:len(dy.Data)]
	// y ≥ +0, so y > 0 exactly when its bits are non-zero; the mask is all
	// ones then (the negated bits have the sign bit set).
	ds := dy.Data[:len(dx)]
	i := 0
	for ; i+4 <= len(ds); i += 4 {
		m0 := uint32(-int32(math.Float32bits(y[i])) >> 31)
		m1 := uint32(-int32(math.Float32bits(y[i+1])) >> 31)
		m2 := uint32(-int32(math.Float32bits(y[i+2])) >> 31)
		m3 := uint32(-int32(math.Float32bits(y[i+3])) >> 31)
		dx[i] = math.Float32frombits(math.Float32bits(ds[i]) & m0)
		dx[i+1] = math.Float32frombits(math.Float32bits(ds[i+1]) & m1)
		dx[i+2] = math.Float32frombits(math.Float32bits(ds[i+2]) & m2)
		dx[i+3] = math.Float32frombits(math.Float32bits(ds[i+3]) & m3)
	}
	for ; i < len(ds); i++ {
		mask := uint32(-int32(math.Float32bits(y[i])) >> 31)
		dx[i] = math.Float32frombits(math.Float32bits(ds[i]) & mask)
	}
	if m := r.Max; m > 0 {
		mb := math.Float32bits(m)
		for i, v := range y {
			below := uint32(int32(math.Float32bits(v)-mb) >> 31) // all ones when y < Max
			dx[i] = math.Float32frombits(math.Float32bits(dx[i]) & below)
		}
	}
	return &r.dx
}

// Params returns nil.
func (r *ReLU) Params() []*Param { return nil }

// ChannelShuffle permutes the C channels of NHWC input viewed as
// (Groups, C/Groups) into (C/Groups, Groups), as in ShuffleNet: output
// channel j·Groups+i is input channel i·(C/Groups)+j.
type ChannelShuffle struct {
	Groups int
	y, dx  tensor.Tensor
}

// NewChannelShuffle returns a shuffle over groups.
func NewChannelShuffle(groups int) *ChannelShuffle { return &ChannelShuffle{Groups: groups} }

func (s *ChannelShuffle) perm(dst, src []float32, c int, inverse bool) {
	g := s.Groups
	if g <= 0 || c%g != 0 {
		panic(fmt.Sprintf("nn: channel shuffle of %d channels in %d groups", c, g))
	}
	per := c / g
	for r := 0; r+c <= len(src); r += c {
		d, x := dst[r:r+c], src[r:r+c]
		for i := 0; i < g; i++ {
			for j := 0; j < per; j++ {
				if inverse {
					d[i*per+j] = x[j*g+i]
				} else {
					d[j*g+i] = x[i*per+j]
				}
			}
		}
	}
}

// Forward shuffles the channels of x.
func (s *ChannelShuffle) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	s.y.ResizeLike(x)
	s.perm(s.y.Data, x.Data, x.Shape[len(x.Shape)-1], false)
	return &s.y
}

// Backward applies the inverse permutation to dy.
func (s *ChannelShuffle) Backward(dy *tensor.Tensor) *tensor.Tensor {
	s.dx.ResizeLike(dy)
	s.perm(s.dx.Data, dy.Data, dy.Shape[len(dy.Shape)-1], true)
	return &s.dx
}

// Params returns nil.
func (s *ChannelShuffle) Params() []*Param { return nil }

// GlobalAvgPool averages NHWC input over H and W, giving [N, C].
type GlobalAvgPool struct {
	n, hw, c int
	y, dx    tensor.Tensor
	inShape  [4]int
}

// NewGlobalAvgPool returns a global average pool.
func NewGlobalAvgPool() *GlobalAvgPool { return &GlobalAvgPool{} }

// Forward returns the per-channel means.
func (p *GlobalAvgPool) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	n, h, w, c := x.Dims4()
	p.n, p.hw, p.c = n, h*w, c
	p.inShape = [4]int{n, h, w, c}
	p.y.Resize(n, c)
	tensor.GlobalAvgPool(p.y.Data, x.Data, n, h*w, c)
	return &p.y
}

// Backward spreads dy/(H·W) over every position.
func (p *GlobalAvgPool) Backward(dy *tensor.Tensor) *tensor.Tensor {
	p.dx.Resize(p.inShape[0], p.inShape[1], p.inShape[2], p.inShape[3])
	p.dx.Zero()
	tensor.GlobalAvgPoolBackward(p.dx.Data, dy.Data, p.n, p.hw, p.c)
	return &p.dx
}

// Params returns nil.
func (p *GlobalAvgPool) Params() []*Param { return nil }

// Linear is y = x·W + b for x of shape [N, In] (or any shape whose first
// dimension is N and whose other dimensions multiply to In); W is [In, Out].
type Linear struct {
	In, Out      int
	Weight, Bias *Param
	x            *tensor.Tensor
	y, dx        tensor.Tensor
}

// NewLinear returns a layer with Glorot-uniform weights (bound
// √(6/(In+Out))) drawn from rng and zero bias.
func NewLinear(name string, in, out int, rng *rand.Rand) *Linear {
	l := &Linear{In: in, Out: out,
		Weight: newParam(name+".weight", false, in, out),
		Bias:   newParam(name+".bias", true, out)}
	UniformInit(l.Weight.Value.Data, float32(math.Sqrt(6/float64(in+out))), rng)
	return l
}

// Forward computes x·W + b.
func (l *Linear) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	n, in := x.Rows()
	if in != l.In {
		panic(fmt.Sprintf("nn: %s expects %d features, got shape %v", l.Weight.Name, l.In, x.Shape))
	}
	l.x = x
	l.y.Resize(n, l.Out)
	for r := 0; r < n; r++ {
		copy(l.y.Data[r*l.Out:][:l.Out], l.Bias.Value.Data)
	}
	tensor.Gemm(false, false, n, l.Out, l.In, x.Data, l.In, l.Weight.Value.Data, l.Out, l.y.Data, l.Out)
	return &l.y
}

// Backward: dW += xᵀ·dy, db += Σ dy, dx = dy·Wᵀ.
func (l *Linear) Backward(dy *tensor.Tensor) *tensor.Tensor {
	n := l.y.Shape[0]
	tensor.Gemm(true, false, l.In, l.Out, n, l.x.Data, l.In, dy.Data, l.Out, l.Weight.Grad.Data, l.Out)
	tensor.ColSumsAdd(l.Bias.Grad.Data, dy.Data, n, l.Out, l.Out)
	l.dx.ResizeLike(l.x)
	l.dx.Zero()
	tensor.Gemm(false, true, n, l.In, l.Out, dy.Data, l.Out, l.Weight.Value.Data, l.Out, l.dx.Data, l.In)
	return &l.dx
}

// Params returns the weight and the bias.
func (l *Linear) Params() []*Param { return []*Param{l.Weight, l.Bias} }

// MaxPool2D takes the maximum over Kernel×Kernel windows moved by Stride
// over input padded by Padding (padding never wins).
type MaxPool2D struct {
	Kernel, Stride, Padding int
	geom                    tensor.ConvGeom
	arg                     []int32
	inShape                 [4]int
	y, dx                   tensor.Tensor
}

// NewMaxPool2D returns a max pool.
func NewMaxPool2D(kernel, stride, padding int) *MaxPool2D {
	return &MaxPool2D{Kernel: kernel, Stride: stride, Padding: padding}
}

// Forward pools x.
func (p *MaxPool2D) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	n, h, w, c := x.Dims4()
	p.inShape = [4]int{n, h, w, c}
	p.geom = tensor.NewConvGeom(n, h, w, c, p.Kernel, p.Kernel, p.Stride, p.Stride, p.Padding, p.Padding)
	p.y.Resize(n, p.geom.OH, p.geom.OW, c)
	if cap(p.arg) < len(p.y.Data) {
		p.arg = make([]int32, len(p.y.Data))
	}
	p.arg = p.arg[:len(p.y.Data)]
	tensor.MaxPool(p.y.Data, p.arg, x.Data, &p.geom)
	return &p.y
}

// Backward routes each dy to its window's winner.
func (p *MaxPool2D) Backward(dy *tensor.Tensor) *tensor.Tensor {
	p.dx.Resize(p.inShape[0], p.inShape[1], p.inShape[2], p.inShape[3])
	p.dx.Zero()
	tensor.MaxPoolBackward(p.dx.Data, dy.Data, p.arg)
	return &p.dx
}

// Params returns nil.
func (p *MaxPool2D) Params() []*Param { return nil }
