package accel_test

import (
	"fmt"
	"math/rand/v2"

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
	plan, _ := accel.Plan(&space.Template, net, accel.FPGAFaithful)
	r := rand.New(rand.NewPCG(1, 2))
	choice := make([]int, len(space.Decisions))
	var design accel.Design
	var cost accel.NetworkCost
	feasible := 0
	for i := 0; i < 100; i++ {
		space.Sample(r, choice)
		space.Decode(choice, &design)
		accel.EvaluatePlan(&cost, &design, net, zc706, accel.FPGAFaithful, plan)
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

// DNA's chip estimator on the mapping of its reference value (model-formulas
// §2.2): a 32→32-channel 3×3 layer on 144 PEs, 512-bit RFs, a 2 Mbit GB.
func ExampleEvalDNA() {
	loops := []accel.DNALoop{ // innermost first
		{Dim: accel.DimS, Level: accel.DNANoC, Factor: 3}, {Dim: accel.DimR, Level: accel.DNANoC, Factor: 3},
		{Dim: accel.DimC, Level: accel.DNANoC, Factor: 4}, {Dim: accel.DimK, Level: accel.DNANoC, Factor: 4},
		{Dim: accel.DimK, Level: accel.DNAGB, Factor: 8}, {Dim: accel.DimC, Level: accel.DNAGB, Factor: 8},
		{Dim: accel.DimP, Level: accel.DNAGB, Factor: 8}, {Dim: accel.DimQ, Level: accel.DNAGB, Factor: 8},
		{Dim: accel.DimQ, Level: accel.DNADRAM, Factor: 2}, {Dim: accel.DimP, Level: accel.DNADRAM, Factor: 2},
	}
	var markers [6]accel.DNAMarker
	accel.PlaceDNAMarkers(loops, &markers)
	hw := accel.DNAASIC(144, 512, 2097152)
	r, err := accel.EvalDNA(&hw, loops, markers[:], 1, 16)
	if err != nil {
		fmt.Println(err)
		return
	}
	dram := r.DRAMGB[accel.OpInput] + r.DRAMGB[accel.OpWeight] + r.DRAMGB[accel.OpOutput]
	fmt.Printf("energy %.2f, latency %.7f s, DRAM %.1f%%, EDP metric %.4f\n", r.EnergySum, r.LatencyS, 100*dram/r.EnergySum, r.EDPMetric)
	// Output:
	// energy 644371906.56, latency 0.0175609 s, DRAM 95.3%, EDP metric 11.3158
}
