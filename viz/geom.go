package viz

import (
	"math"
	"strconv"
)

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

// Whole formats v rounded to a whole number with thousands separators
// (10,529), as the page's tables print counts, so that the same figure
// reads the same in the view and beside it.
func Whole(v float64) string {
	n := int64(math.Round(v))
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	var b []byte
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, digits[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}
