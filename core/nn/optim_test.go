package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dian-explorer/dian/core/tensor"
)

func oneParam(w, g []float32, noDecay bool) *Param {
	p := &Param{Name: "p", Value: tensor.New(len(w)), Grad: tensor.New(len(w)), NoDecay: noDecay}
	copy(p.Value.Data, w)
	copy(p.Grad.Data, g)
	return p
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*(1+math.Abs(b)) }

func TestSGDStepByHand(t *testing.T) {
	p := oneParam([]float32{1, -2}, []float32{0.5, 0.25}, false)
	q := oneParam([]float32{3}, []float32{1}, true)
	o := NewSGD([]*Param{p, q}, 0.1, 0.9, 0.01)
	o.Step()
	// v = g + wd·w; w -= lr·v.
	want := []float64{1 - 0.1*(0.5+0.01), -2 - 0.1*(0.25-0.02), 3 - 0.1*1}
	got := []float32{p.Value.Data[0], p.Value.Data[1], q.Value.Data[0]}
	for i := range want {
		if !near(float64(got[i]), want[i]) {
			t.Errorf("after step 1, w[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	o.Step() // same gradient: v = 0.9·v + g
	v0 := 0.9*(0.5+0.01) + 0.5 + 0.01*want[0]
	if w := want[0] - 0.1*v0; !near(float64(p.Value.Data[0]), w) {
		t.Errorf("after step 2, w[0] = %v, want %v", p.Value.Data[0], w)
	}
}

func TestAdamStepByHand(t *testing.T) {
	p := oneParam([]float32{1, 2}, []float32{0.5, -4}, false)
	o := NewAdam([]*Param{p}, 3e-4, 0.5, 0.999)
	o.Step()
	// First step: m̂ = g, v̂ = g², so w -= lr·g/(|g|+eps) = lr·sign(g).
	if !near(float64(p.Value.Data[0]), 1-3e-4) || !near(float64(p.Value.Data[1]), 2+3e-4) {
		t.Errorf("after step 1, w = %v, want [%v %v]", p.Value.Data, 1-3e-4, 2+3e-4)
	}
	p.Grad.Data[0], p.Grad.Data[1] = 1, 0
	o.Step()
	m := 0.5*(0.5*0.5) + 0.5*1.0
	v := 0.999*(0.001*0.25) + 0.001*1.0
	mh, vh := m/(1-0.25), v/(1-0.999*0.999)
	want := 1 - 3e-4 - 3e-4*mh/(math.Sqrt(vh)+1e-8)
	if !near(float64(p.Value.Data[0]), want) {
		t.Errorf("after step 2, w[0] = %v, want %v", p.Value.Data[0], want)
	}
}

func TestClipGradNorm(t *testing.T) {
	p := oneParam([]float32{0, 0}, []float32{3, 0}, false)
	q := oneParam([]float32{0}, []float32{4}, false)
	if n := ClipGradNorm([]*Param{p, q}, 1); n != 5 {
		t.Errorf("ClipGradNorm returned %v, want 5", n)
	}
	if !near(float64(p.Grad.Data[0]), 0.6) || !near(float64(q.Grad.Data[0]), 0.8) {
		t.Errorf("clipped gradients %v %v, want 0.6 0.8", p.Grad.Data, q.Grad.Data)
	}
	if n := ClipGradNorm([]*Param{p, q}, 2); !near(float64(n), 1) || !near(float64(q.Grad.Data[0]), 0.8) {
		t.Errorf("ClipGradNorm under the limit changed gradients: norm %v, %v", n, q.Grad.Data)
	}
}

// batchOf fills a batch of random images and labels from rng.
func batchOf(rng *rand.Rand, n, h, w, c, classes int) (*tensor.Tensor, []int32) {
	x := randTensor(rng, 1, n, h, w, c)
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(rng.IntN(classes))
	}
	return x, labels
}

func TestTrainStepDoesNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count is not checked with -short")
	}
	rng := rand.New(rand.NewPCG(31, 32))
	net := determinismNet(rng)
	params := net.Params()
	opt := NewSGD(params, 0.05, 0.9, 1e-4)
	adam := NewAdam(params[:2], 3e-4, 0.5, 0.999)
	var loss SoftmaxCrossEntropy
	x, labels := batchOf(rng, 8, 14, 14, 1, 10)
	step := func() {
		opt.LR = CosineLR(0.05, 0, 3, 10)
		TrainStep(net, params, &loss, opt, x, labels, 5)
		adam.Step()
	}
	step()
	if allocs := testing.AllocsPerRun(5, step); allocs != 0 {
		t.Errorf("a training step allocates %v times, want 0", allocs)
	}
	ref := NewReferenceCNN(rng)
	ref.SkipInputGrad()
	rp := ref.Params()
	sgd := NewSGD(rp, 0.05, 0, 0)
	xr, lr := batchOf(rng, 4, 28, 28, 1, 10)
	refStep := func() { TrainStep(ref, rp, &loss, sgd, xr, lr, 0) }
	refStep()
	if allocs := testing.AllocsPerRun(5, refStep); allocs != 0 {
		t.Errorf("a reference-CNN training step allocates %v times, want 0", allocs)
	}
}
