package supernet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/dian-explorer/dian/core/detmath"
	"github.com/dian-explorer/dian/core/nn"
)

// Supernet is the network with every candidate op of every block, and the
// architecture parameters that choose among them.
type Supernet struct {
	Space  Space
	Net    *nn.Sequential // stem, blocks, head, pooling, classifier
	Blocks []*Block
	// Alpha holds the op logits, [len(Blocks), len(Space.Ops)], row-major.
	Alpha *nn.Param
	// BatchNorms lists every batch norm in construction order; their
	// running statistics are part of a snapshot.
	BatchNorms []*nn.BatchNorm
	// Beta holds the bit-width logits of a precision search,
	// [len(Blocks), len(Space.Ops), len(Space.Bits)], row-major; nil
	// without one.
	Beta *nn.Param

	weights []*nn.Param
	prec    *precision // nil without a precision search
}

// AlphaInit is the initial value of every op logit (uniform, as Auto-NBA).
const AlphaInit = 1e-3

// New builds a supernet of the given shape with weights drawn from seed.
func New(space Space, seed uint64) *Supernet {
	rng := rand.New(rand.NewPCG(seed, 0x5eed_5e7))
	s := &Supernet{Space: space}
	var layers []nn.Layer
	layers = append(layers, convBNReLU("stem", nn.ConvConfig{In: space.InC, Out: space.StemOut, Kernel: 3, Stride: space.StemStride, Padding: 1}, true, rng, &s.BatchNorms)...)
	layers = append(layers, convBNReLU("stem2", nn.ConvConfig{In: space.StemOut, Out: space.Stem2Out, Kernel: 3, Stride: 2, Padding: 1}, true, rng, &s.BatchNorms)...)
	var qconvs []*nn.QConv
	if len(space.Bits) > 0 {
		s.prec = newPrecision(len(space.Blocks), len(space.Ops), len(space.Bits))
	}
	for bi, spec := range space.Blocks {
		shortcut := newShortcut(spec, rng, &s.BatchNorms)
		cands := make([]nn.Layer, len(space.Ops))
		for i, o := range space.Ops {
			var mix *nn.BitMix
			if s.prec != nil && !o.IsSkip() {
				mix, _ = nn.NewBitMix(space.Bits) // WithBits checked the widths
				s.prec.mixes[bi][i] = mix
			}
			cands[i] = newOpLayer(spec, o, rng, &s.BatchNorms, mix, &qconvs)
		}
		b := newBlock(spec, shortcut, cands)
		s.Blocks = append(s.Blocks, b)
		layers = append(layers, b)
	}
	last := space.Blocks[len(space.Blocks)-1]
	layers = append(layers, convBNReLU("head", nn.ConvConfig{In: last.Out, Out: space.HeadOut, Kernel: 1, Stride: 1}, true, rng, &s.BatchNorms)...)
	// The classifier reads the flattened final map rather than its global
	// average: on 4×4 and 2×2 maps where a stroke is matters, and pooling
	// it away cost about two points of MNIST accuracy.
	oh, ow := last.OutSize()
	layers = append(layers, nn.NewLinear("fc", oh*ow*space.HeadOut, space.Classes, rng))
	s.Net = nn.NewSequential(layers...)
	s.Net.SkipInputGrad()
	s.weights = s.Net.Params()

	n := len(space.Blocks) * len(space.Ops)
	s.Alpha = &nn.Param{Name: "alpha", NoDecay: true}
	s.Alpha.Value, s.Alpha.Grad = newVec(n), newVec(n)
	for i := range s.Alpha.Value.Data {
		s.Alpha.Value.Data[i] = AlphaInit
	}
	if s.prec != nil {
		s.prec.qconvs = qconvs
		n := len(space.Blocks) * len(space.Ops) * len(space.Bits)
		s.Beta = &nn.Param{Name: "beta", NoDecay: true}
		s.Beta.Value, s.Beta.Grad = newVec(n), newVec(n)
		for i := range s.Beta.Value.Data {
			s.Beta.Value.Data[i] = AlphaInit
		}
	}
	return s
}

