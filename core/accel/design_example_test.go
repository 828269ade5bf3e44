package accel_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
)

// A one-chunk design and a one-layer network in their JSON forms, evaluated
// with the paper-faithful FPGA model: the layer is the first reference case
// of model-formulas.md §1.6 (43,776 cycles, 32 DSP, 24 BRAM18), and with one
// chunk it is the bottleneck, so FPS = 200 MHz / 43,776.
func ExampleEvaluateFPGA() {
	design, err := accel.DecodeDesign([]byte(`{
  "name": "one-chunk", "platform": "zc706",
  "chunks": [{
    "name": "a0q8", "rows": 8, "cols": 8, "dataflow": "ws", "bits": 8,
    "tiles": {"gb": {"P": 16, "Q": 16, "K": 8, "C": 8}, "rf": {"P": 16, "Q": 16, "K": 8, "C": 8}},
    "unroll": {"K": 8, "C": 8},
    "layers": ["b0.pw1"]
  }]
}`), "design.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	net, err := accel.DecodeNetwork([]byte(`{"name": "one-layer", "layers": [
  {"name": "b0.pw1", "in_c": 16, "k": 96, "h": 32, "w": 32, "r": 1, "s": 1, "bits": 8}
]}`), "net.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	zc706, _ := accel.Preset(design.Platform)
	cost, err := accel.EvaluateFPGA(design, net, zc706, accel.FPGAFaithful)
	if err != nil {
		fmt.Println(err)
		return
	}
	l := cost.Layers[0]
	fmt.Printf("%s on %s: %.0f cycles, %.0f DSP, %d BRAM18\n", l.Layer, cost.Chunks[l.Chunk].Name, l.Cycles, l.DSP, l.BRAM18)
	fmt.Printf("bottleneck %s, %.1f FPS, feasible %v\n", cost.Chunks[cost.Bottleneck].Name, cost.FPS, cost.Feasible)
	// Output:
	// b0.pw1 on a0q8: 43776 cycles, 32 DSP, 24 BRAM18
	// bottleneck a0q8, 4568.7 FPS, feasible true
}

// Invalid designs name the constraint they break.
func ExampleDesign_Validate() {
	d := accel.Design{Name: "tiny", Chunks: []accel.SubAccel{{
		Name: "c", Rows: 2, Cols: 2, Dataflow: accel.WeightStationary, Bits: 16,
		Unroll: accel.Extents{accel.DimK: 4, accel.DimC: 2},
	}}}
	zc706, _ := accel.Preset("zc706")
	fmt.Println(d.Validate(zc706))
	// Output:
	// accel: chunk 0 "c" breaks unroll-fits-array: Π unroll = 8 > 2×2 PEs
}

func ExampleParseDataflow() {
	for _, key := range []string{"ws", "rs", "xs"} {
		df, err := accel.ParseDataflow(key)
		fmt.Println(df, df.Spatial(), err)
	}
	// Output:
	// ws K,C,R,S <nil>
	// rs N,K,C,P,R <nil>
	// ws K,C,R,S accel: dataflow "xs" is not one of ws, os, is, rs
}
