package dna

import (
	"math"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// dnaReferenceNest is the mapping of docs/METHOD.md §4.5's reference
// value, innermost first: a 32→32-channel 3×3 convolution on a 16×16 output.
var dnaReferenceNest = []Loop{
	{accel.DimS, NoC, 3}, {accel.DimR, NoC, 3}, {accel.DimC, NoC, 4}, {accel.DimK, NoC, 4},
	{accel.DimK, GB, 8}, {accel.DimC, GB, 8}, {accel.DimS, GB, 1}, {accel.DimP, GB, 8}, {accel.DimN, GB, 1}, {accel.DimQ, GB, 8}, {accel.DimR, GB, 1},
	{accel.DimQ, DRAM, 2}, {accel.DimK, DRAM, 1}, {accel.DimN, DRAM, 1}, {accel.DimC, DRAM, 1}, {accel.DimP, DRAM, 2}, {accel.DimS, DRAM, 1}, {accel.DimR, DRAM, 1},
}

func TestDNASimulatorReference(t *testing.T) {
	hw := ASIC(144, 512, 2097152)
	var markers [6]Marker
	PlaceMarkers(dnaReferenceNest, &markers)
	got, err := Eval(&hw, dnaReferenceNest, markers[:], 1, 16)
	if err != nil {
		t.Fatal(err)
	}
	// Reference: energy 644,371,906.56, latency 0.0175609 s, DRAM share
	// 95.3%, EDP metric 11.3158 (each to the digits printed).
	share := 100 * (got.DRAMGB[0] + got.DRAMGB[1] + got.DRAMGB[2]) / got.EnergySum
	if math.Abs(got.EnergySum-644371906.56) > 0.005 || math.Abs(got.LatencyS-0.0175609) > 5e-8 ||
		math.Abs(share-95.3) > 0.05 || math.Abs(got.EDPMetric-11.3158) > 5e-5 {
		t.Errorf("Eval = energy %.2f, latency %.7f s, DRAM %.1f%%, EDP %.4f; want 644371906.56, 0.0175609, 95.3, 11.3158",
			got.EnergySum, got.LatencyS, share, got.EDPMetric)
	}
	if got.PEs != 144 {
		t.Errorf("active PEs = %d, want 3·3·4·4 = 144", got.PEs)
	}
}

func TestPlaceDNAMarkersHoists(t *testing.T) {
	var m [6]Marker
	PlaceMarkers(dnaReferenceNest, &m)
	// No RF loops: RF points hoist to just inside the first relevant GB
	// loop (K for outputs and weights at index 4, C for inputs at 5); GB
	// points stay just outside the NoC loops (index 4), a relevant GB loop
	// lying outside each.
	want := [6]Marker{
		{RF, accel.OpInput, 5}, {RF, accel.OpWeight, 4}, {RF, accel.OpOutput, 4},
		{GB, accel.OpInput, 4}, {GB, accel.OpWeight, 4}, {GB, accel.OpOutput, 4},
	}
	if m != want {
		t.Errorf("PlaceMarkers = %v, want %v", m, want)
	}
	// A GB point with no relevant GB loop outside moves to its first
	// relevant DRAM loop: weights ignore P and Q, so with only P, Q at the
	// GB level the weight point moves inside the DRAM K loop.
	nest := []Loop{{accel.DimK, NoC, 2}, {accel.DimP, GB, 4}, {accel.DimQ, GB, 4}, {accel.DimP, DRAM, 2}, {accel.DimK, DRAM, 3}}
	PlaceMarkers(nest, &m)
	if m[4] != (Marker{GB, accel.OpWeight, 4}) || m[5] != (Marker{GB, accel.OpOutput, 1}) {
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
	hw := ASIC(1, 0, 0)
	hw.Energy = EyerissEnergy
	nest := []Loop{{accel.DimC, GB, 2}}
	var markers []Marker
	for _, lv := range []Level{RF, GB} {
		for o := accel.OpInput; o < accel.NumOperands; o++ {
			markers = append(markers, Marker{lv, o, 0})
		}
	}
	got, err := Eval(&hw, nest, markers, 1, 16)
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
	var m [6]Marker
	PlaceMarkers(dnaReferenceNest, &m)
	for _, tt := range []struct {
		hw   Hardware
		want string
	}{
		{ASIC(143, 512, 2097152), "more than 143 PEs"},
		{ASIC(144, 47, 2097152), "RF tiles need 48 bits per PE > 47"},
		{ASIC(144, 512, 2000), "GB tiles need 2944 bits > 2000"},
	} {
		if _, err := Eval(&tt.hw, dnaReferenceNest, m[:], 1, 16); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Eval on %+v: %v, want an error containing %q", tt.hw, err, tt.want)
		}
	}
	bad := m
	bad[0].Pos = 99
	if _, err := Eval(&Hardware{NumPE: 144}, dnaReferenceNest, bad[:], 1, 16); err == nil {
		t.Errorf("a marker outside the nest was accepted")
	}
}

// dnaReferenceChunk is a design chunk whose translation is the reference
// nest: a 12×12 ws array unrolling S, R, C, K by 3, 3, 4, 4, no RF loops,
// GB tiles 32×32 channels and 8×8 pixels in the order K, C, P, Q (innermost
// first), DRAM loops Q, P.
func dnaReferenceChunk() accel.SubAccel {
	c := accel.SubAccel{Name: "asic", Rows: 12, Cols: 12, Dataflow: accel.WeightStationary, Bits: 16, RFBytes: 64,
		Unroll: accel.Extents{accel.DimK: 4, accel.DimC: 4, accel.DimR: 3, accel.DimS: 3}}
	c.Tiles[accel.LevelRF] = accel.Extents{accel.DimN: 1, accel.DimK: 4, accel.DimC: 4, accel.DimP: 1, accel.DimQ: 1, accel.DimR: 3, accel.DimS: 3}
	c.Tiles[accel.LevelGB] = accel.Extents{accel.DimK: 32, accel.DimC: 32, accel.DimP: 8, accel.DimQ: 8, accel.DimR: 3, accel.DimS: 3}
	c.Order[accel.LevelGB], _ = accel.ParseLoopOrder("RQNPSCK")
	c.Order[accel.LevelDRAM], _ = accel.ParseLoopOrder("RSPCNKQ")
	return c
}

func TestDNANestTranslation(t *testing.T) {
	l := accel.Layer{Name: "conv", N: 1, InC: 32, K: 32, H: 16, W: 16, R: 3, S: 3, PadH: 1, PadW: 1}
	c := dnaReferenceChunk()
	got := Nest(nil, &l, &c)
	var want []Loop
	for _, lp := range dnaReferenceNest {
		if lp.Factor > 1 {
			want = append(want, lp)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("Nest = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("Nest[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	// Padding: a 10-wide output on 8-wide GB tiles takes two DRAM steps.
	l.H, l.W = 10, 10
	for _, lp := range Nest(nil, &l, &c) {
		if lp.Level == GB && lp.Dim == accel.DimP && lp.Factor != 8 || lp.Level == DRAM && lp.Dim == accel.DimP && lp.Factor != 2 {
			t.Errorf("10-row output: loop %v, want gb P 8 and dram P 2", lp)
		}
	}
}

func TestEvaluateDNAReproducesReference(t *testing.T) {
	c := dnaReferenceChunk()
	c.Layers = []string{"conv", "conv2"}
	d := &accel.Design{Name: "dna", Platform: "eyeriss", Chunks: []accel.SubAccel{c}}
	net := &accel.Network{Name: "two", Layers: []accel.NetworkLayer{
		{Layer: accel.Layer{Name: "conv", N: 1, InC: 32, K: 32, H: 16, W: 16, R: 3, S: 3, PadH: 1, PadW: 1}},
		{Layer: accel.Layer{Name: "conv2", N: 1, InC: 32, K: 32, H: 16, W: 16, R: 3, S: 3, PadH: 1, PadW: 1}},
	}}
	eyeriss, _ := accel.Preset("eyeriss")
	nc, err := Evaluate(d, net, eyeriss)
	if err != nil {
		t.Fatal(err)
	}
	if !nc.Feasible {
		t.Fatalf("infeasible: %v", nc.Violations)
	}
	l := nc.Layers[0]
	if math.Abs(l.EnergySum-644371906.56) > 0.005 || math.Abs(l.Cycles/250e6-0.0175609) > 5e-8 {
		t.Errorf("layer via the design: energy %.2f, latency %.7f s; want 644371906.56, 0.0175609", l.EnergySum, l.Cycles/250e6)
	}
	// Two identical layers in sequence: twice the energy and latency, EDP
	// = Σ energy × Σ latency, FPS = 1 / latency.
	if nc.EnergySum != 2*l.EnergySum || nc.Cycles != 2*l.Cycles || nc.FPS != 250e6/nc.Cycles ||
		nc.EDP != nc.EnergySum*nc.LatencyMs/1e3 || nc.Bottleneck != -1 {
		t.Errorf("network: %+v", nc)
	}
	// The breakdown adds up: DRAM 95.3% of the energy.
	var dram float64
	for o := accel.OpInput; o < accel.NumOperands; o++ {
		dram += l.Energy.DRAM[o]
	}
	if math.Abs(100*dram/l.EnergySum-95.3) > 0.05 {
		t.Errorf("DRAM share %.2f%%, want 95.3%%", 100*dram/l.EnergySum)
	}
	// The per-PE RF tiles take 48 bits (6 bytes); a 5-byte RF cannot hold them.
	d.Chunks[0].RFBytes = 5
	nc, _ = Evaluate(d, net, eyeriss)
	if nc.Feasible || len(nc.Violations) != 2 || !strings.Contains(nc.Violations[0], accel.CstDNAResource) {
		t.Errorf("5-byte RF: feasible %v, violations %q; want both layers over their RF", nc.Feasible, nc.Violations)
	}
}

func TestEvaluateDNADepthwiseAndGroups(t *testing.T) {
	// A depthwise layer reads its input along K: on a chunk unrolling K by
	// 4 its per-PE input tile is one word, and it costs what a 1-channel
	// standard conv costs per channel group, with the K loop spatial.
	c := accel.SubAccel{Name: "dw", Rows: 1, Cols: 4, Dataflow: accel.WeightStationary, Bits: 16, Unroll: accel.Extents{accel.DimK: 4}}
	c.Tiles[accel.LevelGB] = accel.Extents{accel.DimK: 4, accel.DimP: 4, accel.DimQ: 4}
	dw := accel.Layer{Name: "dw", N: 1, InC: 8, K: 8, H: 8, W: 8, R: 3, S: 3, PadH: 1, PadW: 1, Groups: 8}
	g2 := accel.Layer{Name: "g2", N: 1, InC: 8, K: 8, H: 8, W: 8, R: 1, S: 1, Groups: 2}
	one := accel.Layer{Name: "one", N: 1, InC: 4, K: 4, H: 8, W: 8, R: 1, S: 1}
	hw := HardwareFor(accel.Platform{Target: accel.ASIC}, &c)
	var a, b, e accel.LayerCost
	if _, err := EvalLayer(&a, &dw, &c, &hw, nil); err != nil {
		t.Fatal(err)
	}
	if a.Energy.MAC <= 0 || a.EnergySum <= 0 || a.Cycles <= 0 {
		t.Errorf("depthwise cost %+v", a)
	}
	// A group-2 conv costs twice one group.
	EvalLayer(&b, &g2, &c, &hw, nil)
	EvalLayer(&e, &one, &c, &hw, nil)
	if b.EnergySum != 2*e.EnergySum || b.Cycles != 2*e.Cycles {
		t.Errorf("group-2 conv: energy %v cycles %v; want twice one group's %v, %v", b.EnergySum, b.Cycles, e.EnergySum, e.Cycles)
	}
}
