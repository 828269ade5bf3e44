package dna_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/dna"
)

// DNA's chip estimator on the mapping of its reference value (docs/METHOD.md
// §4.5): a 32→32-channel 3×3 layer on 144 PEs, 512-bit RFs, a 2 Mbit GB.
func ExampleEval() {
	loops := []dna.Loop{ // innermost first
		{Dim: accel.DimS, Level: dna.NoC, Factor: 3}, {Dim: accel.DimR, Level: dna.NoC, Factor: 3},
		{Dim: accel.DimC, Level: dna.NoC, Factor: 4}, {Dim: accel.DimK, Level: dna.NoC, Factor: 4},
		{Dim: accel.DimK, Level: dna.GB, Factor: 8}, {Dim: accel.DimC, Level: dna.GB, Factor: 8},
		{Dim: accel.DimP, Level: dna.GB, Factor: 8}, {Dim: accel.DimQ, Level: dna.GB, Factor: 8},
		{Dim: accel.DimQ, Level: dna.DRAM, Factor: 2}, {Dim: accel.DimP, Level: dna.DRAM, Factor: 2},
	}
	var markers [6]dna.Marker
	dna.PlaceMarkers(loops, &markers)
	hw := dna.ASIC(144, 512, 2097152)
	r, err := dna.Eval(&hw, loops, markers[:], 1, 16)
	if err != nil {
		fmt.Println(err)
		return
	}
	dram := r.DRAMGB[accel.OpInput] + r.DRAMGB[accel.OpWeight] + r.DRAMGB[accel.OpOutput]
	fmt.Printf("energy %.2f, latency %.7f s, DRAM %.1f%%, EDP metric %.4f\n", r.EnergySum, r.LatencyS, 100*dram/r.EnergySum, r.EDPMetric)
	// Output:
	// energy 644371906.56, latency 0.0175609 s, DRAM 95.3%, EDP metric 11.3158
}
