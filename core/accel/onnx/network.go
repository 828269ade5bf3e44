package onnx

import (
	"fmt"
	"path"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
)

// Ops lists the operators Read understands: the ones that become layers
// and the ones whose shapes it follows.
var Ops = []string{"Conv", "Gemm", "MatMul", "BatchNormalization", "Relu", "Clip", "Add",
	"MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape",
	"Identity", "Dropout", "Constant"}

// Read reads an ONNX model's convolutions and fully connected layers into
// a network, in graph order; file names the model in errors. The graph's
// one data input must be N×C×H×W (a symbolic batch reads as 1).
func Read(file string, b []byte) (*accel.Network, error) {
	m, err := parseModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	r := reader{file: file, g: &m.graph, shapes: map[string][]int64{}, consts: map[string][]int64{}, names: map[string]bool{}}
	return r.network()
}

type reader struct {
	file   string
	g      *graph
	shapes map[string][]int64 // a tensor's shape as the graph computes it
	consts map[string][]int64 // int64 constants (Reshape targets)
	names  map[string]bool
	net    accel.Network
}

func (r *reader) errf(n *node, format string, args ...any) error {
	return fmt.Errorf("%s: node %q (%s): %s", r.file, n.name, n.opType, fmt.Sprintf(format, args...))
}

func (r *reader) network() (*accel.Network, error) {
	r.net.Name = r.g.name
	if r.net.Name == "" {
		r.net.Name = strings.TrimSuffix(path.Base(r.file), ".onnx")
	}
	for name, t := range r.g.initializers {
		r.shapes[name] = t.dims
		if t.ints != nil {
			r.consts[name] = t.ints
		}
	}
	var data []valueInfo
	for _, in := range r.g.inputs {
		if _, isWeight := r.g.initializers[in.name]; !isWeight {
			data = append(data, in)
		}
	}
	if len(data) != 1 {
		return nil, fmt.Errorf("%s: the graph has %d data inputs; accepted one image tensor N×C×H×W", r.file, len(data))
	}
	in := append([]int64(nil), data[0].dims...)
	if len(in) != 4 {
		return nil, fmt.Errorf("%s: input %q has shape %v; accepted N×C×H×W", r.file, data[0].name, in)
	}
	if in[0] < 1 {
		in[0] = 1 // a symbolic batch
	}
	for i, d := range in[1:] {
		if d < 1 || d > 1<<16 {
			return nil, fmt.Errorf("%s: input %q dimension %d is %d; accepted 1..65536", r.file, data[0].name, i+1, d)
		}
	}
	r.shapes[data[0].name] = in
	for i := range r.g.nodes {
		if err := r.node(&r.g.nodes[i], i); err != nil {
			return nil, err
		}
	}
	if len(r.net.Layers) == 0 {
		return nil, fmt.Errorf("%s: no Conv, Gemm or MatMul layer", r.file)
	}
	if err := r.net.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", r.file, err)
	}
	return &r.net, nil
}

// attrInts returns an ints attribute of length n, or def when absent.
func (r *reader) attrInts(n *node, name string, count int, def int64) ([]int64, error) {
	a, ok := n.attrs[name]
	if !ok || len(a.ints) == 0 {
		out := make([]int64, count)
		for i := range out {
			out[i] = def
		}
		return out, nil
	}
	if len(a.ints) != count {
		return nil, r.errf(n, "attribute %s has %d values, want %d", name, len(a.ints), count)
	}
	for _, v := range a.ints {
		if v < 0 || v > 1<<16 {
			return nil, r.errf(n, "attribute %s = %v; accepted values 0..65536", name, a.ints)
		}
	}
	return a.ints, nil
}

// window reads a 2-D window's kernel, strides and pads (top, left,
// bottom, right) for an input of h×w, resolving auto_pad.
func (r *reader) window(n *node, h, w, kh, kw int64) (sh, sw, pt, pl, pb, pr int64, err error) {
	strides, err := r.attrInts(n, "strides", 2, 1)
	if err != nil {
		return
	}
	sh, sw = strides[0], strides[1]
	if sh < 1 || sw < 1 {
		err = r.errf(n, "strides %v; accepted ≥ 1", strides)
		return
	}
	if d, derr := r.attrInts(n, "dilations", 2, 1); derr != nil || d[0] != 1 || d[1] != 1 {
		if derr != nil {
			return 0, 0, 0, 0, 0, 0, derr
		}
		err = r.errf(n, "dilations %v; accepted 1, 1", d)
		return
	}
	pads, err := r.attrInts(n, "pads", 4, 0)
	if err != nil {
		return
	}
	pt, pl, pb, pr = pads[0], pads[1], pads[2], pads[3]
	switch auto := n.attrs["auto_pad"].s; auto {
	case "", "NOTSET", "VALID":
		if auto == "VALID" {
			pt, pl, pb, pr = 0, 0, 0, 0
		}
	case "SAME_UPPER", "SAME_LOWER":
		same := func(x, k, s int64) (lo, hi int64) {
			total := max(0, ((x+s-1)/s-1)*s+k-x)
			lo, hi = total/2, total-total/2
			if auto == "SAME_LOWER" {
				lo, hi = hi, lo
			}
			return
		}
		pt, pb = same(h, kh, sh)
		pl, pr = same(w, kw, sw)
	default:
		err = r.errf(n, "auto_pad %q; accepted NOTSET, VALID, SAME_UPPER, SAME_LOWER", auto)
		return
	}
	if h+pt+pb < kh || w+pl+pr < kw {
		err = r.errf(n, "a %d×%d window does not fit the %d×%d input with pads %v", kh, kw, h, w, pads)
	}
	return
}

