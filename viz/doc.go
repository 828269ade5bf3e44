// Package viz draws DIAN Explorer's two views with Ebiten.
//
// The accelerator view shows a PE array (a platform's default array, or the
// chunk of a search result's design that runs the chosen layer), its NoC as
// the dataflow wires it (NoC), the memory hierarchy with capacities and tile
// occupancy, the chosen layer's loop nest as the mapping orders it
// (NestLines, Timeloop style) and an animation that walks the nest cycle by
// cycle (LayerAnim, over accel.Tracer): busy PEs, operands moving on the
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
// Drawing is incremental because in software WebGL every pixel shaded
// costs: each view caches what changes only with the design, layer or
// size; a frame with nothing new draws nothing; and a frame of a playing
// layer repaints only the regions that change (AccelRegions), the array
// only where the last frame drew over it, and the panels only their
// changed rows. A browser test checks the result equals a full redraw.
//
// The package is split so that what can be tested natively is: the view
// state and controls (AccelView, SearchView), layouts, the animation
// schedule and the colour scales are plain Go with native tests, while every
// file that imports Ebiten carries `//go:build js` and is exercised in
// headless Chromium by the server's browser tests. That keeps native builds
// free of cgo and X11 headers.
package viz
