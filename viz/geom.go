package viz

import "math"

// Rect is an axis-aligned rectangle in screen pixels, origin top-left.
type Rect struct{ X, Y, W, H float64 }

// Center returns the middle point of r.
func (r Rect) Center() (x, y float64) { return r.X + r.W/2, r.Y + r.H/2 }

// Contains reports whether the point (x, y) lies inside r.
func (r Rect) Contains(x, y float64) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// Inset returns r shrunk by d on every side (never below zero size).
func (r Rect) Inset(d float64) Rect {
	w, h := math.Max(0, r.W-2*d), math.Max(0, r.H-2*d)
	return Rect{r.X + d, r.Y + d, w, h}
}
