package fpga

import (
	"testing"

	"github.com/dian-explorer/dian/core/accel"

	"github.com/dian-explorer/dian/core/accel/acceltest"
)

func TestAutoNBASpaceDecodesReference(t *testing.T) {
	// The reference chunks of docs/METHOD.md §3.6 are points of the
	// space and decode to the same costs.
	s, _ := accel.AutoNBASpace("cifar", []int{8}, "zc706")
	choice := acceltest.PointWith(t, s, map[string]int{
		"a0q8.mode": 1, "a0q8.gb.P": 16, "a0q8.gb.Q": 16, "a0q8.gb.K": 8, "a0q8.gb.C": 8,
		"a0q8.rf.P": 16, "a0q8.rf.Q": 16, "a0q8.rf.K": 8, "a0q8.rf.C": 8,
		"dwa0q8.mode": 1, "dwa0q8.gb.P": 16, "dwa0q8.gb.Q": 16, "dwa0q8.gb.K": 8,
		"dwa0q8.rf.P": 16, "dwa0q8.rf.Q": 16, "dwa0q8.rf.K": 8,
	})
	var d accel.Design
	if err := s.Decode(choice, &d); err != nil {
		t.Fatal(err)
	}
	net := &accel.Network{Name: "ref", Layers: []accel.NetworkLayer{
		{Layer: autoNBALayer(16, 96, 32, 1, false), Bits: 8},
		{Layer: autoNBALayer(1, 96, 32, 3, true), Bits: 8},
	}}
	net.Layers[1].Name = "dw"
	p, _ := accel.Preset("zc706")
	nc, err := Evaluate(&d, net, p, accel.Faithful)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range faithfulReference {
		got := nc.Layers[i]
		if got.Cycles != want.cycles || got.DSP != want.dsp || got.BRAM18 != want.bram {
			t.Errorf("%s via the space: %v cycles, %v DSP, %d BRAM18; want %v, %v, %d",
				want.name, got.Cycles, got.DSP, got.BRAM18, want.cycles, want.dsp, want.bram)
		}
	}
}
