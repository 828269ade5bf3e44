package viz

import "math"

// AccelLayout places the panels of the accelerator view on a w × h screen
// (pixels) for text of size font: a title and status line on top, the
// memory hierarchy on the left, the PE array with its NoC in the middle,
// the loop nest and the counters on the right (under the array, side by
// side, on a portrait screen), a legend under the array and, for a search
// result, the pipeline Gantt chart along the bottom.
type AccelLayout struct {
	Title, Status Point
	Memory        [3]Rect // DRAM, global buffer, register files
	Grid          PEGrid
	Legend        Rect
	Nest          Rect
	Counters      Rect
	Gantt         Rect // zero when there is no chart
}

// LayoutAccel lays out the accelerator view; chunks is the number of Gantt
// rows (0: no chart).
func LayoutAccel(w, h, font float64, rows, cols, chunks int) AccelLayout {
	pad := math.Round(font * 0.9)
	var l AccelLayout
	l.Title = Point{pad, pad}
	l.Status = Point{pad, pad + font*1.6}
	top := pad + font*3.4
	bottom := h - pad
	if chunks > 0 {
		gh := math.Min(h*0.26, float64(chunks)*font*2.2+font*2.4)
		l.Gantt = Rect{pad, bottom - gh, w - 2*pad, gh}
		bottom = l.Gantt.Y - font*0.6
	}
	legendH := font * 2.8
	body := bottom - top
	memW := math.Max(font*9, w*0.16)
	if h > w*1.05 {
		// Portrait (a tablet held upright): the loop nest and the
		// counters sit side by side under the array, which then has the
		// width beside the memory column to itself.
		panelH := math.Max(font*19, body*0.3)
		half := (w - 3*pad) / 2
		py := bottom - panelH
		l.Nest = Rect{pad, py, half, panelH}
		l.Counters = Rect{2*pad + half, py, half, panelH}
		bottom = py - font*0.6
		body = bottom - top
		gridX := pad + memW + pad
		gridW := w - gridX - pad
		l.layoutMemory(top, body, memW, font)
		l.Grid = LayoutPEGrid(rows, cols, Rect{gridX, top, gridW, body - legendH}, font)
		l.Legend = Rect{gridX, bottom - legendH, gridW, legendH}
		return l
	}
	rightW := math.Max(font*20, w*0.36)
	gridX := pad + memW + pad
	gridW := w - gridX - rightW - 2*pad
	l.layoutMemory(top, body, memW, font)
	l.Grid = LayoutPEGrid(rows, cols, Rect{gridX, top, gridW, body - legendH}, font)
	l.Legend = Rect{gridX, bottom - legendH, gridW, legendH}
	rx := w - pad - rightW
	nestH := body * 0.52
	l.Nest = Rect{rx, top, rightW, nestH}
	l.Counters = Rect{rx, top + nestH + font*0.6, rightW, body - nestH - font*0.6}
	return l
}

// layoutMemory places the memory column: three boxes, DRAM on top, with
// room for the arrows between them, in a column memW wide from top down
// body pixels at the left margin.
func (l *AccelLayout) layoutMemory(top, body, memW, font float64) {
	boxH := (body - font*2.4) / 3
	for i := range l.Memory {
		l.Memory[i] = Rect{l.Title.X, top + float64(i)*(boxH+font*1.2), memW, boxH}
	}
}

// SearchLayout places the panels of the search view: the probability
// heatmap top left, the accelerator engine's distributions under it, small
// multiples of the curves top right, the Pareto plot bottom right.
type SearchLayout struct {
	Title, Status Point
	Heatmap       Rect
	HeatLegend    Rect
	HWDist        Rect   // LayoutHWDist's area
	Curves        []Rect // CurveNames order
	Pareto        Rect
}

// CurveNames are the search curves, in the order they are drawn.
var CurveNames = []string{"loss (weights)", "loss (arch)", "accuracy", "FPS", "τ", "λ", "α entropy (1 = undecided)"}

// LayoutSearch lays out the search view on a w × h screen.
func LayoutSearch(w, h, font float64) SearchLayout {
	pad := math.Round(font * 0.9)
	var l SearchLayout
	l.Title = Point{pad, pad}
	l.Status = Point{pad, pad + font*1.6}
	top := pad + font*3.4
	body := h - pad - top
	leftW := math.Max(font*18, w*0.36)
	// The heatmap keeps room for its rows in a short view; the
	// accelerator distributions take the rest of the column.
	heatH := math.Max(body*0.42, math.Min(body*0.6, font*17))
	l.Heatmap = Rect{pad, top, leftW, heatH - font*3.2}
	l.HeatLegend = Rect{pad, top + heatH - font*2.4, leftW, font * 2.4}
	l.HWDist = Rect{pad, top + heatH + font*0.8, leftW, body - heatH - font*0.8}
	rx := pad + leftW + pad*2
	rw := w - rx - pad
	curvesH := body * 0.46
	cols := (len(CurveNames) + 1) / 2 // two rows
	cw, ch := rw/float64(cols), curvesH/2
	for i := range CurveNames {
		l.Curves = append(l.Curves, Rect{rx + float64(i%cols)*cw, top + float64(i/cols)*ch, cw - pad, ch - pad})
	}
	l.Pareto = Rect{rx, top + curvesH + pad, rw, body - curvesH - pad}
	return l
}

// HeatCells lays out a blocks × ops heatmap in area, leaving room for
// labels (labelW at the left for block names, labelH on top for op names):
// cell (b, o) is cells[b*ops+o].
func HeatCells(area Rect, blocks, ops int, labelW, labelH float64) []Rect {
	if blocks <= 0 || ops <= 0 {
		return nil
	}
	cw := (area.W - labelW) / float64(ops)
	chh := math.Min((area.H-labelH)/float64(blocks), cw*1.2)
	gap := math.Max(1, math.Round(math.Min(cw, chh)*0.08))
	out := make([]Rect, 0, blocks*ops)
	for b := range blocks {
		for o := range ops {
			out = append(out, Rect{area.X + labelW + float64(o)*cw, area.Y + labelH + float64(b)*chh, cw - gap, chh - gap})
		}
	}
	return out
}
