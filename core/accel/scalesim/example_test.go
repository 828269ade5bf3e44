package scalesim_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/scalesim"
)

func ExampleParseTopology() {
	topo := `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
Conv1, 224, 224, 11, 11, 3, 96, 4,
Conv2_DP, 27, 27, 3, 3, 2, 1, 1,#dw
`
	layers, err := scalesim.ParseTopology([]byte(topo), "topo.csv")
	if err != nil {
		panic(err)
	}
	for _, l := range layers {
		c := l.Conv
		fmt.Printf("line %d %s: %d×%d×%d -> %d×%d×%d\n", l.Line, c.Name, c.H, c.W, c.C, c.P, c.Q, c.M)
	}
	_, err = scalesim.ParseTopology([]byte("header\nConv1, 224, 224, 11, 11, 3, 96, 4"), "bad.csv")
	fmt.Println(err)
	// Output:
	// line 2 Conv1: 224×224×3 -> 55×55×96
	// line 3 Conv2_DPChannel_0: 27×27×1 -> 25×25×1
	// line 3 Conv2_DPChannel_1: 27×27×1 -> 25×25×1
	// scalesim: bad.csv:2: 7 fields before the last comma, want 8 or 9 (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides, then a trailing comma); is the trailing comma missing?
}

// A depthwise layer becomes a SCALE-Sim "DP" row (one single-channel
// convolution per channel); a grouped layer one row per group. The padded
// 16×16 input is cut to the 15 rows and columns the stride-2 windows read,
// so SCALE-Sim's ceil rule gives the layer's 7×7 output.
func ExampleMarshalTopology() {
	topo, err := scalesim.MarshalTopology([]accel.Layer{
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
