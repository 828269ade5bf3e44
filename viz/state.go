package viz

// SceneState is everything dianViz.state() reports.
type SceneState struct {
	View string `json:"view"`
	// FPS is the frames the view presented over the last second: each
	// shows the current state, or one at most searchRedrawInterval old
	// while search events stream in. Repaints counts those of them whose
	// content changed; the others cost nothing to draw.
	FPS         float64     `json:"fps"`
	Repaints    float64     `json:"repaints"`
	Frames      int         `json:"frames"`
	Accelerator AccelState  `json:"accelerator"`
	Search      SearchState `json:"search"`
	// Rectangles in CSS pixels of the iframe, for tests and pointers:
	// the highlighted loop line and the heatmap cells (row-major).
	LoopRect  [4]float64   `json:"loopRect"`
	HeatCells [][4]float64 `json:"heatCells"`
	// HWPanel is the area of the accelerator distributions and HWBars
	// their bars, per decision and option.
	HWPanel [4]float64     `json:"hwPanel"`
	HWBars  [][][4]float64 `json:"hwBars"`
	Hover   string         `json:"hover"`
	// DrawMS is a running mean of the Go time one frame's drawing takes
	// (without the GPU's), in milliseconds.
	DrawMS float64 `json:"drawMS"`
}
