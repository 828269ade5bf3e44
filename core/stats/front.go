package stats

import "sort"

// A Point has two objectives, both to maximise (turn a cost into one to
// maximise before: its reciprocal, or its negation).
type Point struct{ X, Y float64 }

// Front returns the indices of the points no other point dominates (at
// least as good in both objectives and better in one), ordered by X
// descending (then Y descending, then index). Equal points are all kept.
func Front(points []Point) []int {
	idx := make([]int, len(points))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		p, q := points[idx[a]], points[idx[b]]
		if p.X != q.X {
			return p.X > q.X
		}
		return p.Y > q.Y
	})
	var out []int
	bestY, have := 0.0, false
	for _, i := range idx {
		p := points[i]
		if !have || p.Y > bestY || p.Y == bestY && p.X == points[out[len(out)-1]].X {
			out = append(out, i)
			if !have || p.Y > bestY {
				bestY = p.Y
			}
			have = true
		}
	}
	return out
}

// Hypervolume returns the area of the region the points dominate that
// dominates ref: the union over the points beyond ref of the rectangles
// [ref.X, p.X] × [ref.Y, p.Y]. Points not beyond ref in both objectives add
// nothing. The sum runs over the front in Front's order, so the result is
// the same bits everywhere.
func Hypervolume(points []Point, ref Point) float64 {
	var beyond []Point
	for _, p := range points {
		if p.X > ref.X && p.Y > ref.Y {
			beyond = append(beyond, p)
		}
	}
	area, y := 0.0, ref.Y
	for _, i := range Front(beyond) { // X descending, Y ascending along the front
		p := beyond[i]
		if p.Y > y {
			area += float64((p.X - ref.X) * (p.Y - y))
			y = p.Y
		}
	}
	return area
}
