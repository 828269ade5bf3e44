// Package dna is the DNA-era "chip estimator" (docs/METHOD.md
// §4): the Eyeriss-style simulator DNA's code uses for both its FPGA
// (fpga_nips) and ASIC (hw_diff_final) accelerator searches. It gives energy
// and latency, so EDP, for one standard convolution mapped as a loop nest
// over four levels, RF < NoC < GB < DRAM, where NoC loops are spatial.
// Compute and data movement are fully serialised, as in the original.
//
// Eval runs the simulator on one layer's loop nest; Nest and HardwareFor
// build that nest and platform from a sub-accelerator; Evaluate costs a
// whole network on a design, layer after layer.
package dna
