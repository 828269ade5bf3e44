package viz

// GanttBar is one layer on its chunk's row of the pipeline chart.
type GanttBar struct {
	Layer  int // index into Workload.Layers
	Name   string
	Chunk  int
	Start  float64 // cycles from the start of the chunk's image
	Cycles float64
	Rect   Rect
}

// Gantt is the chunked pipeline: each chunk (sub-accelerator) runs its
// layers one after another on one image while the other chunks work on
// neighbouring images, so the chunk with the most cycles per image (the
// bottleneck) sets the throughput.
type Gantt struct {
	Bars []GanttBar
	// Totals holds each chunk's cycles per image.
	Totals     []float64
	Bottleneck int // chunk index, -1 with no modelled layer
	// Rows are the chunk rows' rectangles; Axis the time axis' extent.
	Rows []Rect
	Max  float64
}

// LayoutGantt places the layers of w with a cost (a result's per-layer
// table) on one row per chunk inside area; labelW is the room for chunk
// labels at the left. Layers the model leaves out (no chunk) are skipped.
func LayoutGantt(w *Workload, area Rect, labelW float64) Gantt {
	g := Gantt{Bottleneck: -1, Totals: make([]float64, len(w.Chunks))}
	for i, s := range w.Layers {
		if s.Cost == nil || s.Cost.Chunk < 0 || s.Cost.Chunk >= len(w.Chunks) {
			continue
		}
		c := s.Cost.Chunk
		g.Bars = append(g.Bars, GanttBar{Layer: i, Name: s.Layer.Name, Chunk: c, Start: g.Totals[c], Cycles: s.Cost.Cycles})
		g.Totals[c] += s.Cost.Cycles
	}
	for c, t := range g.Totals {
		if t > g.Max {
			g.Max, g.Bottleneck = t, c
		}
	}
	n := len(w.Chunks)
	if n == 0 || g.Max <= 0 {
		return g
	}
	rowH := area.H / float64(n)
	plotW := area.W - labelW
	for c := range n {
		g.Rows = append(g.Rows, Rect{area.X + labelW, area.Y + float64(c)*rowH, plotW, rowH})
	}
	for i := range g.Bars {
		b := &g.Bars[i]
		row := g.Rows[b.Chunk]
		x := row.X + b.Start/g.Max*plotW
		wd := b.Cycles / g.Max * plotW
		b.Rect = Rect{x, row.Y + rowH*0.15, wd, rowH * 0.7}
	}
	return g
}

// BarAt returns the index into Bars of the bar under (x, y), or -1.
func (g Gantt) BarAt(x, y float64) int {
	for i, b := range g.Bars {
		if b.Rect.Contains(x, y) {
			return i
		}
	}
	return -1
}
