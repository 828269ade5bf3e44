// Package accel describes accelerator designs and estimates what they cost.
//
// It holds the platform presets (FPGA boards, an Eyeriss-like ASIC, a
// systolic array), the generic design space shared by FPGA and ASIC targets,
// and the cost models that turn a network layer and a design into cycles,
// energy and resources. The package is pure Go with no platform-dependent
// arithmetic, so a design evaluates to the same bits natively and in wasm.
package accel
