package accel_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/fpga"
)

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

// A search engine indexes the space by its decisions: one categorical
// choice each, with compute tiles bounded by their buffer tiles. Sample,
// Decode and EvaluatePlan allocate nothing once their buffers exist, so
// the loop below can run millions of times.
func ExampleSpace() {
	space, err := accel.AutoNBASpace("cifar", []int{8}, "zc706")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range space.Decisions[:3] {
		fmt.Println(d.Name, d.Options)
	}
	fmt.Println(len(space.Decisions), "decisions")
	fmt.Println(space.Decisions[5].Name, "is bounded by", space.Decisions[space.Decisions[5].Bound].Name)

	net, _ := accel.ReadNetworkFile("testdata/net_cifar_tiny.json")
	zc706, _ := accel.Preset("zc706")
	plan, _ := accel.Plan(&space.Template, net, accel.Faithful)
	r := rand.New(rand.NewPCG(1, 2))
	choice := make([]int, len(space.Decisions))
	var design accel.Design
	var cost accel.NetworkCost
	feasible := 0
	for i := 0; i < 100; i++ {
		space.Sample(r, choice)
		space.Decode(choice, &design)
		fpga.EvaluatePlan(&cost, &design, net, zc706, accel.Faithful, plan)
		if cost.Feasible && cost.FPS > 0 {
			feasible++
		}
	}
	fmt.Println(feasible > 0)
	// Output:
	// a0q8.mode [0 1 2]
	// a0q8.gb.P [16 8 4 2 1]
	// a0q8.gb.Q [16 8 4 2 1]
	// 32 decisions
	// a0q8.rf.P is bounded by a0q8.gb.P
	// true
}
