package viz

import (
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// BenchmarkAccelFrame is one animation frame at the highest speed: walk
// MaxStepsPerFrame cycles and refresh the counters, as Update does. It
// reports the cycles a frame can walk per second of CPU.
func BenchmarkAccelFrame(b *testing.B) {
	p, _ := accel.Preset("eyeriss")
	v := NewAccelView(p)
	v.SelectLayer(1)
	v.SetSpeed(Speeds[len(Speeds)-1])
	v.Play()
	cycles := int64(0)
	for b.Loop() {
		if v.Prep.Anim.Done() {
			b.StopTimer()
			v.Restart()
			v.Play()
			b.StartTimer()
		}
		before := v.Prep.Anim.Walked()
		v.Update(1)
		cycles += v.Prep.Anim.Walked() - before
	}
	b.ReportMetric(float64(cycles)/b.Elapsed().Seconds(), "cycles/s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}
