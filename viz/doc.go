// Package viz is what DIAN Explorer's two views show, without drawing it.
//
// The accelerator view shows a PE array (a platform's default array, or the
// chunk of a search result's design that runs the chosen layer), its NoC as
// the dataflow wires it (NoC), the memory hierarchy with capacities and tile
// occupancy, the chosen layer's loop nest as the mapping orders it
// (NestLines, Timeloop style) and an animation that walks the nest cycle by
// cycle (LayerAnim, over loopnest.Tracer): busy PEs, operands moving on the
// wires, partial sums filling, and counters per level and operand that end
// on the loop-nest model's numbers for the layer. On a systolic array (os,
// ws, is) it also runs the layer's SCALE-Sim schedule (SystolicSchedule):
// which PE holds which operand element at each cycle, skewed one PE per
// cycle so that the MACs form a diagonal wavefront, the stationary operand
// held in place and partial sums draining down the columns. A result's per-
// layer table becomes the chunked pipeline's Gantt chart (LayoutGantt). The
// search view shows the architecture probabilities as a heatmap, the
// accelerator search engine's distribution over each design decision
// (LayoutHWDist), the loss, accuracy, FPS, τ and λ curves, and the
// accuracy–FPS plane with the search's trail, its Pareto front, the
// baselines and the final design (SearchView).
//
// The package is plain Go with native tests: the view state and controls
// (AccelView, SearchView), layouts, the animation schedule and the colour
// scales. Package viz/scene draws them with Ebiten; it alone imports
// Ebiten, and only under GOOS=js, which keeps native builds free of cgo
// and X11 headers.
package viz
