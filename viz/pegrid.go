package viz

import "math"

// PEGrid is the on-screen layout of a rows × cols PE array: one square cell
// per processing element, row and column index labels, and a title line.
type PEGrid struct {
	Rows, Cols int
	// Cells holds the cell rectangles in row-major order: Cells[r*Cols+c].
	Cells []Rect
	// Frame encloses all cells; Pitch is the distance between cell origins.
	Frame Rect
	Pitch float64
	// RowLabels and ColLabels are the anchor points (centre) of the index
	// labels left of each row and above each column.
	RowLabels, ColLabels []Point
	// Title is where the heading line starts (its top-left corner).
	Title Point
}

// Point is a position in screen pixels.
type Point struct{ X, Y float64 }

// Grid layout proportions, relative to the cell pitch or the font size.
const (
	gapFraction  = 0.18 // gap between cells as a fraction of the pitch
	labelColumns = 3.0  // room for a row label, in units of the font size
	titleLines   = 2.2  // room for the title, in units of the font size
	maxPitch     = 64.0 // cells never grow beyond this many pixels
)

// LayoutPEGrid places a rows × cols array of square cells inside area,
// leaving room for a title and index labels sized for font (the label font
// height in pixels). Cells are as large as fit (up to a maximum pitch),
// centred horizontally, and separated by gaps so that every PE stays a
// distinct, countable square even on a 1280×720 projector.
//
// It returns a grid with no cells when rows or cols is not positive or the
// area is too small to hold one pixel per cell.
func LayoutPEGrid(rows, cols int, area Rect, font float64) PEGrid {
	g := PEGrid{Rows: rows, Cols: cols, Title: Point{area.X, area.Y}}
	if rows <= 0 || cols <= 0 {
		return g
	}
	top := titleLines*font + font*1.4 // title, then one line of column labels
	left := labelColumns * font
	availW, availH := area.W-left, area.H-top
	pitch := math.Min(maxPitch, math.Floor(math.Min(availW/float64(cols), availH/float64(rows))))
	if pitch < 2 {
		return g
	}
	gap := math.Max(1, math.Round(pitch*gapFraction))
	size := pitch - gap
	gridW, gridH := pitch*float64(cols)-gap, pitch*float64(rows)-gap
	x0 := math.Floor(area.X + left + (availW-gridW)/2)
	y0 := math.Floor(area.Y + top)

	g.Pitch = pitch
	g.Frame = Rect{x0, y0, gridW, gridH}
	g.Cells = make([]Rect, 0, rows*cols)
	for r := range rows {
		for c := range cols {
			g.Cells = append(g.Cells, Rect{x0 + float64(c)*pitch, y0 + float64(r)*pitch, size, size})
		}
	}
	for r := range rows {
		g.RowLabels = append(g.RowLabels, Point{x0 - font*1.2, y0 + float64(r)*pitch + size/2})
	}
	for c := range cols {
		g.ColLabels = append(g.ColLabels, Point{x0 + float64(c)*pitch + size/2, y0 - font*0.9})
	}
	return g
}

// CellAt returns the row and column of the cell under (x, y), or ok=false
// when the point is in a gap or outside the array.
func (g PEGrid) CellAt(x, y float64) (row, col int, ok bool) {
	if g.Pitch == 0 || !g.Frame.Contains(x, y) {
		return 0, 0, false
	}
	col = int((x - g.Frame.X) / g.Pitch)
	row = int((y - g.Frame.Y) / g.Pitch)
	if row >= g.Rows || col >= g.Cols || !g.Cells[row*g.Cols+col].Contains(x, y) {
		return 0, 0, false
	}
	return row, col, true
}

// LabelEvery returns the step between printed index labels so that labels
// never overlap: every index when cells are wide enough, else every 2nd,
// 4th, … index.
func (g PEGrid) LabelEvery(font float64) int {
	step := 1
	for g.Pitch > 0 && float64(step)*g.Pitch < font*1.6 {
		step *= 2
	}
	return step
}
