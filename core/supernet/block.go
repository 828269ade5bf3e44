package supernet

import (
	"github.com/dian-explorer/dian/core/nn"
	"github.com/dian-explorer/dian/core/tensor"
)

// Block is a searchable block: a shortcut shared by every candidate plus
// the residual of the sampled candidate op(s). It implements nn.Layer.
type Block struct {
	Spec     BlockSpec
	Shortcut nn.Layer
	Cands    []nn.Layer

	// Hard sampling: Active[0] runs and gives the output; when NActive is
	// 2, Active[1] also runs (for the architecture gradient) with weight 0.
	Active  [2]int
	NActive int
	// Soft sampling: mix holds every candidate, weighted by the sample.
	Soft bool
	mix  *nn.Mix

	outs  [2]*tensor.Tensor
	y, dx tensor.Tensor
	// Dots are ⟨dL/dy, O_k(x)⟩ for the active ops after Backward: the
	// gradient of the loss with respect to each active op's weight.
	Dots [2]float64
}

func newBlock(spec BlockSpec, shortcut nn.Layer, cands []nn.Layer) *Block {
	return &Block{Spec: spec, Shortcut: shortcut, Cands: cands, NActive: 1, mix: nn.NewMix(cands...)}
}

// Forward returns Shortcut(x) plus the sampled op's residual (in soft mode,
// the weighted sum of every op's).
func (b *Block) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	var r *tensor.Tensor
	if b.Soft {
		r = b.mix.Forward(x, train)
	} else {
		r = b.Cands[b.Active[0]].Forward(x, train)
		b.outs[0] = r
		if b.NActive == 2 {
			b.outs[1] = b.Cands[b.Active[1]].Forward(x, train)
		}
	}
	s := b.Shortcut.Forward(x, train)
	b.y.ResizeLike(s)
	for i, v := range s.Data {
		b.y.Data[i] = v + r.Data[i]
	}
	return &b.y
}

// Backward propagates dy through the shortcut and the op that gave the
// output. In hard mode with two active ops it first records ⟨dy, O_k⟩ for
// both; the second op's weights get no gradient, as its forward weight is
// ST0 (value 0). The shortcut is common to both, so it cancels in the
// gradient of their softmax and is left out of the dots.
func (b *Block) Backward(dy *tensor.Tensor) *tensor.Tensor {
	var dr *tensor.Tensor
	if b.Soft {
		dr = b.mix.Backward(dy)
	} else {
		for k := 0; k < b.NActive; k++ {
			b.Dots[k] = dot(dy.Data, b.outs[k].Data)
		}
		dr = b.Cands[b.Active[0]].Backward(dy)
	}
	b.dx.ResizeLike(dr)
	copy(b.dx.Data, dr.Data)
	ds := b.Shortcut.Backward(dy)
	for i, v := range ds.Data {
		b.dx.Data[i] += v
	}
	return &b.dx
}

// Params returns the shortcut's parameters, then every candidate's, in
// candidate order.
func (b *Block) Params() []*nn.Param { return append(b.Shortcut.Params(), b.mix.Params()...) }

// MixWeights are the soft-mode weights of the candidates (set before
// Forward) and MixGrads their gradients (after Backward).
func (b *Block) MixWeights() []float32 { return b.mix.Weights }

// MixGrads returns dL/dweight for every candidate after a soft Backward.
func (b *Block) MixGrads() []float32 { return b.mix.WeightGrads }

// dot is Σ a[i]·b[i] in float64, in index order.
func dot(a, b []float32) float64 {
	var s float64
	for i, v := range a {
		s += float64(float32(v * b[i]))
	}
	return s
}
