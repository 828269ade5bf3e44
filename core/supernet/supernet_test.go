package supernet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/nn"
	"github.com/dian-explorer/dian/core/tensor"
)

func tinySpace(t *testing.T, ops string) Space {
	t.Helper()
	s, err := NewSpace(8, 8, 1, 3, ops, "tiny")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func randomBatch(n int, s Space, seed uint64) (*tensor.Tensor, []int32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := tensor.New(n, s.InH, s.InW, s.InC)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(rng.IntN(s.Classes))
	}
	return x, labels
}

// Every op of every block runs, and the lowered network's layer shapes
// chain: each layer reads what the previous one wrote.
func TestEveryOpRunsAndLowers(t *testing.T) {
	for _, opSet := range []string{"fbnet", "fbnet-g2"} {
		for _, in := range [][3]int{{8, 8, 1}, {14, 14, 1}, {28, 28, 1}} {
			space, err := NewSpace(in[0], in[1], in[2], 10, opSet, "tiny")
			if err != nil {
				t.Fatal(err)
			}
			net := New(space, 1)
			x, _ := randomBatch(2, space, 2)
			for o := range space.Ops {
				p := make(Path, len(space.Blocks))
				for i := range p {
					p[i] = o
				}
				net.SetPath(p, nil)
				y := net.Net.Forward(x, true)
				if y.Shape[0] != 2 || y.Shape[1] != 10 {
					t.Fatalf("%s %v op %s: logits shape %v", opSet, in, space.Ops[o].Name, y.Shape)
				}
				lowered := space.Network(p, nil)
				if err := lowered.Validate(); err != nil {
					t.Fatalf("%s %v op %s: lowered network: %v", opSet, in, space.Ops[o].Name, err)
				}
				if space.MACs(p) <= 0 {
					t.Errorf("no MACs for path %v", p)
				}
			}
		}
	}
}

// loss evaluates the network in evaluation mode: batch norm then applies
// fixed affine maps, so the loss is piecewise linear in the weights and
// finite differences are accurate (in training mode, batch statistics over
// 2×2 maps make it too curved for a float32 difference quotient).
func loss(net *Supernet, x *tensor.Tensor, labels []int32) (float64, *nn.SoftmaxCrossEntropy) {
	ce := &nn.SoftmaxCrossEntropy{}
	return float64(ce.Forward(net.Net.Forward(x, false), labels)), ce
}

// In soft mode dL/dα is a true gradient (the Gumbel noise is fixed by the
// seed), so it must match central finite differences.
func TestSoftAlphaGradient(t *testing.T) {
	space := tinySpace(t, "fbnet")
	net := New(space, 3)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range net.Alpha.Value.Data {
		net.Alpha.Value.Data[i] = float32(rng.NormFloat64())
	}
	x, labels := randomBatch(4, space, 5)
	const tau = 2.0
	sample := func() { net.SampleSoft(rand.New(rand.NewPCG(42, 42)), tau) }

	sample()
	_, ce := loss(net, x, labels)
	nn.ZeroGrad(net.WeightParams())
	net.Alpha.Grad.Zero()
	net.Net.Backward(ce.Backward())
	net.AccumulateAlphaGrad(tau)

	const h = 1e-3
	for _, j := range []int{0, 3, 6, 8, 15, 20, 34} {
		orig := net.Alpha.Value.Data[j]
		net.Alpha.Value.Data[j] = orig + h
		sample()
		lp, _ := loss(net, x, labels)
		net.Alpha.Value.Data[j] = orig - h
		sample()
		lm, _ := loss(net, x, labels)
		net.Alpha.Value.Data[j] = orig
		num := (lp - lm) / (2 * h)
		got := float64(net.Alpha.Grad.Data[j])
		// float32 forward passes: the loss (≈2.3) is resolved to about 2.4e-7,
		// so a difference quotient over 2h = 2e-3 is good to a few 1e-4.
		// Allow 5 % relative plus 5e-4 absolute error.
		if math.Abs(got-num) > 0.05*math.Abs(num)+5e-4 {
			t.Errorf("dL/dα[%d] = %.6g, finite difference %.6g", j, got, num)
		}
	}
}

// In hard mode the two active ops' dots are dL/dw_k of the loss of
// w1·O1 + w2·O2 at (1, 0): check them by finite differences on those
// weights, through the soft-mode mixture with all other weights zero.
func TestHardDotsAreMixWeightGradients(t *testing.T) {
	space := tinySpace(t, "fbnet")
	net := New(space, 4)
	x, labels := randomBatch(3, space, 6)
	path := net.SampleHard(rand.New(rand.NewPCG(1, 2)), 2)
	active := make([][2]int, len(net.Blocks))
	for bi, b := range net.Blocks {
		active[bi] = b.Active
	}
	_, ce := loss(net, x, labels)
	net.Net.Backward(ce.Backward())
	const bi = 2 // check one block
	dots := net.Blocks[bi].Dots

	// Evaluate L with block bi mixing its two active ops by (w0, w1) and
	// every other block on its first active op.
	lossAt := func(w0, w1 float32) float64 {
		net.SetPath(path, nil)
		b := net.Blocks[bi]
		b.Soft = true
		mw := b.MixWeights()
		for i := range mw {
			mw[i] = 0
		}
		mw[active[bi][0]], mw[active[bi][1]] = w0, w1
		l, _ := loss(net, x, labels)
		return l
	}
	const h = 1e-3
	num0 := (lossAt(1+h, 0) - lossAt(1-h, 0)) / (2 * h)
	num1 := (lossAt(1, h) - lossAt(1, -h)) / (2 * h)
	for k, num := range []float64{num0, num1} {
		if math.Abs(dots[k]-num) > 0.05*math.Abs(num)+5e-4 {
			t.Errorf("block %d active op %d: dot %.6g, finite difference %.6g", bi, k, dots[k], num)
		}
	}
}

