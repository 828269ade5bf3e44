//go:build js

package scene

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/viz"
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

func (s *Scene) drawSearch(dst *ebiten.Image) {
	sv, l, fs := &s.search, s.slay, s.fontSize()
	drawText(dst, "Co-search: architecture probabilities, curves and the accuracy–FPS trade-off", l.Title.X, l.Title.Y, fs*1.25, viz.Ink, text.AlignStart)
	status := "Waiting for the search: press Play on the page.   [v] accelerator view"
	if n := len(sv.Points); n > 0 {
		p := sv.Points[n-1]
		status = fmt.Sprintf("step %d · %s · accuracy %.1f %%", p.Step, p.Phase, p.Acc*100)
		// τ and λ as their curves end: they change only while the
		// architecture is searched.
		if tau, ok := sv.Latest(4); ok {
			lambda, _ := sv.Latest(5)
			status += fmt.Sprintf(" · τ %.3g · λ %.3g", tau, lambda)
		}
		if p.HasHW {
			status += fmt.Sprintf(" · %s FPS", human(p.FPS))
		}
	}
	drawText(dst, status, l.Status.X, l.Status.Y+fs*0.3, fs, viz.Muted, text.AlignStart)
	s.drawHeatmap(dst)
	s.drawHWDist(dst)
	for i, r := range l.Curves {
		s.drawCurve(dst, i, r)
	}
	s.drawPareto(dst)
}

func (s *Scene) drawHeatmap(dst *ebiten.Image) {
	sv, l, fs := &s.search, s.slay, s.fontSize()
	title := "Op probabilities per block (softmax α)"
	if len(sv.Bits) > 0 {
		title = "Op probabilities (softmax α) · bits" // rows: block, its op's width
	}
	drawText(dst, title, l.Heatmap.X, l.Heatmap.Y, fs, viz.Ink, text.AlignStart)
	if len(s.heat) == 0 {
		drawText(dst, "no probabilities yet", l.Heatmap.X, l.Heatmap.Y+fs*2, fs, viz.Muted, text.AlignStart)
	}
	ops := 0
	if len(sv.Probs) > 0 {
		ops = len(sv.Probs[0])
	}
	lo, hi := sv.ProbRange()
	format := "%.2f"
	if hi-lo < 0.3 {
		format = "%.3f"
	}
	for i, c := range s.heat {
		b, o := i/ops, i%ops
		p := float64(sv.Probs[b][o])
		clr := viz.Sequential((p - lo) / (hi - lo))
		fillRect(dst, c, clr)
		if o == viz.Argmax(sv.Probs[b]) {
			strokeInside(dst, c, math.Max(2, c.W*0.06), viz.PEBusy)
		}
		if c.W > fs*2.2 && c.H > fs {
			drawText(dst, fmt.Sprintf(format, p), c.X+c.W/2, c.Y+c.H/2-fs*0.45, fs*0.8, viz.TextOn(clr), text.AlignCenter)
		}
		if b == 0 {
			name := sv.OpNames[o]
			drawText(dst, name, c.X+c.W/2, c.Y-fs*1.2*float64(1+o%2)+fs*0.1, fs*0.75, viz.Ink, text.AlignCenter)
		}
		if o == 0 {
			label := "b" + strconv.Itoa(b+1)
			if b < len(sv.Bits) && sv.Bits[b] > 0 {
				label += " " + strconv.Itoa(sv.Bits[b]) + "b" // the chosen op's width
			}
			drawText(dst, label, c.X-fs*0.4, c.Y+c.H/2-fs*0.45, fs*0.8, viz.Ink, text.AlignEnd)
		}
	}
	// Legend: the colour scale from 0 to 1, and the argmax outline.
	r := l.HeatLegend
	n := 40
	w := r.W * 0.5 / float64(n)
	for i := range n {
		fillRect(dst, viz.Rect{X: r.X + float64(i)*w, Y: r.Y, W: w + 0.5, H: fs * 0.8}, viz.Sequential(float64(i)/float64(n-1)))
	}
	drawText(dst, "probability "+strconv.FormatFloat(lo, 'f', 3, 64), r.X, r.Y+fs, fs*0.8, viz.Muted, text.AlignStart)
	drawText(dst, strconv.FormatFloat(hi, 'f', 3, 64), r.X+r.W*0.5, r.Y+fs, fs*0.8, viz.Muted, text.AlignEnd)
	strokeInside(dst, viz.Rect{X: r.X + r.W*0.55, Y: r.Y, W: fs * 0.8, H: fs * 0.8}, 2, viz.PEBusy)
	drawText(dst, "most likely op", r.X+r.W*0.55+fs, r.Y-fs*0.1, fs*0.8, viz.Ink, text.AlignStart)
}