// input returns the shape of a node's i-th input.
func (r *reader) input(n *node, i int) ([]int64, error) {
	if i >= len(n.inputs) || n.inputs[i] == "" {
		return nil, r.errf(n, "input %d is missing", i)
	}
	s, ok := r.shapes[n.inputs[i]]
	if !ok {
		return nil, r.errf(n, "input %q has no known shape (no earlier node or initializer makes it)", n.inputs[i])
	}
	return s, nil
}

func (r *reader) setOutput(n *node, shape []int64) error {
	if len(n.outputs) == 0 {
		return r.errf(n, "no output")
	}
	r.shapes[n.outputs[0]] = shape
	return nil
}

// addLayer appends a layer under a unique name.
func (r *reader) addLayer(n *node, i int, l accel.Layer, role accel.Role) error {
	name := n.name
	if name == "" {
		name = fmt.Sprintf("%s_%d", strings.ToLower(n.opType), i)
	}
	for k := 2; r.names[name]; k++ {
		name = fmt.Sprintf("%s_%d", n.name, k)
	}
	r.names[name] = true
	l.Name = name
	if err := l.Validate(); err != nil {
		return r.errf(n, "%v", err)
	}
	if role == accel.RoleBody && len(r.net.Layers) == 0 {
		role = accel.RoleStem
	}
	r.net.Layers = append(r.net.Layers, accel.NetworkLayer{Layer: l, Role: role})
	return nil
}

