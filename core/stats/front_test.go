package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestFront(t *testing.T) {
	pts := []Point{{1, 5}, {2, 4}, {3, 1}, {2, 2}, {0.5, 6}, {3, 1}, {1, 4}}
	got := Front(pts)
	want := []int{2, 5, 1, 0, 4} // (3,1) twice, (2,4), (1,5), (0.5,6)
	if !slices.Equal(got, want) {
		t.Errorf("Front = %v, want %v", got, want)
	}
	if Front(nil) != nil {
		t.Error("Front of nothing is not empty")
	}
}

func TestHypervolume(t *testing.T) {
	for _, tt := range []struct {
		pts  []Point
		ref  Point
		want float64
	}{
		{nil, Point{}, 0},
		{[]Point{{2, 3}}, Point{}, 6},
		{[]Point{{2, 3}}, Point{1, 1}, 2},
		{[]Point{{2, 1}, {1, 2}}, Point{}, 3},                     // two 2×1 rectangles overlapping in 1×1
		{[]Point{{2, 1}, {1, 2}, {1, 1}, {0.5, 0.5}}, Point{}, 3}, // dominated points add nothing
		{[]Point{{2, 3}, {-1, 5}, {3, -2}}, Point{}, 6},           // points not beyond ref add nothing
	} {
		if got := Hypervolume(tt.pts, tt.ref); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Hypervolume(%v, %v) = %v, want %v", tt.pts, tt.ref, got, tt.want)
		}
	}
}

// The hypervolume equals the dominated area measured on a fine grid, and
// does not depend on the points' order.
func TestHypervolumeMatchesGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20 {
		pts := make([]Point, 1+rng.IntN(8))
		for i := range pts {
			pts[i] = Point{float64(rng.IntN(20)) / 2, float64(rng.IntN(20)) / 2}
		}
		hv := Hypervolume(pts, Point{})
		cells := 0
		for x := 0.25; x < 10; x += 0.5 {
			for y := 0.25; y < 10; y += 0.5 {
				for _, p := range pts {
					if p.X >= x && p.Y >= y {
						cells++
						break
					}
				}
			}
		}
		if grid := float64(cells) * 0.25; math.Abs(grid-hv) > 1e-9 {
			t.Fatalf("%v: hypervolume %v, grid %v", pts, hv, grid)
		}
		rng.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
		if again := Hypervolume(pts, Point{}); again != hv {
			t.Fatalf("shuffled: %v, was %v", again, hv)
		}
	}
}
