package report

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
// messages to the page and the views all read the same events.
type Event struct {
	Phase string `json:"phase"`
	// Step counts work units done over the whole run, out of Steps, so
	// Step/Steps is the progress fraction.
	Step  int `json:"step"`
	Steps int `json:"steps"`
	Epoch int `json:"epoch"` // epoch within the phase, from 0

	LossWeights float64 `json:"loss_weights"`
	LossArch    float64 `json:"loss_arch"`
	Accuracy    float64 `json:"accuracy"` // last measured accuracy (0 before any)
	Tau         float64 `json:"tau"`
	Lambda      float64 `json:"lambda"`
	// Probs is softmax(α) per block (nil in phases without α updates).
	Probs [][]float64 `json:"probs,omitempty"`
	// Path is the op per block of the currently derived network.
	Path []string `json:"path,omitempty"`
	// Bits is, with a precision search, the width per block of that
	// network (0 for skip); nil without one.
	Bits []int `json:"bits,omitempty"`
	// HW is the cost of the best accelerator found so far for the current
	// network (its Accuracy is 0: the event's own is Accuracy).
	HW *Metrics `json:"hw,omitempty"`
	// HWDist is the accelerator engine's belief over the design space. It
	// rides on the events that follow a run of the engine: the step after
	// an accelerator search, every epoch's end, the final accelerator
	// search, the evaluation and the end (nil on the others, and before
	// the engine first runs).
	HWDist *HWDist `json:"hw_dist,omitempty"`
}

// TrainingPhase reports whether a phase trains the supernet (an event's
// losses, τ and λ mean something only there).
func TrainingPhase(phase string) bool {
	return phase == PhaseWarmup || phase == PhaseSearch || phase == PhaseFinetune
}

// HWDist is an accelerator search engine's distribution over each decision
// of its design space, with the names to show it by.
type HWDist struct {
	Engine string `json:"engine"`
	// Decisions names each decision (accel.Decision.Name) and Options
	// labels its options (OptionLabels). All events of a search share
	// these two slices: read them, never write them.
	Decisions []string   `json:"decisions"`
	Options   [][]string `json:"options"`
	// Probs is one row per decision, each summing to 1: the event's own
	// copy of the engine's distribution.
	Probs [][]float64 `json:"probs"`
	// Best is the option index, per decision, of the design the event's
	// HW summarises (nil when there is none yet).
	Best []int `json:"best,omitempty"`
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

// Halve keeps every other element of a history (the first, the third, …)
// in place and returns it: how a bounded history of events makes room
// while still spanning the whole run.
func Halve[T any](h []T) []T {
	n := 0
	for i := 0; i < len(h); i += 2 {
		h[n] = h[i]
		n++
	}
	return h[:n]
}
