package accel

import (
	"math"
	"strings"
	"testing"
)

// dnaReferenceNest is the mapping of model-formulas.md §2.2's reference
// value, innermost first: a 32→32-channel 3×3 convolution on a 16×16 output.
var dnaReferenceNest = []DNALoop{
	{DimS, DNANoC, 3}, {DimR, DNANoC, 3}, {DimC, DNANoC, 4}, {DimK, DNANoC, 4},
	{DimK, DNAGB, 8}, {DimC, DNAGB, 8}, {DimS, DNAGB, 1}, {DimP, DNAGB, 8}, {DimN, DNAGB, 1}, {DimQ, DNAGB, 8}, {DimR, DNAGB, 1},
	{DimQ, DNADRAM, 2}, {DimK, DNADRAM, 1}, {DimN, DNADRAM, 1}, {DimC, DNADRAM, 1}, {DimP, DNADRAM, 2}, {DimS, DNADRAM, 1}, {DimR, DNADRAM, 1},
}

func TestDNASimulatorReference(t *testing.T) {
	hw := DNAASIC(144, 512, 2097152)
	var markers [6]DNAMarker
	PlaceDNAMarkers(dnaReferenceNest, &markers)
	got, err := EvalDNA(&hw, dnaReferenceNest, markers[:], 1, 16)
	if err != nil {
		t.Fatal(err)
	}
	// Reference: energy 644,371,906.56, latency 0.0175609 s, DRAM share
	// 95.3%, EDP metric 11.3158 (each to the digits printed).
	share := 100 * got.DRAMGB / got.EnergySum
	if math.Abs(got.EnergySum-644371906.56) > 0.005 || math.Abs(got.LatencyS-0.0175609) > 5e-8 ||
		math.Abs(share-95.3) > 0.05 || math.Abs(got.EDPMetric-11.3158) > 5e-5 {
		t.Errorf("EvalDNA = energy %.2f, latency %.7f s, DRAM %.1f%%, EDP %.4f; want 644371906.56, 0.0175609, 95.3, 11.3158",
			got.EnergySum, got.LatencyS, share, got.EDPMetric)
	}
	if got.PEs != 144 {
		t.Errorf("active PEs = %d, want 3·3·4·4 = 144", got.PEs)
	}
}

func TestPlaceDNAMarkersHoists(t *testing.T) {
	var m [6]DNAMarker
	PlaceDNAMarkers(dnaReferenceNest, &m)
	// No RF loops: RF points hoist to just inside the first relevant GB
	// loop (K for outputs and weights at index 4, C for inputs at 5); GB
	// points stay just outside the NoC loops (index 4), a relevant GB loop
	// lying outside each.
	want := [6]DNAMarker{
		{DNARF, OpInput, 5}, {DNARF, OpWeight, 4}, {DNARF, OpOutput, 4},
		{DNAGB, OpInput, 4}, {DNAGB, OpWeight, 4}, {DNAGB, OpOutput, 4},
	}
	if m != want {
		t.Errorf("PlaceDNAMarkers = %v, want %v", m, want)
	}
	// A GB point with no relevant GB loop outside moves to its first
	// relevant DRAM loop: weights ignore P and Q, so with only P, Q at the
	// GB level the weight point moves inside the DRAM K loop.
	nest := []DNALoop{{DimK, DNANoC, 2}, {DimP, DNAGB, 4}, {DimQ, DNAGB, 4}, {DimP, DNADRAM, 2}, {DimK, DNADRAM, 3}}
	PlaceDNAMarkers(nest, &m)
	if m[4] != (DNAMarker{DNAGB, OpWeight, 4}) || m[5] != (DNAMarker{DNAGB, OpOutput, 1}) {
		t.Errorf("GB weight, output markers = %v, %v; want pos 4 (inside dram K) and 1 (outside NoC)", m[4], m[5])
	}
}

func TestDNASimulatorHandDerived(t *testing.T) {
	// One PE, one temporal GB loop of 2 over input channels, markers fixed:
	// every refresh innermost. Classic Eyeriss energies, 16-bit words.
	// Innermost: MAC 1, RF→ALU 16·0.0625 = 1 per move: FIRST 1+3 = 4,
	// OTHER 5. RF refreshes of in, we, out (16 bits each): NoC→RF 16·0.125
	// = 2 plus GB→NoC 16·0.375 = 6, so 8 each; GB refreshes: 16·12.5 = 200.
	// FIRST = 4 + 3·8 + 3·200 = 628; OTHER = 5 + 8+8+16 + 200+200+400 = 837.
	// The loop: 628 + 837 = 1465.
	hw := DNAASIC(1, 0, 0)
	hw.Energy = DNAEyerissEnergy
	nest := []DNALoop{{DimC, DNAGB, 2}}
	var markers []DNAMarker
	for _, lv := range []DNALevel{DNARF, DNAGB} {
		for o := OpInput; o < NumOperands; o++ {
			markers = append(markers, DNAMarker{lv, o, 0})
		}
	}
	got, err := EvalDNA(&hw, nest, markers, 1, 16)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.EnergySum-1465) > 1e-9 {
		t.Errorf("energy = %v, want 1465", got.EnergySum)
	}
	// Time per path at 250 MHz (4 ns a cycle), DRAM at 90 MHz: innermost
	// MAC 3 cycles + 3 (4) RF moves of one cycle = 24 (28) ns; an RF refresh
	// is 1+1 cycles NoC→RF and 1+1 GB→NoC = 16 ns; a GB refresh 1/90 MHz +
	// 4 ns. FIRST = 24 + 3·16 + 3·(11.1 + 4) ns, OTHER = 28 + 4·16 + 4·(11.1+4).
	g := 1/90e6 + 4e-9
	first := 24e-9 + 3*16e-9 + 3*g
	other := 28e-9 + 4*16e-9 + 4*g
	if math.Abs(got.LatencyS-(first+other)) > 1e-15 {
		t.Errorf("latency = %v, want %v", got.LatencyS, first+other)
	}
}

func TestDNASimulatorResources(t *testing.T) {
	var m [6]DNAMarker
	PlaceDNAMarkers(dnaReferenceNest, &m)
	for _, tt := range []struct {
		hw   DNAHardware
		want string
	}{
		{DNAASIC(143, 512, 2097152), "more than 143 PEs"},
		{DNAASIC(144, 47, 2097152), "RF tiles need 48 bits per PE > 47"},
		{DNAASIC(144, 512, 2000), "GB tiles need 2944 bits > 2000"},
	} {
		if _, err := EvalDNA(&tt.hw, dnaReferenceNest, m[:], 1, 16); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("EvalDNA on %+v: %v, want an error containing %q", tt.hw, err, tt.want)
		}
	}
	bad := m
	bad[0].Pos = 99
	if _, err := EvalDNA(&DNAHardware{NumPE: 144}, dnaReferenceNest, bad[:], 1, 16); err == nil {
		t.Errorf("a marker outside the nest was accepted")
	}
}
