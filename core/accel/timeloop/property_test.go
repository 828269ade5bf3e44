package timeloop

import (
	"testing"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// A level with a finite bandwidth stretches the run when it must move more
// words than the MACs take cycles.
func TestBandwidthBoundCycles(t *testing.T) {
	c := tutorialCases[3] // 02 +oc, no tiling: 1536 MACs on one unit
	p, tm, a, _ := loadTutorial(t, c)
	st, err := loopnest.Evaluate(p, tm.Mapping)
	if err != nil {
		t.Fatal(err)
	}
	mm := a.Level("MainMemory")
	// MainMemory moves 96 weights + 576 inputs + 512 output updates = 1184
	// words: at 1 word per cycle that hides under 1536 compute cycles, at
	// 0.5 it takes 2368.
	for _, tc := range []struct {
		bw   float64
		want int64
	}{{0, 1536}, {1, 1536}, {0.5, 2368}} {
		mm.Bandwidth = tc.bw
		if got := a.Cycles(p, st); got != tc.want {
			t.Errorf("bandwidth %g: %d cycles, want %d", tc.bw, got, tc.want)
		}
	}
}
