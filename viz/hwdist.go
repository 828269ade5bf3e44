package viz

import (
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/dian-explorer/dian/core/report"
)

// PushHW records the engine's latest distribution. The baselines search
// other networks with engines of their own: once the search has shown
// its distribution, theirs do not replace it.
func (v *SearchView) PushHW(phase string, d *report.HWDist) {
	if d == nil || (phase == "baselines" && v.HW != nil) {
		return
	}
	v.HW = d
}

// HWPanel is the layout of the accelerator distributions: one small bar
// chart per decision in a grid, a title above and a legend below. When
// the decisions belong to several chunks (names "chunk.knob…", as the
// FPGA space's a0q8.gb.P), each chunk gets a row of charts headed by its
// name; otherwise the charts fill the grid in order.
type HWPanel struct {
	Title  Point
	Legend Rect
	// Prefix is the start every decision name shares (the one chunk's
	// name and a dot, as in "array."), left out of the charts' titles and
	// said once in the panel's title; "" when names differ.
	Prefix string
	// Rows label the chunks' rows (none when there is one chunk), and
	// Columns the knobs' columns when every chunk's decisions are among
	// one chunk's (the charts then carry no titles of their own).
	Rows    []HWRowLabel
	Columns []HWRowLabel
	Charts  []HWChart
	// Titles and OptionLabels say whether the charts have room for their
	// titles and their options' labels (a very short view draws bars only;
	// the hover text and the DOM still name them).
	Titles, OptionLabels bool
}

// HWRowLabel names the chunk of a row of charts, or the knob of a column
// (DecisionTitle says it in words where Width has room).
type HWRowLabel struct {
	Text  string
	At    Point   // where the text starts (top-left)
	Width float64 // the column's width (0 for a row)
}

// HWChart is one decision's bar chart.
type HWChart struct {
	// Title is the decision's name without the chunk its row or the
	// panel names.
	Title string
	Frame Rect
	// Name is where the decision's name starts (top-left).
	Name Point
	// Plot is the bars' area: a bar of probability 1 fills its height,
	// so a decision's bar heights add up to Plot.H.
	Plot Rect
	// Bars are the options' bars, bottom-aligned in Plot.
	Bars []Rect
	// Labels are where the options' labels go (their top centres; nil
	// when the panel has no room for them).
	Labels []Point
	// Best is the best design's option (-1: no best design yet).
	Best int
}

