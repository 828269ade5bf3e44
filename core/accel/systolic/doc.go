// Package systolic models an R×C systolic array running one convolution at a time as
// a GEMM, with SCALE-Sim v2's mapping, timing and access accounting
// (scalesim-project/scale-sim-v2, v2.0.2, default CALC bandwidth mode).
//
// # How a convolution maps
//
// The convolution becomes three operand matrices: IFMAP (P·Q output pixels ×
// R·S·C taps, the im2col view), FILTER (R·S·C × M) and OFMAP (P·Q × M). The
// dataflow picks which matrix dimensions go onto the array rows (Sr) and
// columns (Sc) and which one streams through time (T):
//
//	dataflow  Sr (rows)   Sc (cols)   T (streamed)  stays in the PEs
//	os        P·Q         M           R·S·C         one output
//	ws        R·S·C       M           P·Q           one weight
//	is        R·S·C       P·Q         M             one input
//
// A layer that does not fit is folded: ceil(Sr/Rows) × ceil(Sc/Cols) folds run
// one after another (column folds outside, row folds inside), and every fold
// pays its own fill and drain:
//
//	os:     T + Rows + Cols − 2 cycles per fold (skew in, drain out)
//	ws, is: T + 2·Rows + Cols − 2 cycles per fold (plus Rows cycles to load
//	        the stationary operand)
//
// # What the numbers mean, as SCALE-Sim defines them
//
//   - TotalCycles is SCALE-Sim's "Total Cycles": the 0-based index of the
//     last cycle, folds·cycles_per_fold − 1 (stalls are zero in CALC mode).
//     Cycles is the count (TotalCycles + 1).
//   - OverallUtilPct = 100·MACs / (TotalCycles·Rows·Cols), with the 0-based
//     TotalCycles, as SCALE-Sim computes it. MACs counts every window
//     position, including taps that fall outside the input.
//   - MappingEfficiencyPct and ComputeUtilPct are unweighted means over
//     folds; ComputeUtilPct for ws/is divides by T+2·Rows+2·Cols−3,
//     Cols−1 cycles more than the fold lasts, as SCALE-Sim's code does.
//   - SRAM reads count operand-matrix elements streamed into the array:
//     os ifmap ColFolds·P·Q·R·S·C, filter RowFolds·R·S·C·M; ws ifmap
//     ColFolds·P·Q·R·S·C, filter R·S·C·M; is ifmap P·Q·R·S·C, filter
//     ColFolds·R·S·C·M. OFMAP SRAM writes are P·Q·M·RowFolds for ws and is
//     (every row fold writes its partial sums, never read back in the
//     counts) and P·Q·M + folds·(Rows+Cols) for os — SCALE-Sim adds the
//     padded fold shape to its os write count; we report the same number.
//   - DRAM reads are what SCALE-Sim's CALC-mode read buffer fetches: the
//     SRAM holds 1024·KB one-byte words, split in 100 sets, half of them the
//     active buffer. Addresses are taken in demand order; an address already
//     fetched since the active half was last refilled is a hit; every 50 sets
//     of new addresses the window moves on. When an operand's distinct
//     addresses fit in that half, DRAM reads equal the distinct addresses
//     (H·W·C touched input words, R·S·C·M filter words).
//   - DRAM OFMAP writes are what SCALE-Sim's double-buffered write buffer
//     drains: every real output write (including ws/is partial sums) plus the
//     empty slots of each partial line it forces out to start a drain, when
//     that line does not end a drain chunk (in practice: the first drain's).
//
// # Where ours differs from SCALE-Sim, and why
//
//   - Padding and groups: SCALE-Sim has neither. ConvOf feeds it the
//     padded input (as SCALE-Sim's docs ask) and runs a grouped or depthwise
//     layer as Groups (×N images) independent convolutions back to back,
//     each with fresh buffers — what SCALE-Sim does for a topology row whose
//     name contains "DP" (it runs Channels copies with one channel each).
//     Batch is 1 in SCALE-Sim; N images are N runs.
//   - Output size: SCALE-Sim uses ceil((H−R+stride)/stride); a window that
//     runs past the input edge reads address −1 (skipped by the memory, still
//     counted as an SRAM read and a MAC). ScaleSimConv reproduces that;
//     ConvOf uses the layer's true (floor) output size.
//   - DRAM reads of the ifmap when the touched input does not fit in half
//     its SRAM depend on the order of the whole demand stream. We walk it in
//     SCALE-Sim's order; for os and ws, whose stream is one identical pass
//     over the im2col matrix per column fold, we walk the first two passes
//     (more up to 4M accesses) and charge the rest the mean of the walked
//     passes after the first. That ignores where the buffer's window sits
//     when a later pass starts: within 3.2% of the full simulation on every
//     layer checked, exact on 504 of 530 (core/accel/scalesim/testdata/README.md,
//     accuracy.md). Every other count is closed-form and exact.
//   - Mapping efficiency and compute utilisation are fold averages summed
//     the way Python 3.12's sum() adds (compensated), as SCALE-Sim's newer
//     reports are; reports made with an older Python differ in the 14th
//     digit.
//   - USER bandwidth mode (stall cycles from a fixed DRAM bandwidth) is not
//     modelled: its DRAM "reads" count padded prefetch lines, not traffic,
//     and its stalls come from an ad-hoc prefetch schedule. The config parser
//     reads it; Evaluate reports the CALC-mode quantities.
//   - Words are one byte and there is no energy, as in SCALE-Sim; pair the
//     counts with an energy table elsewhere.
//   - Timing kept as SCALE-Sim has it, though not physical: its os OFMAP
//     demand writes the bottom PE row's outputs at cycle T−1+j, before that
//     row's last MAC (T−1+Rows−1+j). Counts and fold length are unaffected;
//     PEActive shows when MACs really happen.
//
// The model is checked against SCALE-Sim's own regression reports and
// against a test-only reference (systolic_sim_test.go) that builds
// SCALE-Sim's demand matrices literally, moves the operands through a PE
// grid cycle by cycle and runs SCALE-Sim's read and write buffers.
//
// Array.Evaluate costs one convolution (Conv; ConvOf builds it from a
// layer), Array.Plan exposes the fold-by-fold schedule the page animates,
// ArrayOf turns a sub-accelerator into an Array, and Evaluate costs a
// whole network on a one-array design. SCALE-Sim's file formats live in
// package scalesim.
package systolic