// ArchParams returns the architecture parameters: α, then β when the
// supernet searches precision.
func (s *Supernet) ArchParams() []*nn.Param {
	if s.Beta != nil {
		return []*nn.Param{s.Alpha, s.Beta}
	}
	return []*nn.Param{s.Alpha}
}

// WeightParams returns the network weights (everything but α), in a fixed
// order.
func (s *Supernet) WeightParams() []*nn.Param { return s.weights }

// alpha returns block b's logits.
func (s *Supernet) alpha(b int) []float32 {
	k := len(s.Space.Ops)
	return s.Alpha.Value.Data[b*k : (b+1)*k]
}

func (s *Supernet) alphaGrad(b int) []float32 {
	k := len(s.Space.Ops)
	return s.Alpha.Grad.Data[b*k : (b+1)*k]
}

// SampleHard draws, for every block, the active ops of proxy_hard sampling:
// the top-n ops by α + Gumbel noise (n = 1 for a weight step, 2 for an
// architecture step). The temperature does not change the ranking.
func (s *Supernet) SampleHard(rng *rand.Rand, n int) Path {
	path := make(Path, len(s.Blocks))
	for bi, b := range s.Blocks {
		a := s.alpha(bi)
		best, second := -1, -1
		var vb, vs float64
		for i, v := range a {
			z := float64(v) + nn.Gumbel(rng)
			switch {
			case best < 0 || z > vb:
				second, vs = best, vb
				best, vb = i, z
			case second < 0 || z > vs:
				second, vs = i, z
			}
		}
		b.Soft, b.NActive, b.Active = false, n, [2]int{best, second}
		path[bi] = best
	}
	return path
}

// SampleSoft sets every block to run all ops weighted by a Gumbel-softmax
// sample at temperature tau, and returns the sample's argmax path.
func (s *Supernet) SampleSoft(rng *rand.Rand, tau float64) Path {
	path := make(Path, len(s.Blocks))
	z := make([]float64, len(s.Space.Ops))
	for bi, b := range s.Blocks {
		for i, v := range s.alpha(bi) {
			z[i] = (float64(v) + nn.Gumbel(rng)) / tau
		}
		y := softmaxOf(z)
		w := b.MixWeights()
		for i := range w {
			w[i] = float32(y[i])
		}
		b.Soft = true
		path[bi] = nn.Argmax(y)
	}
	return path
}

// SetPath fixes the network to one op per block (a derived network, or the
// path whose weights a step trains) and, with a precision search, each
// block's op to its width in w (nil: the widths Derive's β prefers).
func (s *Supernet) SetPath(p Path, w Widths) {
	for bi, b := range s.Blocks {
		b.Soft, b.NActive, b.Active = false, 1, [2]int{p[bi], -1}
	}
	if s.prec != nil {
		if w == nil {
			w = s.DeriveWidths(p)
		}
		s.setWidths(p, w)
	}
}

// AccumulateAlphaGrad adds dL/dα from the last Backward to Alpha.Grad.
// Hard mode (two active ops): p = softmax of the active ops' raw logits,
// dL/dα_j = Σ_k ⟨dy, O_k⟩·p_k(δ_kj − p_j). Soft mode at temperature tau:
// y = softmax((α+g)/τ), dL/dα_j = y_j(G_j − Σ_k y_k G_k)/τ.
func (s *Supernet) AccumulateAlphaGrad(tau float64) {
	for bi, b := range s.Blocks {
		grad := s.alphaGrad(bi)
		if b.Soft {
			w, g := b.MixWeights(), b.MixGrads()
			var mean float64
			for i := range w {
				mean += float64(float64(w[i]) * float64(g[i]))
			}
			for i := range w {
				grad[i] += float32(float64(w[i]) * (float64(g[i]) - mean) / tau)
			}
			continue
		}
		if b.NActive < 2 {
			continue
		}
		a := s.alpha(bi)
		i0, i1 := b.Active[0], b.Active[1]
		p := softmaxOf([]float64{float64(a[i0]), float64(a[i1])})
		// With two entries the softmax Jacobian gives
		// dL/dα_i0 = p0·p1·(dot0 − dot1) and dL/dα_i1 = −dL/dα_i0.
		g := p[0] * p[1] * (b.Dots[0] - b.Dots[1])
		grad[i0] += float32(g)
		grad[i1] -= float32(g)
	}
}

