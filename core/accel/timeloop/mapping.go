package timeloop

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// Map is a mapping read from a Timeloop printout, with the tile
// sizes it printed (Printed[level][data space], -1 where not kept) so that
// callers can check them against the model's.
type Map struct {
	Mapping *loopnest.Mapping
	Printed [][loopnest.MaxDataSpaces]int64
}

// ReadMapTxt reads the mapping printout Timeloop writes
// (timeloop-model.map.txt): one block per storage level,
//
//	Name [ Weights:3 (3) Inputs:18 (18) ]
//	-------------------------------------
//	| for P in [0:16)
//	|   for C in [0:16) (Spatial-X)
//
// ending in "<< Compute >>". Names refer to the problem's dimensions and
// data spaces. A level listing no data spaces (such as inter_PE_spatial) is
// a pure fan-out level.
func ReadMapTxt(file string, src []byte, p *loopnest.Problem) (*Map, error) {
	if len(src) > maxMapTxtBytes {
		return nil, fmt.Errorf("%s: file is %d bytes; accepted up to %d", file, len(src), maxMapTxtBytes)
	}
	errf := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...))
	}
	tm := &Map{Mapping: &loopnest.Mapping{}}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 4096), maxMapTxtBytes)
	line := 0
	compute := false
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), " \t\r")
		t := strings.TrimSpace(s)
		switch {
		case t == "":
			continue
		case compute:
			return nil, errf(line, "text after \"<< Compute >>\": %q", clip(t))
		case strings.Trim(t, "-") == "":
			continue
		case strings.HasPrefix(t, "|"):
			body := strings.TrimSpace(t[1:])
			if body == "<< Compute >>" {
				compute = true
				continue
			}
			if len(tm.Mapping.Levels) == 0 {
				return nil, errf(line, "a loop before the first level header")
			}
			lp, spatial, err := parseMapTxtLoop(body, p)
			if err != nil {
				return nil, errf(line, "%v", err)
			}
			lv := &tm.Mapping.Levels[len(tm.Mapping.Levels)-1]
			if spatial {
				lv.Spatial = append(lv.Spatial, lp)
			} else {
				if len(lv.Spatial) > 0 {
					return nil, errf(line, "level %q: a temporal loop after a spatial loop; the model needs spatial loops innermost in a level", lv.Name)
				}
				lv.Temporal = append(lv.Temporal, lp)
			}
		default:
			lv, sizes, err := parseMapTxtHeader(t, p)
			if err != nil {
				return nil, errf(line, "%v", err)
			}
			if len(tm.Mapping.Levels) == loopnest.MaxLevels {
				return nil, errf(line, "more than %d levels", loopnest.MaxLevels)
			}
			tm.Mapping.Levels = append(tm.Mapping.Levels, lv)
			tm.Printed = append(tm.Printed, sizes)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(tm.Mapping.Levels) == 0 {
		return nil, errf(0, "no level headers (expected lines like \"Buffer [ Weights:3 (3) ]\")")
	}
	if !compute {
		return nil, errf(line, "missing the final \"<< Compute >>\" line")
	}
	if err := loopnest.CheckMapping(p, tm.Mapping); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return tm, nil
}

// parseMapTxtHeader parses "Name [ DS:n (n) ... ]".
func parseMapTxtHeader(t string, p *loopnest.Problem) (loopnest.MappingLevel, [loopnest.MaxDataSpaces]int64, error) {
	var sizes [loopnest.MaxDataSpaces]int64
	for i := range sizes {
		sizes[i] = -1
	}
	open := strings.Index(t, "[")
	if open <= 0 || !strings.HasSuffix(t, "]") {
		return loopnest.MappingLevel{}, sizes, fmt.Errorf("expected a level header \"Name [ DataSpace:size (size) ... ]\" or a loop line \"| for D in [0:n)\", got %q", clip(t))
	}
	lv := loopnest.MappingLevel{Name: strings.TrimSpace(t[:open])}
	if strings.ContainsAny(lv.Name, " \t") {
		return lv, sizes, fmt.Errorf("level name %q contains a space", lv.Name)
	}
	fields := strings.Fields(t[open+1 : len(t)-1])
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		colon := strings.LastIndex(f, ":")
		if colon <= 0 {
			return lv, sizes, fmt.Errorf("level %s: expected DataSpace:size, got %q", lv.Name, f)
		}
		name := f[:colon]
		d := p.DataSpaceIndex(name)
		if d < 0 {
			return lv, sizes, fmt.Errorf("level %s: %q is not a data space of the problem", lv.Name, name)
		}
		if lv.Keep.Has(d) {
			return lv, sizes, fmt.Errorf("level %s: data space %s listed twice", lv.Name, name)
		}
		n, err := strconv.ParseInt(f[colon+1:], 10, 64)
		if err != nil || n < 1 || n > loopnest.MaxCount {
			return lv, sizes, fmt.Errorf("level %s: tile size %q of %s is not a positive integer", lv.Name, f[colon+1:], name)
		}
		lv.Keep |= 1 << uint(d)
		sizes[d] = n
		if i+1 < len(fields) && strings.HasPrefix(fields[i+1], "(") {
			i++ // "(n)": the allocated size
		}
	}
	return lv, sizes, nil
}

