package dna

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/acceltest"
)

func TestGenericSpace(t *testing.T) {
	tmpl := dnaReferenceChunk()
	tmpl.Layers = []string{"conv"}
	orders := []accel.LoopOrder{accel.DefaultLoopOrder, tmpl.Order[accel.LevelGB], tmpl.Order[accel.LevelDRAM]}
	var ch accel.ChunkChoices
	ch.Dataflows = []accel.Dataflow{accel.WeightStationary, accel.OutputStationary, accel.RowStationary}
	for _, d := range []accel.Dim{accel.DimK, accel.DimC, accel.DimP, accel.DimQ} {
		ch.GBTile[d] = []int{32, 16, 8, 4}
		ch.RFTile[d] = []int{8, 4, 2, 1}
		ch.Unroll[d] = []int{4, 2, 1}
	}
	ch.Unroll[accel.DimR], ch.Unroll[accel.DimS] = []int{3, 1}, []int{3, 1}
	ch.Orders = orders
	s, err := accel.GenericSpace(accel.Design{Name: "g", Platform: "eyeriss", Chunks: []accel.SubAccel{tmpl}}, ch)
	if err != nil {
		t.Fatal(err)
	}
	// dataflow + 4 GB tiles + 4 RF tiles + 6 unrolls + 2 orders.
	if len(s.Decisions) != 17 {
		t.Fatalf("%d decisions, want 17", len(s.Decisions))
	}
	// The reference design is a point of the space, and evaluates to the
	// reference energy.
	choice := acceltest.PointWith(t, s, map[string]int{"asic.dataflow": int(accel.WeightStationary),
		"asic.gb.K": 32, "asic.gb.C": 32, "asic.gb.P": 8, "asic.gb.Q": 8,
		"asic.rf.K": 4, "asic.rf.C": 4, "asic.rf.P": 1, "asic.rf.Q": 1,
		"asic.unroll.K": 4, "asic.unroll.C": 4, "asic.unroll.P": 1, "asic.unroll.Q": 1, "asic.unroll.R": 3, "asic.unroll.S": 3,
		"asic.order.gb": 1, "asic.order.dram": 2})
	var d accel.Design
	if err := s.Decode(choice, &d); err != nil {
		t.Fatal(err)
	}
	net := &accel.Network{Name: "one", Layers: []accel.NetworkLayer{{Layer: accel.Layer{Name: "conv", N: 1, InC: 32, K: 32, H: 16, W: 16, R: 3, S: 3, PadH: 1, PadW: 1}}}}
	eyeriss, _ := accel.Preset("eyeriss")
	nc, err := Evaluate(&d, net, eyeriss)
	if err != nil {
		t.Fatal(err)
	}
	if c := d.Chunks[0]; c.Rows != 12 || c.Cols != 12 || math.Abs(nc.EnergySum-644371906.56) > 0.005 {
		t.Errorf("reference point: %d×%d array, energy %.2f; want 12×12, 644371906.56", c.Rows, c.Cols, nc.EnergySum)
	}
	// Random points are valid designs: only budgets may break.
	r := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 300; i++ {
		s.Sample(r, choice)
		if err := s.Decode(choice, &d); err != nil {
			t.Fatal(err)
		}
		if err := d.Validate(eyeriss); err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var ce *accel.ConstraintError
				if !errors.As(e, &ce) || !accel.IsBudget(ce.Constraint) {
					t.Fatalf("point %d: %v", i, e)
				}
			}
		}
		if _, err := Evaluate(&d, net, eyeriss); err != nil {
			t.Fatalf("point %d: %v", i, err)
		}
	}
	if _, err := accel.GenericSpace(accel.Design{Name: "g", Chunks: []accel.SubAccel{tmpl}}, accel.ChunkChoices{GBTile: [accel.NumDims][]int{accel.DimK: {4, 8}}}); err == nil {
		t.Errorf("ascending tile options accepted")
	}
}
