// Package accel is the vocabulary of accelerator design: what a network's
// layers are, what a design is, what a platform allows, how a design is
// searched and what a cost is. The models that compute costs and the file
// formats of other tools live in its subpackages.
//
// A Layer is one convolution-like workload in the seven-dimensional form of
// Timeloop and SCALE-Sim (N, K, C, P, Q, R, S); a Network orders named
// layers with their role (stem, body, head, skip, classifier). A Design is
// a chunked pipeline of sub-accelerators (SubAccel): each has a PE array, a
// dataflow (weight-, output-, input- or row-stationary), buffer capacities
// per memory level, tiling factors, loop orders and spatial unrolling, and
// runs the layers the design assigns to it (Plan). Validate reports every
// constraint a design breaks by name (ConstraintError). A Platform is a
// preset budget: an FPGA's DSP and BRAM18, an ASIC's or a systolic array's
// PEs, buffer and area. A Space lists a design's discrete decisions so a
// search engine can index them (AutoNBASpace for Auto-NBA's FPGA chunks,
// GenericSpace for DNA's space, PlatformSpace for the co-search's space on
// any preset).
//
// A NetworkCost is what every cost model returns: totals, one row per chunk
// (ChunkCost) and one per layer (LayerCost), with the energy split by
// memory level and operand (Energy) and, on ASIC and systolic platforms,
// the silicon area (AreaTable, AreaBreakdown). Mode picks between the
// paper-faithful and the corrected versions of the models.
//
// Area: the per-MAC and per-bit areas are Accelergy's 40 nm estimates
// printed in the Timeloop tutorial's reference outputs (AccelergyAreaTable;
// the timeloop package's tests reproduce every Area line of those outputs),
// moved to a platform's node by (node/40)² (AreaTable.Scaled). It is a
// first-order model, not a synthesis result: MAC area grows as bits²,
// storage linearly in bits, and the NoC, control, I/O and DRAM are not
// counted. Platform.AreaBudgetMM2, when set, is reported as the
// "area-budget" violation. FPGA costs have no area (0): they are DSP and
// BRAM18.
//
// # Subpackages
//
//	costmodel  picks the model a platform's designs are costed with, and runs it
//	fpga       Auto-NBA's FPGA chunk model, faithful and corrected
//	dna        DNA's Eyeriss-style chip estimator (the ASIC)
//	systolic   a systolic array with SCALE-Sim v2's definitions
//	loopnest   a Timeloop-style loop-nest model, its tracer and its mapper
//	timeloop   Timeloop's file formats, read and written
//	scalesim   SCALE-Sim's file formats, read and written
//
// The package also reads and writes its own JSON forms of designs and
// networks (DecodeDesign, DecodeNetwork). It is pure Go with no
// platform-dependent arithmetic, so a design costs the same bits natively
// and in wasm.
package accel
