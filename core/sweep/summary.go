package sweep

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/stats"
)

// Reference is the point a method's hypervolume is measured from, and how
// the objective is read: the area between the front of (accuracy, objective
// value) points and this reference. Accuracy is measured above chance (a
// guess among the ten classes of every shipped dataset: 0.1); the
// objective is FPS for fps, and the reciprocal of the cost for latency,
// energy and EDP (inferences per ms, per energy unit, per EDP unit), so
// that more is better on both axes and the reference is 0.
type Reference struct {
	Accuracy  float64 `json:"accuracy"`
	Objective float64 `json:"objective"`
	// Axis names the objective axis: fps, 1/latency_ms, 1/energy or 1/edp.
	Axis string `json:"axis"`
}

// ReferenceFor is the reference of a configuration's objective.
func ReferenceFor(c share.Config) Reference {
	axis := "fps"
	if c.Objective != "fps" {
		axis = "1/" + map[string]string{"latency": "latency_ms", "energy": "energy", "edp": "edp"}[c.Objective]
	}
	return Reference{Accuracy: 0.1, Objective: 0, Axis: axis}
}

// objective is a run's value on the reference's objective axis (0 when
// it has no feasible accelerator).
func objective(r *RunResult, axis string) float64 {
	if !r.Feasible {
		return 0
	}
	inv := func(x float64) float64 {
		if x <= 0 {
			return 0
		}
		return 1 / x
	}
	switch axis {
	case "1/latency_ms":
		return inv(r.LatencyMs)
	case "1/energy":
		return inv(r.Energy)
	case "1/edp":
		return inv(r.EDP)
	}
	return r.FPS
}

// ParsePoint reads a trade-off point's name (Point.String).
func ParsePoint(s string) (Point, error) {
	bad := fmt.Errorf("sweep: trade-off point %q; accepted lambda=X, target=LO-HI or config", s)
	key, v, _ := strings.Cut(s, "=")
	switch key {
	case "config":
		return Point{}, nil
	case "lambda":
		l, err := strconv.ParseFloat(v, 64)
		if err != nil || !(l > 0 && l <= 1e6) {
			return Point{}, bad
		}
		return Point{Lambda: l}, nil
	case "target":
		for i := 1; i < len(v); i++ { // the dash that is not an exponent's sign
			if v[i] == '-' && v[i-1] != 'e' && v[i-1] != 'E' {
				lo, err1 := strconv.ParseFloat(v[:i], 64)
				hi, err2 := strconv.ParseFloat(v[i+1:], 64)
				if err1 != nil || err2 != nil || !(lo >= 0 && lo < hi && hi <= 1e12) {
					return Point{}, bad
				}
				return Point{TargetLo: lo, TargetHi: hi}, nil
			}
		}
	}
	return Point{}, bad
}

// MethodSummary is one method over a sweep's runs.
type MethodSummary struct {
	// Runs counts searches: a method that ignores λ has one per seed,
	// however many points its runs are copied to (RunResult.SameAs).
	Runs     int `json:"runs"`
	Feasible int `json:"feasible"` // runs with a feasible accelerator; the others count nowhere below
	// Over every feasible search, all points together: a copy is not a
	// sample of its own.
	Accuracy  stats.Summary `json:"accuracy"`
	FPS       stats.Summary `json:"fps"`
	LatencyMs stats.Summary `json:"latency_ms"`
	Energy    stats.Summary `json:"energy"`
	EDP       stats.Summary `json:"edp"`
	// Hypervolume has one value per seed: the area its runs' front (over
	// the trade-off points) dominates above the reference.
	Hypervolume stats.Summary `json:"hypervolume"`
	// Budget is the least and the most any run spent.
	TrainSteps    [2]int `json:"train_steps"`
	HWEvaluations [2]int `json:"hw_evaluations"`
	// Points summarises the runs at each trade-off point.
	Points []PointSummary `json:"points"`
	// VsCosearch compares the co-search with this method seed by seed (nil
	// for the co-search itself, or when it did not run).
	VsCosearch *Versus `json:"vs_cosearch,omitempty"`
}

// PointSummary is a method's runs at one trade-off point.
type PointSummary struct {
	Point     string        `json:"point"`
	Accuracy  stats.Summary `json:"accuracy"`
	Objective stats.Summary `json:"objective"` // on Reference.Axis
}

// Versus compares the co-search with a method on the same seeds. Each
// difference is the co-search's value minus the method's, so Wins counts
// the seeds where the co-search did better and a positive mean favours it.
type Versus struct {
	Hypervolume stats.Paired  `json:"hypervolume"`
	Points      []PointVersus `json:"points"`
}

// PointVersus is the comparison at one trade-off point.
type PointVersus struct {
	Point     string       `json:"point"`
	Accuracy  stats.Paired `json:"accuracy"`
	Objective stats.Paired `json:"objective"`
}

