package loopnest

import (
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// BenchmarkEvaluate evaluates the mapper's best Eyeriss (rs) mapping of
// a MobileNetV2 expand layer: counts, energy and bandwidth-bound cycles.
func BenchmarkEvaluate(b *testing.B) {
	res, err := MapLayer(mobileNetV2Layers[1], eyerissChunk(accel.RowStationary), DNA65, MapperOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ev, err := NewEvaluator(res.Problem)
	if err != nil {
		b.Fatal(err)
	}
	var st Stats
	var eb EnergyBreakdown
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ev.Evaluate(res.Mapping, &st); err != nil {
			b.Fatal(err)
		}
		if err := res.Arch.Energy(res.Problem, &st, &eb); err != nil {
			b.Fatal(err)
		}
		_ = res.Arch.Cycles(res.Problem, &st)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}

// BenchmarkMapper finds the best EDP mapping of each MobileNetV2 layer in
// mobileNetV2Layers on the Eyeriss preset (rs), one layer per iteration.
func BenchmarkMapper(b *testing.B) {
	c := eyerissChunk(accel.RowStationary)
	evals := 0
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		res, err := MapLayer(mobileNetV2Layers[i%len(mobileNetV2Layers)], c, DNA65, MapperOptions{})
		if err != nil {
			b.Fatal(err)
		}
		evals += res.Evaluated
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/s, "mappings/s")
	b.ReportMetric(float64(evals)/s, "evals/s")
}

// BenchmarkTrace walks the same mapping step by step, as the visualisation
// does, and reports steps (MAC-array cycles) per second.
func BenchmarkTrace(b *testing.B) {
	res, err := MapLayer(mobileNetV2Layers[1], eyerissChunk(accel.RowStationary), DNA65, MapperOptions{})
	if err != nil {
		b.Fatal(err)
	}
	steps := int64(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, err := NewTracer(res.Problem, res.Mapping)
		if err != nil {
			b.Fatal(err)
		}
		for t.Next() {
			steps++
		}
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
}
