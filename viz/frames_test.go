package viz

import (
	"testing"
	"time"
)

func TestFrameCounter(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	f := FrameCounter{now: func() time.Time { return now }}
	for i := range 90 { // 90 frames over 1.5 s at 60 Hz
		now = t0.Add(time.Duration(i) * time.Second / 60)
		f.Tick()
	}
	if got := f.FPS(); got != 60 {
		t.Errorf("FPS after 1.5 s at 60 Hz = %v, want 60", got)
	}
	if f.Total() != 90 {
		t.Errorf("Total = %d, want 90", f.Total())
	}
	now = now.Add(2 * time.Second)
	if got := f.FPS(); got != 0 {
		t.Errorf("FPS after 2 s without frames = %v, want 0", got)
	}
}
