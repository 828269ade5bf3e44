package viz

import (
	"math"
	"sort"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// WireKind says how a NoC wire moves data.
type WireKind uint8

// The kinds of wires a dataflow template uses.
const (
	// Multicast is a bus that delivers one value to every PE it passes.
	Multicast WireKind = iota
	// Systolic is a link between neighbours: a value moves one PE per cycle.
	Systolic
	// Diagonal is Eyeriss' row-stationary input path: an input row reaches
	// the PEs along an anti-diagonal of the array.
	Diagonal
	// ColumnBus is a multicast bus along a column, threaded through the
	// PEs' centres (drawn under the cells).
	ColumnBus
)

// String names the wire kind for legends and the state JSON.
func (k WireKind) String() string {
	return [...]string{"multicast", "systolic", "diagonal", "multicast"}[k]
}

// Wire is one NoC path of the PE array drawn as a segment, carrying one
// data space (accel.DSWeights, DSInputs or DSOutputs).
type Wire struct {
	X0, Y0, X1, Y1 float64
	DataSpace      int
	Kind           WireKind
}

// NoC returns the wires of a PE array laid out as g under dataflow df, as
// the mapper's templates use the array (core/accel/mapper.go):
//
//   - ws: weights stay in the PEs; inputs are broadcast along each row;
//     partial sums flow down each column to the buffer.
//   - os: outputs stay; inputs are broadcast along rows and weights down
//     columns.
//   - is: inputs stay; weights are broadcast along rows; partial sums flow
//     down the columns.
//   - rs: filter rows are broadcast along rows, input rows along
//     anti-diagonals, partial sums accumulate up the columns.
//
// With systolic set (a systolic array), the row and column paths are
// neighbour-to-neighbour links instead of buses. Row buses and links run in
// the gaps between cells; column buses and diagonals cross the cells'
// centres and are meant to be drawn under them (Under).
func NoC(g PEGrid, df accel.Dataflow, systolic bool) []Wire {
	if len(g.Cells) == 0 {
		return nil
	}
	gap := g.Pitch - g.Cells[0].W
	x0, y0 := g.Frame.X, g.Frame.Y
	x1, y1 := g.Frame.X+g.Frame.W, g.Frame.Y+g.Frame.H
	var out []Wire
	rowKind := Multicast
	colKind := Multicast
	if systolic {
		rowKind, colKind = Systolic, Systolic
	}
	// Row paths run in the gap below each row, entering from the left
	// edge; column buses run through the cells' centres and are drawn
	// under the cells, so they show in the gaps between rows. Neither
	// crosses the gap beside a cell at its centre's height, where the
	// browser tests check that cells are separate.
	rows := func(d int, kind WireKind) {
		for r := 0; r < g.Rows; r++ {
			c := g.Cells[r*g.Cols]
			if kind == Systolic {
				// A link from each PE to its right neighbour, in the gap
				// a quarter down the cell.
				for k := 0; k+1 < g.Cols; k++ {
					a := g.Cells[r*g.Cols+k]
					y := a.Y + a.H*0.25
					out = append(out, Wire{a.X + a.W, y, a.X + a.W + gap, y, d, kind})
				}
				continue
			}
			y := c.Y + c.H + gap/2
			out = append(out, Wire{x0 - gap*2, y, x1, y, d, kind})
		}
	}
	cols := func(d int, kind WireKind) {
		for k := 0; k < g.Cols; k++ {
			c := g.Cells[k]
			x := c.X + c.W/2
			if kind == Systolic {
				// A link from each PE to the one below.
				for r := 0; r+1 < g.Rows; r++ {
					a := g.Cells[r*g.Cols+k]
					out = append(out, Wire{x, a.Y + a.H, x, a.Y + a.H + gap, d, kind})
				}
				continue
			}
			out = append(out, Wire{x, y0 - gap*2, x, y1 + gap*2, d, ColumnBus})
		}
	}
	rowDS, colDS := loopnest.DSInputs, loopnest.DSOutputs // ws
	switch df {
	case accel.OutputStationary:
		colDS = loopnest.DSWeights
	case accel.InputStationary:
		rowDS = loopnest.DSWeights
	case accel.RowStationary:
		rowDS, rowKind, colKind = loopnest.DSWeights, Multicast, Multicast
	}
	rows(rowDS, rowKind)
	cols(colDS, colKind)
	if df == accel.RowStationary {
		// One anti-diagonal per input row: through the gap corners where
		// row r meets column c with r+c constant.
		for s := 1; s < g.Rows+g.Cols-1; s++ {
			r0, c0 := min(s, g.Rows-1), max(0, s-(g.Rows-1))
			r1, c1 := max(0, s-(g.Cols-1)), min(s, g.Cols-1)
			a, b := g.Cells[r0*g.Cols+c0], g.Cells[r1*g.Cols+c1]
			out = append(out, Wire{a.X - gap/2, a.Y + a.H + gap/2, b.X + b.W + gap/2, b.Y - gap/2, loopnest.DSInputs, Diagonal})
		}
	}
	return out
}

// Stationary returns the data space a dataflow keeps in the PEs (rs keeps
// all three; it reports weights, its filter rows).
func Stationary(df accel.Dataflow) int {
	switch df {
	case accel.OutputStationary:
		return loopnest.DSOutputs
	case accel.InputStationary:
		return loopnest.DSInputs
	}
	return loopnest.DSWeights
}

// Under reports whether a wire is drawn under the cells (it crosses them).
func (w Wire) Under() bool { return w.Kind == Diagonal || w.Kind == ColumnBus }

// Gaps returns the pieces of w that lie outside every one of cells, in
// order along w. A wire drawn under the cells (Under) shows only in these
// gaps, so a frame that lights it draws the pieces, not the whole wire
// and every cell it crosses again.
func (w Wire) Gaps(cells []Rect) []Wire {
	type span struct{ t0, t1 float64 }
	var in []span
	for _, c := range cells {
		if t0, t1, ok := w.span(c); ok {
			in = append(in, span{t0, t1})
		}
	}
	sort.Slice(in, func(i, j int) bool { return in[i].t0 < in[j].t0 })
	var out []Wire
	at := func(t float64) (float64, float64) { return w.X0 + (w.X1-w.X0)*t, w.Y0 + (w.Y1-w.Y0)*t }
	piece := func(t0, t1 float64) {
		if t1 > t0 {
			p := w
			p.X0, p.Y0 = at(t0)
			p.X1, p.Y1 = at(t1)
			out = append(out, p)
		}
	}
	t := 0.0
	for _, sp := range in {
		piece(t, sp.t0)
		t = math.Max(t, sp.t1)
	}
	piece(t, 1)
	return out
}

// Crosses reports whether the segment w has a stretch of positive length
// inside r: touching a corner or running along an edge does not count.
func (w Wire) Crosses(r Rect) bool {
	_, _, ok := w.span(r)
	return ok
}

// span returns the stretch [t0, t1] of w (w at t = (1-t)·start + t·end)
// that lies inside r, by Liang–Barsky clipping; ok is false when there is
// none of positive length.
func (w Wire) span(r Rect) (t0, t1 float64, ok bool) {
	dx, dy := w.X1-w.X0, w.Y1-w.Y0
	if dx == 0 && dy == 0 {
		return 0, 0, false // a point has no length
	}
	t0, t1 = 0.0, 1.0
	// Each edge bounds t: p·t ≤ q.
	for _, e := range [4][2]float64{{-dx, w.X0 - r.X}, {dx, r.X + r.W - w.X0}, {-dy, w.Y0 - r.Y}, {dy, r.Y + r.H - w.Y0}} {
		p, q := e[0], e[1]
		switch {
		case p == 0:
			if q <= 0 {
				return 0, 0, false // parallel to this edge and not strictly inside it
			}
		case p < 0:
			t0 = math.Max(t0, q/p)
		default:
			t1 = math.Min(t1, q/p)
		}
	}
	return t0, t1, t1 > t0
}
