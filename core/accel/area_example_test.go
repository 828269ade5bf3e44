package accel_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
)

// The Eyeriss preset's array (12 × 14 PEs, 16-bit words, 0.5 KB register
// file per PE, 108 KB global buffer) at its 65 nm node: the 40 nm Accelergy
// reference scaled by (65/40)². By hand: MACs 168 × 332.25 × (16/8)² ×
// 2.640625 µm² = 0.590 mm²; register files 168 × 4096 bits × 887.84/512 ×
// 2.640625 µm² = 3.151 mm²; buffer 884,736 bits × 707084/2^21 × 2.640625 µm²
// = 0.788 mm². NoC, control and I/O are not modelled.
func ExampleAreaTable_SubAccelArea() {
	p, _ := accel.Preset("eyeriss")
	table, _ := accel.AreaTableFor(p)
	array := accel.SubAccel{Name: "array", Rows: p.Rows, Cols: p.Cols, Bits: 16,
		RFBytes: 512, GBBytes: int64(p.GlobalBufferBytes)}
	a := table.SubAccelArea(&array)
	fmt.Printf("%d nm: MAC %.3f + RF %.3f + GB %.3f = %.3f mm²\n", table.NodeNM, a.MACMM2, a.RFMM2, a.GBMM2, a.Total())
	// Output:
	// 65 nm: MAC 0.590 + RF 3.151 + GB 0.788 = 4.528 mm²
}
