package loopnest

import (
	"errors"
	"testing"

	"github.com/dian-explorer/dian/core/accel/acceltest"

	"github.com/dian-explorer/dian/core/accel"
)

// The weight-stationary hand case of loopnest_dataflow_test.go, written as a
// design: unroll C2 × K2, RF tile C2 K2 P2 Q2 (P and Q run in the PE), the
// buffer takes the rest (R then S), nothing left for DRAM.
func TestDesignMappingHandCase(t *testing.T) {
	l := accel.Layer{Name: "small", N: 1, InC: 2, K: 2, H: 4, W: 4, R: 3, S: 3}
	c := &accel.SubAccel{Name: "ws", Rows: 2, Cols: 2, Dataflow: accel.WeightStationary, Bits: 16,
		Unroll: accel.Extents{accel.DimC: 2, accel.DimK: 2},
		Tiles:  [accel.LevelDRAM]accel.Extents{accel.LevelRF: {accel.DimN: 1, accel.DimK: 2, accel.DimC: 2, accel.DimP: 2, accel.DimQ: 2, accel.DimR: 1, accel.DimS: 1}},
		Order:  [accel.NumMemLevels]accel.LoopOrder{accel.LevelGB: {accel.DimN, accel.DimK, accel.DimC, accel.DimP, accel.DimQ, accel.DimR, accel.DimS}},
	}
	p, m, err := DesignMapping(l, c, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Evaluate(p, m)
	if err != nil {
		t.Fatal(err)
	}
	// From TestDataflowWeightStationary: 36 cycles on 4 PEs; RF weights
	// 36 reads / 9 fills; GB inputs 72 reads; GB outputs 64 reads / 72
	// updates; DRAM outputs 8 updates.
	rfW, gbI, gbO, dO := st.Levels[2].DS[DSWeights], st.Levels[1].DS[DSInputs], st.Levels[1].DS[DSOutputs], st.Levels[0].DS[DSOutputs]
	got := []int64{st.Cycles, st.ComputeInstances, rfW.Reads, rfW.Fills, gbI.Reads, gbO.Reads, gbO.Updates, dO.Updates}
	want := []int64{36, 4, 36, 9, 72, 64, 72, 8}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("cycles, PEs, RF W reads/fills, GB I reads, GB O reads/updates, DRAM O updates = %v, want %v", got, want)
		}
	}
}

func TestDesignMappingPadding(t *testing.T) {
	l := accel.Layer{Name: "odd", N: 1, InC: 3, K: 10, H: 7, W: 7, R: 1, S: 1}
	c := &accel.SubAccel{Name: "os", Rows: 4, Cols: 4, Dataflow: accel.OutputStationary, Bits: 16,
		Unroll: accel.Extents{accel.DimK: 4, accel.DimP: 4},
		Tiles:  [accel.LevelDRAM]accel.Extents{accel.LevelGB: {accel.DimK: 8, accel.DimP: 4}},
	}
	_, _, err := DesignMapping(l, c, false)
	var ce *accel.ConstraintError
	if !errors.As(err, &ce) || ce.Constraint != accel.CstTilesDivide {
		t.Fatalf("err = %v, want a %s violation", err, accel.CstTilesDivide)
	}
	p, m, err := DesignMapping(l, c, true)
	if err != nil {
		t.Fatal(err)
	}
	// K 10 pads to 16 (GB tile 8), P 7 to 8 (GB tile 4).
	if p.Bounds[accel.DimK] != 16 || p.Bounds[accel.DimP] != 8 {
		t.Errorf("padded K, P = %d, %d; want 16, 8", p.Bounds[accel.DimK], p.Bounds[accel.DimP])
	}
	if _, err := Evaluate(p, m); err != nil {
		t.Fatal(err)
	}
}

// Every layer of the example network maps on its chunk of the example
// design (Auto-NBA's rule), and padded MACs never undercount.
func TestDesignMappingExampleDesign(t *testing.T) {
	d, net, _ := acceltest.Examples(t)
	plan, err := accel.Plan(d, net, accel.Corrected)
	if err != nil {
		t.Fatal(err)
	}
	for i, ci := range plan {
		if ci < 0 {
			continue
		}
		l := net.Layers[i].Layer
		p, m, err := DesignMapping(l, &d.Chunks[ci], true)
		if err != nil {
			t.Fatalf("%s: %v", l.Name, err)
		}
		st, err := Evaluate(p, m)
		if err != nil {
			t.Fatalf("%s: %v", l.Name, err)
		}
		if st.MACs < l.MACs() {
			t.Errorf("%s: %d MACs, layer has %d", l.Name, st.MACs, l.MACs())
		}
	}
}
