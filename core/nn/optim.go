package nn

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
)

// SGD is stochastic gradient descent with momentum and L2 weight decay, as
// in PyTorch: g = ∇ + WeightDecay·w (not for NoDecay parameters),
// v = Momentum·v + g, w = w − LR·v.
type SGD struct {
	LR, Momentum, WeightDecay float32
	params                    []*Param
	vel                       [][]float32
}

// NewSGD returns an optimizer over params.
func NewSGD(params []*Param, lr, momentum, weightDecay float32) *SGD {
	o := &SGD{LR: lr, Momentum: momentum, WeightDecay: weightDecay, params: params}
	for _, p := range params {
		o.vel = append(o.vel, make([]float32, p.Value.Len()))
	}
	return o
}

// Step updates every parameter from its gradient.
func (o *SGD) Step() {
	for pi, p := range o.params {
		wd := o.WeightDecay
		if p.NoDecay {
			wd = 0
		}
		w, g, v := p.Value.Data, p.Grad.Data, o.vel[pi]
		for i, gi := range g {
			gi += float32(wd * w[i])
			vi := float32(o.Momentum*v[i]) + gi
			v[i] = vi
			w[i] -= float32(o.LR * vi)
		}
	}
}

// Velocity is the optimizer's momentum buffers, one per parameter in the
// order NewSGD was given them. They are the optimizer's own memory: a
// checkpoint saves them and a resumed search copies them back.
func (o *SGD) Velocity() [][]float32 { return o.vel }

// Adam is the Adam optimizer (Kingma and Ba) with bias correction and
// optional L2 weight decay added to the gradient. The architecture optimizer
// of DNA uses LR 3e-4, Beta1 0.5, Beta2 0.999.
type Adam struct {
	LR, Beta1, Beta2, Eps, WeightDecay float32
	params                             []*Param
	m, v                               [][]float32
	b1t, b2t                           float64 // Beta1ᵗ and Beta2ᵗ, by repeated products
}

// NewAdam returns an Adam optimizer with Eps 1e-8.
func NewAdam(params []*Param, lr, beta1, beta2 float32) *Adam {
	o := &Adam{LR: lr, Beta1: beta1, Beta2: beta2, Eps: 1e-8, params: params, b1t: 1, b2t: 1}
	for _, p := range params {
		o.m = append(o.m, make([]float32, p.Value.Len()))
		o.v = append(o.v, make([]float32, p.Value.Len()))
	}
	return o
}

// Moments is the optimizer's first and second moment buffers, one of each
// per parameter (its own memory, as SGD.Velocity).
func (o *Adam) Moments() (m, v [][]float32) { return o.m, o.v }

// Powers is β1ᵗ and β2ᵗ after the steps taken so far; SetPowers restores
// them (with Moments, all the state Adam carries between steps).
func (o *Adam) Powers() (b1t, b2t float64) { return o.b1t, o.b2t }

// SetPowers restores what Powers returned.
func (o *Adam) SetPowers(b1t, b2t float64) { o.b1t, o.b2t = b1t, b2t }

// Step updates every parameter:
// m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g², w −= LR·m̂/(√v̂ + Eps) with
// m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
func (o *Adam) Step() {
	o.b1t = float64(o.b1t * float64(o.Beta1))
	o.b2t = float64(o.b2t * float64(o.Beta2))
	c1 := float32(1 / (1 - o.b1t))
	c2 := float32(1 / (1 - o.b2t))
	b1, b2 := o.Beta1, o.Beta2
	for pi, p := range o.params {
		wd := o.WeightDecay
		if p.NoDecay {
			wd = 0
		}
		w, g, m, v := p.Value.Data, p.Grad.Data, o.m[pi], o.v[pi]
		for i, gi := range g {
			gi += float32(wd * w[i])
			mi := float32(b1*m[i]) + float32((1-b1)*gi)
			vi := float32(b2*v[i]) + float32((1-b2)*float32(gi*gi))
			m[i], v[i] = mi, vi
			den := float32(math.Sqrt(float64(float32(vi*c2)))) + o.Eps
			w[i] -= float32(o.LR*float32(mi*c1)) / den
		}
	}
}

// ClipGradNorm scales all gradients by maxNorm/norm when their global L2 norm
// exceeds maxNorm, and returns the norm before clipping. The squares are
// summed in float64 in parameter order.
func ClipGradNorm(params []*Param, maxNorm float32) float32 {
	var s float64
	for _, p := range params {
		for _, g := range p.Grad.Data {
			s += float64(float64(g) * float64(g)) // exact: a float32 square fits in float64
		}
	}
	norm := float32(math.Sqrt(s))
	if norm > maxNorm && norm > 0 {
		scale := maxNorm / norm
		for _, p := range params {
			for i := range p.Grad.Data {
				p.Grad.Data[i] *= scale
			}
		}
	}
	return norm
}

// CosineLR is the cosine schedule from base down to floor over total steps:
// floor + (base−floor)·(1+cos(π·step/total))/2, and floor after total.
func CosineLR(base, floor float32, step, total int) float32 {
	if total <= 0 || step >= total {
		return floor
	}
	c := cosHalfTurn(math.Pi * float64(step) / float64(total))
	return floor + float32(float64(base-floor)*float64(0.5*(1+c)))
}

// HashParams returns the hex sha256 of the parameters' values, each float32
// as its little-endian IEEE bits, in order: a fingerprint for determinism.
func HashParams(params []*Param) string {
	h := sha256.New()
	var b [4]byte
	for _, p := range params {
		for _, v := range p.Value.Data {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
