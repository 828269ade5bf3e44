package supernet

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel/onnx"
	"github.com/dian-explorer/dian/core/nn"
)

// ONNXOpset is the ONNX opset ONNX writes.
const ONNXOpset = 13

// ONNXInput says how the dataset's stored pixels became the network's
// inputs (data.Dataset's MaxValue, Downscaled, Mean and Std).
type ONNXInput struct {
	MaxValue, Mean, Std float32
	Downscaled          bool
}

// ONNX writes the network path derives from s, with s's trained weights, as
// an ONNX model: input "pixels", the dataset's images as stored (uint8,
// N×1×H×W), turned into the network's inputs inside the graph as the
// dataset loader does it (in its order of operations); output "logits",
// N×classes. Batch norms are kept as
// BatchNormalization nodes with their running statistics (evaluation
// mode), so the graph computes what the search's network computes.
// Grouped pointwise ops (fbnet-g2's channel shuffle) and images with more
// than one channel are refused.
func (s *Supernet) ONNX(path Path, in ONNXInput, name string) ([]byte, error) {
	sp := s.Space
	if sp.InC != 1 {
		return nil, fmt.Errorf("supernet: ONNX export of %d-channel images (accepted: 1)", sp.InC)
	}
	if len(path) != len(s.Blocks) {
		return nil, fmt.Errorf("supernet: a path of %d ops for %d blocks", len(path), len(s.Blocks))
	}
	if !(in.MaxValue > 0 && in.Std > 0) {
		return nil, fmt.Errorf("supernet: ONNX export needs the dataset's pixel scale and standard deviation")
	}
	h, wd := int64(sp.InH), int64(sp.InW)
	if in.Downscaled {
		h, wd = 2*h, 2*wd
	}
	w := &onnxWriter{g: onnx.Graph{Name: name}}
	w.g.Inputs = []onnx.Value{{Name: "pixels", Elem: onnx.Uint8, Dims: []int64{-1, 1, h, wd}}}
	scalar := func(name string, v float32) string {
		w.g.Initializers = append(w.g.Initializers, onnx.Tensor{Name: name, Dims: []int64{}, Float: []float32{v}})
		return name
	}
	x := w.node("Cast", "cast", []string{"pixels"}, "", onnx.Attr{Name: "to", Kind: onnx.AttrInt, Int: onnx.Float32})
	x = w.node("Div", "scale", []string{x, scalar("max_value", in.MaxValue)}, "")
	if in.Downscaled {
		x = w.node("AveragePool", "downscale", []string{x}, "",
			onnx.Attr{Name: "kernel_shape", Kind: onnx.AttrInts, Ints: []int64{2, 2}},
			onnx.Attr{Name: "strides", Kind: onnx.AttrInts, Ints: []int64{2, 2}})
	}
	x = w.node("Sub", "center", []string{x, scalar("mean", in.Mean)}, "")
	x = w.node("Mul", "standardise", []string{x, scalar("inv_std", 1/in.Std)}, "")
	bi := 0
	for _, l := range s.Net.Layers {
		var err error
		switch l := l.(type) {
		case *Block:
			x, err = w.block(l, path[bi], x)
			bi++
		case *nn.Linear:
			// Our activations are N×H×W×C: flatten in that order.
			t := w.node("Transpose", "to_nhwc", []string{x}, "", onnx.Attr{Name: "perm", Kind: onnx.AttrInts, Ints: []int64{0, 2, 3, 1}})
			f := w.node("Flatten", "flatten", []string{t}, "", onnx.Attr{Name: "axis", Kind: onnx.AttrInt, Int: 1})
			wn := w.weight(l.Weight.Name, []int64{int64(l.In), int64(l.Out)}, l.Weight.Value.Data)
			bn := w.weight(l.Bias.Name, []int64{int64(l.Out)}, l.Bias.Value.Data)
			w.g.Nodes = append(w.g.Nodes, onnx.Node{Op: "Gemm", Name: "fc", In: []string{f, wn, bn}, Out: []string{"logits"}})
			x = "logits"
		default:
			x, err = w.layer(l, x)
		}
		if err != nil {
			return nil, err
		}
	}
	if x != "logits" {
		return nil, fmt.Errorf("supernet: the network does not end in its classifier")
	}
	w.g.Outputs = []onnx.Value{{Name: "logits", Elem: onnx.Float32, Dims: []int64{-1, int64(sp.Classes)}}}
	return w.g.Encode("dian", ONNXOpset), nil
}

type onnxWriter struct {
	g onnx.Graph
	n int
}

// node appends an operator and returns its output's name (out, or a fresh
// one when out is empty).
func (w *onnxWriter) node(op, name string, in []string, out string, attrs ...onnx.Attr) string {
	w.n++
	if out == "" {
		out = fmt.Sprintf("%s.%d", name, w.n)
	}
	w.g.Nodes = append(w.g.Nodes, onnx.Node{Op: op, Name: fmt.Sprintf("%s_%d", name, w.n), In: in, Out: []string{out}, Attrs: attrs})
	return out
}

func (w *onnxWriter) weight(name string, dims []int64, data []float32) string {
	w.g.Initializers = append(w.g.Initializers, onnx.Tensor{Name: name, Dims: dims, Float: append([]float32(nil), data...)})
	return name
}

