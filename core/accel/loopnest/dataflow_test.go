package loopnest

import (
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// Hand-derived counts for one mapping per dataflow template on a small PE
// array. The layer: N=1, K=2, C=2, 4×4 input, 3×3 kernel, stride 1, so
// P=Q=2; 144 MACs; Weights 36, Inputs 2·4·4 = 32, Outputs 8 elements.
// Levels: DRAM and GB keep everything; the RF keeps what the dataflow
// keeps stationary. Counts are per instance, as Timeloop prints them.
//
// The rules used below (see loopnest.go): a level's reads (or, for outputs,
// updates) are its child's deltas times the number of distinct deltas among
// the children it feeds; the MACs touch one element each per cycle; a
// child's tile moving by at least its own extent, or along two ranks, is
// refetched whole; outputs read back everything but their first update.

type wantCount struct {
	level, ds             string
	inst                  int64
	reads, fills, updates int64
}

func dataflowCase(t *testing.T, name string, m *Mapping, cycles, pes int64, want []wantCount) {
	t.Helper()
	p := ConvProblem(accel.Layer{N: 1, InC: 2, K: 2, H: 4, W: 4, R: 3, S: 3})
	st, err := Evaluate(p, m)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	tr, err := trace(p, m, nil, true)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if st.Cycles != cycles || st.ComputeInstances != pes || st.MACs != 144 {
		t.Errorf("%s: cycles %d, PEs %d, MACs %d; want %d, %d, 144", name, st.Cycles, st.ComputeInstances, st.MACs, cycles, pes)
	}
	for _, w := range want {
		li := -1
		for i := range m.Levels {
			if m.Levels[i].Name == w.level {
				li = i
			}
		}
		d := p.DataSpaceIndex(w.ds)
		s := st.Levels[li].DS[d]
		got := wantCount{w.level, w.ds, st.Levels[li].Instances, s.Reads, s.Fills, s.Updates}
		if got != w {
			t.Errorf("%s: %s %s: instances, reads, fills, updates = %d, %d, %d, %d; want %d, %d, %d, %d",
				name, w.level, w.ds, got.inst, got.reads, got.fills, got.updates, w.inst, w.reads, w.fills, w.updates)
		}
		if ts := tr.Levels[li].DS[d]; ts.Reads != s.Reads || ts.Fills != s.Fills || ts.Updates != s.Updates {
			t.Errorf("%s: %s %s: trace disagrees: %+v", name, w.level, w.ds, ts)
		}
	}
}

func TestDataflowWeightStationary(t *testing.T) {
	p := ConvProblem(accel.Layer{N: 1, InC: 2, K: 2, H: 4, W: 4, R: 3, S: 3})
	K, C, P, Q, R, S := dimIdx(p, "K"), dimIdx(p, "C"), dimIdx(p, "P"), dimIdx(p, "Q"), dimIdx(p, "R"), dimIdx(p, "S")
	// 2×2 array: C down the rows, K across; each PE holds one weight while
	// P and Q run in its RF loop; the buffer steps R then S.
	m := &Mapping{Levels: []MappingLevel{
		{Name: "DRAM", Keep: 7},
		{Name: "GB", Keep: 7, Temporal: []Loop{{Dim: R, Factor: 3}, {Dim: S, Factor: 3}},
			Spatial: []Loop{{Dim: C, Factor: 2, Axis: AxisY}, {Dim: K, Factor: 2, Axis: AxisX}}},
		{Name: "RF", Keep: 1 << DSWeights, Temporal: []Loop{{Dim: P, Factor: 2}, {Dim: Q, Factor: 2}}},
	}}
	// cycles = R·S·P·Q = 36 on 4 PEs.
	// RF weights: one weight per PE, read by each of its 36 MACs; every
	// buffer step (9) brings a new one: fills 9.
	// GB weights: 4 PEs hold 4 different weights (C and K both index
	// weights): reads 4·9 = 36; fills 36 from DRAM, which reads 36.
	// Inputs bypass the RF: per cycle the 4 MACs touch 2 distinct inputs
	// (the two K columns share them): GB reads 2·36 = 72; the GB tile is
	// C2 × (P+R−1=4) × (Q+S−1=4) = 32: fills 32, DRAM reads 32.
	// Outputs bypass the RF: per cycle 2 distinct partial sums (the two C
	// rows reduce): GB updates 72, reads 72 − 8 = 64 (first update of each
	// output needs no read); DRAM updates 8, reads 8 − 8 = 0.
	dataflowCase(t, "ws", m, 36, 4, []wantCount{
		{"RF", "Weights", 4, 36, 9, 0},
		{"GB", "Weights", 1, 36, 36, 0},
		{"DRAM", "Weights", 1, 36, 0, 0},
		{"GB", "Inputs", 1, 72, 32, 0},
		{"DRAM", "Inputs", 1, 32, 0, 0},
		{"GB", "Outputs", 1, 64, 0, 72},
		{"DRAM", "Outputs", 1, 0, 0, 8},
	})
}

func TestDataflowOutputStationary(t *testing.T) {
	p := ConvProblem(accel.Layer{N: 1, InC: 2, K: 2, H: 4, W: 4, R: 3, S: 3})
	K, C, P, Q, R, S := dimIdx(p, "K"), dimIdx(p, "C"), dimIdx(p, "P"), dimIdx(p, "Q"), dimIdx(p, "R"), dimIdx(p, "S")
	// 2×2 array: P down, K across; each PE accumulates one output over
	// C·R·S in its RF; the buffer steps Q.
	m := &Mapping{Levels: []MappingLevel{
		{Name: "DRAM", Keep: 7},
		{Name: "GB", Keep: 7, Temporal: []Loop{{Dim: Q, Factor: 2}},
			Spatial: []Loop{{Dim: P, Factor: 2, Axis: AxisY}, {Dim: K, Factor: 2, Axis: AxisX}}},
		{Name: "RF", Keep: 1 << DSOutputs, Temporal: []Loop{{Dim: C, Factor: 2}, {Dim: R, Factor: 3}, {Dim: S, Factor: 3}}},
	}}
	// cycles = Q·C·R·S = 36 on 4 PEs.
	// RF outputs: 36 updates per PE; over the run a PE owns 2 outputs (its
	// k, p and both q): reads 36 − 2 = 34; its tile (1 output) changes at
	// each of the 2 buffer steps, and both arrivals are first updates:
	// fills 2 − 2 = 0.
	// GB outputs: 4 PEs hold 4 distinct outputs: updates 4·2 = 8, reads
	// 8 − 8 = 0; DRAM updates 8.
	// Weights bypass the RF: 2 distinct per cycle (K columns differ, P rows
	// share): GB reads 72, fills 36; DRAM reads 36.
	// Inputs bypass the RF: 2 distinct per cycle (P rows differ, K columns
	// share): GB reads 72, fills 32; DRAM reads 32.
	dataflowCase(t, "os", m, 36, 4, []wantCount{
		{"RF", "Outputs", 4, 34, 0, 36},
		{"GB", "Outputs", 1, 0, 0, 8},
		{"DRAM", "Outputs", 1, 0, 0, 8},
		{"GB", "Weights", 1, 72, 36, 0},
		{"DRAM", "Weights", 1, 36, 0, 0},
		{"GB", "Inputs", 1, 72, 32, 0},
		{"DRAM", "Inputs", 1, 32, 0, 0},
	})
}

func TestDataflowInputStationary(t *testing.T) {
	p := ConvProblem(accel.Layer{N: 1, InC: 2, K: 2, H: 4, W: 4, R: 3, S: 3})
	K, C, P, Q, R, S := dimIdx(p, "K"), dimIdx(p, "C"), dimIdx(p, "P"), dimIdx(p, "Q"), dimIdx(p, "R"), dimIdx(p, "S")
	// 2×2 array: C down, Q across; each PE keeps one input while K runs in
	// its RF; the buffer steps P, R, S (S innermost).
	m := &Mapping{Levels: []MappingLevel{
		{Name: "DRAM", Keep: 7},
		{Name: "GB", Keep: 7, Temporal: []Loop{{Dim: P, Factor: 2}, {Dim: R, Factor: 3}, {Dim: S, Factor: 3}},
			Spatial: []Loop{{Dim: C, Factor: 2, Axis: AxisY}, {Dim: Q, Factor: 2, Axis: AxisX}}},
		{Name: "RF", Keep: 1 << DSInputs, Temporal: []Loop{{Dim: K, Factor: 2}}},
	}}
	// cycles = P·R·S·K = 36 on 4 PEs.
	// RF inputs: one input (c, h=p+r, w=q+s) per PE, read by all 36 MACs.
	// Each of the 18 buffer steps moves it: along w by 1 (an S step: the
	// 1-wide tile does not overlap), or along h and w together (R and P
	// steps): 18 fills, all whole.
	// GB inputs: the 4 PEs hold 4 distinct inputs (C and Q both index
	// inputs): reads 4·18 = 72; tile 32: fills 32; DRAM reads 32.
	// Weights bypass the RF: 2 distinct per cycle (C rows differ, Q columns
	// share): GB reads 72, fills 36, DRAM reads 36.
	// Outputs bypass the RF: 2 distinct partial sums per cycle (C rows
	// reduce): GB updates 72, reads 64; DRAM updates 8.
	dataflowCase(t, "is", m, 36, 4, []wantCount{
		{"RF", "Inputs", 4, 36, 18, 0},
		{"GB", "Inputs", 1, 72, 32, 0},
		{"DRAM", "Inputs", 1, 32, 0, 0},
		{"GB", "Weights", 1, 72, 36, 0},
		{"DRAM", "Weights", 1, 36, 0, 0},
		{"GB", "Outputs", 1, 64, 0, 72},
		{"DRAM", "Outputs", 1, 0, 0, 8},
	})
}

func TestDataflowRowStationary(t *testing.T) {
	p := ConvProblem(accel.Layer{N: 1, InC: 2, K: 2, H: 4, W: 4, R: 3, S: 3})
	K, C, P, Q, R, S := dimIdx(p, "K"), dimIdx(p, "C"), dimIdx(p, "P"), dimIdx(p, "Q"), dimIdx(p, "R"), dimIdx(p, "S")
	// Eyeriss on a 3×2 array: filter rows R down, output rows P across.
	// Each PE runs a 1-D convolution of a filter row (S=3) over an input
	// row into an output row (Q=2) from its RF; the buffer steps K then C.
	m := &Mapping{Levels: []MappingLevel{
		{Name: "DRAM", Keep: 7},
		{Name: "GB", Keep: 7, Temporal: []Loop{{Dim: K, Factor: 2}, {Dim: C, Factor: 2}},
			Spatial: []Loop{{Dim: R, Factor: 3, Axis: AxisY}, {Dim: P, Factor: 2, Axis: AxisX}}},
		{Name: "RF", Keep: 7, Temporal: []Loop{{Dim: Q, Factor: 2}, {Dim: S, Factor: 3}}},
	}}
	// cycles = K·C·Q·S = 24 on 6 PEs (144 MACs).
	// RF tiles: a filter row of 3 weights, an input row segment of
	// Q+S−1 = 4 inputs, an output row of 2.
	// RF weights: 24 reads; the row changes at every buffer step (C steps
	// by its own extent 1, K steps move K and C): 4·3 = 12 fills.
	// RF inputs: 24 reads; a C step moves the tile along C by its extent,
	// a K step moves it back along C: every step refetches 4: 16 fills.
	// RF outputs: 24 updates; over the run a PE owns 2 output channels × 2
	// = 4 outputs: reads 24 − 4 = 20; the tile stays during C steps and
	// changes at the K step: 2 + 2 = 4 arrivals, all first updates: fills 0.
	// GB weights: 3 distinct rows across the array (R differs, P shares):
	// reads 3·12 = 36; fills 36; DRAM reads 36.
	// GB inputs: PE (r, p) reads input row p+r, so the 6 PEs need 4
	// distinct rows (Eyeriss' diagonal reuse): reads 4·16 = 64; fills 32.
	// GB outputs: 2 distinct output rows (the 3 R rows reduce): updates
	// 2·4 = 8, reads 0; DRAM updates 8.
	dataflowCase(t, "rs", m, 24, 6, []wantCount{
		{"RF", "Weights", 6, 24, 12, 0},
		{"RF", "Inputs", 6, 24, 16, 0},
		{"RF", "Outputs", 6, 20, 0, 24},
		{"GB", "Weights", 1, 36, 36, 0},
		{"GB", "Inputs", 1, 64, 32, 0},
		{"GB", "Outputs", 1, 0, 0, 8},
		{"DRAM", "Weights", 1, 36, 0, 0},
		{"DRAM", "Inputs", 1, 32, 0, 0},
		{"DRAM", "Outputs", 1, 0, 0, 8},
	})
}