// Summarize summarises runs (in unit order) by method. Comparisons pair
// seeds both methods have a feasible run of at a point (and, for the
// hypervolume, a run of at every point).
func Summarize(spec Spec, runs []RunResult) map[string]MethodSummary {
	ref := ReferenceFor(spec.Base)
	points := make([]string, len(spec.Points))
	for i, p := range spec.Points {
		points[i] = p.String()
	}
	// at[method][seed][point] is the run, if any.
	at := map[string]map[uint32][]*RunResult{}
	for i := range runs {
		r := &runs[i]
		if at[r.Method] == nil {
			at[r.Method] = map[uint32][]*RunResult{}
		}
		if at[r.Method][r.Seed] == nil {
			at[r.Method][r.Seed] = make([]*RunResult, len(points))
		}
		for pi, name := range points {
			if name == r.Point {
				at[r.Method][r.Seed][pi] = r
			}
		}
	}
	hv := func(m string, seed uint32) (float64, bool) {
		rs := at[m][seed]
		var pts []stats.Point
		for _, r := range rs {
			if r == nil {
				return 0, false
			}
			if r.Feasible {
				pts = append(pts, stats.Point{X: r.Accuracy, Y: objective(r, ref.Axis)})
			}
		}
		return stats.Hypervolume(pts, stats.Point{X: ref.Accuracy, Y: ref.Objective}), true
	}
	out := map[string]MethodSummary{}
	for _, m := range spec.Methods {
		var s MethodSummary
		var acc, fps, lat, energy, edp, hvs []float64
		first := true
		for _, seed := range spec.Seeds { // unit order: fixed summation order
			for _, r := range at[m][seed] {
				if r == nil || r.SameAs != nil {
					continue // a copy is no new sample
				}
				s.Runs++
				if first {
					s.TrainSteps, s.HWEvaluations, first = [2]int{r.TrainSteps, r.TrainSteps}, [2]int{r.HWEvaluations, r.HWEvaluations}, false
				}
				s.TrainSteps = [2]int{min(s.TrainSteps[0], r.TrainSteps), max(s.TrainSteps[1], r.TrainSteps)}
				s.HWEvaluations = [2]int{min(s.HWEvaluations[0], r.HWEvaluations), max(s.HWEvaluations[1], r.HWEvaluations)}
				if !r.Feasible {
					continue
				}
				s.Feasible++
				acc, fps, lat = append(acc, r.Accuracy), append(fps, r.FPS), append(lat, r.LatencyMs)
				energy, edp = append(energy, r.Energy), append(edp, r.EDP)
			}
			if v, ok := hv(m, seed); ok {
				hvs = append(hvs, v)
			}
		}
		s.Accuracy, s.FPS, s.LatencyMs = stats.Summarize(acc), stats.Summarize(fps), stats.Summarize(lat)
		s.Energy, s.EDP, s.Hypervolume = stats.Summarize(energy), stats.Summarize(edp), stats.Summarize(hvs)
		for pi, name := range points {
			var a, o []float64
			for _, seed := range spec.Seeds {
				if rs := at[m][seed]; rs != nil && rs[pi] != nil && rs[pi].Feasible {
					a, o = append(a, rs[pi].Accuracy), append(o, objective(rs[pi], ref.Axis))
				}
			}
			s.Points = append(s.Points, PointSummary{Point: name, Accuracy: stats.Summarize(a), Objective: stats.Summarize(o)})
		}
		if m != "cosearch" && at["cosearch"] != nil {
			s.VsCosearch = versus(spec, points, at, m, hv, ref.Axis)
		}
		out[m] = s
	}
	return out
}

// versus pairs the co-search with method m seed by seed.
func versus(spec Spec, points []string, at map[string]map[uint32][]*RunResult, m string,
	hv func(string, uint32) (float64, bool), axis string) *Versus {
	var co, other []float64
	for _, seed := range spec.Seeds {
		a, ok1 := hv("cosearch", seed)
		b, ok2 := hv(m, seed)
		if ok1 && ok2 {
			co, other = append(co, a), append(other, b)
		}
	}
	v := &Versus{Hypervolume: stats.Compare(co, other)}
	for pi, name := range points {
		var ca, ma, co, mo []float64
		for _, seed := range spec.Seeds {
			c, o := at["cosearch"][seed], at[m][seed]
			if c == nil || o == nil || c[pi] == nil || o[pi] == nil || !c[pi].Feasible || !o[pi].Feasible {
				continue
			}
			ca, ma = append(ca, c[pi].Accuracy), append(ma, o[pi].Accuracy)
			co, mo = append(co, objective(c[pi], axis)), append(mo, objective(o[pi], axis))
		}
		v.Points = append(v.Points, PointVersus{Point: name, Accuracy: stats.Compare(ca, ma), Objective: stats.Compare(co, mo)})
	}
	return v
}
