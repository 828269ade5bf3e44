package protocol

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/dian-explorer/dian/core/report"
)

// Progress is a search event (report.Event) in the form the worker posts
// it to the page and the page hands it to the accelerator view.
// Probabilities travel as raw little-endian float32 bytes, not as msgpack
// arrays of floats: in wasm, msgpack floats cost about 400 times more to
// encode than a byte copy. ProgressOf builds one from an event; Event
// decodes it back, checking every size.
type Progress struct {
	Type  string `msgpack:"type"` // "progress"
	ID    int64  `msgpack:"id"`   // the search request's id
	Phase string `msgpack:"phase"`
	Step  int    `msgpack:"step"`
	Steps int    `msgpack:"steps"`
	Epoch int    `msgpack:"epoch"`

	LossWeights float64 `msgpack:"lossW"`
	LossArch    float64 `msgpack:"lossA"`
	Accuracy    float64 `msgpack:"acc"`
	Tau         float64 `msgpack:"tau"`
	Lambda      float64 `msgpack:"lambda"`

	// Probs is softmax(α): Blocks rows of Ops float32 values, row-major.
	Blocks int    `msgpack:"blocks"`
	Ops    int    `msgpack:"ops"`
	Probs  []byte `msgpack:"probs"`

	Path []string `msgpack:"path"`
	// Bits is the derived network's width per block after a precision
	// search (report.Event's Bits); empty without one.
	Bits []int `msgpack:"bits,omitempty"`

	// Held marks the event a paused search holds at: posted after the
	// reply to the pause or step, so nothing in flight overtakes it.
	Held bool `msgpack:"held,omitempty"`

	// HW is the cost of the best accelerator so far for the current
	// network (nil before the first one).
	HW *report.Metrics `msgpack:"hw,omitempty"`

	// The accelerator search engine's distribution over each design
	// decision (report.HWDist), on the events that carry one: HWEngine
	// names the engine, HWDecisions the decisions, HWRows[i] is the number
	// of options of decision i, HWOptions their labels (all rows, in
	// order), HWProbs their probabilities as little-endian float32 bytes
	// like Probs, and HWBest the best design's option per decision (empty
	// when there is none). Empty on events without one.
	HWEngine    string   `msgpack:"hwEngine,omitempty"`
	HWDecisions []string `msgpack:"hwDecisions,omitempty"`
	HWRows      []int    `msgpack:"hwRows,omitempty"`
	HWOptions   []string `msgpack:"hwOptions,omitempty"`
	HWProbs     []byte   `msgpack:"hwProbs,omitempty"`
	HWBest      []int    `msgpack:"hwBest,omitempty"`
}

// ProgressOf converts a search event into the message the page and the
// view read.
func ProgressOf(id int64, e report.Event) Progress {
	p := Progress{Type: "progress", ID: id, Phase: e.Phase, Step: e.Step, Steps: e.Steps, Epoch: e.Epoch,
		LossWeights: e.LossWeights, LossArch: e.LossArch, Accuracy: e.Accuracy, Tau: e.Tau, Lambda: e.Lambda,
		Path: e.Path, Bits: e.Bits, HW: e.HW}
	p.Blocks, p.Ops, p.Probs = EncodeProbs(e.Probs)
	if d := e.HWDist; d != nil {
		p.SetHWDist(d)
	}
	return p
}

// Event decodes the message back into the search event it carries, its
// probabilities rounded to float32 as they travel, checking every size
// and probability.
func (p *Progress) Event() (report.Event, error) {
	e := report.Event{Phase: p.Phase, Step: p.Step, Steps: p.Steps, Epoch: p.Epoch, LossWeights: p.LossWeights,
		LossArch: p.LossArch, Accuracy: p.Accuracy, Tau: p.Tau, Lambda: p.Lambda, Path: p.Path, Bits: p.Bits, HW: p.HW}
	var err error
	if p.Blocks > 0 || len(p.Probs) > 0 {
		if e.Probs, err = p.DecodeProbs(); err != nil {
			return report.Event{}, err
		}
	}
	if e.HWDist, err = p.DecodeHWDist(); err != nil {
		return report.Event{}, err
	}
	if len(p.Bits) > 0 && len(p.Bits) != len(p.Path) {
		return report.Event{}, fmt.Errorf("protocol: %d bit-widths for a path of %d blocks", len(p.Bits), len(p.Path))
	}
	for _, b := range p.Bits {
		if b < 0 || b > 32 {
			return report.Event{}, fmt.Errorf("protocol: bit-width %d outside 0..32", b)
		}
	}
	return e, nil
}

// Limits on a decoded distribution (the largest space has 32 decisions of
// at most 6 options); anything larger is refused before it is unpacked.
const (
	MaxHWDecisions = 1024
	MaxHWOptions   = 256 // per decision
)

// hwSumTolerance is how far a decoded row may sum from 1: float32 rounding
// of up to MaxHWOptions values stays far inside it.
const hwSumTolerance = 1e-3

