package nn

import (
	"fmt"

	"github.com/dian-explorer/dian/core/tensor"
)

// Quantization-aware training, as Auto-NBA trains a precision search:
// uniform asymmetric min-max fake quantization of a convolution's weights
// (per output channel) and input activations (per tensor), with a
// straight-through gradient, and heterogeneous sampling of the bit-width:
// the convolution runs once on the mixtures W̄ = Σ_j m_j·Q_j(W) and
// x̄ = Σ_j m_j·Q_j(x), so its cost does not grow with the number of widths,
// and the gradient with respect to every mixing weight m_j comes with the
// backward pass.

// FakeQuant rounds v to the nearest of 2^bits evenly spaced levels from lo
// to hi (v is clamped to [lo, hi] first) and returns the level's value.
// The level is (v−lo)/scale rounded half to even, scale = (hi−lo)/(2^bits−1),
// each step rounded to float32 as ONNX's Sub, Div, Round, Mul and Add do, so
// an exported graph computes the same values. A flat range (hi ≤ lo)
// returns v unchanged.
func FakeQuant(v, lo, hi float32, bits int) float32 {
	if !(hi > lo) {
		return v
	}
	scale := float32((hi - lo) / float32(levels(bits)))
	return fakeQuantScaled(v, lo, hi, scale)
}

// fakeQuantScaled is FakeQuant with its scale already computed.
func fakeQuantScaled(v, lo, hi, scale float32) float32 {
	v = min(max(v, lo), hi)
	t := float32((v - lo) / scale)
	q := roundHalfEven(t)
	return float32(float32(q*scale) + lo)
}

// roundMagic is 1.5·2^23: adding it to a float32 in [0, 2^22] leaves a sum
// whose unit in the last place is 1, so the addition rounds to the nearest
// integer, half to even (IEEE's default rounding), and subtracting it back
// is exact. It is math.RoundToEven for FakeQuant's levels (at most
// 2^16 − 1), without the round trip through float64.
const roundMagic float32 = 12582912

func roundHalfEven(t float32) float32 {
	return float32(float32(t+roundMagic) - roundMagic)
}

// QuantScale is the step between two levels of FakeQuant over [lo, hi].
func QuantScale(lo, hi float32, bits int) float32 {
	return float32((hi - lo) / float32(levels(bits)))
}

// levels is 2^bits − 1, the top level's index.
func levels(bits int) int { return 1<<bits - 1 }

// MaxQuantBits bounds the widths a BitMix accepts: 2^bits − 1 must be exact
// in float32.
const MaxQuantBits = 16

// BitMix is the precision of one candidate op, shared by its convolutions:
// the widths it may run at, each one's mixing weight for the next Forward,
// and after Backward the gradient of the loss with respect to every weight.
type BitMix struct {
	Bits []int
	// Weights are the m_j of the next Forward: a Gumbel-softmax sample when
	// weights train, one-hot pairs (value 1 and 0, the straight-through
	// ST1 and ST0) when the widths' logits train, one-hot for a fixed width.
	Weights []float32
	// Grads accumulate dL/dm_j over every QConv sharing the mix, in float64
	// and in construction order, when WantGrads is set; ZeroGrads resets
	// them. Without WantGrads a Forward quantizes at the widths in use
	// (m_j ≠ 0) alone and a Backward skips the dots.
	Grads     []float64
	WantGrads bool
}

// NewBitMix returns a mix over bits, set to the first width.
func NewBitMix(bits []int) (*BitMix, error) {
	if len(bits) == 0 {
		return nil, fmt.Errorf("nn: a bit mix needs at least one width")
	}
	for _, b := range bits {
		if b < 2 || b > MaxQuantBits {
			return nil, fmt.Errorf("nn: bit-width %d: accepted 2..%d", b, MaxQuantBits)
		}
	}
	m := &BitMix{Bits: append([]int(nil), bits...), Weights: make([]float32, len(bits)), Grads: make([]float64, len(bits))}
	m.Weights[0] = 1
	return m, nil
}

// SetOne makes width index j the only one in use (and wants no
// gradients).
func (m *BitMix) SetOne(j int) {
	clear(m.Weights)
	m.Weights[j] = 1
	m.WantGrads = false
}

// ZeroGrads resets the mixing-weight gradients.
func (m *BitMix) ZeroGrads() { clear(m.Grads) }