// drawHWDist draws the accelerator engine's distribution over each design
// decision: a small bar chart per decision, the best design's option in
// orange with a dark marker above it (so it does not rest on colour alone).
func (s *Scene) drawHWDist(dst *ebiten.Image) {
	hw, p, fs := s.search.HW, s.hwp, s.fontSize()
	title := "Accelerator choices"
	if hw != nil {
		title = fmt.Sprintf("Accelerator choices (%s engine)", hw.Engine)
		if p.Prefix != "" {
			title += " of " + strings.TrimSuffix(p.Prefix, ".")
		}
	}
	drawText(dst, title, p.Title.X, p.Title.Y, fs, viz.Ink, text.AlignStart)
	if hw == nil {
		drawText(dst, "no accelerator search yet", p.Title.X, p.Title.Y+fs*2, fs, viz.Muted, text.AlignStart)
		return
	}
	nameSize, labelSize := fs*0.72, fs*0.68
	base := color.RGBA{0xcc, 0xcc, 0xcc, 0xff}
	for _, r := range append(p.Rows, p.Columns...) {
		label := r.Text
		if long := viz.DecisionTitle(label); r.Width > 0 && textWidth(long, nameSize) < r.Width-fs*0.3 {
			label = long // "GB tile P" where the column has room, else "gb.P"
		}
		drawText(dst, label, r.At.X, r.At.Y, nameSize, viz.Ink, text.AlignStart)
	}
	for i, c := range p.Charts {
		if p.Titles {
			drawText(dst, viz.ShortLabel(c.Title, int(c.Frame.W/(nameSize*0.55))), c.Name.X, c.Name.Y, nameSize, viz.Ink, text.AlignStart)
		}
		line(dst, c.Plot.X, c.Plot.Y+c.Plot.H, c.Plot.X+c.Plot.W, c.Plot.Y+c.Plot.H, 1, base)
		slotChars, slotW := 1, 0.0
		if len(c.Bars) > 0 {
			slotW = c.Plot.W / float64(len(c.Bars))
			slotChars = int(slotW / (labelSize * 0.55))
		}
		// Options' labels side by side must not run together ("18421"):
		// where a slot is narrower than the widest label and a gap, only
		// the best design's choice is labelled (the hover text and the
		// page's text name every option).
		crowded := false
		for _, o := range hw.Options[i] {
			crowded = crowded || textWidth(viz.ShortLabel(o, slotChars), labelSize)+labelSize*0.4 > slotW
		}
		for j, b := range c.Bars {
			clr, lbl := viz.PEIdle, viz.Muted
			if j == c.Best {
				clr, lbl = viz.PEBusy, viz.Ink
				bx, top := b.X+b.W/2, b.Y-math.Max(2, fs*0.15)
				triangle(dst, bx, top, math.Min(b.W*0.45, fs*0.4), viz.Ink)
			}
			fillRect(dst, viz.Rect{X: b.X, Y: b.Y, W: b.W, H: math.Max(b.H, 1)}, clr)
			if p.OptionLabels && (!crowded || j == c.Best) {
				drawText(dst, viz.ShortLabel(hw.Options[i][j], slotChars), c.Labels[j].X, c.Labels[j].Y, labelSize, lbl, text.AlignCenter)
			}
		}
	}
	r, sw := p.Legend, fs*0.8
	x := r.X
	fillRect(dst, viz.Rect{X: x, Y: r.Y + fs*0.2, W: sw, H: sw}, viz.PEIdle)
	x += sw + fs*0.3
	drawText(dst, "probability (full height = 1)", x, r.Y, fs*0.8, viz.Ink, text.AlignStart)
	x += fs * 13
	fillRect(dst, viz.Rect{X: x, Y: r.Y + fs*0.2, W: sw, H: sw}, viz.PEBusy)
	triangle(dst, x+sw/2, r.Y+fs*0.1, sw*0.45, viz.Ink)
	drawText(dst, "the current best design's choice", x+sw+fs*0.3, r.Y, fs*0.8, viz.Ink, text.AlignStart)
	// The chunks' names, said once in words where they are Auto-NBA's.
	names := make([]string, len(p.Rows))
	for i, row := range p.Rows {
		names[i] = row.Text
	}
	if legend := viz.ChunkNaming(names); legend != "" && textWidth(legend, fs*0.75) <= r.W {
		drawText(dst, legend, r.X, r.Y+fs*1.1, fs*0.75, viz.Muted, text.AlignStart)
	}
}

