package nn

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dian-explorer/dian/core/tensor"
)

// referenceBatches returns the TF.js benchmark's data shape: 4 distinct
// batches of 32 random 28×28×1 images with random labels, cycled.
func referenceBatches(batch int) ([]*tensor.Tensor, [][]int32) {
	rng := rand.New(rand.NewPCG(42, 43))
	xs := make([]*tensor.Tensor, 4)
	ls := make([][]int32, 4)
	for i := range xs {
		xs[i], ls[i] = batchOf(rng, batch, 28, 28, 1, 10)
	}
	return xs, ls
}

// BenchmarkReferenceCNNTrain trains the network of bench/tfjs/README.md (batch
// 32, plain SGD with learning rate 0.05) and reports images per second.
func BenchmarkReferenceCNNTrain(b *testing.B) {
	net := NewReferenceCNN(rand.New(rand.NewPCG(1001, 1006)))
	net.SkipInputGrad()
	params := net.Params()
	opt := NewSGD(params, 0.05, 0, 0)
	var loss SoftmaxCrossEntropy
	xs, ls := referenceBatches(32)
	for i := range 5 { // warm-up, as the TF.js protocol
		TrainStep(net, params, &loss, opt, xs[i%4], ls[i%4], 0)
	}
	i := 0
	for b.Loop() {
		TrainStep(net, params, &loss, opt, xs[i%4], ls[i%4], 0)
		i++
	}
	b.ReportMetric(float64(32*b.N)/b.Elapsed().Seconds(), "img/s")
}

// BenchmarkReferenceCNNInfer runs the reference network forward in
// evaluation mode plus a softmax, at batch 1 and 32.
func BenchmarkReferenceCNNInfer(b *testing.B) {
	for _, batch := range []int{1, 32} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			net := NewReferenceCNN(rand.New(rand.NewPCG(1001, 1006)))
			var loss SoftmaxCrossEntropy
			xs, ls := referenceBatches(batch)
			i := 0
			for b.Loop() {
				loss.Forward(net.Forward(xs[i%4], false), ls[i%4])
				i++
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "img/s")
		})
	}
}

// timedLayer wraps a layer and adds up the wall time of its passes.
type timedLayer struct {
	Layer
	name     string
	fwd, bwd time.Duration
}

func (t *timedLayer) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	s := time.Now()
	y := t.Layer.Forward(x, train)
	t.fwd += time.Since(s)
	return y
}

func (t *timedLayer) Backward(dy *tensor.Tensor) *tensor.Tensor {
	s := time.Now()
	d := t.Layer.Backward(dy)
	t.bwd += time.Since(s)
	return d
}

// BenchmarkReferenceCNNTrainBreakdown times each layer's forward and
// backward pass in a reference training step, and the loss and optimizer,
// and logs µs per step for each (run with -v to see the table).
func BenchmarkReferenceCNNTrainBreakdown(b *testing.B) {
	net := NewReferenceCNN(rand.New(rand.NewPCG(1001, 1006)))
	net.SkipInputGrad()
	names := []string{"conv3x3 1→8", "relu", "dw3x3/2 8", "relu", "conv1x1 8→16", "relu", "dw3x3/2 16", "relu", "conv1x1 16→32", "relu", "gap", "dense 32→10"}
	timed := make([]*timedLayer, len(net.Layers))
	for i, l := range net.Layers {
		timed[i] = &timedLayer{Layer: l, name: names[i]}
		net.Layers[i] = timed[i]
	}
	params := net.Params()
	opt := NewSGD(params, 0.05, 0, 0)
	var loss SoftmaxCrossEntropy
	xs, ls := referenceBatches(32)
	var tLoss, tOpt, tZero time.Duration
	step := func(i int) {
		s := time.Now()
		ZeroGrad(params)
		tZero += time.Since(s)
		y := net.Forward(xs[i%4], true)
		s = time.Now()
		loss.Forward(y, ls[i%4])
		d := loss.Backward()
		tLoss += time.Since(s)
		net.Backward(d)
		s = time.Now()
		opt.Step()
		tOpt += time.Since(s)
	}
	for i := range 5 {
		step(i)
	}
	for _, t := range timed {
		t.fwd, t.bwd = 0, 0
	}
	tLoss, tOpt, tZero = 0, 0, 0
	i := 0
	for b.Loop() {
		step(i)
		i++
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.N) }
	var sb strings.Builder
	fmt.Fprintf(&sb, "µs per batch-32 step:\n%-16s %9s %9s\n", "layer", "forward", "backward")
	var total float64
	for _, t := range timed {
		fmt.Fprintf(&sb, "%-16s %9.1f %9.1f\n", t.name, per(t.fwd), per(t.bwd))
		total += per(t.fwd) + per(t.bwd)
	}
	fmt.Fprintf(&sb, "%-16s %9.1f\n%-16s %9.1f\n%-16s %9.1f\n", "loss fwd+bwd", per(tLoss), "sgd step", per(tOpt), "zero grad", per(tZero))
	total += per(tLoss) + per(tOpt) + per(tZero)
	fmt.Fprintf(&sb, "%-16s %9.1f (%.0f img/s)", "total", total, 32e6/total)
	b.Log(sb.String())
	b.ReportMetric(32*float64(b.N)/b.Elapsed().Seconds(), "img/s")
}

// BenchmarkMBConvBlock trains one MBConv block of the search space (1×1
// expand to 6×, BN, ReLU6, depthwise k5, BN, ReLU6, 1×1 project, BN, with a
// residual) on a batch of 32 14×14×16 maps, and logs the time per layer.
func BenchmarkMBConvBlock(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	const c, e = 16, 96
	layers := []Layer{
		NewConv2D("expand", ConvConfig{In: c, Out: e, Kernel: 1, Stride: 1}, rng), NewBatchNorm("bn1", e), NewReLU6(),
		NewConv2D("dw", ConvConfig{In: e, Out: e, Kernel: 5, Stride: 1, Padding: 2, Groups: e}, rng), NewBatchNorm("bn2", e), NewReLU6(),
		NewConv2D("project", ConvConfig{In: e, Out: c, Kernel: 1, Stride: 1}, rng), NewBatchNorm("bn3", c),
	}
	names := []string{"expand 1x1", "bn", "relu6", "dw 5x5", "bn", "relu6", "project 1x1", "bn"}
	timed := make([]*timedLayer, len(layers))
	for i, l := range layers {
		timed[i] = &timedLayer{Layer: l, name: names[i]}
		layers[i] = timed[i]
	}
	block := NewResidual(NewSequential(layers...))
	x := randTensor(rng, 1, 32, 14, 14, c)
	dy := randTensor(rng, 1, 32, 14, 14, c)
	params := block.Params()
	for range 3 {
		block.Forward(x, true)
		block.Backward(dy)
	}
	for _, t := range timed {
		t.fwd, t.bwd = 0, 0
	}
	for b.Loop() {
		ZeroGrad(params)
		block.Forward(x, true)
		block.Backward(dy)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "µs per batch-32 step:\n%-12s %9s %9s\n", "layer", "forward", "backward")
	for _, t := range timed {
		fmt.Fprintf(&sb, "%-12s %9.1f %9.1f\n", t.name, float64(t.fwd.Microseconds())/float64(b.N), float64(t.bwd.Microseconds())/float64(b.N))
	}
	b.Log(sb.String())
	b.ReportMetric(32*float64(b.N)/b.Elapsed().Seconds(), "img/s")
}
