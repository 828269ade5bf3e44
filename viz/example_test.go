package viz_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
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
	got, want := a.Counters().Levels[1].DS[loopnest.DSInputs], a.Model.Levels[1].DS[loopnest.DSInputs]
	fmt.Println("every cycle walked:", a.Walked() == a.Model.Cycles, "· buffer input reads equal the model's:", got.Reads == want.Reads)
	// Output: every cycle walked: true · buffer input reads equal the model's: true
}

// The loop-nest panel prints a mapping as Timeloop does and marks the loop
// that advanced last.
func ExampleNestLines() {
	p := loopnest.ConvProblem(accel.Layer{N: 1, InC: 1, K: 1, H: 1, W: 18, R: 1, S: 3})
	m := &loopnest.Mapping{Levels: []loopnest.MappingLevel{
		{Name: "MainMemory", Keep: 7, Temporal: []loopnest.Loop{{Dim: p.DimIndex("Q"), Factor: 16}}},
		{Name: "Buffer", Keep: 7, Temporal: []loopnest.Loop{{Dim: p.DimIndex("S"), Factor: 3}}},
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

// A column bus drawn under the cells of a 3 × 1 array shows only in the
// gaps between them: lighting it means drawing these pieces.
func ExampleWire_Gaps() {
	g := viz.LayoutPEGrid(3, 1, viz.Rect{X: 0, Y: 0, W: 100, H: 100}, 12)
	for _, w := range viz.NoC(g, accel.WeightStationary, false) {
		if w.Kind != viz.ColumnBus {
			continue
		}
		for _, p := range w.Gaps(g.Cells) {
			fmt.Printf("x=%.0f from y=%.1f to y=%.1f\n", p.X0, p.Y0, p.Y1)
		}
	}
	// Output:
	// x=68 from y=37.0 to y=43.0
	// x=68 from y=58.0 to y=61.0
	// x=68 from y=76.0 to y=79.0
	// x=68 from y=94.0 to y=100.0
}

// Whole prints a count as the page's tables do, so the view and the table
// beside it read the same.
func ExampleWhole() {
	fmt.Println(viz.Whole(10529.333), viz.Whole(999.5), viz.Whole(-1234567))
	// Output: 10,529 1,000 -1,234,567
}
