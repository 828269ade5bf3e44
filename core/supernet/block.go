package supernet

import (
	"github.com/dian-explorer/dian/core/nn"
	"github.com/dian-explorer/dian/core/tensor"
)

// Block is a searchable block: one layer per candidate op, of which a
// sampled subset runs. It implements nn.Layer.
type Block struct {
	Spec  BlockSpec
	Cands []nn.Layer

	// Hard sampling: Active[0] runs and gives the output; when NActive is
	// 2, Active[1] also runs (for the architecture gradient) with weight 0.
	Active  [2]int
	NActive int
	// Soft sampling: mix holds every candidate, weighted by the sample.
	Soft bool
	mix  *nn.Mix

	outs [2]*tensor.Tensor
	// Dots are ⟨dL/dy, O_k(x)⟩ for the active ops after Backward: the
	// gradient of the loss with respect to each active op's weight.
	Dots [2]float64
}

func newBlock(spec BlockSpec, cands []nn.Layer) *Block {
	return &Block{Spec: spec, Cands: cands, NActive: 1, mix: nn.NewMix(cands...)}
}

// Forward runs the sampled op(s) on x.
func (b *Block) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	if b.Soft {
		return b.mix.Forward(x, train)
	}
	b.outs[0] = b.Cands[b.Active[0]].Forward(x, train)
	if b.NActive == 2 {
		b.outs[1] = b.Cands[b.Active[1]].Forward(x, train)
	}
	return b.outs[0]
}

// Backward propagates dy through the op that gave the output. In hard mode
// with two active ops it first records ⟨dy, O_k⟩ for both; the second op's
// weights get no gradient, as its forward weight is ST0 (value 0).
func (b *Block) Backward(dy *tensor.Tensor) *tensor.Tensor {
	if b.Soft {
		return b.mix.Backward(dy)
	}
	for k := 0; k < b.NActive; k++ {
		b.Dots[k] = dot(dy.Data, b.outs[k].Data)
	}
	return b.Cands[b.Active[0]].Backward(dy)
}

// Params returns every candidate's parameters, in candidate order.
func (b *Block) Params() []*nn.Param { return b.mix.Params() }

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