// block writes a block with its op at index op: the shortcut plus the op's
// residual (skip adds nothing).
func (w *onnxWriter) block(b *Block, op int, x string) (string, error) {
	short, err := w.layer(b.Shortcut, x)
	if err != nil {
		return "", err
	}
	if op < 0 || op >= len(b.Cands) {
		return "", fmt.Errorf("supernet: op %d of block %s", op, b.Spec.Name)
	}
	if _, skip := b.Cands[op].(*zeros); skip {
		return short, nil
	}
	r, err := w.layer(b.Cands[op], x)
	if err != nil {
		return "", err
	}
	return w.node("Add", b.Spec.Name+".add", []string{short, r}, ""), nil
}

// layer writes one layer of the network (or a sequence of them).
func (w *onnxWriter) layer(l nn.Layer, x string) (string, error) {
	switch l := l.(type) {
	case nn.Identity:
		return x, nil
	case *nn.Sequential:
		for _, c := range l.Layers {
			var err error
			if x, err = w.layer(c, x); err != nil {
				return "", err
			}
		}
		return x, nil
	case *nn.QConv:
		// Evaluation's fake quantization of the input, node by node as
		// nn.FakeQuant computes it, then the convolution of the quantized
		// weights.
		bits, ok := l.Width()
		if !ok {
			return "", fmt.Errorf("supernet: ONNX export of %s: its widths are mixed; export a derived network (one width per op)", l.Conv.Weight.Name)
		}
		lo, hi, seen := l.EvalRange()
		if !seen {
			return "", fmt.Errorf("supernet: ONNX export of %s: no training batch has set its input range", l.Conv.Weight.Name)
		}
		if hi > lo {
			name := l.Conv.Weight.Name + ".quant"
			scalar := func(suffix string, v float32) string {
				w.g.Initializers = append(w.g.Initializers, onnx.Tensor{Name: name + suffix, Dims: []int64{}, Float: []float32{v}})
				return name + suffix
			}
			lon, scale := scalar(".lo", lo), scalar(".scale", nn.QuantScale(lo, hi, bits))
			x = w.node("Clip", name+".clip", []string{x, lon, scalar(".hi", hi)}, "")
			x = w.node("Sub", name+".shift", []string{x, lon}, "")
			x = w.node("Div", name+".level", []string{x, scale}, "")
			x = w.node("Round", name+".round", []string{x}, "")
			x = w.node("Mul", name+".unscale", []string{x, scale}, "")
			x = w.node("Add", name+".unshift", []string{x, lon}, "")
		}
		return w.conv(l.Conv, l.QuantizedWeights(), x), nil
	case *nn.Conv2D:
		return w.conv(l, l.Weight.Value.Data, x), nil
	case *nn.BatchNorm:
		name := l.Gamma.Name
		c := []int64{int64(l.C)}
		in := []string{x, w.weight(name, c, l.Gamma.Value.Data), w.weight(l.Beta.Name, c, l.Beta.Value.Data),
			w.weight(name+".running_mean", c, l.RunningMean), w.weight(name+".running_var", c, l.RunningVar)}
		return w.node("BatchNormalization", name, in, "", onnx.Attr{Name: "epsilon", Kind: onnx.AttrFloat, Float: l.Eps}), nil
	case *nn.ReLU:
		if l.Max != 0 {
			return "", fmt.Errorf("supernet: ONNX export of a ReLU capped at %g", l.Max)
		}
		return w.node("Relu", "relu", []string{x}, ""), nil
	}
	return "", fmt.Errorf("supernet: ONNX export of a %T layer is not supported (the fbnet op set exports; fbnet-g2's shuffle does not yet)", l)
}

// conv writes convolution l with weights src (HWIO, as l holds them).
func (w *onnxWriter) conv(l *nn.Conv2D, src []float32, x string) string {
	c := l.Cfg
	g := max(1, c.Groups)
	cig := c.In / g
	// HWIO (k, k, in/groups, out) to ONNX's OIHW.
	dst := make([]float32, len(src))
	for kh := 0; kh < c.Kernel; kh++ {
		for kw := 0; kw < c.Kernel; kw++ {
			for i := 0; i < cig; i++ {
				for o := 0; o < c.Out; o++ {
					dst[((o*cig+i)*c.Kernel+kh)*c.Kernel+kw] = src[((kh*c.Kernel+kw)*cig+i)*c.Out+o]
				}
			}
		}
	}
	in := []string{x, w.weight(l.Weight.Name, []int64{int64(c.Out), int64(cig), int64(c.Kernel), int64(c.Kernel)}, dst)}
	if l.Bias != nil {
		in = append(in, w.weight(l.Bias.Name, []int64{int64(c.Out)}, l.Bias.Value.Data))
	}
	p := int64(c.Padding)
	return w.node("Conv", l.Weight.Name, in, "",
		onnx.Attr{Name: "kernel_shape", Kind: onnx.AttrInts, Ints: []int64{int64(c.Kernel), int64(c.Kernel)}},
		onnx.Attr{Name: "strides", Kind: onnx.AttrInts, Ints: []int64{int64(c.Stride), int64(c.Stride)}},
		onnx.Attr{Name: "pads", Kind: onnx.AttrInts, Ints: []int64{p, p, p, p}},
		onnx.Attr{Name: "group", Kind: onnx.AttrInt, Int: int64(g)})
}
