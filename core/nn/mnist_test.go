package nn

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/dian-explorer/dian/core/data"
	"github.com/dian-explorer/dian/core/tensor"
)

// smallCNN is a three-conv network for 14×14×1 input: 14×14×8, 7×7×16,
// 4×4×32, then a linear layer on the flattened 512 features.
func smallCNN(rng *rand.Rand) *Sequential {
	net := NewSequential(
		NewConv2D("c1", ConvConfig{In: 1, Out: 8, Kernel: 3, Stride: 1, Padding: 1}, rng), NewBatchNorm("bn1", 8), NewReLU(),
		NewConv2D("c2", ConvConfig{In: 8, Out: 16, Kernel: 3, Stride: 2, Padding: 1}, rng), NewBatchNorm("bn2", 16), NewReLU(),
		NewConv2D("c3", ConvConfig{In: 16, Out: 32, Kernel: 3, Stride: 2, Padding: 1}, rng), NewBatchNorm("bn3", 32), NewReLU(),
		NewLinear("fc", 4*4*32, 10, rng),
	)
	net.SkipInputGrad()
	return net
}

// Evaluate returns the fraction of s classified correctly by net in
// evaluation mode, in batches of batch.
func evaluate(net Layer, s *data.Set, batch int) float64 {
	var loss SoftmaxCrossEntropy
	x := tensor.New(batch, s.H, s.W, s.C)
	correct := 0
	for at := 0; at < s.N; at += batch {
		n := min(batch, s.N-at)
		x.Resize(n, s.H, s.W, s.C)
		copy(x.Data, s.Images[at*s.ImageSize():(at+n)*s.ImageSize()])
		loss.Forward(net.Forward(x, false), s.Labels[at:at+n])
		correct += loss.Correct()
	}
	return float64(correct) / float64(s.N)
}

// TestSmallCNNLearnsMNIST14 trains the small CNN on the 5,000 bundled MNIST
// training images at 14×14 for a few epochs and requires at least 97% on the
// 1,000 test images.
func TestSmallCNNLearnsMNIST14(t *testing.T) {
	if testing.Short() {
		t.Skip("training to 97% takes seconds natively and longer in wasm; skipped with -short")
	}
	start := time.Now()
	d, err := data.Load(os.DirFS("../../assets/datasets"), "mnist14")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	net := smallCNN(rng)
	params := net.Params()
	const batch, epochs = 32, 5
	sgd := NewSGD(params, 0.1, 0.9, 5e-4)
	b := data.NewBatcher(d.Train, batch, 1)
	steps := epochs * b.BatchesPerEpoch()
	x := tensor.New(batch, 14, 14, 1)
	labels := make([]int32, batch)
	var loss SoftmaxCrossEntropy
	for step := range steps {
		b.Next(x.Data, labels)
		sgd.LR = CosineLR(0.1, 0, step, steps)
		TrainStep(net, params, &loss, sgd, x, labels, 5)
	}
	acc := evaluate(net, d.Test, 100)
	t.Logf("test accuracy %.1f%% after %d epochs (%d steps of %d) in %v", 100*acc, epochs, steps, batch, time.Since(start))
	if acc < 0.97 {
		t.Errorf("test accuracy %.2f%%, want at least 97%%", 100*acc)
	}
}
