package viz

import (
	"fmt"
	"image"
	"math"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// TestAccelRegionsCoverTheDynamicParts checks the rectangles a playing
// frame repaints: everything the frame draws lies inside one of them, they
// do not overlap (restoring one must not erase another drawn earlier in
// the frame), and together they are well under the whole screen.
func TestAccelRegionsCoverTheDynamicParts(t *testing.T) {
	const font = 13
	for _, sz := range [][2]int{{1280, 720}, {913, 562}, {768, 1024}, {640, 360}} {
		for _, shape := range [][2]int{{16, 16}, {12, 14}, {4, 32}} {
			for _, df := range []accel.Dataflow{accel.WeightStationary, accel.OutputStationary, accel.InputStationary, accel.RowStationary} {
				for _, systolic := range []bool{false, true} {
					name := fmt.Sprintf("%dx%d %dx%d %s systolic=%v", sz[0], sz[1], shape[0], shape[1], df, systolic)
					l := LayoutAccel(float64(sz[0]), float64(sz[1]), font, shape[0], shape[1], 0)
					wires := NoC(l.Grid, df, systolic)
					r := l.Regions(sz[0], sz[1], font, wires)
					checkRegions(t, name, l, wires, r, sz)
				}
			}
		}
	}
}

func checkRegions(t *testing.T, name string, l AccelLayout, wires []Wire, r AccelRegions, sz [2]int) {
	t.Helper()
	covers := func(what string, in image.Rectangle, x0, y0, x1, y1 float64) {
		t.Helper()
		if float64(in.Min.X) > x0 || float64(in.Min.Y) > y0 || float64(in.Max.X) < x1 || float64(in.Max.Y) < y1 {
			t.Errorf("%s: %s (%.1f,%.1f)-(%.1f,%.1f) is not inside %v", name, what, x0, y0, x1, y1, in)
		}
	}
	g := l.Grid
	for _, c := range g.Cells {
		covers("a cell", r.Array, c.X, c.Y, c.X+c.W, c.Y+c.H)
	}
	// The widest thing drawn along a wire: a lit line max(2, pitch/10)
	// wide or a pulse of radius max(2, 0.12 pitch).
	rad := math.Max(2, g.Pitch*0.12)
	for _, w := range wires {
		covers("a wire", r.Array, math.Min(w.X0, w.X1)-rad, math.Min(w.Y0, w.Y1)-rad, math.Max(w.X0, w.X1)+rad, math.Max(w.Y0, w.Y1)+rad)
	}
	for i := range r.Flows {
		a, b := l.Memory[i], l.Memory[i+1]
		// Three arrows at 0.3, 0.5 and 0.7 of the box, 4 pixels wide.
		covers("a memory arrow", r.Flows[i], a.X+a.W*0.3-2, a.Y+a.H, a.X+a.W*0.7+2, b.Y)
	}
	covers("the loop nest", r.Panel, l.Nest.X-1, l.Nest.Y-1, l.Nest.X+l.Nest.W+1, l.Nest.Y+l.Nest.H+1)
	covers("the counters", r.Panel, l.Counters.X-1, l.Counters.Y-1, l.Counters.X+l.Counters.W+1, l.Counters.Y+l.Counters.H+1)
	covers("the status line", r.Status, 0, l.Status.Y, float64(sz[0])/2, l.Status.Y+13*1.5)
	if title := l.Title.Y + 13*1.25*1.2; float64(r.Status.Min.Y) < title {
		t.Errorf("%s: the status region %v reaches into the title line (to y=%.1f)", name, r.Status, title)
	}
	all := []struct {
		name string
		r    image.Rectangle
	}{{"status", r.Status}, {"flows 0", r.Flows[0]}, {"flows 1", r.Flows[1]}, {"array", r.Array}, {"panel", r.Panel}}
	screen := image.Rect(0, 0, sz[0], sz[1])
	for i, a := range all {
		if a.r.Empty() || !a.r.In(screen) {
			t.Errorf("%s: region %s %v is empty or off the screen", name, a.name, a.r)
		}
		for _, b := range all[i+1:] {
			if a.r.Overlaps(b.r) {
				t.Errorf("%s: regions %s %v and %s %v overlap", name, a.name, a.r, b.name, b.r)
			}
		}
	}
	// The status line and the arrows are restored whole every playing
	// frame (the array only where the last frame drew, the panels only
	// their changed rows): they must stay a small part of the screen.
	whole := 0
	for _, q := range []image.Rectangle{r.Status, r.Flows[0], r.Flows[1]} {
		whole += q.Dx() * q.Dy()
	}
	if frac := float64(whole) / float64(sz[0]*sz[1]); frac > 0.1 {
		t.Errorf("%s: the regions restored whole cover %.0f %% of the screen", name, 100*frac)
	}
}

func TestWireCrosses(t *testing.T) {
	r := Rect{10, 10, 20, 10} // x 10..30, y 10..20
	tests := []struct {
		name string
		w    Wire
		want bool
	}{
		{"horizontal through the middle", Wire{X0: 0, Y0: 15, X1: 40, Y1: 15}, true},
		{"vertical through the middle", Wire{X0: 20, Y0: 0, X1: 20, Y1: 40}, true},
		{"ends inside", Wire{X0: 0, Y0: 15, X1: 12, Y1: 15}, true},
		{"wholly inside", Wire{X0: 12, Y0: 12, X1: 14, Y1: 18}, true},
		{"diagonal across", Wire{X0: 5, Y0: 5, X1: 35, Y1: 25}, true},
		{"along the top edge", Wire{X0: 0, Y0: 10, X1: 40, Y1: 10}, false},
		{"along the left edge", Wire{X0: 10, Y0: 0, X1: 10, Y1: 40}, false},
		{"through a corner only", Wire{X0: 0, Y0: 20, X1: 20, Y1: 0}, false},
		{"stops at the edge", Wire{X0: 0, Y0: 15, X1: 10, Y1: 15}, false},
		{"passes beside", Wire{X0: 0, Y0: 25, X1: 40, Y1: 25}, false},
		{"diagonal missing", Wire{X0: 0, Y0: 15, X1: 8, Y1: 40}, false},
		{"a point inside", Wire{X0: 15, Y0: 15, X1: 15, Y1: 15}, false},
	}
	for _, tt := range tests {
		if got := tt.w.Crosses(r); got != tt.want {
			t.Errorf("%s: Crosses = %v, want %v", tt.name, got, tt.want)
		}
		rev := Wire{X0: tt.w.X1, Y0: tt.w.Y1, X1: tt.w.X0, Y1: tt.w.Y0}
		if got := rev.Crosses(r); got != tt.want {
			t.Errorf("%s, drawn the other way: Crosses = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestWireGaps checks the pieces of the wires drawn under the cells
// against sampling each wire densely: every sample strictly outside all
// cells lies on a piece, no piece enters a cell, and the pieces are in
// order along the wire.
func TestWireGaps(t *testing.T) {
	for _, shape := range [][2]int{{4, 5}, {12, 14}, {3, 9}} {
		g := LayoutPEGrid(shape[0], shape[1], Rect{7, 11, 420, 310}, 12)
		for _, df := range []accel.Dataflow{accel.WeightStationary, accel.RowStationary} {
			under := 0
			for _, w := range NoC(g, df, false) {
				if !w.Under() {
					continue
				}
				under++
				gaps := w.Gaps(g.Cells)
				if w.Kind == ColumnBus && len(gaps) < shape[0]-1 {
					t.Errorf("%v %s: a column bus through %d cells shows in %d gaps, want at least %d", shape, df, shape[0], len(gaps), shape[0]-1)
				}
				length := math.Hypot(w.X1-w.X0, w.Y1-w.Y0)
				prev := -1.0
				for _, p := range gaps {
					// Rounding may leave a piece 1e-14 pixels inside a cell.
					in := p
					const eps = 1e-9
					dx, dy := (p.X1-p.X0)*eps, (p.Y1-p.Y0)*eps
					in.X0, in.Y0, in.X1, in.Y1 = p.X0+dx, p.Y0+dy, p.X1-dx, p.Y1-dy
					for _, c := range g.Cells {
						if in.Crosses(c) {
							t.Fatalf("%v %s: gap %+v of wire %+v enters cell %+v", shape, df, p, w, c)
						}
					}
					// Distance along the wire of the piece's start.
					d := math.Hypot(p.X0-w.X0, p.Y0-w.Y0)
					if d <= prev || distToSegment(p.X0, p.Y0, w) > 1e-9 || distToSegment(p.X1, p.Y1, w) > 1e-9 {
						t.Fatalf("%v %s: gap %+v is out of order or off wire %+v", shape, df, p, w)
					}
					prev = d
				}
				n := int(length*8) + 1
				for s := 0; s <= n; s++ {
					u := float64(s) / float64(n)
					x, y := w.X0+(w.X1-w.X0)*u, w.Y0+(w.Y1-w.Y0)*u
					inside := false
					for _, c := range g.Cells {
						if x > c.X && x < c.X+c.W && y > c.Y && y < c.Y+c.H {
							inside = true
							break
						}
					}
					onGap := false
					for _, p := range gaps {
						if distToSegment(x, y, p) < 1e-9 {
							onGap = true
							break
						}
					}
					if !inside && !onGap {
						t.Fatalf("%v %s: point (%.2f, %.2f) of wire %+v is in no cell and on no gap", shape, df, x, y, w)
					}
				}
			}
			if under == 0 {
				t.Fatalf("%v %s: no wires under the cells to check", shape, df)
			}
		}
	}
}
