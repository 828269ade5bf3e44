package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/nn"
	"github.com/dian-explorer/dian/core/tensor"
)

// A network is layers in containers; its backward pass comes for free.
func ExampleTrainStep() {
	rng := rand.New(rand.NewPCG(1, 2))
	net := nn.NewSequential(
		nn.NewConv2D("conv", nn.ConvConfig{In: 1, Out: 4, Kernel: 3, Stride: 1, Padding: 1}, rng),
		nn.NewBatchNorm("bn", 4), nn.NewReLU(),
		nn.NewGlobalAvgPool(),
		nn.NewLinear("fc", 4, 2, rng),
	)
	net.SkipInputGrad()
	params := net.Params()
	opt := nn.NewSGD(params, 0.1, 0.9, 0)
	var loss nn.SoftmaxCrossEntropy
	// Class 1 images are bright, class 0 dark.
	x := tensor.New(4, 5, 5, 1)
	labels := []int32{0, 1, 0, 1}
	for i := range x.Data {
		x.Data[i] = float32(labels[i/25])*2 - 1 + float32(rng.NormFloat64())*0.1
	}
	first := nn.TrainStep(net, params, &loss, opt, x, labels, 0)
	var last float32
	for range 30 {
		last = nn.TrainStep(net, params, &loss, opt, x, labels, 0)
	}
	fmt.Printf("loss from about ln 2 to under 0.05: %v, %d of 4 correct\n", first > 0.6 && first < 0.8 && last < 0.05, loss.Correct())
	// Output: loss from about ln 2 to under 0.05: true, 4 of 4 correct
}

// A Mix is the weighted sum of candidate blocks that a differentiable
// architecture search trains; Backward also yields the gradient with
// respect to the mixing weights.
func ExampleMix() {
	rng := rand.New(rand.NewPCG(3, 4))
	k3 := nn.NewConv2D("k3", nn.ConvConfig{In: 2, Out: 2, Kernel: 3, Stride: 1, Padding: 1, Groups: 2}, rng)
	k5 := nn.NewConv2D("k5", nn.ConvConfig{In: 2, Out: 2, Kernel: 5, Stride: 1, Padding: 2, Groups: 2}, rng)
	mix := nn.NewMix(k3, k5, nn.Identity{})
	copy(mix.Weights, []float32{0.2, 0.5, 0.3}) // e.g. a Gumbel-softmax sample
	x := tensor.New(1, 4, 4, 2)
	for i := range x.Data {
		x.Data[i] = float32(i%5) - 2
	}
	y := mix.Forward(x, true)
	dy := tensor.New(y.Shape...)
	for i := range dy.Data {
		dy.Data[i] = 1 // d(sum of outputs)/dy
	}
	mix.Backward(dy)
	fmt.Printf("dL/dweight[skip] = %.0f (the sum of the input)\n", mix.WeightGrads[2])
	// Output: dL/dweight[skip] = -3 (the sum of the input)
}
