package viz

import (
	"image"
	"math"
)

// AccelRegions are the parts of the accelerator view that change while a
// layer plays. A playing frame draws into these rectangles only (clipped
// to them) and leaves the rest of the screen as the last frame left it:
// the status line and the memory arrows are restored from the cached base
// image and drawn again, the panels redraw their own backgrounds, and in
// the array only what the previous frame drew over the base is put back.
// In software WebGL every pixel shaded costs: a profile of Chromium's GPU
// process during a search put 85 % of its time in SwiftShader's shaders.
type AccelRegions struct {
	Status image.Rectangle    // the status line under the title
	Flows  [2]image.Rectangle // the arrows DRAM → buffer and buffer → register files
	Array  image.Rectangle    // the PE array: lit wires, pulses, the systolic overlay, partial sums
	Panel  image.Rectangle    // the loop nest and the counters
}

// Regions returns where the dynamic parts of the accelerator view laid
// out as l on a w × h screen are drawn, for text of size font and the
// array's wires. Each region is clipped to the screen.
func (l AccelLayout) Regions(w, h int, font float64, wires []Wire) AccelRegions {
	screen := image.Rect(0, 0, w, h)
	var r AccelRegions
	// The status line: one line of text, above the body's top (1.8 font
	// below it; the panels' frames reach a pixel above that).
	r.Status = Rect{0, l.Status.Y, float64(w), font * 1.7}.Bounds().Intersect(screen)
	for i := range r.Flows {
		a, b := l.Memory[i], l.Memory[i+1]
		r.Flows[i] = Rect{a.X, a.Y + a.H, a.W, b.Y - (a.Y + a.H)}.Bounds().Intersect(screen)
	}
	g := l.Grid
	if len(g.Cells) > 0 {
		// Lit wires are at most max(2, pitch/10) wide and pulses have a
		// radius of max(2, 0.12 pitch); one more pixel covers rounding.
		m := math.Ceil(math.Max(2, g.Pitch*0.12)) + 1
		box := g.Frame.Bounds()
		for _, c := range g.Cells {
			box = box.Union(c.Bounds())
		}
		for _, wr := range wires {
			seg := Rect{math.Min(wr.X0, wr.X1), math.Min(wr.Y0, wr.Y1), math.Abs(wr.X1 - wr.X0), math.Abs(wr.Y1 - wr.Y0)}
			box = box.Union(seg.Outset(m).Bounds())
		}
		r.Array = box.Intersect(screen)
	}
	// Each panel fills and frames its own rectangle; a pixel more on every
	// side holds the frame's anti-aliased edge.
	r.Panel = l.Nest.Bounds().Union(l.Counters.Bounds()).Inset(-1).Intersect(screen)
	return r
}

// Bounds returns the smallest integer rectangle that covers r.
func (r Rect) Bounds() image.Rectangle {
	return image.Rect(int(math.Floor(r.X)), int(math.Floor(r.Y)), int(math.Ceil(r.X+r.W)), int(math.Ceil(r.Y+r.H)))
}

// Outset returns r grown by d on every side.
func (r Rect) Outset(d float64) Rect { return Rect{r.X - d, r.Y - d, r.W + 2*d, r.H + 2*d} }