// parseMapTxtLoop parses "for D in [0:n)" with an optional "(Spatial-X)".
func parseMapTxtLoop(body string, p *loopnest.Problem) (loopnest.Loop, bool, error) {
	f := strings.Fields(body)
	if len(f) < 4 || f[0] != "for" || f[2] != "in" {
		return loopnest.Loop{}, false, fmt.Errorf("expected \"for D in [0:n)\", got %q", clip(body))
	}
	d := p.DimIndex(f[1])
	if d < 0 {
		return loopnest.Loop{}, false, fmt.Errorf("loop over %q, not a dimension of the problem (dimensions: %s)", f[1], strings.Join(p.Dims, ", "))
	}
	rng := f[3]
	if !strings.HasPrefix(rng, "[0:") || !strings.HasSuffix(rng, ")") {
		return loopnest.Loop{}, false, fmt.Errorf("loop range %q; accepted [0:n) (imperfect factorizations are not supported)", rng)
	}
	n, err := strconv.ParseInt(rng[3:len(rng)-1], 10, 64)
	if err != nil || n < 1 || n > maxFileBound {
		return loopnest.Loop{}, false, fmt.Errorf("loop bound %q of %s is not an integer in 1..%d", rng[3:len(rng)-1], f[1], maxFileBound)
	}
	lp := loopnest.Loop{Dim: d, Factor: int(n)}
	switch {
	case len(f) == 4:
		return lp, false, nil
	case len(f) == 5 && f[4] == "(Spatial-X)":
		return lp, true, nil
	case len(f) == 5 && f[4] == "(Spatial-Y)":
		lp.Axis = loopnest.AxisY
		return lp, true, nil
	}
	return loopnest.Loop{}, false, fmt.Errorf("unexpected %q after the loop range (accepted: (Spatial-X), (Spatial-Y))", strings.Join(f[4:], " "))
}

// WriteMapTxt prints m in Timeloop's map.txt layout with the tile
// sizes of st (from evaluating m).
func WriteMapTxt(w io.Writer, p *loopnest.Problem, m *loopnest.Mapping, st *loopnest.Stats) error {
	var b bytes.Buffer
	depth := 0
	for li, l := range m.Levels {
		head := l.Name + " ["
		for d, ds := range p.DataSpaces {
			if l.Keep.Has(d) {
				n := st.Levels[li].DS[d].TileSize
				head += fmt.Sprintf(" %s:%d (%d)", ds.Name, n, n)
			}
		}
		head += " ] "
		b.WriteString(head + "\n")
		if len(l.Temporal)+len(l.Spatial) > 0 {
			b.WriteString(strings.Repeat("-", len(head)-1) + "\n")
		}
		for _, lp := range l.Temporal {
			fmt.Fprintf(&b, "| %sfor %s in [0:%d)\n", strings.Repeat("  ", depth), p.Dims[lp.Dim], lp.Factor)
			depth++
		}
		for _, lp := range l.Spatial {
			ax := "X"
			if lp.Axis == loopnest.AxisY {
				ax = "Y"
			}
			fmt.Fprintf(&b, "| %sfor %s in [0:%d) (Spatial-%s)\n", strings.Repeat("  ", depth), p.Dims[lp.Dim], lp.Factor, ax)
			depth++
		}
		if li+1 < len(m.Levels) && len(l.Temporal)+len(l.Spatial) > 0 {
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "| %s<< Compute >>\n", strings.Repeat("  ", depth))
	_, err := w.Write(b.Bytes())
	return err
}

// WriteMapYAML writes m as a Timeloop mapping file whose targets are
// the mapping's level names (spatial directives target the level that fans
// out), keeping every dimension's factor and the loop order.
func WriteMapYAML(w io.Writer, p *loopnest.Problem, m *loopnest.Mapping) error {
	var b bytes.Buffer
	b.WriteString("mapping:\n")
	write := func(target, typ string, loops []loopnest.Loop) {
		fmt.Fprintf(&b, "  - target: %s\n    type: %s\n", target, typ)
		factors := make([]int, len(p.Dims))
		for i := range factors {
			factors[i] = 1
		}
		split := -1
		if typ == "spatial" {
			// X dimensions first, then Y, with split between them.
			var xs, ys []loopnest.Loop
			for _, lp := range loops {
				if lp.Axis == loopnest.AxisY {
					ys = append(ys, lp)
				} else {
					xs = append(xs, lp)
				}
			}
			loops = append(ys, xs...) // reversed below: X innermost first
			split = len(xs)
		}
		var order []int // innermost first
		for k := len(loops) - 1; k >= 0; k-- {
			factors[loops[k].Dim] *= loops[k].Factor
			dup := false
			for _, d := range order {
				dup = dup || d == loops[k].Dim
			}
			if !dup {
				order = append(order, loops[k].Dim)
			}
		}
		for d := range p.Dims {
			present := false
			for _, o := range order {
				present = present || o == d
			}
			if !present {
				order = append(order, d)
			}
		}
		var fs, perm []string
		for d, f := range factors {
			fs = append(fs, fmt.Sprintf("%s=%d", p.Dims[d], f))
		}
		for _, d := range order {
			perm = append(perm, p.Dims[d])
		}
		fmt.Fprintf(&b, "    factors: %s\n    permutation: [ %s ]\n", strings.Join(fs, " "), strings.Join(perm, ", "))
		if split >= 0 {
			fmt.Fprintf(&b, "    split: %d\n", split)
		}
	}
	for _, l := range m.Levels {
		write(l.Name, "temporal", l.Temporal)
		if len(l.Spatial) > 0 {
			write(l.Name, "spatial", l.Spatial)
		}
	}
	for _, l := range m.Levels {
		var keep, bypass []string
		for d, ds := range p.DataSpaces {
			if l.Keep.Has(d) {
				keep = append(keep, ds.Name)
			} else {
				bypass = append(bypass, ds.Name)
			}
		}
		fmt.Fprintf(&b, "  - target: %s\n    type: dataspace\n    keep: [ %s ]\n    bypass: [ %s ]\n", l.Name, strings.Join(keep, ", "), strings.Join(bypass, ", "))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Bounds on a printout: its size, and a loop bound in it.
const (
	maxMapTxtBytes = 1 << 20
	maxFileBound   = 1 << 30
)

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
