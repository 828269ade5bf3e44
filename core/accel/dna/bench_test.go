package dna

import (
	"testing"
)

// BenchmarkEstimator measures the DNA chip estimator on its reference
// mapping (18 loops, 6 refresh points).
func BenchmarkEstimator(b *testing.B) {
	hw := ASIC(144, 512, 2097152)
	var m [6]Marker
	PlaceMarkers(dnaReferenceNest, &m)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		PlaceMarkers(dnaReferenceNest, &m)
		if _, err := Eval(&hw, dnaReferenceNest, m[:], 1, 16); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}
