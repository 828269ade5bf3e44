// Package fpga is Auto-NBA's analytical FPGA model: a chunked pipeline of
// sub-accelerators, each a compute array fed from BRAM buffers, costed per
// layer in cycles, DSP slices and BRAM18 blocks (EvalLayer), and per
// network with the slowest chunk setting the throughput (Evaluate,
// EvaluatePlan).
//
// The model has two modes (accel.Mode): Faithful reproduces the authors'
// analytical_prediction.py, reference values and quirks included, and
// Corrected fixes its gaps (strided input halos, padded trip counts,
// weight buffers in BRAM, stem/head/skip/fc layers costed, a
// bottleneck-aware pipeline penalty, DSP for the whole array). The
// original defines no energy; this package derives one from the access
// counts the model implies and Eyeriss' normalised unit costs.
//
// Every product that feeds a sum is wrapped in float64(...), so no
// platform fuses it into a multiply-add and a cost is bit-identical on
// amd64, arm64 and wasm.
package fpga
