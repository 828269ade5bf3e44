package viz

import (
	"fmt"
	"testing"
)

func TestLayoutPEGrid(t *testing.T) {
	tests := []struct {
		rows, cols int
		area       Rect
	}{
		{16, 16, Rect{0, 0, 800, 600}},
		{12, 14, Rect{0, 0, 800, 600}},
		{12, 14, Rect{10, 20, 1280, 720}},
		{1, 1, Rect{0, 0, 200, 200}},
		{32, 32, Rect{0, 0, 400, 300}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dx%d in %vx%v", tt.rows, tt.cols, tt.area.W, tt.area.H), func(t *testing.T) {
			g := LayoutPEGrid(tt.rows, tt.cols, tt.area, 12)
			if len(g.Cells) != tt.rows*tt.cols {
				t.Fatalf("got %d cells, want %d", len(g.Cells), tt.rows*tt.cols)
			}
			for i, c := range g.Cells {
				if c.W < 1 || c.W != c.H {
					t.Fatalf("cell %d = %+v: want a square of at least one pixel", i, c)
				}
				if c.X < tt.area.X || c.Y < tt.area.Y || c.X+c.W > tt.area.X+tt.area.W || c.Y+c.H > tt.area.Y+tt.area.H {
					t.Fatalf("cell %d = %+v lies outside the area %+v", i, c, tt.area)
				}
				// Each cell's centre maps back to the same cell, so a click
				// or a pixel sample at the centre identifies exactly one PE.
				row, col, ok := g.CellAt(c.Center())
				if !ok || row*tt.cols+col != i {
					t.Fatalf("CellAt(centre of cell %d) = %d,%d,%v", i, row, col, ok)
				}
			}
			// Neighbours never touch: there is a visible gap between them.
			if tt.cols > 1 {
				a, b := g.Cells[0], g.Cells[1]
				if b.X-(a.X+a.W) < 1 {
					t.Errorf("no gap between cells 0 and 1: %+v %+v", a, b)
				}
			}
			if _, _, ok := g.CellAt(g.Cells[0].X+g.Cells[0].W+0.5, g.Cells[0].Y+1); tt.cols > 1 && ok {
				t.Errorf("a point in the gap was reported as a cell")
			}
		})
	}
}

func TestLayoutPEGridDegenerate(t *testing.T) {
	for _, tt := range []struct {
		rows, cols int
		area       Rect
	}{{0, 4, Rect{0, 0, 100, 100}}, {4, -1, Rect{0, 0, 100, 100}}, {100, 100, Rect{0, 0, 50, 50}}} {
		if g := LayoutPEGrid(tt.rows, tt.cols, tt.area, 12); len(g.Cells) != 0 {
			t.Errorf("LayoutPEGrid(%d, %d, %+v) gave %d cells, want none", tt.rows, tt.cols, tt.area, len(g.Cells))
		}
	}
}

func TestLabelEvery(t *testing.T) {
	wide := LayoutPEGrid(4, 4, Rect{0, 0, 800, 600}, 12)
	if got := wide.LabelEvery(12); got != 1 {
		t.Errorf("wide cells: label every %d, want 1", got)
	}
	narrow := LayoutPEGrid(64, 64, Rect{0, 0, 600, 600}, 12)
	step := narrow.LabelEvery(12)
	if float64(step)*narrow.Pitch < 12*1.6 {
		t.Errorf("narrow cells (pitch %v): labels every %d would overlap", narrow.Pitch, step)
	}
}

func ExampleLayoutPEGrid() {
	g := LayoutPEGrid(12, 14, Rect{W: 800, H: 600}, 12)
	fmt.Println(len(g.Cells), "cells, pitch", g.Pitch)
	// Output: 168 cells, pitch 46
}
