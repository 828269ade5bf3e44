package nn

import "math/rand/v2"

// NewReferenceCNN builds the TF.js baseline network of
// bench/tfjs/README.md for 28×28×1 input and 10 classes (1,338
// parameters, 128,112 forward MACs per image): conv 3×3 1→8, depthwise 3×3
// stride 2, conv 1×1 8→16, depthwise 3×3 stride 2, conv 1×1 16→32 (all with
// bias and ReLU), global average pool, dense 32→10. "Same" padding is one
// pixel on every side here; TF.js pads a stride-2 3×3 window on the bottom
// and right only, which gives the same output sizes and work.
func NewReferenceCNN(rng *rand.Rand) *Sequential {
	return NewSequential(
		NewConv2D("conv1", ConvConfig{In: 1, Out: 8, Kernel: 3, Stride: 1, Padding: 1, Bias: true}, rng), NewReLU(),
		NewConv2D("dw2", ConvConfig{In: 8, Out: 8, Kernel: 3, Stride: 2, Padding: 1, Groups: 8, Bias: true}, rng), NewReLU(),
		NewConv2D("pw3", ConvConfig{In: 8, Out: 16, Kernel: 1, Stride: 1, Bias: true}, rng), NewReLU(),
		NewConv2D("dw4", ConvConfig{In: 16, Out: 16, Kernel: 3, Stride: 2, Padding: 1, Groups: 16, Bias: true}, rng), NewReLU(),
		NewConv2D("pw5", ConvConfig{In: 16, Out: 32, Kernel: 1, Stride: 1, Bias: true}, rng), NewReLU(),
		NewGlobalAvgPool(),
		NewLinear("fc", 32, 10, rng),
	)
}
