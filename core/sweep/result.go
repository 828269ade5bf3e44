package sweep

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/share"
)

// Result is a sweep's outcome; its JSON is what `dian sweep -json` prints.
// Everything but Timing and the runs' Seconds is the same, byte for byte,
// however the sweep was split over workers and shards.
type Result struct {
	Sweep   Header                   `json:"sweep"`
	Runs    []RunResult              `json:"runs"`
	Summary map[string]MethodSummary `json:"summary"` // by method
	Timing  Timing                   `json:"timing"`
}

// Header says what was swept: enough to rebuild the Spec (SpecOf).
type Header struct {
	Config  string   `json:"config"` // the base configuration, canonical
	Seeds   []uint32 `json:"seeds"`
	Methods []string `json:"methods"`
	Points  []string `json:"points"` // Point.String of each trade-off point
	// Objective is the configuration's; Reference is the point the
	// hypervolume is measured from (see Reference).
	Objective string    `json:"objective"`
	Reference Reference `json:"reference"`
	// Shard is "i/n" when the result holds one shard's runs ("" for all).
	Shard string `json:"shard,omitempty"`
	Units int    `json:"units"` // searches in the whole sweep
}

// RunResult is one search of a sweep: its unit, its network and headline
// numbers (report.Metrics, inlined in the JSON), and what it spent.
type RunResult struct {
	Index   int      `json:"index"`
	Method  string   `json:"method"`
	Seed    uint32   `json:"seed"`
	Point   string   `json:"point"`
	Config  string   `json:"config"` // the unit's fragment
	Network []string `json:"network"`
	Bits    []int    `json:"bits,omitempty"` // per block, after a precision search
	report.Metrics
	TrainSteps    int     `json:"train_steps"`
	HWEvaluations int     `json:"hw_evaluations"`
	Seconds       float64 `json:"seconds"` // timing: differs between runs
	// SameAs, when set, is the index of the run this one copies: the method
	// ignores λ, so its search at another λ is this unit's (Unit.Same).
	SameAs *int `json:"same_as,omitempty"`
}

// Timing is the sweep's wall-clock time and how many searches ran at once.
type Timing struct {
	WallSeconds float64 `json:"wall_s"`
	Workers     int     `json:"workers"`
}

// NewResult is the result of the runs of spec (of shard sh) finished so
// far: the runs in unit order and their summary, without timing.
func NewResult(spec Spec, sh Shard, runs []RunResult) *Result {
	r := &Result{Sweep: headerOf(spec, sh), Runs: spec.fill(runs)}
	slices.SortFunc(r.Runs, func(a, b RunResult) int { return a.Index - b.Index })
	r.Summary = Summarize(spec, r.Runs)
	return r
}

// fill returns runs with the runs of the units that copy one of them
// (Unit.Same): each is its own unit's run with the copied one's results.
func (s Spec) fill(runs []RunResult) []RunResult {
	at := map[int]int{} // unit index → position in runs
	for i, r := range runs {
		at[r.Index] = i
	}
	out := append([]RunResult(nil), runs...)
	for _, u := range s.Units() {
		i, ok := at[u.Same]
		if _, have := at[u.Index]; have || u.Runs() || !ok {
			continue
		}
		c := runs[i]
		same := u.Same
		c.Index, c.Point, c.Config, c.Seconds, c.SameAs = u.Index, s.Points[u.Point].String(), u.Fragment(), 0, &same
		out = append(out, c)
	}
	return out
}

func headerOf(spec Spec, sh Shard) Header {
	h := Header{Config: spec.Base.Encode(), Seeds: spec.Seeds, Methods: spec.Methods,
		Objective: spec.Base.Objective, Reference: ReferenceFor(spec.Base), Shard: sh.String(),
		Units: len(spec.Seeds) * len(spec.Methods) * len(spec.Points)}
	for _, p := range spec.Points {
		h.Points = append(h.Points, p.String())
	}
	return h
}