func (s *Scene) drawCurve(dst *ebiten.Image, i int, r viz.Rect) {
	sv, fs := &s.search, s.fontSize()
	var vals []float64
	var steps []float64
	for _, p := range sv.Points {
		if v, ok := p.Curve(i); ok {
			vals = append(vals, v)
			steps = append(steps, float64(p.Step))
		}
	}
	label := viz.CurveNames[i]
	if n := len(vals); n > 0 {
		label += " " + human(vals[n-1])
	}
	drawText(dst, label, r.X, r.Y, fs*0.85, viz.Ink, text.AlignStart)
	plot := viz.Rect{X: r.X, Y: r.Y + fs*1.3, W: r.W, H: r.H - fs*1.3}
	strokeRect(dst, plot, 1, color.RGBA{0xdd, 0xdd, 0xdd, 0xff})
	if len(vals) < 1 {
		return
	}
	lo, hi, _ := viz.CurveRange(i, vals)
	x0, x1, _ := viz.Range(steps)
	ax := viz.Axis{Min: x0, Max: x1, Lo: plot.X, Hi: plot.X + plot.W}
	ay := viz.Axis{Min: lo, Max: hi, Lo: plot.Y + plot.H, Hi: plot.Y}
	// At most one segment per pixel column.
	stride := max(1, len(vals)/int(math.Max(1, plot.W)))
	px, py := ax.Pos(steps[0]), ay.Pos(vals[0])
	clr := []color.RGBA{viz.PEIdle, viz.Inputs, viz.Weights, viz.PEBusy, viz.Highlight, viz.Outputs, viz.Ink}[i]
	for k := stride; k < len(vals); k += stride {
		x, y := ax.Pos(steps[k]), ay.Pos(vals[k])
		line(dst, px, py, x, y, math.Max(1.5, fs*0.12), clr)
		px, py = x, y
	}
	dot(dst, px, py, fs*0.25, clr)
	drawText(dst, human(hi), plot.X+2, plot.Y+1, fs*0.7, viz.Muted, text.AlignStart)
	drawText(dst, human(lo), plot.X+2, plot.Y+plot.H-fs*0.85, fs*0.7, viz.Muted, text.AlignStart)
}

