package viz

import (
	"fmt"
	"strings"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// NestLine is one line of the loop-nest panel, printed the way Timeloop
// prints a mapping (map.txt): a header per storage level naming the data
// spaces it keeps, then its temporal loops and its spatial (fan-out) loops,
// each indented inside the one before.
type NestLine struct {
	Text   string
	Indent int
	// Loop is the loop's position in Mapping.Nest(), or -1 for a level
	// header and the compute line.
	Loop    int
	Level   int
	Spatial bool
	// Index is the loop's current index (temporal loops only).
	Index, Factor int
	// Current marks the loop that advanced at the last step: the iteration
	// the animation is on.
	Current bool
}

// NestLines lays out the nest of m for problem p with the walk's current
// loop indices idx (nil before the walk) and carry (the position of the
// loop that advanced last, or -1).
func NestLines(p *loopnest.Problem, m *loopnest.Mapping, idx []int, carry int) []NestLine {
	var out []NestLine
	pos, indent := 0, 0
	for li, l := range m.Levels {
		var keep []string
		for d, ds := range p.DataSpaces {
			if l.Keep.Has(d) {
				keep = append(keep, ds.Name)
			}
		}
		out = append(out, NestLine{Text: fmt.Sprintf("%s [ %s ]", l.Name, strings.Join(keep, " ")), Indent: indent, Loop: -1, Level: li})
		add := func(lp loopnest.Loop, spatial bool) {
			ln := NestLine{Indent: indent + 1, Loop: pos, Level: li, Spatial: spatial, Factor: lp.Factor, Current: pos == carry}
			name := p.Dims[lp.Dim]
			if spatial {
				ax := "X"
				if lp.Axis == loopnest.AxisY {
					ax = "Y"
				}
				ln.Text = fmt.Sprintf("for %s in [0:%d) (Spatial-%s)", name, lp.Factor, ax)
			} else {
				if pos < len(idx) {
					ln.Index = idx[pos]
				}
				ln.Text = fmt.Sprintf("for %s in [0:%d)   %s=%d", name, lp.Factor, name, ln.Index)
			}
			out = append(out, ln)
			pos++
			indent++
		}
		for _, lp := range l.Temporal {
			add(lp, false)
		}
		for _, lp := range l.Spatial {
			add(lp, true)
		}
	}
	out = append(out, NestLine{Text: "<< Compute >>", Indent: indent + 1, Loop: -1, Level: len(m.Levels)})
	return out
}