// LayoutHWDist lays out the distributions of d in area for text of size
// font. Each chart gets a cell of a grid whose column count makes the
// cells as large as the area allows (never larger than a readable
// maximum), the decision's name on top and the option labels below.
func LayoutHWDist(area Rect, font float64, d *report.HWDist) HWPanel {
	var p HWPanel
	p.Title = Point{area.X, area.Y}
	legendH := font * 1.6
	if d != nil {
		var chunks []string
		for _, name := range d.Decisions {
			chunk, _, _ := strings.Cut(name, ".")
			chunks = append(chunks, chunk)
		}
		if ChunkNaming(chunks) != "" {
			legendH = font * 2.7 // a second line says what the chunks' names mean
		}
	}
	p.Legend = Rect{area.X, area.Y + area.H - legendH, area.W, legendH}
	if d == nil || len(d.Probs) == 0 {
		return p
	}
	p.Prefix = commonPrefix(d.Decisions)
	body := Rect{area.X, area.Y + font*1.6, area.W, area.H - font*1.6 - legendH - font*0.4}
	n := len(d.Probs)
	// Where each chart goes: (row, column) of the grid.
	at := make([][2]int, n)
	titles := make([]string, n)
	groups := chunkGroups(d.Decisions)
	var cols, rows int
	labelW := 0.0
	var firstLine []int // of each group
	columns := matrixColumns(d.Decisions, groups)
	if columns != nil && (body.W-float64(longestName(groups))*font*0.42)/float64(len(columns)) < font*2.2 {
		columns = nil // too narrow a column for a chart: wrap rows instead
	}
	if p.Prefix == "" && len(groups) > 1 && columns != nil {
		// A row per chunk and a column per knob (the titles once, on top).
		labelW = float64(longestName(groups))*font*0.42 + font*0.6
		headH := font * 1.1
		cw := (body.W - labelW) / float64(len(columns))
		for j, c := range columns {
			p.Columns = append(p.Columns, HWRowLabel{Text: c, At: Point{body.X + labelW + float64(j)*cw, body.Y}, Width: cw})
		}
		body.Y, body.H = body.Y+headH, body.H-headH
		cols, rows = len(columns), len(groups)
		for gi, g := range groups {
			firstLine = append(firstLine, gi)
			for i := g.start; i < g.end; i++ {
				titles[i] = strings.TrimPrefix(d.Decisions[i], g.name+".")
				at[i] = [2]int{gi, slices.Index(columns, titles[i])}
			}
		}
	} else if p.Prefix == "" && len(groups) > 1 {
		// A row per chunk, wrapped into several lines of charts when
		// that makes the charts larger.
		widest := 0
		for _, g := range groups {
			widest = max(widest, g.end-g.start)
		}
		labelW = float64(longestName(groups))*font*0.42 + font*0.6
		best := -1.0
		for c := 1; c <= widest; c++ {
			lines := 0
			for _, g := range groups {
				lines += (g.end - g.start + c - 1) / c
			}
			side := math.Min((body.W-labelW)/float64(c), body.H/float64(lines)*0.9)
			if side > best {
				cols, rows, best = c, lines, side
			}
		}
		line := 0
		for _, g := range groups {
			firstLine = append(firstLine, line)
			for i := g.start; i < g.end; i++ {
				at[i] = [2]int{line + (i-g.start)/cols, (i - g.start) % cols}
				titles[i] = strings.TrimPrefix(d.Decisions[i], g.name+".")
			}
			line += (g.end - g.start + cols - 1) / cols
		}
	} else {
		// The column count that makes the smallest side of a cell largest
		// (cells a little taller than wide read best).
		best := -1.0
		for c := 1; c <= n; c++ {
			r := (n + c - 1) / c
			side := math.Min(body.W/float64(c), body.H/float64(r)*0.9)
			if side > best {
				cols, best = c, side
			}
		}
		rows = (n + cols - 1) / cols
		for i := range n {
			at[i] = [2]int{i / cols, i % cols}
			titles[i] = strings.TrimPrefix(d.Decisions[i], p.Prefix)
		}
	}
	cw := math.Min((body.W-labelW)/float64(cols), font*16)
	ch := math.Min(body.H/float64(rows), font*12)
	if labelW > 0 {
		for gi, g := range groups {
			p.Rows = append(p.Rows, HWRowLabel{Text: g.name, At: Point{body.X, body.Y + float64(firstLine[gi])*ch + ch*0.35}})
		}
	}
	gap := math.Round(font * 0.5)
	nameH, labelH := font*1.1, font*1.1
	p.Titles, p.OptionLabels = len(p.Columns) == 0, true
	if !p.Titles {
		nameH = 0
	}
	if ch-gap < nameH+labelH+font {
		labelH, p.OptionLabels = 0, false
	}
	if ch-gap < nameH+font {
		nameH, p.Titles = 0, false
	}
	for i, row := range d.Probs {
		f := Rect{body.X + labelW + float64(at[i][1])*cw, body.Y + float64(at[i][0])*ch, cw - gap, ch - gap}
		c := HWChart{Title: titles[i], Frame: f, Name: Point{f.X, f.Y}, Best: -1}
		c.Plot = Rect{f.X, f.Y + nameH, f.W, math.Max(0, f.H-nameH-labelH)}
		k := len(row)
		slot := c.Plot.W / float64(max(k, 1))
		bw := math.Max(1, slot*0.78)
		for j, pr := range row {
			h := c.Plot.H * clamp01(float64(pr))
			x := c.Plot.X + float64(j)*slot + (slot-bw)/2
			c.Bars = append(c.Bars, Rect{x, c.Plot.Y + c.Plot.H - h, bw, h})
			if p.OptionLabels {
				c.Labels = append(c.Labels, Point{x + bw/2, c.Plot.Y + c.Plot.H + font*0.15})
			}
		}
		if i < len(d.Best) && d.Best[i] >= 0 && d.Best[i] < k {
			c.Best = d.Best[i]
		}
		p.Charts = append(p.Charts, c)
	}
	return p
}

