//go:build js

// Package scene is the Ebiten game that draws DIAN Explorer's two views,
// the accelerator view and the search view, from the state package viz
// keeps (viz.AccelView, viz.SearchView) and the layouts it computes.
//
// The files follow the views: scene.go is the game itself (input, hover,
// the frame loop and what a frame redraws), accel.go draws the accelerator
// view (the PE array and NoC, the memory hierarchy, the loop nest, the
// counters and the pipeline's Gantt chart), search.go the search view (the
// probability heatmap, the accelerator distributions, the curves and the
// accuracy–FPS plot), batch.go collects rectangles, lines and discs into
// one draw call, and text.go draws text.
//
// Drawing is incremental because in software WebGL every pixel shaded
// costs: each view caches what changes only with the design, layer or
// size; a frame with nothing new draws nothing; and a frame of a playing
// layer repaints only the regions that change (viz.AccelRegions), the
// array only where the last frame drew over it, and the panels only their
// changed rows. A browser test checks the result equals a full redraw.
//
// Every file carries `//go:build js`: Ebiten needs cgo and X11 natively,
// and the package is exercised in headless Chromium by the server's
// browser tests.
package scene
