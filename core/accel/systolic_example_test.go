package accel_test

import (
	"fmt"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
)

func ExampleSystolicArray_Evaluate() {
	// SCALE-Sim's own regression run: AlexNet conv1 on a 32×32
	// weight-stationary array with 64 KB SRAMs (testdata/scalesim).
	a := accel.SystolicArray{Rows: 32, Cols: 32, Dataflow: accel.WeightStationary, IfmapSRAMKB: 64, FilterSRAMKB: 64, OfmapSRAMKB: 64}
	st, err := a.Evaluate(accel.ScaleSimConv("Conv1", 224, 224, 11, 11, 3, 96, 4, 4))
	if err != nil {
		panic(err)
	}
	fmt.Println("folds", st.RowFolds, "x", st.ColFolds, "of", st.CyclesPerFold, "cycles; total", st.TotalCycles)
	fmt.Printf("util %.4f%%\n", st.OverallUtilPct)
	fmt.Println("SRAM", st.SRAMIfmapReads, st.SRAMFilterReads, st.SRAMOfmapWrites)
	fmt.Println("DRAM", st.DRAMIfmapReads, st.DRAMFilterReads, st.DRAMOfmapWrites)
	// Output:
	// folds 12 x 3 of 3119 cycles; total 112283
	// util 91.6831%
	// SRAM 3294225 34848 3484800
	// DRAM 1805023 34848 3484831
}

// A 2×2 weight-stationary array running a 3×3 input, two 2×2 filters:
// 4 output pixels stream past 4 weights (2 row folds of 2 taps). In fold 0
// the weights load on cycles 0–1; pixel t then reaches PE (i, j) on cycle
// 2+t+i+j; sums leave the bottom row on cycle 3+t+j.
func ExampleSystolicPlan_PEActive() {
	a := accel.SystolicArray{Rows: 2, Cols: 2, Dataflow: accel.WeightStationary, IfmapSRAMKB: 1, FilterSRAMKB: 1, OfmapSRAMKB: 1}
	p, err := a.Plan(accel.SystolicConv{Name: "tiny", H: 3, W: 3, R: 2, S: 2, C: 1, M: 2, StrideH: 1, StrideW: 1, P: 2, Q: 2})
	if err != nil {
		panic(err)
	}
	var ifmap, filter, ofmap int
	for c := range p.CyclesPerFold {
		var grid []string
		for i := range a.Rows {
			row := ""
			for j := range a.Cols {
				if p.PEActive(0, c, i, j) {
					row += "#"
				} else {
					row += "."
				}
			}
			grid = append(grid, row)
		}
		di, df, do := p.FoldAccessesAt(0, c)
		ifmap, filter, ofmap = ifmap+di, filter+df, ofmap+do
		fmt.Printf("cycle %d %s  reads %d %d  writes %d\n", c, strings.Join(grid, "/"), ifmap, filter, ofmap)
	}
	f := p.Fold(0)
	fmt.Println("fold 0:", f.SRAMIfmapReads, f.SRAMFilterReads, f.SRAMOfmapWrites)
	// Output:
	// cycle 0 ../..  reads 0 2  writes 0
	// cycle 1 ../..  reads 0 4  writes 0
	// cycle 2 #./..  reads 1 4  writes 0
	// cycle 3 ##/#.  reads 3 4  writes 1
	// cycle 4 ##/##  reads 5 4  writes 3
	// cycle 5 ##/##  reads 7 4  writes 5
	// cycle 6 .#/##  reads 8 4  writes 7
	// cycle 7 ../.#  reads 8 4  writes 8
	// fold 0: 8 4 8
}

func ExampleParseScaleSimTopology() {
	topo := `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
Conv1, 224, 224, 11, 11, 3, 96, 4,
Conv2_DP, 27, 27, 3, 3, 2, 1, 1,#dw
`
	layers, err := accel.ParseScaleSimTopology([]byte(topo), "topo.csv")
	if err != nil {
		panic(err)
	}
	for _, l := range layers {
		c := l.Conv
		fmt.Printf("line %d %s: %d×%d×%d -> %d×%d×%d\n", l.Line, c.Name, c.H, c.W, c.C, c.P, c.Q, c.M)
	}
	_, err = accel.ParseScaleSimTopology([]byte("header\nConv1, 224, 224, 11, 11, 3, 96, 4"), "bad.csv")
	fmt.Println(err)
	// Output:
	// line 2 Conv1: 224×224×3 -> 55×55×96
	// line 3 Conv2_DPChannel_0: 27×27×1 -> 25×25×1
	// line 3 Conv2_DPChannel_1: 27×27×1 -> 25×25×1
	// accel: bad.csv:2: 7 fields before the last comma, want 8 or 9 (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides, then a trailing comma); is the trailing comma missing?
}

// A depthwise layer becomes a SCALE-Sim "DP" row (one single-channel
// convolution per channel); a grouped layer one row per group. The padded
// 16×16 input is cut to the 15 rows and columns the stride-2 windows read,
// so SCALE-Sim's ceil rule gives the layer's 7×7 output.
func ExampleMarshalScaleSimTopology() {
	topo, err := accel.MarshalScaleSimTopology([]accel.Layer{
		{Name: "dw", N: 1, InC: 8, K: 8, H: 14, W: 14, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, Groups: 8},
		{Name: "g", N: 1, InC: 8, K: 4, H: 5, W: 5, R: 1, S: 1, Groups: 2},
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(topo))
	// Output:
	// Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Stride height, Stride width,
	// dw_DP, 15, 15, 3, 3, 8, 1, 2, 2,
	// g_g0, 5, 5, 1, 1, 4, 2, 1, 1,
	// g_g1, 5, 5, 1, 1, 4, 2, 1, 1,
}
