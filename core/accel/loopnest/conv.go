package loopnest

import "github.com/dian-explorer/dian/core/accel"

// ConvProblem returns a layer as a loop-nest problem in Timeloop's CNN form:
// dimensions N, K, C, P, Q, R, S (Dim order), data spaces Weights[K][C][R][S],
// Inputs[N][C][Hstride·P+R][Wstride·Q+S] and Outputs[N][K][P][Q]
// (read-write). A grouped layer gets an eighth dimension G, appended, that
// indexes all three data spaces; K and C are then per group, so a depthwise
// layer has K = C = 1 and G = channels. Padding is not modelled: the input
// rank covers the padded input, as in Timeloop.
//
// The layer must be valid (Layer.Validate).
func ConvProblem(l accel.Layer) *Problem {
	sh, sw := l.Stride()
	g := l.G()
	p := &Problem{Name: l.Name, Dims: []string{"N", "K", "C", "P", "Q", "R", "S"}}
	p.Bounds = []int{accel.OrOne(l.N), l.K / g, l.C(), l.P(), l.Q(), l.R, l.S}
	n, k, c, pp, q, r, s := int(accel.DimN), int(accel.DimK), int(accel.DimC), int(accel.DimP), int(accel.DimQ), int(accel.DimR), int(accel.DimS)
	one := func(d int) []Term { return []Term{{Dim: d, Coef: 1}} }
	w := [][]Term{one(k), one(c), one(r), one(s)}
	// Input rows are Hstride·P + Hdilation·R (dilation 1), as in Timeloop's
	// own CNN problem files, so the coefficients keep their names there.
	in := [][]Term{one(n), one(c),
		{{Dim: pp, Coef: sh, CoefName: "Hstride"}, {Dim: r, Coef: 1, CoefName: "Hdilation"}},
		{{Dim: q, Coef: sw, CoefName: "Wstride"}, {Dim: s, Coef: 1, CoefName: "Wdilation"}}}
	out := [][]Term{one(n), one(k), one(pp), one(q)}
	if g > 1 {
		gi := len(p.Dims)
		p.Dims = append(p.Dims, "G")
		p.Bounds = append(p.Bounds, g)
		w = append([][]Term{one(gi)}, w...)
		in = append([][]Term{one(gi)}, in...)
		out = append([][]Term{one(gi)}, out...)
	}
	p.DataSpaces = []DataSpace{
		{Name: "Weights", Ranks: w},
		{Name: "Inputs", Ranks: in},
		{Name: "Outputs", Ranks: out, ReadWrite: true},
	}
	return p
}

// The data-space indices of a ConvProblem.
const (
	DSWeights = 0
	DSInputs  = 1
	DSOutputs = 2
)
