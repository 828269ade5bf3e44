package viz_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/viz"
)

// A layer's walk, frame by frame: the counters end on the loop-nest
// model's numbers for the layer.
func ExampleLayerAnim() {
	p, _ := accel.Preset("eyeriss")
	w := viz.PresetWorkload(p, accel.RowStationary)
	pr, err := w.Prepare(1) // the 1×1 expansion of the demo block
	if err != nil {
		panic(err)
	}
	a := pr.Anim
	for !a.Done() {
		a.Advance(100) // one frame's budget
	}
	got, want := a.Counters().Levels[1].DS[accel.DSInputs], a.Model.Levels[1].DS[accel.DSInputs]
	fmt.Println("every cycle walked:", a.Walked() == a.Model.Cycles, "· buffer input reads equal the model's:", got.Reads == want.Reads)
	// Output: every cycle walked: true · buffer input reads equal the model's: true
}

// The loop-nest panel prints a mapping as Timeloop does and marks the loop
// that advanced last.
func ExampleNestLines() {
	p := accel.ConvProblem(accel.Layer{N: 1, InC: 1, K: 1, H: 1, W: 18, R: 1, S: 3})
	m := &accel.Mapping{Levels: []accel.MappingLevel{
		{Name: "MainMemory", Keep: 7, Temporal: []accel.Loop{{Dim: p.DimIndex("Q"), Factor: 16}}},
		{Name: "Buffer", Keep: 7, Temporal: []accel.Loop{{Dim: p.DimIndex("S"), Factor: 3}}},
	}}
	a, _ := viz.NewLayerAnim(p, m)
	a.Advance(5)
	for _, ln := range viz.NestLines(p, m, a.Index(), a.Carry()) {
		mark := "  "
		if ln.Current {
			mark = "▶ "
		}
		fmt.Printf("%s%*s%s\n", mark, 2*ln.Indent, "", ln.Text)
	}
	// Output:
	//   MainMemory [ Weights Inputs Outputs ]
	//     for Q in [0:16)   Q=1
	//     Buffer [ Weights Inputs Outputs ]
	// ▶     for S in [0:3)   S=1
	//         << Compute >>
}
