package supernet

import (
	"fmt"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/nn"
	"github.com/dian-explorer/dian/core/tensor"
)

// convBNReLU is conv → batch norm → (ReLU when relu).
func convBNReLU(name string, cfg nn.ConvConfig, relu bool, rng *rand.Rand, bns *[]*nn.BatchNorm) []nn.Layer {
	return qconvBNReLU(name, cfg, relu, rng, bns, nil, nil)
}

// qconvBNReLU is convBNReLU whose convolution, when mix is set, trains
// quantization-aware at mix's widths (and is listed in qconvs). The
// convolution's weights are drawn the same way either way, so a supernet
// with a precision search starts from the same weights as one without.
func qconvBNReLU(name string, cfg nn.ConvConfig, relu bool, rng *rand.Rand, bns *[]*nn.BatchNorm, mix *nn.BitMix, qconvs *[]*nn.QConv) []nn.Layer {
	bn := nn.NewBatchNorm(name+".bn", cfg.Out)
	*bns = append(*bns, bn)
	var conv nn.Layer = nn.NewConv2D(name, cfg, rng)
	if mix != nil {
		q := nn.NewQConv(conv.(*nn.Conv2D), mix)
		*qconvs = append(*qconvs, q)
		conv = q
	}
	layers := []nn.Layer{conv, bn}
	if relu {
		layers = append(layers, nn.NewReLU())
	}
	return layers
}

// newShortcut is the path every candidate of block b adds to: the identity
// when the block keeps its shape, else a 1×1 projection (with batch norm).
// Sharing it across candidates anchors what each output channel means, so
// the next block sees consistent features whichever op was sampled; without
// it single-path training barely learns in a few hundred steps, because
// every candidate's channels start out meaning something different.
func newShortcut(b BlockSpec, rng *rand.Rand, bns *[]*nn.BatchNorm) nn.Layer {
	if b.In == b.Out && b.Stride == 1 {
		return nn.Identity{}
	}
	return nn.NewSequential(convBNReLU(b.Name+".short", nn.ConvConfig{In: b.In, Out: b.Out, Kernel: 1, Stride: b.Stride}, false, rng, bns)...)
}

// newOpLayer builds candidate op o for block b, the residual the block adds
// to its shortcut: an inverted residual (1×1 expand → k×k depthwise → 1×1
// project, each with batch norm, ReLU after the first two, a channel
// shuffle after the first when grouped), or for skip a layer of zeros.
// With mix, its three convolutions train quantization-aware at mix's
// widths.
func newOpLayer(b BlockSpec, o Op, rng *rand.Rand, bns *[]*nn.BatchNorm, mix *nn.BitMix, qconvs *[]*nn.QConv) nn.Layer {
	name := b.Name + "." + o.Name
	if o.IsSkip() {
		return &zeros{out: b.Out, stride: b.Stride}
	}
	mid := b.In * o.Expand
	g := o.Groups
	if b.In%g != 0 || mid%g != 0 || b.Out%g != 0 {
		panic(fmt.Sprintf("supernet: %s: channels %d→%d→%d not divisible by %d groups", name, b.In, mid, b.Out, g))
	}
	var layers []nn.Layer
	layers = append(layers, qconvBNReLU(name+".pw1", nn.ConvConfig{In: b.In, Out: mid, Kernel: 1, Stride: 1, Groups: g}, true, rng, bns, mix, qconvs)...)
	if g > 1 {
		layers = append(layers, nn.NewChannelShuffle(g))
	}
	layers = append(layers, qconvBNReLU(name+".dw", nn.ConvConfig{In: mid, Out: mid, Kernel: o.Kernel, Stride: b.Stride, Padding: o.Kernel / 2, Groups: mid}, true, rng, bns, mix, qconvs)...)
	layers = append(layers, qconvBNReLU(name+".pw2", nn.ConvConfig{In: mid, Out: b.Out, Kernel: 1, Stride: 1, Groups: g}, false, rng, bns, mix, qconvs)...)
	return nn.NewSequential(layers...)
}

// zeros is the skip candidate's residual: nothing is added to the shortcut.
type zeros struct {
	out, stride int
	y, dx       tensor.Tensor
}

func (z *zeros) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	n, h, w := x.Shape[0], x.Shape[1], x.Shape[2]
	z.y.Resize(n, (h+z.stride-1)/z.stride, (w+z.stride-1)/z.stride, z.out)
	z.y.Zero()
	z.dx.ResizeLike(x)
	return &z.y
}

func (z *zeros) Backward(dy *tensor.Tensor) *tensor.Tensor {
	z.dx.Zero()
	return &z.dx
}

func (z *zeros) Params() []*nn.Param { return nil }
