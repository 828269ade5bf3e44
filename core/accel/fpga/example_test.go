package fpga_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/fpga"
)

// A one-chunk design and a one-layer network in their JSON forms, evaluated
// with the paper-faithful FPGA model: the layer is the first reference case
// of docs/METHOD.md §3.6 (43,776 cycles, 32 DSP, 24 BRAM18), and with one
// chunk it is the bottleneck, so FPS = 200 MHz / 43,776.
func ExampleEvaluate() {
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
	cost, err := fpga.Evaluate(design, net, zc706, accel.Faithful)
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
