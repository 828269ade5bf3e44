package nn

import (
	"github.com/dian-explorer/dian/core/tensor"
)

// Param is a trainable tensor with its gradient (same shape). Gradients
// accumulate across Backward calls until ZeroGrad.
type Param struct {
	Name    string
	Value   *tensor.Tensor
	Grad    *tensor.Tensor
	NoDecay bool // exempt from weight decay (biases, batch-norm scale and shift)
}

// newParam returns a zero parameter of the given shape.
func newParam(name string, noDecay bool, shape ...int) *Param {
	return &Param{Name: name, Value: tensor.New(shape...), Grad: tensor.New(shape...), NoDecay: noDecay}
}

// Layer is one differentiable step of a network.
type Layer interface {
	// Forward computes the output for x (NHWC, or [N, features] after
	// pooling). train selects training behaviour (batch statistics in batch
	// norm). The result is owned by the layer and valid until the next Forward;
	// x must stay unchanged until Backward.
	Forward(x *tensor.Tensor, train bool) *tensor.Tensor
	// Backward takes dL/dy for the last Forward's output, adds dL/dθ to the
	// parameters' Grad and returns dL/dx (owned by the layer).
	Backward(dy *tensor.Tensor) *tensor.Tensor
	// Params lists the trainable parameters, in a fixed order.
	Params() []*Param
}

// ZeroGrad sets every parameter's gradient to zero.
func ZeroGrad(params []*Param) {
	for _, p := range params {
		p.Grad.Zero()
	}
}

// inputGradSkipper is implemented by layers that can skip computing dL/dx
// when their input is the network's input (a first convolution).
type inputGradSkipper interface {
	skipInputGrad()
}

// Sequential runs layers one after another.
type Sequential struct {
	Layers []Layer
}

// NewSequential returns a Sequential of the given layers.
func NewSequential(layers ...Layer) *Sequential { return &Sequential{Layers: layers} }

// Forward runs each layer on the previous layer's output.
func (s *Sequential) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	for _, l := range s.Layers {
		x = l.Forward(x, train)
	}
	return x
}

// Backward runs the layers' backward passes in reverse order.
func (s *Sequential) Backward(dy *tensor.Tensor) *tensor.Tensor {
	for i := len(s.Layers) - 1; i >= 0; i-- {
		dy = s.Layers[i].Backward(dy)
	}
	return dy
}

// Params concatenates the layers' parameters in layer order.
func (s *Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range s.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// SkipInputGrad tells the first layer that dL/dx of the network's input is
// not needed (the input is data), which saves its largest backward product.
// Backward then returns nil.
func (s *Sequential) SkipInputGrad() {
	if len(s.Layers) > 0 {
		if l, ok := s.Layers[0].(inputGradSkipper); ok {
			l.skipInputGrad()
		}
	}
}

func (s *Sequential) skipInputGrad() { s.SkipInputGrad() }

// Identity returns its input; it is the "skip" candidate of a search space.
type Identity struct{}

// Forward returns x.
func (Identity) Forward(x *tensor.Tensor, train bool) *tensor.Tensor { return x }

// Backward returns dy.
func (Identity) Backward(dy *tensor.Tensor) *tensor.Tensor { return dy }

// Params returns nil.
func (Identity) Params() []*Param { return nil }

// Residual computes y = x + Body(x); Body must keep the shape.
type Residual struct {
	Body  Layer
	y, dx tensor.Tensor
}

// NewResidual wraps body in a skip connection.
func NewResidual(body Layer) *Residual { return &Residual{Body: body} }

// Forward returns x + Body(x).
func (r *Residual) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	out := r.Body.Forward(x, train)
	if !out.SameShape(x) {
		panic("nn: Residual body changed the shape")
	}
	r.y.ResizeLike(x)
	for i, v := range x.Data {
		r.y.Data[i] = v + out.Data[i]
	}
	return &r.y
}

// Backward returns dy + Body.Backward(dy).
func (r *Residual) Backward(dy *tensor.Tensor) *tensor.Tensor {
	d := r.Body.Backward(dy)
	r.dx.ResizeLike(dy)
	for i, v := range dy.Data {
		r.dx.Data[i] = v + d.Data[i]
	}
	return &r.dx
}

// Params returns the body's parameters.
func (r *Residual) Params() []*Param { return r.Body.Params() }

// Mix is the weighted sum of branches run on the same input,
// y = Σ_i Weights[i]·Branch_i(x), the mixed operation of a differentiable
// architecture search. The caller sets Weights before each Forward (for
// example from a Gumbel-softmax over architecture parameters); Backward sets
// WeightGrads[i] = Σ dy·Branch_i(x), the gradient with respect to each weight.
// A branch whose weight is exactly 0 is not run (hard sampling), and its
// weight gradient is 0.
type Mix struct {
	Branches    []Layer
	Weights     []float32
	WeightGrads []float32

	outs      []*tensor.Tensor
	y, dx, db tensor.Tensor
}

// NewMix returns a Mix of the branches with equal weights.
func NewMix(branches ...Layer) *Mix {
	m := &Mix{Branches: branches, Weights: make([]float32, len(branches)),
		WeightGrads: make([]float32, len(branches)), outs: make([]*tensor.Tensor, len(branches))}
	for i := range m.Weights {
		m.Weights[i] = 1 / float32(len(branches))
	}
	return m
}

// Forward returns Σ_i Weights[i]·Branch_i(x), summed in branch order.
func (m *Mix) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	first := true
	for i, b := range m.Branches {
		m.outs[i] = nil
		w := m.Weights[i]
		if w == 0 {
			continue
		}
		out := b.Forward(x, train)
		m.outs[i] = out
		if first {
			m.y.ResizeLike(out)
			for j, v := range out.Data {
				m.y.Data[j] = float32(w * v)
			}
			first = false
			continue
		}
		if !out.SameShape(&m.y) {
			panic("nn: Mix branches disagree on the output shape")
		}
		for j, v := range out.Data {
			m.y.Data[j] += float32(w * v)
		}
	}
	if first {
		panic("nn: Mix with all weights zero")
	}
	return &m.y
}

// Backward returns Σ_i Branch_i.Backward(Weights[i]·dy) and sets WeightGrads.
func (m *Mix) Backward(dy *tensor.Tensor) *tensor.Tensor {
	first := true
	for i, b := range m.Branches {
		out := m.outs[i]
		m.WeightGrads[i] = 0
		if out == nil {
			continue
		}
		var g float64
		for j, v := range out.Data {
			g += float64(float64(v) * float64(dy.Data[j])) // exact: a product of two float32 fits in float64
		}
		m.WeightGrads[i] = float32(g)
		w := m.Weights[i]
		m.db.ResizeLike(dy)
		for j, v := range dy.Data {
			m.db.Data[j] = float32(w * v)
		}
		d := b.Backward(&m.db)
		if first {
			m.dx.ResizeLike(d)
			copy(m.dx.Data, d.Data)
			first = false
			continue
		}
		for j, v := range d.Data {
			m.dx.Data[j] += v
		}
	}
	return &m.dx
}

// Params concatenates the branches' parameters in branch order.
func (m *Mix) Params() []*Param {
	var ps []*Param
	for _, b := range m.Branches {
		ps = append(ps, b.Params()...)
	}
	return ps
}
