// Package accel describes accelerator designs and estimates what they cost.
//
// A Design is a chunked pipeline of sub-accelerators (SubAccel): each has a
// PE array, a dataflow (weight-, output-, input- or row-stationary), buffer
// capacities per memory level, tiling factors, loop orders and spatial
// unrolling, and runs the network layers the design assigns to it.
// Validate reports every constraint a design breaks by name. A Space lists
// a design's discrete decisions so a search engine can index them
// (AutoNBASpace for Auto-NBA's FPGA chunks, GenericSpace for DNA's space).
//
// Cost models, all per layer and per network (NetworkCost):
//
//   - the FPGA chunk model of Auto-NBA (fpga.EvalLayer, EvaluatePlan), in a
//     paper-faithful mode that reproduces the authors' reference values and
//     a corrected mode (stride, weight buffers, stem/head/skip layers,
//     bottleneck-aware pipeline penalty);
//   - DNA's Eyeriss-style estimator (dna.Evaluate) for the ASIC;
//   - a Timeloop-style loop-nest model (Evaluate, with a Tracer that steps
//     through a mapping) with 45 nm, 65 nm and Eyeriss-normalised energy
//     tables, and a mapper (MapLayer) that finds the best mapping;
//   - a systolic-array model with SCALE-Sim v2's definitions
//     (systolic.Array.Evaluate).
//
// Area (AreaTable): on ASIC and systolic platforms NetworkCost.AreaMM2 is
// the silicon area of the chunks that run a layer, split into MACs,
// register files and global buffers (AreaBreakdown). The per-MAC and
// per-bit areas are Accelergy's 40 nm estimates printed in the Timeloop
// tutorial's reference outputs (AccelergyAreaTable; the tests reproduce
// every Area line of those outputs), moved to a platform's node by
// (node/40)² (AreaTable.Scaled). It is a first-order model, not a
// synthesis result: MAC area grows as bits², storage linearly in bits, and
// the NoC, control, I/O and DRAM are not counted. Platform.AreaBudgetMM2,
// when set, is reported as the "area-budget" violation. FPGA costs have no
// area (0): they are DSP and BRAM18.
//
// The package also reads and writes the file formats of Timeloop and
// SCALE-Sim, and its own JSON forms of designs and networks. It is pure Go
// with no platform-dependent arithmetic, so a design evaluates to the same
// bits natively and in wasm.
package accel
