package supernet

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func bitsSpace(t *testing.T, bits ...int) Space {
	t.Helper()
	s, err := tinySpace(t, "fbnet").WithBits(bits)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The width gradients of an architecture step: the mixing-weight gradients
// a backward pass leaves in the last block's bit mix must match finite
// differences of the loss in those weights, and AccumulateBetaGrad must
// turn them into p0·p1·(G_j0 − G_j1) for the drawn pair.
//
// The op's three convolutions share the mix, so the loss is a staircase in
// it: the straight-through gradient is the slope of the line the stairs
// follow. At 14–16 bits the stairs are far finer than the difference step,
// so the difference quotient measures that slope (at 2–8 bits it measures
// the stairs). nn's TestQConvGradients checks each convolution exactly.
func TestWidthGradientsAreMixWeightGradients(t *testing.T) {
	space := bitsSpace(t, 14, 15, 16)
	net := New(space, 4)
	x, labels := randomBatch(3, space, 6)
	bi := len(net.Blocks) - 1
	path := make(Path, len(net.Blocks)) // k3_e1 everywhere: no skip
	net.SetPath(path, nil)
	widths := net.SampleWidths(rand.New(rand.NewPCG(3, 4)), path, 1, true)
	pair := net.prec.pairs[bi][path[bi]]
	if pair[0] < 0 || pair[1] < 0 || widths[bi] != space.Bits[pair[0]] {
		t.Fatalf("the architecture sample drew pair %v, width %d", pair, widths[bi])
	}
	mix := net.prec.mixes[bi][path[bi]]
	if !slices.Equal(mix.Weights, oneHot(len(space.Bits), pair[0])) {
		t.Fatalf("mix weights %v, want one-hot at %d (ST1, ST0)", mix.Weights, pair[0])
	}
	_, ce := loss(net, x, labels)
	net.Beta.Grad.Zero()
	net.Net.Backward(ce.Backward())
	net.AccumulateBetaGrad()

	const h = 1e-2
	fd := make([]float64, len(mix.Weights))
	for j := range mix.Weights {
		orig := mix.Weights[j]
		mix.Weights[j] = orig + h
		lp, _ := loss(net, x, labels)
		mix.Weights[j] = orig - h
		lm, _ := loss(net, x, labels)
		mix.Weights[j] = orig
		fd[j] = (lp - lm) / (2 * h)
		if got := mix.Grads[j]; math.Abs(got-fd[j]) > 0.05*math.Abs(fd[j])+5e-4 {
			t.Errorf("dL/dm[%d] (%d bits) = %.6g, finite difference %.6g", j, space.Bits[j], got, fd[j])
		}
	}
	beta := net.beta(bi, path[bi])
	p := softmaxOf([]float64{float64(beta[pair[0]]), float64(beta[pair[1]])})
	// G_j0 − G_j1 is far below the difference quotients' resolution at
	// these widths: the formula is checked on the analytic G just checked.
	want := p[0] * p[1] * (mix.Grads[pair[0]] - mix.Grads[pair[1]])
	got := net.betaGrad(bi, path[bi])
	if math.Abs(float64(got[pair[0]])-want) > 1e-6*math.Abs(want)+1e-9 || got[pair[1]] != -got[pair[0]] {
		t.Errorf("dL/dβ for pair %v = %v, %v; want %.6g and its negative", pair, got[pair[0]], got[pair[1]], want)
	}
	for j := range got {
		if j != pair[0] && j != pair[1] && got[j] != 0 {
			t.Errorf("dL/dβ[%d] = %v for a width the step did not draw", j, got[j])
		}
	}
}

func oneHot(n, j int) []float32 {
	v := make([]float32, n)
	v[j] = 1
	return v
}

// A precision search starts from the same weights as a float supernet of
// the seed (so the float warm-up snapshots load into it), and a weight
// step's widths are a softmax mixture.
func TestPrecisionSearchSharesWeightsAndMixes(t *testing.T) {
	float, quant := New(tinySpace(t, "fbnet"), 7), New(bitsSpace(t, 4, 6, 8), 7)
	if float.Quantized() || float.Beta != nil || !quant.Quantized() || quant.Beta == nil {
		t.Fatalf("Quantized: float %v, quant %v", float.Quantized(), quant.Quantized())
	}
	fw, qw := float.Tensors(), quant.Tensors()
	if len(fw) != len(qw) {
		t.Fatalf("%d tensors against %d", len(fw), len(qw))
	}
	for i := range fw {
		if fw[i].Name != qw[i].Name || !slices.Equal(fw[i].Data, qw[i].Data) {
			t.Fatalf("tensor %s differs from %s", fw[i].Name, qw[i].Name)
		}
	}
	if got := len(quant.Beta.Value.Data); got != len(quant.Blocks)*len(quant.Space.Ops)*3 {
		t.Errorf("β has %d logits", got)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	path := quant.SampleHard(rng, 1)
	w := quant.SampleWidths(rng, path, 2, false)
	for bi := range quant.Blocks {
		mix := quant.prec.mixes[bi][path[bi]]
		if mix == nil {
			if w[bi] != 0 {
				t.Errorf("skip block %d has width %d", bi, w[bi])
			}
			continue
		}
		var sum float64
		for _, m := range mix.Weights {
			if !(m > 0 && m < 1) {
				t.Errorf("block %d: mixing weights %v, want a softmax (all in (0, 1))", bi, mix.Weights)
			}
			sum += float64(m)
		}
		if math.Abs(sum-1) > 1e-6 || !slices.Contains(quant.Space.Bits, w[bi]) {
			t.Errorf("block %d: weights sum to %v, width %d", bi, sum, w[bi])
		}
	}
}

func TestWithBitsRejects(t *testing.T) {
	for _, bits := range [][]int{{1}, {4, 4}, {8, 4}, {17}} {
		if _, err := tinySpace(t, "fbnet").WithBits(bits); err == nil {
			t.Errorf("WithBits(%v) accepted", bits)
		}
	}
}