// sum is Σ_j m_j, the straight-through factor of the input and weight
// gradients (1 for one-hot weights and pairs, about 1 for a softmax).
func (m *BitMix) sum() float32 {
	var s float32
	for _, w := range m.Weights {
		s += w
	}
	return s
}

// activationMomentum is the weight of a batch's range in the running range
// an evaluation quantizes with (Auto-NBA's 0.1).
const activationMomentum = 0.1

// QConv is a convolution that trains aware of its quantization: it
// fake-quantizes its weights per output channel and its input per tensor at
// the widths of Mix, mixed by Mix's weights, and convolves the mixtures.
// Its parameters are the float master weights of Conv, which receive the
// straight-through gradient. A training Forward quantizes the input over
// the batch's own range and folds it into a running range (momentum 0.1),
// which an evaluation Forward uses.
type QConv struct {
	Conv *Conv2D
	Mix  *BitMix

	// Lo and Hi are the running input range; Seen is false until the first
	// training batch sets them.
	Lo, Hi float32
	Seen   bool
	// Deferred keeps a training Forward from folding its batch's range
	// into the running one: BatchLo and BatchHi hold it (and Ran is true)
	// for ApplyRange, as BatchNorm's Deferred does for its statistics.
	Deferred         bool
	Ran              bool
	BatchLo, BatchHi float32

	x        *tensor.Tensor
	lo, hi   float32 // the last Forward's input range
	xq       tensor.Tensor
	xlev     [][]float32 // Q_j(x) per width, kept for the mixing-weight gradient
	wq, dwq  *tensor.Tensor
	wlev     [][]float32 // Q_j(W) per width
	chLo     []float32
	chHi     []float32
	master   *tensor.Tensor
	masterDW *tensor.Tensor
	dx       tensor.Tensor
}

// NewQConv wraps conv in quantization at the widths of mix.
func NewQConv(conv *Conv2D, mix *BitMix) *QConv {
	n := len(conv.Weight.Value.Data)
	q := &QConv{Conv: conv, Mix: mix, wq: tensor.New(conv.Weight.Value.Shape...), dwq: tensor.New(conv.Weight.Value.Shape...)}
	q.wlev = make([][]float32, len(mix.Bits))
	for j := range q.wlev {
		q.wlev[j] = make([]float32, n)
	}
	q.xlev = make([][]float32, len(mix.Bits))
	q.chLo, q.chHi = make([]float32, conv.Cfg.Out), make([]float32, conv.Cfg.Out)
	return q
}

func (q *QConv) skipInputGrad() { q.Conv.skipInputGrad() }

// Forward quantizes x and the weights at every width of the mix and
// convolves their mixtures.
func (q *QConv) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	q.x = x
	lo, hi := tensorRange(x.Data)
	if train {
		q.BatchLo, q.BatchHi, q.Ran = lo, hi, true
		if !q.Deferred {
			q.ApplyRange(lo, hi)
		}
	} else if q.Seen {
		lo, hi = q.Lo, q.Hi
	}
	q.lo, q.hi = lo, hi
	q.xq.ResizeLike(x)
	mixLevels(q.xq.Data, q.xlev, x.Data, q.Mix, func(j int, dst, src []float32) {
		bits := q.Mix.Bits[j]
		if !(hi > lo) {
			copy(dst, src)
			return
		}
		scale := QuantScale(lo, hi, bits)
		for i, v := range src {
			dst[i] = fakeQuantScaled(v, lo, hi, scale)
		}
	})
	q.quantizeWeights()
	w := q.Conv.Weight
	q.master = w.Value
	w.Value = q.wq
	y := q.Conv.Forward(&q.xq, train)
	w.Value = q.master
	return y
}

// ApplyRange folds a training batch's input range into the running one
// (momentum 0.1; the first batch sets it).
func (q *QConv) ApplyRange(lo, hi float32) {
	if q.Seen {
		q.Lo = float32(float32(q.Lo*(1-activationMomentum)) + float32(lo*activationMomentum))
		q.Hi = float32(float32(q.Hi*(1-activationMomentum)) + float32(hi*activationMomentum))
	} else {
		q.Lo, q.Hi, q.Seen = lo, hi, true
	}
}

