package supernet

import (
	"fmt"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/nn"
)

// Widths is one bit-width per block: the precision its op runs at, 0 for
// a block whose op is skip (it has no quantized layer).
type Widths []int

// precision is the state of a precision search (Auto-NBA's β): a bit mix
// per (block, op) shared by the op's convolutions, and the width pairs an
// architecture step drew.
type precision struct {
	mixes  [][]*nn.BitMix // [block][op]; nil for skip
	qconvs []*nn.QConv    // every quantized convolution, in construction order
	pairs  [][][2]int     // [block][op]: an architecture step's width pair, -1 when none
}

func newPrecision(blocks, ops, _ int) *precision {
	p := &precision{mixes: make([][]*nn.BitMix, blocks), pairs: make([][][2]int, blocks)}
	for b := range blocks {
		p.mixes[b] = make([]*nn.BitMix, ops)
		p.pairs[b] = make([][2]int, ops)
	}
	p.clearPairs()
	return p
}

// eachPair calls fn for every op an architecture sample drew a width pair
// for, in block and op order.
func (p *precision) eachPair(fn func(b, o int, pair [2]int)) {
	for b, row := range p.pairs {
		for o, pr := range row {
			if pr[0] >= 0 {
				fn(b, o, pr)
			}
		}
	}
}

func (p *precision) clearPairs() {
	for _, row := range p.pairs {
		for o := range row {
			row[o] = [2]int{-1, -1}
		}
	}
}

// Quantized reports whether the supernet searches precision (its space has
// Bits): then its candidate ops train quantization-aware and Beta is set.
func (s *Supernet) Quantized() bool { return s.prec != nil }

// beta returns the width logits of op o in block b.
func (s *Supernet) beta(b, o int) []float32 {
	k := len(s.Space.Bits)
	i := (b*len(s.Space.Ops) + o) * k
	return s.Beta.Value.Data[i : i+k]
}

func (s *Supernet) betaGrad(b, o int) []float32 {
	k := len(s.Space.Bits)
	i := (b*len(s.Space.Ops) + o) * k
	return s.Beta.Grad.Data[i : i+k]
}

// bitIndex is the index of width bits in Space.Bits (-1 if absent).
func (s *Supernet) bitIndex(bits int) int {
	for i, b := range s.Space.Bits {
		if b == bits {
			return i
		}
	}
	return -1
}

// widthIndex is the index in Space.Bits of block b's width in w, -1 when
// there is none (no precision search, no widths, or a skip block's 0).
func (s *Supernet) widthIndex(w Widths, b int) int {
	if s.prec == nil || w == nil {
		return -1
	}
	return s.bitIndex(w[b])
}

// running returns the ops of block b the next Forward runs: the active ones
// in hard mode, every one in soft mode.
func running(b *Block) []int {
	if b.Soft {
		all := make([]int, len(b.Cands))
		for i := range all {
			all[i] = i
		}
		return all
	}
	return b.Active[:b.NActive]
}

// SampleWidths draws the width of every op the next Forward runs, after
// SampleHard or SampleSoft drew path, by Auto-NBA's heterogeneous sampling:
//
//   - a weight step (pair false) mixes each op's quantized tensors with a
//     Gumbel-softmax sample of its β at temperature tau;
//   - an architecture step (pair true) takes the top two of β + Gumbel
//     noise with weights 1 and 0 (proxy_hard: the output is the first
//     width's, and both get a gradient through AccumulateBetaGrad). The
//     second op an architecture step runs for α's gradient gets its top
//     width alone: its output has weight 0, so its widths learn nothing.
//
// It returns each block's width for path's op (the sample's top width), 0
// for skip, and clears the mixing-weight gradients. Without a precision
// search it draws nothing and returns nil.
func (s *Supernet) SampleWidths(rng *rand.Rand, path Path, tau float64, pair bool) Widths {
	if s.prec == nil {
		return nil
	}
	s.prec.clearPairs()
	w := make(Widths, len(s.Blocks))
	z := make([]float64, len(s.Space.Bits))
	for bi, b := range s.Blocks {
		for k, o := range running(b) {
			mix := s.prec.mixes[bi][o]
			if mix == nil {
				continue
			}
			mix.ZeroGrads()
			for j, v := range s.beta(bi, o) {
				z[j] = float64(v) + nn.Gumbel(rng)
			}
			top, second := top2(z)
			switch {
			case !pair:
				for j := range z {
					z[j] /= tau
				}
				y := softmaxOf(z)
				for j := range mix.Weights {
					mix.Weights[j] = float32(y[j])
				}
				mix.WantGrads = false
			case b.Soft || k == 0:
				mix.SetOne(top)
				if second >= 0 {
					s.prec.pairs[bi][o] = [2]int{top, second}
					mix.WantGrads = true
				}
			default:
				mix.SetOne(top)
			}
			if o == path[bi] {
				w[bi] = s.Space.Bits[top]
			}
		}
	}
	return w
}

// top2 returns the indices of the largest and second-largest entries of z
// (-1 for a missing second); ties go to the lower index.
func top2(z []float64) (int, int) {
	best, second := -1, -1
	for i, v := range z {
		switch {
		case best < 0 || v > z[best]:
			second, best = best, i
		case second < 0 || v > z[second]:
			second = i
		}
	}
	return best, second
}

