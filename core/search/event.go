package search

// Phases of a search, in order.
const (
	PhaseWarmup   = "warmup"
	PhaseSearch   = "search"
	PhaseFinalHW  = "final-hw"
	PhaseFinetune = "finetune"
	PhaseEvaluate = "evaluate"
	PhaseBaseline = "baselines"
	PhaseDone     = "done"
)

// Event is a progress report. The CLI's progress bar, the worker's
// messages to the page and the visualisations all read the same events.
type Event struct {
	Phase string `msgpack:"phase" json:"phase"`
	// Step counts work units done over the whole run, out of Steps, so
	// Step/Steps is the progress fraction.
	Step  int `msgpack:"step" json:"step"`
	Steps int `msgpack:"steps" json:"steps"`
	Epoch int `msgpack:"epoch" json:"epoch"` // epoch within the phase, from 0

	LossWeights float64 `msgpack:"lossW" json:"loss_weights"`
	LossArch    float64 `msgpack:"lossA" json:"loss_arch"`
	Accuracy    float64 `msgpack:"acc" json:"accuracy"` // last measured accuracy (0 before any)
	Tau         float64 `msgpack:"tau" json:"tau"`
	Lambda      float64 `msgpack:"lambda" json:"lambda"`
	// Probs is softmax(α) per block (nil in phases without α updates).
	Probs [][]float64 `msgpack:"probs" json:"probs,omitempty"`
	// Path is the op per block of the currently derived network.
	Path []string `msgpack:"path" json:"path,omitempty"`
	// HW is the best accelerator found so far for the current network.
	HW *HWSummary `msgpack:"hw" json:"hw,omitempty"`
}

// HWSummary is the headline of a network's cost on a design.
type HWSummary struct {
	FPS       float64 `msgpack:"fps" json:"fps"`
	LatencyMs float64 `msgpack:"latencyMs" json:"latency_ms"`
	Energy    float64 `msgpack:"energy" json:"energy"`
	EDP       float64 `msgpack:"edp" json:"edp"`
	DSP       float64 `msgpack:"dsp" json:"dsp"`
	BRAM18    int     `msgpack:"bram18" json:"bram18"`
}

// Observer receives events. It is called on the search's goroutine; a slow
// observer slows the search, and one that blocks pauses it.
type Observer func(Event)
