package nn

import "github.com/dian-explorer/dian/core/tensor"

// Optimizer updates parameters from their accumulated gradients.
type Optimizer interface {
	Step()
}

// TrainStep runs one step of supervised training of net on a batch: zero the
// gradients, forward in training mode, softmax cross-entropy against labels,
// backward, optional gradient-norm clipping (clip > 0), and opt.Step. It
// returns the batch's mean loss. In steady state it does not allocate.
func TrainStep(net Layer, params []*Param, loss *SoftmaxCrossEntropy, opt Optimizer, x *tensor.Tensor, labels []int32, clip float32) float32 {
	ZeroGrad(params)
	l := loss.Forward(net.Forward(x, true), labels)
	net.Backward(loss.Backward())
	if clip > 0 {
		ClipGradNorm(params, clip)
	}
	opt.Step()
	return l
}