// AccumulateBetaGrad adds dL/dβ from the last Backward to Beta.Grad: for
// each op that ran with a width pair (j0, j1) and mixing-weight gradients
// G, p = softmax(β_j0, β_j1) on the raw logits and dL/dβ_j0 =
// p0·p1·(G_j0 − G_j1) = −dL/dβ_j1, as AccumulateAlphaGrad does for ops.
func (s *Supernet) AccumulateBetaGrad() {
	if s.prec == nil {
		return
	}
	s.prec.eachPair(func(bi, o int, pr [2]int) {
		beta, grad := s.beta(bi, o), s.betaGrad(bi, o)
		g := s.prec.mixes[bi][o].Grads
		p := softmaxOf([]float64{float64(beta[pr[0]]), float64(beta[pr[1]])})
		d := p[0] * p[1] * (g[pr[0]] - g[pr[1]])
		grad[pr[0]] += float32(d)
		grad[pr[1]] -= float32(d)
	})
}

// WidthLogits copies the logits of every width pair the last architecture
// sample drew, for OffsetCorrectWidths after the optimizer step.
func (s *Supernet) WidthLogits() [][][2]float32 {
	if s.prec == nil {
		return nil
	}
	out := make([][][2]float32, len(s.Blocks))
	for bi := range out {
		out[bi] = make([][2]float32, len(s.Space.Ops))
	}
	s.prec.eachPair(func(bi, o int, pr [2]int) {
		beta := s.beta(bi, o)
		out[bi][o] = [2]float32{beta[pr[0]], beta[pr[1]]}
	})
	return out
}

// OffsetCorrectWidths is OffsetCorrect for the width pairs: each pair's
// logits shift by one constant so that their log-sum-exp is what it was
// (old), leaving the other widths' probabilities unchanged.
func (s *Supernet) OffsetCorrectWidths(old [][][2]float32) {
	if s.prec == nil {
		return
	}
	s.prec.eachPair(func(bi, o int, pr [2]int) {
		beta := s.beta(bi, o)
		c := logSumExp(float64(old[bi][o][0]), float64(old[bi][o][1])) - logSumExp(float64(beta[pr[0]]), float64(beta[pr[1]]))
		beta[pr[0]] = float32(float64(beta[pr[0]]) + c)
		beta[pr[1]] = float32(float64(beta[pr[1]]) + c)
	})
}

// DeriveWidths returns, for path p, each block's most likely width for its
// op (argmax β, ties to the narrower), 0 for skip; nil without a precision
// search.
func (s *Supernet) DeriveWidths(p Path) Widths {
	if s.prec == nil {
		return nil
	}
	w := make(Widths, len(s.Blocks))
	for bi := range s.Blocks {
		if s.Space.Ops[p[bi]].IsSkip() {
			continue
		}
		w[bi] = s.Space.Bits[nn.Argmax(s.beta(bi, p[bi]))]
	}
	return w
}

// WidthProbs returns softmax(β) of each block's op in p (nil rows for skip).
func (s *Supernet) WidthProbs(p Path) [][]float64 {
	if s.prec == nil {
		return nil
	}
	out := make([][]float64, len(s.Blocks))
	for bi := range s.Blocks {
		if s.Space.Ops[p[bi]].IsSkip() {
			continue
		}
		beta := s.beta(bi, p[bi])
		z := make([]float64, len(beta))
		for i, v := range beta {
			z[i] = float64(v)
		}
		out[bi] = softmaxOf(z)
	}
	return out
}

// setWidths runs each block's op in p at its width in w alone.
func (s *Supernet) setWidths(p Path, w Widths) {
	s.prec.clearPairs()
	for bi := range s.Blocks {
		mix := s.prec.mixes[bi][p[bi]]
		if mix == nil {
			continue
		}
		j := s.bitIndex(w[bi])
		if j < 0 {
			j = nn.Argmax(s.beta(bi, p[bi]))
		}
		mix.SetOne(j)
	}
}

// CheckWidths reports whether w gives every non-skip block of p one of the
// space's widths.
func (s Space) CheckWidths(p Path, w Widths) error {
	if len(w) != len(s.Blocks) {
		return fmt.Errorf("supernet: %d widths for %d blocks", len(w), len(s.Blocks))
	}
	for bi, b := range w {
		if s.Ops[p[bi]].IsSkip() {
			continue
		}
		ok := false
		for _, v := range s.Bits {
			ok = ok || v == b
		}
		if !ok {
			return fmt.Errorf("supernet: block %d: width %d; accepted %v", bi+1, b, s.Bits)
		}
	}
	return nil
}

// quantStateLen is the values QuantState keeps per quantized convolution:
// its running input range and whether a batch has set it.
const quantStateLen = 3

// QuantState returns the running input ranges of every quantized
// convolution, [lo, hi, seen] each in construction order (nil without a
// precision search): what a checkpoint keeps besides Tensors.
func (s *Supernet) QuantState() []float32 {
	if s.prec == nil {
		return nil
	}
	out := make([]float32, 0, quantStateLen*len(s.prec.qconvs))
	for _, q := range s.prec.qconvs {
		seen := float32(0)
		if q.Seen {
			seen = 1
		}
		out = append(out, q.Lo, q.Hi, seen)
	}
	return out
}

// SetQuantState restores what QuantState returned.
func (s *Supernet) SetQuantState(v []float32) error {
	if s.prec == nil {
		if len(v) != 0 {
			return fmt.Errorf("supernet: %d quantization values for a supernet without a precision search", len(v))
		}
		return nil
	}
	if len(v) != quantStateLen*len(s.prec.qconvs) {
		return fmt.Errorf("supernet: %d quantization values, want %d", len(v), quantStateLen*len(s.prec.qconvs))
	}
	for i, q := range s.prec.qconvs {
		lo, hi, seen := v[quantStateLen*i], v[quantStateLen*i+1], v[quantStateLen*i+2]
		if seen != 0 && seen != 1 || !(lo <= hi) {
			return fmt.Errorf("supernet: quantized convolution %d: range [%v, %v], seen %v", i, lo, hi, seen)
		}
		q.Lo, q.Hi, q.Seen = lo, hi, seen == 1
	}
	return nil
}
