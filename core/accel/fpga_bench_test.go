package accel

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkFPGAModel measures single-layer evaluations of the chunk model
// (the co-search's inner loop) over 256 random layer/chunk pairs.
func BenchmarkFPGAModel(b *testing.B) {
	for _, mode := range fpgaModes {
		b.Run(mode.String(), func(b *testing.B) {
			r := rand.New(rand.NewPCG(5, 6))
			const n = 256
			layers := make([]Layer, n)
			chunks := make([]SubAccel, n)
			for i := range layers {
				layers[i], chunks[i] = randomCase(r)
			}
			var lc LayerCost
			sink := 0.0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j := i & (n - 1)
				EvalFPGALayer(&lc, &layers[j], &chunks[j], mode)
				sink += lc.Cycles
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
			if sink < 0 {
				b.Fatal(sink)
			}
		})
	}
}

// BenchmarkFPGANetwork measures whole-network evaluations (12 layers,
// 6 chunks) with a precomputed plan.
func BenchmarkFPGANetwork(b *testing.B) {
	d, err := ReadDesignFile("testdata/design_autonba_cifar.json")
	if err != nil {
		b.Fatal(err)
	}
	net, err := ReadNetworkFile("testdata/net_cifar_tiny.json")
	if err != nil {
		b.Fatal(err)
	}
	p, _ := Preset("zc706")
	plan, _ := Plan(d, net, FPGACorrected)
	var nc NetworkCost
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		EvaluatePlan(&nc, d, net, p, FPGACorrected, plan)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "networks/s")
	b.ReportMetric(float64(b.N*len(net.Layers))/b.Elapsed().Seconds(), "evals/s")
}

// BenchmarkDNASimulator measures the DNA chip estimator on its reference
// mapping (18 loops, 6 refresh points).
func BenchmarkDNASimulator(b *testing.B) {
	hw := DNAASIC(144, 512, 2097152)
	var m [6]DNAMarker
	PlaceDNAMarkers(dnaReferenceNest, &m)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		PlaceDNAMarkers(dnaReferenceNest, &m)
		if _, err := EvalDNA(&hw, dnaReferenceNest, m[:], 1, 16); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}
