package loopnest

import (
	"fmt"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
)

// LayerOf reads a convolution written as a Timeloop problem back into a
// layer: dimensions C, M (or K), R, S, P, Q and optionally N and G;
// Weights, Inputs and Outputs; Inputs' rows Hstride·P + Hdilation·R and
// columns Wstride·Q + Wdilation·S (either order of the terms, either
// dimension order of the two ranks, as Timeloop's own files pair P with
// "Wstride"). The input is the one the strides and kernel read (no
// padding), so ConvProblem of the layer has the same bounds and MACs. A
// dilation other than 1 is refused: the layer has no dilation.
func LayerOf(p *Problem) (accel.Layer, error) {
	dim := func(names ...string) (int, int) {
		for _, n := range names {
			if i := p.DimIndex(n); i >= 0 {
				return i, p.Bounds[i]
			}
		}
		return -1, 1
	}
	fail := func(format string, args ...any) (accel.Layer, error) {
		return accel.Layer{}, fmt.Errorf("loopnest: problem %q is not a convolution dian can map: %s", p.Name, fmt.Sprintf(format, args...))
	}
	known := map[string]bool{"N": true, "C": true, "M": true, "K": true, "R": true, "S": true, "P": true, "Q": true, "G": true}
	for _, d := range p.Dims {
		if !known[d] {
			return fail("dimension %s (accepted: N, C, M or K, R, S, P, Q, G)", d)
		}
	}
	for _, d := range []string{"C", "R", "S", "P", "Q"} {
		if p.DimIndex(d) < 0 {
			return fail("no dimension %s (dimensions: %s)", d, strings.Join(p.Dims, ", "))
		}
	}
	iM, m := dim("M", "K")
	if iM < 0 {
		return fail("no output-channel dimension M or K")
	}
	in := p.DataSpaceIndex("Inputs")
	if in < 0 || p.DataSpaceIndex("Weights") < 0 || p.DataSpaceIndex("Outputs") < 0 {
		return fail("data spaces %v; want Weights, Inputs and Outputs", dataSpaceNames(p))
	}
	// The stride of an output dimension and the dilation of a kernel
	// dimension are their coefficients in the Inputs rank holding both.
	coef := func(out, kernel string) (stride, dilation int, err error) {
		o, k := p.DimIndex(out), p.DimIndex(kernel)
		for _, rank := range p.DataSpaces[in].Ranks {
			stride, dilation = 0, 0
			for _, t := range rank {
				switch t.Dim {
				case o:
					stride = t.Coef
				case k:
					dilation = t.Coef
				}
			}
			if stride > 0 && dilation > 0 {
				return stride, dilation, nil
			}
		}
		return 0, 0, fmt.Errorf("Inputs has no rank indexed by %s and %s together", out, kernel)
	}
	sh, dh, err := coef("P", "R")
	if err != nil {
		return fail("%v", err)
	}
	sw, dw, err := coef("Q", "S")
	if err != nil {
		return fail("%v", err)
	}
	if dh != 1 || dw != 1 {
		return fail("dilation %d×%d (accepted: 1)", dh, dw)
	}
	_, n := dim("N")
	_, c := dim("C")
	_, g := dim("G")
	_, r := dim("R")
	_, s := dim("S")
	_, pp := dim("P")
	_, q := dim("Q")
	l := accel.Layer{Name: p.Name, N: n, InC: c * g, K: m * g, Groups: g, R: r, S: s,
		H: (pp-1)*sh + r, W: (q-1)*sw + s, StrideH: sh, StrideW: sw}
	if err := l.Validate(); err != nil {
		return fail("%v", err)
	}
	return l, nil
}

func dataSpaceNames(p *Problem) []string {
	var out []string
	for _, d := range p.DataSpaces {
		out = append(out, d.Name)
	}
	return out
}
