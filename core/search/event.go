package search

import (
	"strconv"

	"github.com/dian-explorer/dian/core/accel"
)

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
	// HWDist is the accelerator engine's belief over the design space. It
	// rides on the events that follow a run of the engine: the step after
	// an accelerator search, every epoch's end, the final accelerator
	// search, the evaluation and the end (nil on the others, and before
	// the engine first runs).
	HWDist *HWDist `msgpack:"hwDist" json:"hw_dist,omitempty"`
}

// HWDist is an accelerator search engine's distribution over each decision
// of its design space (Engine.Distribution), with the names to show it by.
type HWDist struct {
	Engine string `msgpack:"engine" json:"engine"`
	// Decisions names each decision (accel.Decision.Name) and Options
	// labels its options (OptionLabels). All events of a search share
	// these two slices: read them, never write them.
	Decisions []string   `msgpack:"decisions" json:"decisions"`
	Options   [][]string `msgpack:"options" json:"options"`
	// Probs is the event's own copy of the engine's distribution.
	Probs [][]float64 `msgpack:"probs" json:"probs"`
	// Best is the option index, per decision, of the design the event's
	// HW summarises (nil when there is none yet).
	Best []int `msgpack:"best" json:"best,omitempty"`
}

// OptionLabels names the options of every decision of s as a design shows
// them: tile and unroll sizes as numbers, dataflows by key (ws, os, is,
// rs), loop orders as their dimension letters outermost first, and
// Auto-NBA's compute modes by what they unroll ("ws K", "ws K·C", "os P").
func OptionLabels(s *accel.Space) [][]string {
	out := make([][]string, len(s.Decisions))
	for i, d := range s.Decisions {
		out[i] = make([]string, len(d.Options))
		for j, v := range d.Options {
			out[i][j] = optionLabel(s, &d, v)
		}
	}
	return out
}

func optionLabel(s *accel.Space, d *accel.Decision, v int) string {
	switch d.Knob {
	case accel.KnobMode:
		modes := []string{"ws K", "ws K·C", "os P"}
		if d.Depthwise {
			modes = []string{"ws K", "os P"}
		}
		if v >= 0 && v < len(modes) {
			return modes[v]
		}
		return "mode " + strconv.Itoa(v)
	case accel.KnobDataflow:
		return accel.Dataflow(v).String()
	case accel.KnobOrder:
		if v >= 0 && v < len(s.Orders) {
			return s.Orders[v].String()
		}
		return "order " + strconv.Itoa(v)
	}
	return strconv.Itoa(v)
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
