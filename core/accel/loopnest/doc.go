// Package loopnest is a Timeloop-style loop-nest model: Timeloop's way of counting data movement
// through a memory hierarchy, given a problem (a loop nest over named
// dimensions and the data spaces its body touches) and a mapping (per storage
// level, which data spaces it keeps and the temporal and spatial loops it
// owns).
//
// The counts follow Timeloop v2+/v3 (NVlabs/timeloop, src/loop-analysis/
// nest-analysis.cpp and tiling.cpp) closely enough to reproduce its reference
// outputs exactly; see loopnest_timeloop_test.go and doc.go. Three of its
// rules matter for the numbers and are easy to miss:
//
//  1. Reuse between consecutive tiles of a child buffer ("sliding windows")
//     is kept only while the tile repeats the same move (its stride). A
//     move that differs refetches the whole tile and clears the stride; the
//     first move after that becomes the stride, even a zero one (a step of
//     a loop the data does not depend on), so a window sliding after such a
//     step is refetched whole. Timeloop also evaluates each loop at its
//     first two iterations only, weighting the second by factor−1, so an
//     outer step's move is its step less one step of each inner loop
//     (OperationSpace::SaveAndSubtractIfSameStride and the extrapolation in
//     nest-analysis.cpp). The Tracer, which walks every iteration for the
//     view, counts with AAHR's direction rule instead (point-set-aahr.cpp);
//     the two differ only for windows sliding after such steps.
//  2. A parent serving several children at once reads a datum once for all
//     children whose deltas are identical (multicast); overlapping but
//     unequal deltas are read separately. The same rule merges identical
//     partial-sum updates (spatial reduction). With fan-outs at several
//     levels (a column of PEs, then the PEs in it), the parent serves the
//     instances below its outermost fan-out, each with the whole tile under
//     it: whole columns are compared, not single PEs.
//  3. For read-write data (outputs), the first update of each element needs
//     no read: reads = updates − partition size, and a child's fills are
//     what its parent sends it minus its partition size.
//
// Where the model differs from Timeloop, and why:
//
//   - Factors must multiply exactly to the bounds (Timeloop also accepts
//     imperfect factorizations with residual iterations); pad the problem
//     instead. Spatial loops sit inside a level's temporal loops, as
//     Timeloop nests them.
//   - No inter-PE link transfers: Timeloop may serve a child's delta from
//     a neighbour that held it one step earlier (systolic forwarding); we
//     always read the parent. Multicast and spatial reduction are modelled.
//   - Partition sizes count distinct elements. Timeloop derives them from
//     tile ratios; the two agree whenever the spatial split leaves no gaps
//     (all the tutorial cases), and only read-write data uses them.
//   - Bandwidth: one shared port per level (Arch.Cycles), no per-direction
//     limits or network latency; no leakage energy (the tutorial stats
//     print it separately; the tests subtract it).
//   - Tile sizes use Timeloop's bounding boxes, so a strided input tile
//     counts the skipped rows, as Timeloop does.
//
// # What is here
//
//   - Problem, Mapping and Evaluate (or an Evaluator that reuses its
//     storage): the counts per level and data space (Stats), priced on an
//     Arch (Arch.Energy, Arch.Cycles) with an EnergyTable (45 nm, 65 nm or
//     Eyeriss-normalised);
//   - ConvProblem and DesignMapping: a convolution layer as a Problem, and
//     the mapping a sub-accelerator's tiles and unrolling imply; ChunkOf
//     reads a mapping back as the layer and sub-accelerator it describes,
//     for the search's own cost models;
//   - Tracer: steps through a mapping cycle by cycle (what the page's
//     accelerator view plays), ending on Evaluate's counts;
//   - MapLayer and MapProblem: the mapper, which finds the mapping of a
//     layer on a sub-accelerator the model rates best (ArchOf builds the
//     three-level hierarchy it maps onto).
//
// The file formats of Timeloop live in package timeloop.
package loopnest
