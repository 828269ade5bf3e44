package viz

import "time"

// FrameCounter counts frames and reports how many were drawn during the
// last second, the figure a person or a test reads as "frames per second".
type FrameCounter struct {
	now   func() time.Time // for tests; nil means time.Now
	stamp []time.Time      // times of the frames in the last second, oldest first
	total int
}

// Tick records one drawn frame.
func (f *FrameCounter) Tick() {
	t := f.clock()
	f.total++
	f.stamp = append(f.stamp, t)
	f.trim(t)
}

// FPS returns the number of frames drawn in the second before now.
func (f *FrameCounter) FPS() float64 {
	f.trim(f.clock())
	return float64(len(f.stamp))
}

// Total returns the number of frames ever recorded.
func (f *FrameCounter) Total() int { return f.total }

func (f *FrameCounter) clock() time.Time {
	if f.now != nil {
		return f.now()
	}
	return time.Now()
}

func (f *FrameCounter) trim(now time.Time) {
	i := 0
	for i < len(f.stamp) && now.Sub(f.stamp[i]) >= time.Second {
		i++
	}
	if i > 0 {
		f.stamp = append(f.stamp[:0], f.stamp[i:]...)
	}
}
