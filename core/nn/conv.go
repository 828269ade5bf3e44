package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/tensor"
)

// ConvConfig describes a 2-d convolution over NHWC input. Padding is applied
// on every side; Groups splits input and output channels into independent
// groups (Groups = In = Out is a depthwise convolution).
type ConvConfig struct {
	In, Out        int
	Kernel, Stride int
	Padding        int
	Groups         int  // 0 means 1
	Bias           bool // add a learned per-channel bias
}

// Conv2D is a grouped 2-d convolution with weights in HWIO layout
// [Kernel, Kernel, In/Groups, Out]. Depthwise convolutions run a direct
// kernel, 1×1 stride-1 convolutions a single GEMM on the input, and the rest
// im2col + GEMM per group.
type Conv2D struct {
	Cfg    ConvConfig
	Weight *Param
	Bias   *Param // nil without bias

	noInputGrad bool
	x           *tensor.Tensor
	geom        tensor.ConvGeom
	col, dcol   []float32
	y, dx       tensor.Tensor
}

// NewConv2D returns a convolution initialised with He-uniform weights
// (bound √(6/fan_in)) drawn from rng, and zero bias. It panics if the
// channels are not divisible by the groups.
func NewConv2D(name string, cfg ConvConfig, rng *rand.Rand) *Conv2D {
	if cfg.Groups == 0 {
		cfg.Groups = 1
	}
	if cfg.In <= 0 || cfg.Out <= 0 || cfg.Kernel <= 0 || cfg.Stride <= 0 || cfg.Padding < 0 ||
		cfg.In%cfg.Groups != 0 || cfg.Out%cfg.Groups != 0 {
		panic(fmt.Sprintf("nn: invalid convolution %s: %+v", name, cfg))
	}
	c := &Conv2D{Cfg: cfg}
	cig := cfg.In / cfg.Groups
	c.Weight = newParam(name+".weight", false, cfg.Kernel, cfg.Kernel, cig, cfg.Out)
	fanIn := cfg.Kernel * cfg.Kernel * cig
	UniformInit(c.Weight.Value.Data, float32(math.Sqrt(6/float64(fanIn))), rng)
	if cfg.Bias {
		c.Bias = newParam(name+".bias", true, cfg.Out)
	}
	return c
}

// UniformInit fills w with values drawn uniformly from [-bound, bound).
func UniformInit(w []float32, bound float32, rng *rand.Rand) {
	for i := range w {
		u := float64(rng.Float64()) // a conversion: rand inlines a product that must not fuse
		w[i] = float32(float64(bound) * (float64(u+u) - 1))
	}
}

func (c *Conv2D) skipInputGrad() { c.noInputGrad = true }

func (c *Conv2D) depthwise() bool { return c.Cfg.Groups == c.Cfg.In && c.Cfg.In == c.Cfg.Out }

func (c *Conv2D) pointwise() bool {
	return c.Cfg.Kernel == 1 && c.Cfg.Stride == 1 && c.Cfg.Padding == 0
}

// Forward computes the convolution of x ([N, H, W, In]).
func (c *Conv2D) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	n, h, w, ch := x.Dims4()
	cfg := &c.Cfg
	if ch != cfg.In {
		panic(fmt.Sprintf("nn: %s expects %d input channels, got shape %v", c.Weight.Name, cfg.In, x.Shape))
	}
	c.x = x
	c.geom = tensor.NewConvGeom(n, h, w, ch, cfg.Kernel, cfg.Kernel, cfg.Stride, cfg.Stride, cfg.Padding, cfg.Padding)
	g := &c.geom
	rows := g.Rows()
	c.y.Resize(n, g.OH, g.OW, cfg.Out)
	y := c.y.Data
	wt := c.Weight.Value.Data
	if c.depthwise() {
		tensor.DepthwiseConv(y, x.Data, wt, g)
		if c.Bias != nil {
			b := c.Bias.Value.Data
			for r := 0; r < rows; r++ {
				for j, v := range b {
					y[r*cfg.Out+j] += v
				}
			}
		}
		return &c.y
	}
	if c.Bias != nil {
		b := c.Bias.Value.Data
		for r := 0; r < rows; r++ {
			copy(y[r*cfg.Out:][:cfg.Out], b)
		}
	} else {
		clear(y)
	}
	switch {
	case c.pointwise():
		cig, cog := cfg.In/cfg.Groups, cfg.Out/cfg.Groups
		for gi := 0; gi < cfg.Groups; gi++ {
			tensor.Gemm(false, false, rows, cog, cig, x.Data[gi*cig:], cfg.In, wt[gi*cog:], cfg.Out, y[gi*cog:], cfg.Out)
		}
	default:
		cig, cog := cfg.In/cfg.Groups, cfg.Out/cfg.Groups
		k := cfg.Kernel * cfg.Kernel * cig
		c.growCol(cfg.Groups * rows * k)
		for gi := 0; gi < cfg.Groups; gi++ {
			col := c.col[gi*rows*k:]
			tensor.Im2col(col, x.Data, g, gi*cig, cig)
			tensor.Gemm(false, false, rows, cog, k, col, k, wt[gi*cog:], cfg.Out, y[gi*cog:], cfg.Out)
		}
	}
	return &c.y
}

