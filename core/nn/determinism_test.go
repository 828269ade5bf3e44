package nn

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// determinismNet uses every layer kind: a stem conv, an MBConv-style mixed
// block (expand 1×1, BN, ReLU6, depthwise, BN, ReLU6, grouped 1×1 project,
// BN, shuffle) inside a residual and a Mix with a skip, a strided conv,
// ReLU, global average pooling and a linear head.
func determinismNet(rng *rand.Rand) *Sequential {
	block := NewResidual(NewSequential(
		NewConv2D("b.expand", ConvConfig{In: 8, Out: 24, Kernel: 1, Stride: 1}, rng), NewBatchNorm("b.bn1", 24), NewReLU6(),
		NewConv2D("b.dw", ConvConfig{In: 24, Out: 24, Kernel: 5, Stride: 1, Padding: 2, Groups: 24}, rng), NewBatchNorm("b.bn2", 24), NewReLU6(),
		NewConv2D("b.project", ConvConfig{In: 24, Out: 8, Kernel: 1, Stride: 1, Groups: 2}, rng), NewBatchNorm("b.bn3", 8),
		NewChannelShuffle(2),
	))
	mix := NewMix(block, Identity{})
	copy(mix.Weights, []float32{0.7, 0.3})
	net := NewSequential(
		NewConv2D("stem", ConvConfig{In: 1, Out: 8, Kernel: 3, Stride: 1, Padding: 1}, rng), NewBatchNorm("stem.bn", 8), NewReLU(),
		mix,
		NewConv2D("down", ConvConfig{In: 8, Out: 16, Kernel: 3, Stride: 2, Padding: 1, Bias: true}, rng), NewReLU(),
		NewGlobalAvgPool(),
		NewLinear("fc", 16, 10, rng),
	)
	net.SkipInputGrad()
	return net
}

// TestDeterministicTraining trains 20 steps from a fixed seed and compares
// the sha256 of the weights with testdata/determinism.sha256. The same value
// must come out natively (GOAMD64=v1 and v3), on arm64 and under wasm; all
// four were checked when the golden was written (arm64 under qemu-aarch64). The
// golden value is written by hand, never by the test: a change to it must be
// a deliberate change of the arithmetic, checked on every platform.
func TestDeterministicTraining(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	net := determinismNet(rng)
	params := net.Params()
	sgd := NewSGD(params, 0.1, 0.9, 5e-4)
	mix := net.Layers[3].(*Mix)
	var loss SoftmaxCrossEntropy
	const steps = 20
	for step := range steps {
		x, labels := batchOf(rng, 8, 12, 12, 1, 10)
		sgd.LR = CosineLR(0.1, 0.001, step, steps)
		TrainStep(net, params, &loss, sgd, x, labels, 2)
		// Move the mixing weights along their gradient, as an arch step would.
		for i, g := range mix.WeightGrads {
			mix.Weights[i] -= float32(0.01 * g)
		}
	}
	// A separate Adam run over the same network's weights.
	adam := NewAdam(params, 3e-4, 0.5, 0.999)
	for range 5 {
		x, labels := batchOf(rng, 8, 12, 12, 1, 10)
		TrainStep(net, params, &loss, adam, x, labels, 0)
	}
	got := HashParams(params)
	want, err := os.ReadFile("testdata/determinism.sha256")
	if err != nil {
		t.Fatalf("reading the golden hash: %v (this run's hash: %s)", err, got)
	}
	if w := strings.TrimSpace(string(want)); got != w {
		t.Errorf("sha256 of the weights after training = %s, want %s (testdata/determinism.sha256)", got, w)
	}
}