// SpecOf rebuilds the spec a header describes.
func SpecOf(h Header) (Spec, error) {
	link, err := share.Parse(h.Config)
	if err != nil {
		return Spec{}, fmt.Errorf("sweep: the result's configuration: %w", err)
	}
	s := Spec{Base: link.Config, Seeds: h.Seeds, Methods: h.Methods}
	for _, name := range h.Points {
		p, err := ParsePoint(name)
		if err != nil {
			return Spec{}, err
		}
		s.Points = append(s.Points, p)
	}
	return s, s.Check()
}

// MaxResultBytes bounds a sweep result read from a file.
const MaxResultBytes = 256 << 20

// Decode reads a sweep result's JSON and checks it describes a valid
// sweep whose runs are its units.
func Decode(data []byte, name string) (*Result, error) {
	if len(data) > MaxResultBytes {
		return nil, fmt.Errorf("sweep: %s: %d bytes; at most %d", name, len(data), MaxResultBytes)
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", name, err)
	}
	spec, err := SpecOf(r.Sweep)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	units := spec.Units()
	for i, run := range r.Runs {
		if run.Index < 0 || run.Index >= len(units) || units[run.Index].Fragment() != run.Config {
			return nil, fmt.Errorf("sweep: %s: runs[%d] (index %d, %s) is not a unit of this sweep", name, i, run.Index, run.Config)
		}
		if i > 0 && run.Index <= r.Runs[i-1].Index {
			return nil, fmt.Errorf("sweep: %s: runs[%d] is out of order or repeated (index %d)", name, i, run.Index)
		}
	}
	return &r, nil
}

// Merge joins the results of shards (or of interrupted runs) of one sweep
// into what one process running it all gives: the runs in unit order and
// the summary over them. Timing adds the shards' wall times and takes the
// largest worker count. A unit in two parts is an error unless both ran it
// alike (the same result apart from timing).
func Merge(parts ...*Result) (*Result, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("sweep: nothing to merge")
	}
	h := parts[0].Sweep
	h.Shard = ""
	spec, err := SpecOf(h)
	if err != nil {
		return nil, err
	}
	byIndex := map[int]RunResult{}
	var timing Timing
	for pi, p := range parts {
		ph := p.Sweep
		ph.Shard = ""
		if !sameHeader(h, ph) {
			return nil, fmt.Errorf("sweep: part %d is another sweep (%s, seeds %v, methods %v, points %v)", pi+1, ph.Config, ph.Seeds, ph.Methods, ph.Points)
		}
		for _, r := range p.Runs {
			if old, dup := byIndex[r.Index]; dup {
				old.Seconds, r.Seconds = 0, 0
				a, _ := json.Marshal(old)
				b, _ := json.Marshal(r)
				if string(a) != string(b) {
					return nil, fmt.Errorf("sweep: unit %d (%s) has two different results", r.Index, r.Config)
				}
				continue
			}
			byIndex[r.Index] = r
		}
		timing.WallSeconds += p.Timing.WallSeconds
		timing.Workers = max(timing.Workers, p.Timing.Workers)
	}
	out := &Result{Sweep: h, Timing: timing}
	for _, u := range spec.Units() {
		if r, ok := byIndex[u.Index]; ok {
			out.Runs = append(out.Runs, r)
		}
	}
	out.Summary = Summarize(spec, out.Runs)
	return out, nil
}

func sameHeader(a, b Header) bool {
	return a.Config == b.Config && slices.Equal(a.Seeds, b.Seeds) && slices.Equal(a.Methods, b.Methods) &&
		slices.Equal(a.Points, b.Points) && a.Objective == b.Objective && a.Reference == b.Reference && a.Units == b.Units
}

// Missing lists the units of the sweep r has no run of.
func (r *Result) Missing() []int {
	have := map[int]bool{}
	for _, run := range r.Runs {
		have[run.Index] = true
	}
	var out []int
	for i := range r.Sweep.Units {
		if !have[i] {
			out = append(out, i)
		}
	}
	return out
}