// AddPathGrad adds per-block constants to the gradient of each block's
// first active op: the straight-through hardware penalty of Auto-NBA,
// Σ_b ST1(α[b, o_b])·ST1(β[b, o_b, q_b])·cost_b, whose gradient is cost_b
// for the op in use and, with a precision search, for its width w[b].
func (s *Supernet) AddPathGrad(path Path, w Widths, perBlock []float64) {
	for bi := range s.Blocks {
		s.alphaGrad(bi)[path[bi]] += float32(perBlock[bi])
		if j := s.widthIndex(w, bi); j >= 0 {
			s.betaGrad(bi, path[bi])[j] += float32(perBlock[bi])
		}
	}
}

// ActiveLogits copies the current logits of every block's active ops, for
// OffsetCorrect after the optimizer step.
func (s *Supernet) ActiveLogits() [][2]float32 {
	out := make([][2]float32, len(s.Blocks))
	for bi, b := range s.Blocks {
		a := s.alpha(bi)
		out[bi][0] = a[b.Active[0]]
		if b.NActive == 2 {
			out[bi][1] = a[b.Active[1]]
		}
	}
	return out
}

// OffsetCorrect shifts each block's two active logits by the same constant
// so that their log-sum-exp is what it was before the step (old), leaving
// the probabilities of the ops that were not sampled unchanged.
func (s *Supernet) OffsetCorrect(old [][2]float32) {
	for bi, b := range s.Blocks {
		if b.Soft || b.NActive < 2 {
			continue
		}
		a := s.alpha(bi)
		i0, i1 := b.Active[0], b.Active[1]
		c := logSumExp(float64(old[bi][0]), float64(old[bi][1])) - logSumExp(float64(a[i0]), float64(a[i1]))
		a[i0] = float32(float64(a[i0]) + c)
		a[i1] = float32(float64(a[i1]) + c)
	}
}

// Probs returns softmax(α) for every block.
func (s *Supernet) Probs() [][]float64 {
	out := make([][]float64, len(s.Blocks))
	for bi := range s.Blocks {
		a := s.alpha(bi)
		z := make([]float64, len(a))
		for i, v := range a {
			z[i] = float64(v)
		}
		out[bi] = softmaxOf(z)
	}
	return out
}

// Derive returns the argmax path (ties go to the lower op index).
func (s *Supernet) Derive() Path {
	p := make(Path, len(s.Blocks))
	for bi := range s.Blocks {
		p[bi] = nn.Argmax(s.alpha(bi))
	}
	return p
}

// Path is one op index per block.
type Path []int

// Names returns the op names of the path, e.g. "k3_e6 skip k5_e3 …".
func (p Path) Names(ops []Op) []string {
	out := make([]string, len(p))
	for i, o := range p {
		out[i] = ops[o].Name
	}
	return out
}

// ParsePath reads op names separated by spaces or commas.
func ParsePath(s string, space Space) (Path, error) {
	if max := len(space.Blocks) * 16; len(s) > max { // op names are under 16 bytes
		return nil, fmt.Errorf("supernet: a path of %d bytes is too long (%d blocks: at most %d)", len(s), len(space.Blocks), max)
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	if len(fields) != len(space.Blocks) {
		return nil, fmt.Errorf("supernet: path %q has %d ops, want %d (one per block)", s, len(fields), len(space.Blocks))
	}
	p := make(Path, len(fields))
	for i, f := range fields {
		found := false
		for j, o := range space.Ops {
			if o.Name == f {
				p[i], found = j, true
			}
		}
		if !found {
			return nil, fmt.Errorf("supernet: block %d: unknown op %q (accepted: %s)", i+1, f, OpNames(space.Ops))
		}
	}
	return p, nil
}

func logSumExp(a, b float64) float64 {
	m := math.Max(a, b)
	return m + detmath.Log(detmath.Exp(a-m)+detmath.Exp(b-m))
}

// softmaxOf returns softmax(z) in a new slice.
func softmaxOf(z []float64) []float64 { return nn.Softmax(make([]float64, len(z)), z) }
