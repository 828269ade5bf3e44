package viz

import (
	"fmt"
	"math"

	"github.com/dian-explorer/dian/core/report"
)

// SearchPoint is one progress event of a running search, as the view keeps
// it in its history: the scalars of a report.Event (SearchPointOf).
type SearchPoint struct {
	Step   int     `json:"step"`
	Phase  string  `json:"phase"`
	LossW  float64 `json:"lossW"`
	LossA  float64 `json:"lossA"`
	Acc    float64 `json:"acc"`
	Tau    float64 `json:"tau"`
	Lambda float64 `json:"lambda"`
	HasHW  bool    `json:"hasHW"`
	FPS    float64 `json:"fps"`
	// Entropy is the architecture distribution's mean entropy per block,
	// as a share of the uniform distribution's (1: undecided, 0: every
	// block certain); HasEntropy is false for events without
	// probabilities.
	Entropy    float64 `json:"entropy"`
	HasEntropy bool    `json:"hasEntropy"`
}

// SearchPointOf keeps the scalars of a search event.
func SearchPointOf(e *report.Event) SearchPoint {
	p := SearchPoint{Step: e.Step, Phase: e.Phase, LossW: e.LossWeights, LossA: e.LossArch, Acc: e.Accuracy,
		Tau: e.Tau, Lambda: e.Lambda}
	if e.HW != nil {
		p.HasHW, p.FPS = true, e.HW.FPS
	}
	if len(e.Probs) > 0 && e.Phase == "search" {
		p.HasEntropy, p.Entropy = true, MeanEntropy(e.Probs)
	}
	return p
}

