package search

import (
	"fmt"
	"math"

	"github.com/dian-explorer/dian/core/accel"
)

// engineState is what an accelerator engine has learned, as a checkpoint
// keeps it. One struct serves every engine; each fills the fields it has
// (random has none) and the random generator is saved by the runner, which
// owns it.
type engineState struct {
	Engine   string      `msgpack:"engine"`
	Logits   [][]float64 `msgpack:"logits,omitempty"`   // gumbel, reinforce
	M        [][]float64 `msgpack:"m,omitempty"`        // gumbel's Adam moments
	V        [][]float64 `msgpack:"v,omitempty"`        //
	B1t      float64     `msgpack:"b1t,omitempty"`      // gumbel's β1ᵗ
	B2t      float64     `msgpack:"b2t,omitempty"`      // gumbel's β2ᵗ
	Baseline float64     `msgpack:"baseline,omitempty"` // reinforce
	Started  bool        `msgpack:"started,omitempty"`  // reinforce
	Pop      [][]int     `msgpack:"pop,omitempty"`      // evolution
	Costs    []float64   `msgpack:"costs,omitempty"`    // evolution
}

// saveEngine copies e's learned state.
func saveEngine(e Engine) engineState {
	s := engineState{Engine: e.Name()}
	switch e := e.(type) {
	case *gumbelEngine:
		s.Logits, s.M, s.V, s.B1t, s.B2t = clone2(e.logits), clone2(e.m), clone2(e.v), e.b1t, e.b2t
	case *reinforceEngine:
		s.Logits, s.Baseline, s.Started = clone2(e.logits), e.baseline, e.started
	case *evolutionEngine:
		s.Pop, s.Costs = clone2(e.pop), append([]float64(nil), e.costs...)
	}
	return s
}

// restoreEngine loads s into e after checking that it belongs to this
// engine and fits its space.
func restoreEngine(e Engine, s engineState, space *accel.Space) error {
	if s.Engine != e.Name() {
		return fmt.Errorf("the checkpoint's engine is %q, the configuration's %q", s.Engine, e.Name())
	}
	switch e := e.(type) {
	case *gumbelEngine:
		for _, m := range [][][]float64{s.Logits, s.M, s.V} {
			if err := fitsSpace(m, space); err != nil {
				return err
			}
		}
		if !(s.B1t > 0 && s.B1t <= 1 && s.B2t > 0 && s.B2t <= 1) {
			return fmt.Errorf("gumbel engine: bias powers %g, %g outside (0, 1]", s.B1t, s.B2t)
		}
		copy2(e.logits, s.Logits)
		copy2(e.m, s.M)
		copy2(e.v, s.V)
		e.b1t, e.b2t = s.B1t, s.B2t
	case *reinforceEngine:
		if err := fitsSpace(s.Logits, space); err != nil {
			return err
		}
		if math.IsNaN(s.Baseline) || math.IsInf(s.Baseline, 0) {
			return fmt.Errorf("reinforce engine: baseline %g", s.Baseline)
		}
		copy2(e.logits, s.Logits)
		e.baseline, e.started = s.Baseline, s.Started
	case *evolutionEngine:
		if len(s.Pop) > e.size || len(s.Costs) != len(s.Pop) {
			return fmt.Errorf("evolution engine: %d members with %d costs (at most %d members)", len(s.Pop), len(s.Costs), e.size)
		}
		for _, p := range s.Pop {
			if err := validChoice(p, space); err != nil {
				return fmt.Errorf("evolution engine: %w", err)
			}
		}
		e.pop, e.costs = clone2(s.Pop), append([]float64(nil), s.Costs...)
	}
	return nil
}

// fitsSpace checks that rows has one finite value per option of every
// decision of space.
func fitsSpace(rows [][]float64, space *accel.Space) error {
	if len(rows) != len(space.Decisions) {
		return fmt.Errorf("engine state has %d decisions, the space %d", len(rows), len(space.Decisions))
	}
	for i, d := range space.Decisions {
		if len(rows[i]) != len(d.Options) {
			return fmt.Errorf("engine state has %d options for %s, the space %d", len(rows[i]), d.Name, len(d.Options))
		}
		for _, x := range rows[i] {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("engine state for %s holds %g", d.Name, x)
			}
		}
	}
	return nil
}

// validChoice checks that choice names an option of every decision of
// space (nil is not valid; callers allow it where it means "none").
func validChoice(choice []int, space *accel.Space) error {
	if len(choice) != len(space.Decisions) {
		return fmt.Errorf("a design of %d decisions, the space has %d", len(choice), len(space.Decisions))
	}
	for i, c := range choice {
		if c < 0 || c >= len(space.Decisions[i].Options) {
			return fmt.Errorf("option %d of %s, which has %d", c, space.Decisions[i].Name, len(space.Decisions[i].Options))
		}
	}
	return nil
}

func clone2[T any](rows [][]T) [][]T {
	if rows == nil {
		return nil
	}
	out := make([][]T, len(rows))
	for i, r := range rows {
		out[i] = append([]T(nil), r...)
	}
	return out
}

func copy2[T any](dst, src [][]T) {
	for i := range dst {
		copy(dst[i], src[i])
	}
}