// SetHWDist packs an engine's distribution into p.
func (p *Progress) SetHWDist(d *report.HWDist) {
	engine, decisions, options, probs, best := d.Engine, d.Decisions, d.Options, d.Probs, d.Best
	p.HWEngine, p.HWDecisions = engine, decisions
	p.HWRows = make([]int, len(probs))
	p.HWOptions = p.HWOptions[:0]
	n := 0
	for i, row := range probs {
		p.HWRows[i] = len(row)
		n += len(row)
	}
	p.HWProbs = make([]byte, 0, 4*n)
	for i, row := range probs {
		for _, v := range row {
			p.HWProbs = binary.LittleEndian.AppendUint32(p.HWProbs, math.Float32bits(float32(v)))
		}
		if i < len(options) {
			p.HWOptions = append(p.HWOptions, options[i]...)
		}
	}
	p.HWBest = best
}

// DecodeHWDist unpacks the accelerator distribution, or returns nil when
// the event carries none. It checks every size against the others and the
// limits, every probability (finite, in [0, 1], rows summing to 1) and
// every best option before building anything, and names what is wrong.
func (p *Progress) DecodeHWDist() (*report.HWDist, error) {
	if p.HWEngine == "" && len(p.HWDecisions) == 0 && len(p.HWRows) == 0 && len(p.HWOptions) == 0 && len(p.HWProbs) == 0 && len(p.HWBest) == 0 {
		return nil, nil
	}
	bad := func(format string, args ...any) (*report.HWDist, error) {
		return nil, fmt.Errorf("protocol: accelerator distribution: "+format, args...)
	}
	n := len(p.HWRows)
	switch {
	case n == 0 || n > MaxHWDecisions:
		return bad("%d decisions; accepted 1..%d", n, MaxHWDecisions)
	case len(p.HWDecisions) != n:
		return bad("%d decision names for %d rows", len(p.HWDecisions), n)
	case len(p.HWBest) != 0 && len(p.HWBest) != n:
		return bad("%d best options for %d decisions", len(p.HWBest), n)
	}
	total := 0
	for i, k := range p.HWRows {
		if k < 1 || k > MaxHWOptions {
			return bad("decision %d (%q) has %d options; accepted 1..%d", i, p.HWDecisions[i], k, MaxHWOptions)
		}
		if len(p.HWBest) != 0 && (p.HWBest[i] < 0 || p.HWBest[i] >= k) {
			return bad("decision %d (%q): best option %d outside [0, %d)", i, p.HWDecisions[i], p.HWBest[i], k)
		}
		total += k
	}
	if len(p.HWOptions) != total || len(p.HWProbs) != 4*total {
		return bad("%d option labels and %d bytes of probabilities for %d options (want %d labels, %d bytes)", len(p.HWOptions), len(p.HWProbs), total, total, 4*total)
	}
	at := 0
	for i, k := range p.HWRows {
		var sum float64
		for j := range k {
			v := math.Float32frombits(binary.LittleEndian.Uint32(p.HWProbs[4*(at+j):]))
			if !(v >= 0 && v <= 1) {
				return bad("decision %d (%q) option %d: probability %v outside [0, 1]", i, p.HWDecisions[i], j, v)
			}
			sum += float64(v)
		}
		if math.Abs(sum-1) > hwSumTolerance {
			return bad("decision %d (%q): probabilities sum to %.4g, not 1", i, p.HWDecisions[i], sum)
		}
		at += k
	}
	d := &report.HWDist{Engine: p.HWEngine, Decisions: p.HWDecisions, Options: make([][]string, n), Probs: make([][]float64, n)}
	flat := make([]float64, total)
	for j := range flat {
		flat[j] = float64(math.Float32frombits(binary.LittleEndian.Uint32(p.HWProbs[4*j:])))
	}
	at = 0
	for i, k := range p.HWRows {
		d.Options[i] = p.HWOptions[at : at+k : at+k]
		d.Probs[i] = flat[at : at+k : at+k]
		at += k
	}
	if len(p.HWBest) != 0 {
		d.Best = p.HWBest
	}
	return d, nil
}

// EncodeProbs packs a blocks × ops matrix as little-endian float32 bytes.
func EncodeProbs(probs [][]float64) (blocks, ops int, b []byte) {
	if len(probs) == 0 {
		return 0, 0, nil
	}
	blocks, ops = len(probs), len(probs[0])
	b = make([]byte, 0, 4*blocks*ops)
	for _, row := range probs {
		for _, p := range row {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(p)))
		}
	}
	return blocks, ops, b
}

// DecodeProbs unpacks Probs into rows, checking the size it declares.
func (p *Progress) DecodeProbs() ([][]float64, error) {
	if p.Blocks < 0 || p.Ops < 0 || p.Blocks > 1024 || p.Ops > 1024 || len(p.Probs) != 4*p.Blocks*p.Ops {
		return nil, fmt.Errorf("protocol: probabilities of %d bytes do not hold %d×%d float32 values", len(p.Probs), p.Blocks, p.Ops)
	}
	rows := make([][]float64, p.Blocks)
	for i := range rows {
		rows[i] = make([]float64, p.Ops)
		for j := range rows[i] {
			rows[i][j] = float64(math.Float32frombits(binary.LittleEndian.Uint32(p.Probs[4*(i*p.Ops+j):])))
		}
	}
	return rows, nil
}