// MeanEntropy is the mean over blocks of each block's entropy divided by
// log(ops): 1 for uniform rows, 0 for one-hot rows. It is for display only
// (math.Log is not bit-identical across platforms; no result depends on it).
func MeanEntropy(probs [][]float64) float64 {
	var sum float64
	n := 0
	for _, row := range probs {
		if len(row) < 2 {
			continue
		}
		var h float64
		for _, q := range row {
			if q > 0 {
				h -= q * math.Log(q)
			}
		}
		sum += h / math.Log(float64(len(row)))
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// training reports whether the point comes from a phase that trains the
// supernet (the losses, τ and λ mean something only there).
func (p SearchPoint) training() bool {
	return report.TrainingPhase(p.Phase)
}

// Curve returns the point's value of curve i of CurveNames, and whether
// the point has one.
func (p SearchPoint) Curve(i int) (float64, bool) {
	switch i {
	case 0:
		return p.LossW, p.training()
	case 1:
		return p.LossA, p.Phase == "search"
	case 2:
		return p.Acc, p.Acc > 0 // 0 before the first measurement
	case 3:
		return p.FPS, p.HasHW
	case 4:
		return p.Tau, p.Phase == "search"
	case 5:
		return p.Lambda, p.Phase == "search"
	case 6:
		return p.Entropy, p.HasEntropy
	}
	return 0, false
}

// ParetoPoint is a labelled point of the accuracy–FPS plot.
type ParetoPoint struct {
	Name string  `json:"name"`
	Acc  float64 `json:"acc"`
	FPS  float64 `json:"fps"`
}

// SearchView is the search view's state: the history of progress events,
// the latest architecture probabilities, baselines and the final result.
type SearchView struct {
	Points  []SearchPoint
	Probs   [][]float64
	OpNames []string
	Path    []string
	// Bits is the derived network's width per block after a precision
	// search (nil without one): the heatmap labels its rows with them.
	Bits      []int
	Baselines []ParetoPoint
	Final     *ParetoPoint
	// HW is the accelerator engine's latest distribution (nil before the
	// engine has run).
	HW *report.HWDist
	// Hover is the text of the element under the pointer ("" for none).
	Hover string
}

// MaxSearchPoints bounds the kept history; when it is full, every other
// point is dropped, so a long search keeps an even sample of its history.
const MaxSearchPoints = 4096

// FBNet's op names in core/supernet's order, for the heatmap's columns
// when the events carry only counts: seven ops ("fbnet") or nine
// ("fbnet-g2").
var (
	opsFBNet   = []string{"k3_e1", "k3_e3", "k3_e6", "k5_e1", "k5_e3", "k5_e6", "skip"}
	opsFBNetG2 = []string{"k3_e1", "k3_e1_g2", "k3_e3", "k3_e6", "k5_e1", "k5_e1_g2", "k5_e3", "k5_e6", "skip"}
)

// Push adds a progress event: its scalars to the history, its
// probabilities (blocks × ops), derived path and accelerator distribution
// to what the view shows.
func (v *SearchView) Push(e *report.Event) {
	v.push(SearchPointOf(e), e.Probs, e.Path)
	if e.Bits != nil && e.Phase != "baselines" {
		v.Bits = e.Bits
	}
	v.PushHW(e.Phase, e.HWDist)
}

func (v *SearchView) push(pt SearchPoint, probs [][]float64, path []string) {
	if len(v.Points) > 0 && pt.Step < v.Points[len(v.Points)-1].Step {
		v.Points = v.Points[:0] // a new search started
		v.Final, v.HW, v.Bits = nil, nil, nil
	}
	if len(v.Points) >= MaxSearchPoints {
		v.Points = report.Halve(v.Points)
	}
	v.Points = append(v.Points, pt)
	// The baselines train other supernets: their probabilities are not
	// the search's.
	if len(probs) > 0 && (pt.Phase != "baselines" || v.Probs == nil) {
		v.Probs = probs
		v.OpNames = opNamesFor(len(probs[0]), probs, path)
	}
	if path != nil {
		v.Path = path
	}
}

// opNamesFor names n op columns: FBNet's names when the count matches and
// agrees with the path (the path's op of each block is its argmax), else
// "op 0", "op 1", …
func opNamesFor(n int, probs [][]float64, path []string) []string {
	var names []string
	switch n {
	case len(opsFBNet):
		names = opsFBNet
	case len(opsFBNetG2):
		names = opsFBNetG2
	}
	if names != nil && len(path) == len(probs) {
		for b, row := range probs {
			if path[b] != names[Argmax(row)] {
				names = nil
				break
			}
		}
	}
	if names == nil {
		names = make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("op %d", i)
		}
	}
	return names
}

func Argmax(row []float64) int {
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	return best
}

// ProbRange returns the probabilities the heatmap's lightest and darkest
// colours stand for: the smallest and largest shown, at least MinProbSpan
// apart. Early in a search every op sits near 1/ops; a range fitted to the
// values shows which ops pull ahead, while the minimum span keeps rounding
// noise from looking like a decision. The legend prints the range.
func (v *SearchView) ProbRange() (lo, hi float64) {
	lo, hi = 1, 0
	for _, row := range v.Probs {
		for _, p := range row {
			lo, hi = math.Min(lo, float64(p)), math.Max(hi, float64(p))
		}
	}
	if lo > hi {
		return 0, 1
	}
	if hi-lo < MinProbSpan {
		hi = lo + MinProbSpan
		if hi > 1 {
			lo, hi = 1-MinProbSpan, 1
		}
	}
	return lo, hi
}

// MinProbSpan is the narrowest probability range the heatmap's colours
// span.
const MinProbSpan = 0.1

// Trail returns the points of the search that have a hardware estimate,
// in order: the search's path through the accuracy–FPS plane.
func (v *SearchView) Trail() []ParetoPoint {
	var out []ParetoPoint
	for _, p := range v.Points {
		if p.HasHW && p.FPS > 0 && p.Acc > 0 && p.Phase != "baselines" {
			out = append(out, ParetoPoint{Name: fmt.Sprintf("step %d", p.Step), Acc: p.Acc, FPS: p.FPS})
		}
	}
	return out
}

// Front returns the indices of the trail points no other trail point beats
// on both accuracy and FPS (the Pareto front), in trail order.
func Front(trail []ParetoPoint) []int {
	var out []int
	for i, p := range trail {
		dominated := false
		for j, q := range trail {
			if j != i && q.Acc >= p.Acc && q.FPS >= p.FPS && (q.Acc > p.Acc || q.FPS > p.FPS) {
				dominated = true
				break
			}
		}
		if !dominated {
			out = append(out, i)
		}
	}
	return out
}

// Axis maps a data range onto a pixel range, linearly or (Log) in log10.
type Axis struct {
	Min, Max float64
	Lo, Hi   float64 // pixels for Min and Max
	Log      bool
}

// Pos returns the pixel position of v.
func (a Axis) Pos(v float64) float64 {
	lo, hi := a.Min, a.Max
	if a.Log {
		v, lo, hi = math.Log10(math.Max(v, 1e-12)), math.Log10(lo), math.Log10(hi)
	}
	if hi == lo {
		return (a.Lo + a.Hi) / 2
	}
	return a.Lo + (v-lo)/(hi-lo)*(a.Hi-a.Lo)
}

// Range returns the min and max of vals widened by 5 % on each side (and
// to a unit span around a constant), so that plotted points never sit on
// the frame. ok is false when vals is empty.
func Range(vals []float64) (lo, hi float64, ok bool) {
	lo, hi, ok = extent(vals)
	if !ok {
		return 0, 1, false
	}
	if hi == lo {
		d := math.Max(math.Abs(lo)*0.1, 0.5)
		return lo - d, hi + d, true
	}
	d := (hi - lo) * 0.05
	return lo - d, hi + d, true
}

// extent returns the least and greatest finite values of vals, and false
// when there are none.
func extent(vals []float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi, lo <= hi
}

// RangeIn is Range for a quantity that lives in [min, max] (an accuracy,
// a normalised entropy): the padding is 5 % of the data's spread, or of
// [min, max] when every value is the same, and the range never leaves
// [min, max]. An accuracy of 93 % alone spans 88–98 %, not 43–143 %.
func RangeIn(vals []float64, min, max float64) (lo, hi float64, ok bool) {
	lo, hi, ok = extent(vals)
	if !ok {
		return min, max, false
	}
	d := (hi - lo) * 0.05
	if d == 0 {
		d = (max - min) * 0.05
	}
	return math.Max(min, lo-d), math.Min(max, hi+d), true
}

// CurveBounds returns the interval curve i of CurveNames lives in:
// accuracy and α's normalised entropy lie in [0, 1], and the losses, FPS,
// τ and λ are never negative (hi is then +Inf). An axis is padded only
// within these bounds, so a loss falling to 0.05 is not drawn against
// −0.05.
func CurveBounds(i int) (lo, hi float64) {
	switch i {
	case 2, 6:
		return 0, 1
	}
	return 0, math.Inf(1)
}

// CurveRange is the axis of curve i drawn over vals: Range, kept within
// CurveBounds. ok is false when vals is empty.
func CurveRange(i int, vals []float64) (lo, hi float64, ok bool) {
	bmin, bmax := CurveBounds(i)
	if !math.IsInf(bmax, 1) {
		return RangeIn(vals, bmin, bmax)
	}
	lo, hi, ok = Range(vals)
	return math.Max(lo, bmin), hi, ok
}

// Latest returns the last value of curve i (CurveNames) among the points:
// the value the curve ends on, which the view's header shows.
func (v *SearchView) Latest(i int) (float64, bool) {
	for j := len(v.Points) - 1; j >= 0; j-- {
		if x, ok := v.Points[j].Curve(i); ok {
			return x, true
		}
	}
	return 0, false
}

// SearchState is what the search view draws, as numbers (dianViz.state()).
type SearchState struct {
	Events  int          `json:"events"`
	Last    *SearchPoint `json:"last,omitempty"`
	Blocks  int          `json:"blocks"`
	Ops     int          `json:"ops"`
	OpNames []string     `json:"opNames"`
	Probs   [][]float64  `json:"probs"`
	// ScaleLo and ScaleHi are the probabilities drawn in the lightest and
	// darkest colours (ProbRange).
	ScaleLo float64 `json:"scaleLo"`
	ScaleHi float64 `json:"scaleHi"`
	// Argmax is the most probable op of each block.
	Argmax    []int         `json:"argmax"`
	Path      []string      `json:"path"`
	Bits      []int         `json:"bits,omitempty"`
	Trail     int           `json:"trail"`
	Front     []ParetoPoint `json:"front"`
	Baselines []ParetoPoint `json:"baselines"`
	Final     *ParetoPoint  `json:"final,omitempty"`
	Hover     string        `json:"hover"`
	// HW is the accelerator engine's distribution per decision, as drawn.
	HW *report.HWDist `json:"hw,omitempty"`
}

// State returns the view's numbers.
func (v *SearchView) State() SearchState {
	s := SearchState{Events: len(v.Points), OpNames: v.OpNames, Probs: v.Probs, Path: v.Path, Bits: v.Bits,
		Baselines: v.Baselines, Final: v.Final, Hover: v.Hover, HW: v.HW}
	if n := len(v.Points); n > 0 {
		last := v.Points[n-1]
		s.Last = &last
	}
	s.ScaleLo, s.ScaleHi = v.ProbRange()
	s.Blocks = len(v.Probs)
	if s.Blocks > 0 {
		s.Ops = len(v.Probs[0])
	}
	for _, row := range v.Probs {
		s.Argmax = append(s.Argmax, Argmax(row))
	}
	trail := v.Trail()
	s.Trail = len(trail)
	for _, i := range Front(trail) {
		s.Front = append(s.Front, trail[i])
	}
	return s
}
