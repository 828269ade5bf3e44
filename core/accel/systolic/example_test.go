package systolic_test

import (
	"fmt"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/systolic"
)

func ExampleArray_Evaluate() {
	// SCALE-Sim's own regression run: AlexNet conv1 on a 32×32
	// weight-stationary array with 64 KB SRAMs (core/accel/scalesim/testdata).
	a := systolic.Array{Rows: 32, Cols: 32, Dataflow: accel.WeightStationary, IfmapSRAMKB: 64, FilterSRAMKB: 64, OfmapSRAMKB: 64}
	st, err := a.Evaluate(systolic.ScaleSimConv("Conv1", 224, 224, 11, 11, 3, 96, 4, 4))
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
func ExamplePlan_PEActive() {
	a := systolic.Array{Rows: 2, Cols: 2, Dataflow: accel.WeightStationary, IfmapSRAMKB: 1, FilterSRAMKB: 1, OfmapSRAMKB: 1}
	p, err := a.Plan(systolic.Conv{Name: "tiny", H: 3, W: 3, R: 2, S: 2, C: 1, M: 2, StrideH: 1, StrideW: 1, P: 2, Q: 2})
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