// quantizeWeights fills wlev with Q_j(W) per output channel (the last axis
// of the HWIO layout) and wq with their mixture.
func (q *QConv) quantizeWeights() {
	wt := q.Conv.Weight.Value.Data
	out := q.Conv.Cfg.Out
	for o := range out {
		q.chLo[o], q.chHi[o] = wt[o], wt[o]
	}
	for i, v := range wt {
		o := i % out
		q.chLo[o], q.chHi[o] = min(q.chLo[o], v), max(q.chHi[o], v)
	}
	mixLevels(q.wq.Data, q.wlev, wt, q.Mix, func(j int, dst, src []float32) {
		bits := q.Mix.Bits[j]
		for o := range out {
			lo, hi := q.chLo[o], q.chHi[o]
			if !(hi > lo) {
				for i := o; i < len(src); i += out {
					dst[i] = src[i]
				}
				continue
			}
			scale := QuantScale(lo, hi, bits)
			for i := o; i < len(src); i += out {
				dst[i] = fakeQuantScaled(src[i], lo, hi, scale)
			}
		}
	})
}

// mixLevels fills lev[j] with width j's quantization of src (by quantize)
// and dst with Σ_j m_j·lev[j], summed in width order. Widths not in use
// are quantized only when m wants gradients.
func mixLevels(dst []float32, lev [][]float32, src []float32, m *BitMix, quantize func(j int, dst, src []float32)) {
	for j := range lev {
		if m.Weights[j] == 0 && !m.WantGrads {
			continue
		}
		if cap(lev[j]) < len(src) {
			lev[j] = make([]float32, len(src))
		}
		lev[j] = lev[j][:len(src)]
		quantize(j, lev[j], src)
	}
	clear(dst)
	for j, mj := range m.Weights {
		if mj == 0 {
			continue
		}
		l := lev[j]
		for i := range dst {
			dst[i] += float32(mj * l[i])
		}
	}
}

// Backward runs the convolution's backward pass on the mixtures, passes
// its weight and input gradients straight through (scaled by Σ m_j; min-max
// ranges hold every training value, so nothing is clipped) and adds
// ⟨dL/dW̄, Q_j(W)⟩ + ⟨dL/dx̄, Q_j(x)⟩ to every mixing weight's gradient.
func (q *QConv) Backward(dy *tensor.Tensor) *tensor.Tensor {
	w := q.Conv.Weight
	master, masterGrad := w.Value, w.Grad
	q.dwq.Zero()
	w.Value, w.Grad = q.wq, q.dwq
	dxq := q.Conv.Backward(dy)
	w.Value, w.Grad = master, masterGrad
	s := q.Mix.sum()
	for i, g := range q.dwq.Data {
		masterGrad.Data[i] += float32(s * g)
	}
	for j := range q.Mix.Grads {
		if !q.Mix.WantGrads {
			break
		}
		g := dot32(q.dwq.Data, q.wlev[j])
		if dxq != nil {
			g += dot32(dxq.Data, q.xlev[j])
		}
		q.Mix.Grads[j] += g
	}
	if dxq == nil {
		return nil
	}
	q.dx.ResizeLike(dxq)
	for i, g := range dxq.Data {
		q.dx.Data[i] = float32(s * g)
	}
	return &q.dx
}

// Params returns the convolution's (master) parameters.
func (q *QConv) Params() []*Param { return q.Conv.Params() }

// Width returns the width q runs at when its mix uses one width alone (a
// derived network's), and false for a mixture.
func (q *QConv) Width() (int, bool) {
	j, n := -1, 0
	for i, w := range q.Mix.Weights {
		if w != 0 {
			j, n = i, n+1
		}
	}
	if n != 1 || q.Mix.Weights[j] != 1 {
		return 0, false
	}
	return q.Mix.Bits[j], true
}

// QuantizedWeights returns the weights the next Forward convolves with
// (the mixture of their quantizations), in a new slice.
func (q *QConv) QuantizedWeights() []float32 {
	q.quantizeWeights()
	return append([]float32(nil), q.wq.Data...)
}

// EvalRange returns the running input range an evaluation Forward
// quantizes with, and false before a training batch has set it.
func (q *QConv) EvalRange() (lo, hi float32, ok bool) { return q.Lo, q.Hi, q.Seen }

// tensorRange returns the smallest and largest value of v (0, 0 if empty).
func tensorRange(v []float32) (lo, hi float32) {
	if len(v) == 0 {
		return 0, 0
	}
	lo, hi = v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// dot32 is Σ a[i]·b[i] in float64, in index order, each product rounded to
// float32 first.
func dot32(a, b []float32) float64 {
	var s float64
	for i, v := range a {
		s += float64(float32(v * b[i]))
	}
	return s
}