// BarAt returns the decision and option of the bar column under (x, y):
// the whole height of an option's slot in the plot counts, so a small
// probability can still be pointed at. ok is false elsewhere.
func (p HWPanel) BarAt(x, y float64) (decision, option int, ok bool) {
	for i, c := range p.Charts {
		if !c.Plot.Contains(x, y) {
			continue
		}
		for j, b := range c.Bars {
			if x >= b.X && x < b.X+b.W {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// ShortLabel fits an option label into n characters for a chart: as is
// when it fits, else its last word without dots ("ws K·C" → "KC": what
// the mode unrolls), else cut.
func ShortLabel(label string, n int) string {
	n = max(n, 1)
	if len([]rune(label)) <= n {
		return label
	}
	if i := strings.LastIndexByte(label, ' '); i >= 0 {
		label = label[i+1:]
	}
	label = strings.NewReplacer("·", "", ".", "").Replace(label)
	if r := []rune(label); len(r) > n {
		return string(r[:n])
	}
	return label
}

// matrixColumns returns the knob titles of the group with the most
// decisions when every group's titles are among them in the same order,
// else nil.
func matrixColumns(names []string, groups []chunkGroup) []string {
	if len(groups) < 2 {
		return nil
	}
	title := func(g chunkGroup, i int) string { return strings.TrimPrefix(names[i], g.name+".") }
	widest := groups[0]
	for _, g := range groups {
		if g.end-g.start > widest.end-widest.start {
			widest = g
		}
	}
	var cols []string
	for i := widest.start; i < widest.end; i++ {
		cols = append(cols, title(widest, i))
	}
	for _, g := range groups {
		last := -1
		for i := g.start; i < g.end; i++ {
			j := slices.Index(cols, title(g, i))
			if j <= last {
				return nil
			}
			last = j
		}
	}
	return cols
}

// longestName is the most characters of a group's name.
func longestName(groups []chunkGroup) int {
	n := 0
	for _, g := range groups {
		n = max(n, len([]rune(g.name)))
	}
	return n
}

// chunkGroup is a run of decisions of one chunk: names "chunk.…".
type chunkGroup struct {
	name       string
	start, end int
}

// chunkGroups splits decision names into runs by their first segment.
func chunkGroups(names []string) []chunkGroup {
	var out []chunkGroup
	for i, n := range names {
		chunk := n
		if dot := strings.IndexByte(n, '.'); dot > 0 {
			chunk = n[:dot]
		}
		if len(out) > 0 && out[len(out)-1].name == chunk {
			out[len(out)-1].end = i + 1
			continue
		}
		out = append(out, chunkGroup{name: chunk, start: i, end: i + 1})
	}
	return out
}

// commonPrefix returns the "name." start every decision shares, or "".
func commonPrefix(names []string) string {
	if len(names) < 2 {
		return ""
	}
	dot := strings.IndexByte(names[0], '.')
	if dot <= 0 {
		return ""
	}
	prefix := names[0][:dot+1]
	for _, n := range names[1:] {
		if !strings.HasPrefix(n, prefix) || len(n) == len(prefix) {
			return ""
		}
	}
	return prefix
}

func clamp01(v float64) float64 {
	if !(v > 0) {
		return 0
	}
	return math.Min(v, 1)
}

// DecisionTitle names a decision (as its column shows it) for people:
// "gb.P" is the global buffer's tile of P, "rf.K" the register file's of K.
func DecisionTitle(name string) string {
	for _, r := range [...][2]string{{"gb.", "GB tile "}, {"rf.", "RF tile "}, {"unroll.", "unroll "}, {"order.", "order "}} {
		if rest, ok := strings.CutPrefix(name, r[0]); ok {
			return r[1] + rest
		}
	}
	return name
}

// autoNBAChunk matches Auto-NBA's chunk names: a (standard) or dwa
// (depthwise) layers, 0 (maps of at least the threshold) or 1 (smaller),
// q and the bits.
var autoNBAChunk = regexp.MustCompile(`^(dwa|a)([01])q([0-9]+)$`)

// ChunkNaming explains Auto-NBA's chunk names when any of names is one,
// and is empty otherwise.
func ChunkNaming(names []string) string {
	for _, n := range names {
		if autoNBAChunk.MatchString(n) {
			return "a / dwa: standard / depthwise layers · 0 / 1: large / small maps · q8: 8-bit"
		}
	}
	return ""
}
