package loopnest

import (
	"errors"
	"fmt"
	"strings"
)

// DataSpaceMask is a set of data spaces, bit i for Problem.DataSpaces[i].
type DataSpaceMask uint8

// Has reports whether data space i is in the set.
func (m DataSpaceMask) Has(i int) bool { return m&(1<<uint(i)) != 0 }

// AllDataSpaces returns the mask of the first n data spaces.
func AllDataSpaces(n int) DataSpaceMask { return DataSpaceMask(1<<uint(n)) - 1 }

// Axis says along which side of a PE array a spatial loop is laid out. It
// only affects how the loop is drawn and printed (Spatial-X / Spatial-Y).
type Axis uint8

// The spatial axes.
const (
	AxisX Axis = iota
	AxisY
)

// Loop is one loop of a mapping: dimension Dim iterated Factor times.
type Loop struct {
	Dim    int
	Factor int
	// Axis is the array side a spatial loop runs along (ignored for
	// temporal loops).
	Axis Axis
}

// MappingLevel is one storage level of a mapping with the loops it owns.
// A level's tile (what one instance holds) covers the loops of this level and
// of every level inside it. Its spatial loops fan out to the instances of
// the next inner level; in the nest they sit inside its temporal loops.
type MappingLevel struct {
	Name string
	// Keep is the set of data spaces the level stores; the others bypass it.
	Keep DataSpaceMask
	// Temporal loops, outermost first.
	Temporal []Loop
	// Spatial loops, outermost first.
	Spatial []Loop
}

// Mapping is a loop nest split over storage levels, outermost level first
// (DRAM first). A level that keeps nothing and has only spatial loops is a
// pure fan-out, like Timeloop's "inter_PE_spatial".
type Mapping struct {
	Levels []MappingLevel
}

// Clone returns a deep copy of the mapping.
func (m *Mapping) Clone() *Mapping {
	c := &Mapping{Levels: make([]MappingLevel, len(m.Levels))}
	for i, l := range m.Levels {
		c.Levels[i] = MappingLevel{Name: l.Name, Keep: l.Keep,
			Temporal: append([]Loop(nil), l.Temporal...),
			Spatial:  append([]Loop(nil), l.Spatial...)}
	}
	return c
}

// NestLoop is one loop of a mapping's flattened nest (see Mapping.Nest).
type NestLoop struct {
	Loop
	Level   int  // index into Mapping.Levels
	Spatial bool // a spatial (fan-out) loop
}

// Nest returns the mapping's loops as one nest, outermost first: for each
// level, its temporal loops then its spatial loops. This is the order in
// which Timeloop prints a mapping and in which Trace walks it.
func (m *Mapping) Nest() []NestLoop {
	var out []NestLoop
	for li, l := range m.Levels {
		for _, lp := range l.Temporal {
			out = append(out, NestLoop{Loop: lp, Level: li})
		}
		for _, lp := range l.Spatial {
			out = append(out, NestLoop{Loop: lp, Level: li, Spatial: true})
		}
	}
	return out
}

// String prints the mapping in Timeloop's map.txt layout (without tile
// sizes), using the problem's dimension and data-space names.
func (m *Mapping) String(p *Problem) string {
	var b strings.Builder
	indent := 0
	for _, l := range m.Levels {
		b.WriteString(l.Name + " [")
		for i, ds := range p.DataSpaces {
			if l.Keep.Has(i) {
				b.WriteString(" " + ds.Name)
			}
		}
		b.WriteString(" ]\n")
		for _, lp := range l.Temporal {
			fmt.Fprintf(&b, "|%sfor %s in [0:%d)\n", strings.Repeat("  ", indent+1)[1:], p.Dims[lp.Dim], lp.Factor)
			indent++
		}
		for _, lp := range l.Spatial {
			ax := "X"
			if lp.Axis == AxisY {
				ax = "Y"
			}
			fmt.Fprintf(&b, "|%sfor %s in [0:%d) (Spatial-%s)\n", strings.Repeat("  ", indent+1)[1:], p.Dims[lp.Dim], lp.Factor, ax)
			indent++
		}
	}
	return b.String()
}

// ErrFactorization is wrapped by the error a mapping whose factors do not
// multiply to the problem's bounds gets.
var ErrFactorization = errors.New("factors do not multiply to the problem bound")

// CheckMapping reports the first structural problem of a mapping for p: level
// count, factors, dimensions, keep sets, and that the factors of each
// dimension multiply to its bound (the model needs a perfect factorization;
// pad the problem to use a non-divisor tile).
func CheckMapping(p *Problem, m *Mapping) error {
	if len(m.Levels) == 0 || len(m.Levels) > MaxLevels {
		return fmt.Errorf("loopnest: mapping has %d levels; accepted 1..%d", len(m.Levels), MaxLevels)
	}
	var prod [MaxProblemDims]int64
	for i := range p.Dims {
		prod[i] = 1
	}
	all := AllDataSpaces(len(p.DataSpaces))
	n := 0
	for li := range m.Levels {
		l := &m.Levels[li]
		if l.Keep&^all != 0 {
			return fmt.Errorf("loopnest: mapping level %q keeps data spaces outside the problem's %d", l.Name, len(p.DataSpaces))
		}
		for si, loops := range [2][]Loop{l.Temporal, l.Spatial} {
			for _, lp := range loops {
				kind := "temporal"
				if si == 1 {
					kind = "spatial"
				}
				if lp.Dim < 0 || lp.Dim >= len(p.Dims) {
					return fmt.Errorf("loopnest: mapping level %q: %s loop over dimension %d; the problem has %d", l.Name, kind, lp.Dim, len(p.Dims))
				}
				if lp.Factor < 1 {
					return fmt.Errorf("loopnest: mapping level %q: %s factor %s=%d must be ≥ 1", l.Name, kind, p.Dims[lp.Dim], lp.Factor)
				}
				if int64(lp.Factor) > MaxCount/prod[lp.Dim] {
					return fmt.Errorf("loopnest: mapping level %q: %s factor %s=%d is too large", l.Name, kind, p.Dims[lp.Dim], lp.Factor)
				}
				prod[lp.Dim] *= int64(lp.Factor)
				if lp.Factor > 1 {
					n++
				}
			}
		}
	}
	if n > maxNestLoops {
		return fmt.Errorf("loopnest: mapping has %d loops with a factor above 1; accepted up to %d", n, maxNestLoops)
	}
	for i, d := range p.Dims {
		if prod[i] != int64(p.Bounds[i]) {
			return fmt.Errorf("loopnest: mapping: %s: %w (%d ≠ %d)", d, ErrFactorization, prod[i], p.Bounds[i])
		}
	}
	outer := m.Levels[0].Keep
	if outer != all {
		return fmt.Errorf("loopnest: mapping: the outermost level %q must keep every data space", m.Levels[0].Name)
	}
	return nil
}