func (r *reader) node(n *node, i int) error {
	if n.domain != "" && n.domain != "ai.onnx" {
		return r.errf(n, "domain %q; accepted the default ONNX domain", n.domain)
	}
	switch n.opType {
	case "Conv":
		x, err := r.input(n, 0)
		if err != nil {
			return err
		}
		wt, ok := r.g.initializers[inputName(n, 1)]
		if len(x) != 4 || !ok || len(wt.dims) != 4 {
			return r.errf(n, "a 2-D convolution of an N×C×H×W input with a K×C×R×S weight initializer, got input %v, weight %v", x, wt.dims)
		}
		g := int64(1)
		if a, ok := n.attrs["group"]; ok {
			g = a.i
		}
		k, cg, kh, kw := wt.dims[0], wt.dims[1], wt.dims[2], wt.dims[3]
		if g < 1 || x[1]%g != 0 || x[1]/g != cg || k%g != 0 {
			return r.errf(n, "group %d with %d input channels and a weight of %v", g, x[1], wt.dims)
		}
		if ks, err := r.attrInts(n, "kernel_shape", 2, 0); err != nil {
			return err
		} else if ks[0] != 0 && (ks[0] != kh || ks[1] != kw) {
			return r.errf(n, "kernel_shape %v disagrees with the weight's %d×%d", ks, kh, kw)
		}
		sh, sw, pt, pl, pb, pr, err := r.window(n, x[2], x[3], kh, kw)
		if err != nil {
			return err
		}
		// accel.Layer pads both sides alike: an odd extra pad goes into
		// the input, which keeps the output size and MACs exact.
		ph, pw := min(pt, pb), min(pl, pr)
		l := accel.Layer{N: int(x[0]), InC: int(x[1]), K: int(k), H: int(x[2] + pt + pb - 2*ph), W: int(x[3] + pl + pr - 2*pw),
			R: int(kh), S: int(kw), StrideH: int(sh), StrideW: int(sw), PadH: int(ph), PadW: int(pw), Groups: int(g)}
		if err := r.addLayer(n, i, l, accel.RoleBody); err != nil {
			return err
		}
		return r.setOutput(n, []int64{x[0], k, int64(l.P()), int64(l.Q())})
	case "Gemm", "MatMul":
		x, err := r.input(n, 0)
		if err != nil {
			return err
		}
		wt, ok := r.g.initializers[inputName(n, 1)]
		if len(x) != 2 || !ok || len(wt.dims) != 2 {
			return r.errf(n, "an N×F input times an F×K weight initializer, got input %v, weight %v", x, wt.dims)
		}
		f, k := wt.dims[0], wt.dims[1]
		if n.opType == "Gemm" {
			if n.attrs["transA"].i != 0 {
				return r.errf(n, "transA = 1 is not supported")
			}
			if n.attrs["transB"].i != 0 {
				f, k = k, f
			}
		}
		if f != x[1] || k < 1 || k > 1<<20 {
			return r.errf(n, "a weight of %v for %d input features", wt.dims, x[1])
		}
		l := accel.Layer{N: int(x[0]), InC: int(f), K: int(k), H: 1, W: 1, R: 1, S: 1}
		if err := r.addLayer(n, i, l, accel.RoleFC); err != nil {
			return err
		}
		return r.setOutput(n, []int64{x[0], k})
	case "BatchNormalization", "Relu", "Clip", "Identity", "Dropout":
		x, err := r.input(n, 0)
		if err != nil {
			return err
		}
		return r.setOutput(n, x)
	case "Add":
		x, err := r.input(n, 0)
		if err != nil {
			return err
		}
		y, err := r.input(n, 1)
		if err != nil {
			return err
		}
		if fmt.Sprint(x) != fmt.Sprint(y) {
			if _, isConst := r.g.initializers[n.inputs[1]]; !isConst {
				return r.errf(n, "adds shapes %v and %v", x, y)
			}
		}
		return r.setOutput(n, x)
	case "MaxPool", "AveragePool":
		x, err := r.input(n, 0)
		if err != nil {
			return err
		}
		ks, err := r.attrInts(n, "kernel_shape", 2, 0)
		if err != nil {
			return err
		}
		if len(x) != 4 || ks[0] < 1 || ks[1] < 1 {
			return r.errf(n, "a 2-D pool of an N×C×H×W input, got input %v, kernel %v", x, ks)
		}
		sh, sw, pt, pl, pb, pr, err := r.window(n, x[2], x[3], ks[0], ks[1])
		if err != nil {
			return err
		}
		ceil := n.attrs["ceil_mode"].i != 0
		out := func(in, k, s, lo, hi int64) int64 {
			span := in + lo + hi - k
			if ceil {
				return (span+s-1)/s + 1
			}
			return span/s + 1
		}
		return r.setOutput(n, []int64{x[0], x[1], out(x[2], ks[0], sh, pt, pb), out(x[3], ks[1], sw, pl, pr)})
	case "GlobalAveragePool", "GlobalMaxPool":
		x, err := r.input(n, 0)
		if err != nil {
			return err
		}
		if len(x) != 4 {
			return r.errf(n, "input %v; accepted N×C×H×W", x)
		}
		return r.setOutput(n, []int64{x[0], x[1], 1, 1})
	case "Flatten":
		x, err := r.input(n, 0)
		if err != nil {
			return err
		}
		axis := int64(1)
		if a, ok := n.attrs["axis"]; ok {
			axis = a.i
		}
		if axis != 1 {
			return r.errf(n, "axis %d; accepted 1 (N × features)", axis)
		}
		return r.setOutput(n, []int64{x[0], product(x[1:])})
	case "Reshape":
		x, err := r.input(n, 0)
		if err != nil {
			return err
		}
		target, ok := r.consts[inputName(n, 1)]
		if !ok || len(target) != 2 {
			return r.errf(n, "a reshape to N × features with a constant 2-value target, got %v", target)
		}
		f := target[1]
		if f == -1 || (f == product(x[1:]) && (target[0] == x[0] || target[0] <= 0)) || (target[0] == -1 && f == product(x[1:])) {
			return r.setOutput(n, []int64{x[0], product(x[1:])})
		}
		return r.errf(n, "reshape %v to %v; accepted N × features", x, target)
	case "Constant":
		a, ok := n.attrs["value"]
		if !ok || !a.hasT {
			return r.errf(n, "a Constant without a tensor value")
		}
		if len(n.outputs) > 0 {
			r.shapes[n.outputs[0]] = a.t.dims
			if a.t.ints != nil {
				r.consts[n.outputs[0]] = a.t.ints
			}
		}
		return nil
	}
	return r.errf(n, "operator %s is not supported (accepted: %s)", n.opType, strings.Join(Ops, ", "))
}

func inputName(n *node, i int) string {
	if i < len(n.inputs) {
		return n.inputs[i]
	}
	return ""
}

func product(v []int64) int64 {
	p := int64(1)
	for _, x := range v {
		p *= x
	}
	return p
}
