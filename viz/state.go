package viz

// SceneState is everything dianViz.state() reports.
type SceneState struct {
	View        string      `json:"view"`
	FPS         float64     `json:"fps"`
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