func (c *Conv2D) growCol(n int) {
	if cap(c.col) < n {
		c.col = make([]float32, n)
	}
	c.col = c.col[:n]
}

// Backward: dW = colᵀ·dY and dcol = dY·Wᵀ per group (col2im folds dcol back
// onto dX); the depthwise kernel walks the forward loop nest; db = Σ dY.
func (c *Conv2D) Backward(dy *tensor.Tensor) *tensor.Tensor {
	cfg := &c.Cfg
	g := &c.geom
	rows := g.Rows()
	if len(dy.Data) != rows*cfg.Out {
		panic(fmt.Sprintf("nn: %s backward: dy has shape %v, want [%d %d %d %d]", c.Weight.Name, dy.Shape, g.N, g.OH, g.OW, cfg.Out))
	}
	if c.Bias != nil {
		tensor.ColSumsAdd(c.Bias.Grad.Data, dy.Data, rows, cfg.Out, cfg.Out)
	}
	var dx []float32
	if !c.noInputGrad {
		c.dx.ResizeLike(c.x)
		c.dx.Zero()
		dx = c.dx.Data
	}
	wt, dw := c.Weight.Value.Data, c.Weight.Grad.Data
	switch {
	case c.depthwise():
		tensor.DepthwiseConvBackward(dx, dw, c.x.Data, wt, dy.Data, g)
	case c.pointwise():
		cig, cog := cfg.In/cfg.Groups, cfg.Out/cfg.Groups
		for gi := 0; gi < cfg.Groups; gi++ {
			tensor.Gemm(true, false, cig, cog, rows, c.x.Data[gi*cig:], cfg.In, dy.Data[gi*cog:], cfg.Out, dw[gi*cog:], cfg.Out)
			if dx != nil {
				tensor.Gemm(false, true, rows, cig, cog, dy.Data[gi*cog:], cfg.Out, wt[gi*cog:], cfg.Out, dx[gi*cig:], cfg.In)
			}
		}
	default:
		cig, cog := cfg.In/cfg.Groups, cfg.Out/cfg.Groups
		k := cfg.Kernel * cfg.Kernel * cig
		if dx != nil && cap(c.dcol) < rows*k {
			c.dcol = make([]float32, rows*k)
		}
		for gi := 0; gi < cfg.Groups; gi++ {
			col := c.col[gi*rows*k:]
			tensor.Gemm(true, false, k, cog, rows, col, k, dy.Data[gi*cog:], cfg.Out, dw[gi*cog:], cfg.Out)
			if dx != nil {
				dcol := c.dcol[:rows*k]
				clear(dcol)
				tensor.Gemm(false, true, rows, k, cog, dy.Data[gi*cog:], cfg.Out, wt[gi*cog:], cfg.Out, dcol, k)
				tensor.Col2imAdd(dx, dcol, g, gi*cig, cig)
			}
		}
	}
	if dx == nil {
		return nil
	}
	return &c.dx
}

// Params returns the weight and, if present, the bias.
func (c *Conv2D) Params() []*Param {
	if c.Bias != nil {
		return []*Param{c.Weight, c.Bias}
	}
	return []*Param{c.Weight}
}