func TestOffsetCorrectionKeepsInactiveProbabilities(t *testing.T) {
	space := tinySpace(t, "fbnet")
	net := New(space, 1)
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range net.Alpha.Value.Data {
		net.Alpha.Value.Data[i] = float32(rng.NormFloat64())
	}
	net.SampleHard(rng, 2)
	before := net.Probs()
	old := net.ActiveLogits()
	for bi, b := range net.Blocks { // an optimizer step on the active logits
		net.alpha(bi)[b.Active[0]] += 0.7
		net.alpha(bi)[b.Active[1]] -= 0.3
	}
	net.OffsetCorrect(old)
	after := net.Probs()
	for bi, b := range net.Blocks {
		for i := range before[bi] {
			if i == b.Active[0] || i == b.Active[1] {
				continue
			}
			if math.Abs(before[bi][i]-after[bi][i]) > 1e-6 {
				t.Errorf("block %d op %d: probability %.6f → %.6f, want unchanged", bi, i, before[bi][i], after[bi][i])
			}
		}
		// The active pair moved in the direction of the step.
		if after[bi][b.Active[0]] <= before[bi][b.Active[0]] {
			t.Errorf("block %d: the raised logit's probability fell", bi)
		}
	}
}

func TestSampleHardFollowsAlpha(t *testing.T) {
	space := tinySpace(t, "fbnet")
	net := New(space, 1)
	net.alpha(0)[2] = 5 // op 2 of block 0 is far more likely
	rng := rand.New(rand.NewPCG(7, 7))
	counts := make([]int, len(space.Ops))
	for range 2000 {
		p := net.SampleHard(rng, 2)
		counts[p[0]]++
		if b := net.Blocks[0]; b.Active[0] == b.Active[1] {
			t.Fatal("the two active ops are the same")
		}
	}
	// P(op 2) = e^5 / (e^5 + 6) ≈ 0.961.
	if frac := float64(counts[2]) / 2000; frac < 0.94 || frac > 0.98 {
		t.Errorf("op 2 sampled %.3f of the time, want ≈ 0.961", frac)
	}
}

func TestParsePath(t *testing.T) {
	space := tinySpace(t, "fbnet")
	p, err := ParsePath("k3_e6 skip k5_e3 k3_e1 k5_e6", space)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParsePath(joinNames(p.Names(space.Ops)), space)
	if err != nil || len(back) != len(p) {
		t.Fatalf("round trip: %v %v", back, err)
	}
	for _, bad := range []string{"k3_e6", "k3_e6 skip k5_e3 k3_e1 k7_e6", ""} {
		if _, err := ParsePath(bad, space); err == nil {
			t.Errorf("ParsePath(%q) succeeded", bad)
		}
	}
}

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ","
		}
		s += n
	}
	return s
}

func TestTensorsRoundTrip(t *testing.T) {
	space := tinySpace(t, "fbnet-g2")
	a, b := New(space, 1), New(space, 2)
	seen := map[string]bool{}
	saved := map[string][]float32{}
	for _, ts := range a.Tensors() {
		if seen[ts.Name] {
			t.Fatalf("tensor name %q is not unique", ts.Name)
		}
		seen[ts.Name] = true
		saved[ts.Name] = append([]float32(nil), ts.Data...)
	}
	err := b.SetTensors(func(name string, shape ...int) ([]float32, error) { return saved[name], nil })
	if err != nil {
		t.Fatal(err)
	}
	if nn.HashParams(a.WeightParams()) != nn.HashParams(b.WeightParams()) {
		t.Error("weights differ after SetTensors")
	}
	err = b.SetTensors(func(name string, shape ...int) ([]float32, error) { return nil, nil })
	if err == nil {
		t.Error("SetTensors accepted missing tensors")
	}
}

// The fbnet layout is FBNet's macro-architecture: 22 searchable blocks in
// stages of 16, 24, 32, 64, 112, 184 and 352 channels (1, 4, 4, 4, 4, 4
// and 1 blocks), each stage's first block carrying its stride, and a
// 1504-channel head; on 28×28 inputs its maps end at 1×1.
func TestFBNetLayout(t *testing.T) {
	s, err := NewSpace(28, 28, 1, 10, "fbnet", "fbnet")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Blocks) != 22 || s.HeadOut != 1504 {
		t.Fatalf("%d blocks, head %d; want 22 and 1504", len(s.Blocks), s.HeadOut)
	}
	var got []string
	for i, b := range s.Blocks {
		if i == 0 || b.Out != s.Blocks[i-1].Out {
			got = append(got, fmt.Sprintf("%d/s%d", b.Out, b.Stride))
		} else if b.Stride != 1 {
			t.Errorf("block %s repeats its stage with stride %d", b.Name, b.Stride)
		}
	}
	want := "16/s1 24/s2 32/s2 64/s2 112/s1 184/s2 352/s1"
	if strings.Join(got, " ") != want {
		t.Errorf("stages %v, want %s", got, want)
	}
	if h, w := s.Blocks[21].OutSize(); h != 1 || w != 1 {
		t.Errorf("the last block's map is %d×%d, want 1×1", h, w)
	}
	if _, err := NewSpace(28, 28, 1, 10, "fbnet", "mobilenet"); err == nil || !strings.Contains(err.Error(), "tiny, fbnet") {
		t.Errorf("an unknown layout: %v", err)
	}
}
