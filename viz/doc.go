// Package viz draws DIAN Explorer's views with Ebiten: the accelerator's PE
// array and, in later views, its dataflow and the search as it runs.
//
// The package is split so that what can be tested natively is: layout,
// colours and geometry are plain Go (no build tag) with native tests, while
// every file that imports Ebiten carries `//go:build js` and is exercised in
// headless Chromium by the browser tests. That keeps native builds free of
// cgo and X11 headers.
package viz
