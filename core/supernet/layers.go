package supernet

import (
	"fmt"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/nn"
)

// convBNReLU is conv → batch norm → (ReLU when relu).
func convBNReLU(name string, cfg nn.ConvConfig, relu bool, rng *rand.Rand, bns *[]*nn.BatchNorm) []nn.Layer {
	bn := nn.NewBatchNorm(name+".bn", cfg.Out)
	*bns = append(*bns, bn)
	layers := []nn.Layer{nn.NewConv2D(name, cfg, rng), bn}
	if relu {
		layers = append(layers, nn.NewReLU())
	}
	return layers
}

// newOpLayer builds candidate op o for block b: an inverted residual
// (1×1 expand → k×k depthwise → 1×1 project, each with batch norm, ReLU
// after the first two, a channel shuffle after the first when grouped, and
// a residual connection when the shape is kept), or skip: the identity, or
// a 1×1 projection when the block changes stride or channels.
func newOpLayer(b BlockSpec, o Op, rng *rand.Rand, bns *[]*nn.BatchNorm) nn.Layer {
	name := b.Name + "." + o.Name
	keeps := b.In == b.Out && b.Stride == 1
	if o.IsSkip() {
		if keeps {
			return nn.Identity{}
		}
		return nn.NewSequential(convBNReLU(name+".proj", nn.ConvConfig{In: b.In, Out: b.Out, Kernel: 1, Stride: b.Stride}, true, rng, bns)...)
	}
	mid := b.In * o.Expand
	g := o.Groups
	if b.In%g != 0 || mid%g != 0 || b.Out%g != 0 {
		panic(fmt.Sprintf("supernet: %s: channels %d→%d→%d not divisible by %d groups", name, b.In, mid, b.Out, g))
	}
	var layers []nn.Layer
	layers = append(layers, convBNReLU(name+".pw1", nn.ConvConfig{In: b.In, Out: mid, Kernel: 1, Stride: 1, Groups: g}, true, rng, bns)...)
	if g > 1 {
		layers = append(layers, nn.NewChannelShuffle(g))
	}
	layers = append(layers, convBNReLU(name+".dw", nn.ConvConfig{In: mid, Out: mid, Kernel: o.Kernel, Stride: b.Stride, Padding: o.Kernel / 2, Groups: mid}, true, rng, bns)...)
	layers = append(layers, convBNReLU(name+".pw2", nn.ConvConfig{In: mid, Out: b.Out, Kernel: 1, Stride: 1, Groups: g}, false, rng, bns)...)
	body := nn.NewSequential(layers...)
	if keeps {
		return nn.NewResidual(body)
	}
	return body
}
