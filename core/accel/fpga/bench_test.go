package fpga

import (
	"math/rand/v2"
	"testing"

	"github.com/dian-explorer/dian/core/accel/acceltest"

	"github.com/dian-explorer/dian/core/accel"
)

// BenchmarkLayer measures single-layer evaluations of the chunk model
// (the co-search's inner loop) over 256 random layer/chunk pairs.
func BenchmarkLayer(b *testing.B) {
	for _, mode := range fpgaModes {
		b.Run(mode.String(), func(b *testing.B) {
			r := rand.New(rand.NewPCG(5, 6))
			const n = 256
			layers := make([]accel.Layer, n)
			chunks := make([]accel.SubAccel, n)
			for i := range layers {
				layers[i], chunks[i] = randomCase(r)
			}
			var lc accel.LayerCost
			sink := 0.0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j := i & (n - 1)
				EvalLayer(&lc, &layers[j], &chunks[j], mode)
				sink += lc.Cycles
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
			if sink < 0 {
				b.Fatal(sink)
			}
		})
	}
}

// BenchmarkNetwork measures whole-network evaluations (12 layers,
// 6 chunks) with a precomputed plan.
func BenchmarkNetwork(b *testing.B) {
	d, net, _ := acceltest.Examples(b)
	p, _ := accel.Preset("zc706")
	plan, _ := accel.Plan(d, net, accel.Corrected)
	var nc accel.NetworkCost
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		EvaluatePlan(&nc, d, net, p, accel.Corrected, plan)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "networks/s")
	b.ReportMetric(float64(b.N*len(net.Layers))/b.Elapsed().Seconds(), "evals/s")
}