func (s *Scene) drawPareto(dst *ebiten.Image) {
	sv, r, fs := &s.search, s.slay.Pareto, s.fontSize()
	drawText(dst, "Accuracy ↑ (trail: on the search's held-out images; final: on the test set) vs FPS →", r.X, r.Y, fs*0.9, viz.Ink, text.AlignStart)
	plot := viz.Rect{X: r.X + fs*3, Y: r.Y + fs*1.5, W: r.W - fs*3.5, H: r.H - fs*5.6}
	strokeRect(dst, plot, 1, color.RGBA{0xbb, 0xbb, 0xbb, 0xff})
	drawText(dst, "FPS (log scale) →", plot.X+plot.W/2, plot.Y+plot.H+fs*0.3, fs*0.8, viz.Muted, text.AlignCenter)
	trail := sv.Trail()
	all := append(append([]viz.ParetoPoint(nil), trail...), sv.Baselines...)
	if sv.Final != nil {
		all = append(all, *sv.Final)
	}
	if len(all) == 0 {
		drawText(dst, "no hardware estimates yet", plot.X+fs, plot.Y+fs, fs, viz.Muted, text.AlignStart)
		return
	}
	var accs, fps []float64
	for _, p := range all {
		accs = append(accs, p.Acc)
		if p.FPS > 0 {
			fps = append(fps, math.Log10(p.FPS))
		}
	}
	alo, ahi, _ := viz.RangeIn(accs, 0, 1)
	flo, fhi, _ := viz.Range(fps)
	ax := viz.Axis{Min: math.Pow(10, flo), Max: math.Pow(10, fhi), Lo: plot.X, Hi: plot.X + plot.W, Log: true}
	ay := viz.Axis{Min: alo, Max: ahi, Lo: plot.Y + plot.H, Hi: plot.Y}
	drawText(dst, fmt.Sprintf("%.1f %%", ahi*100), plot.X-fs*0.3, plot.Y, fs*0.75, viz.Muted, text.AlignEnd)
	drawText(dst, fmt.Sprintf("%.1f %%", alo*100), plot.X-fs*0.3, plot.Y+plot.H-fs, fs*0.75, viz.Muted, text.AlignEnd)
	drawText(dst, human(ax.Min), plot.X, plot.Y+plot.H+fs*0.3, fs*0.75, viz.Muted, text.AlignStart)
	drawText(dst, human(ax.Max), plot.X+plot.W, plot.Y+plot.H+fs*0.3, fs*0.75, viz.Muted, text.AlignEnd)
	stride := max(1, len(trail)/400)
	for k := stride; k < len(trail); k += stride {
		p, q := trail[k-stride], trail[k]
		line(dst, ax.Pos(p.FPS), ay.Pos(p.Acc), ax.Pos(q.FPS), ay.Pos(q.Acc), 1, color.RGBA{0xbb, 0xbb, 0xbb, 0xff})
	}
	for k := 0; k < len(trail); k += stride {
		dot(dst, ax.Pos(trail[k].FPS), ay.Pos(trail[k].Acc), fs*0.18, viz.Muted)
	}
	for _, i := range viz.Front(trail) {
		dot(dst, ax.Pos(trail[i].FPS), ay.Pos(trail[i].Acc), fs*0.3, viz.PEIdle)
	}
	if n := len(trail); n > 0 {
		p := trail[n-1]
		dot(dst, ax.Pos(p.FPS), ay.Pos(p.Acc), fs*0.45, viz.PEBusy)
	}
	for _, b := range sv.Baselines {
		x, y := ax.Pos(b.FPS), ay.Pos(b.Acc)
		fillRect(dst, viz.Rect{X: x - fs*0.35, Y: y - fs*0.35, W: fs * 0.7, H: fs * 0.7}, viz.Outputs)
		drawText(dst, b.Name, x+fs*0.5, y-fs*0.5, fs*0.75, viz.Ink, text.AlignStart)
	}
	if f := sv.Final; f != nil {
		x, y := ax.Pos(f.FPS), ay.Pos(f.Acc)
		var path vector.Path
		d := float32(fs * 0.6)
		path.MoveTo(float32(x), float32(y)-d)
		path.LineTo(float32(x)+d, float32(y))
		path.LineTo(float32(x), float32(y)+d)
		path.LineTo(float32(x)-d, float32(y))
		path.Close()
		fillPath(dst, &path, viz.Highlight)
		drawText(dst, "final", x+fs*0.7, y-fs*0.5, fs*0.8, viz.Ink, text.AlignStart)
	}
	// Legend.
	ly := r.Y + r.H - fs*1.2
	lx := plot.X
	// Only what the plot shows: no baselines entry without baselines, no
	// final before the result.
	for _, it := range []struct {
		clr   color.RGBA
		label string
		shown bool
	}{{viz.Muted, "trail", true}, {viz.PEIdle, "Pareto front", true}, {viz.PEBusy, "current", true},
		{viz.Outputs, "baselines", len(sv.Baselines) > 0}, {viz.Highlight, "final", sv.Final != nil}} {
		if !it.shown {
			continue
		}
		dot(dst, lx+fs*0.3, ly+fs*0.5, fs*0.3, it.clr)
		drawText(dst, it.label, lx+fs*0.8, ly, fs*0.8, viz.Ink, text.AlignStart)
		lx += fs*1.4 + float64(len(it.label))*fs*0.5
	}
}
