//go:build js

package scene

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/viz"
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
)

var dataflowNames = map[accel.Dataflow]string{
	accel.WeightStationary: "weight stationary", accel.OutputStationary: "output stationary",
	accel.InputStationary: "input stationary", accel.RowStationary: "row stationary",
}

// drawAccel draws the accelerator view. A full frame copies the whole
// cached base to the screen; any other frame (a playing layer) restores
// only the regions that change (AccelRegions) and draws into them,
// clipped, so the rest of the screen keeps what the base put there.
func (s *Scene) drawAccel(dst *ebiten.Image, full bool) {
	a, l, fs := s.accel, s.lay, s.fontSize()
	if s.accelDirty || s.accelImg == nil {
		s.accelImg = sized(s.accelImg, s.width, s.height)
		img := s.accelImg
		img.Fill(viz.Background)
		c := a.SubAccel()
		title := fmt.Sprintf("%s — %d × %d PE array (%d PEs), %s", a.Work.Platform.Title, c.Rows, c.Cols, c.PEs(), dataflowNames[c.Dataflow])
		if a.Work.FromResult {
			title = fmt.Sprintf("Found design on %s — chunk %s: %d × %d PEs, %s", a.Work.Platform.Title, c.Name, c.Rows, c.Cols, dataflowNames[c.Dataflow])
		}
		drawText(img, title, l.Title.X, l.Title.Y, fs*1.25, viz.Ink, text.AlignStart)
		s.drawMemory(img, viz.FlowSet{}, true)
		s.drawArray(img, viz.FlowSet{}, true)
		s.drawLegend(img)
		if a.Work.FromResult {
			s.drawGantt(img)
		}
		s.accelDirty = false
	}
	reg := s.regions
	restore := func(r image.Rectangle) *ebiten.Image {
		part := dst.SubImage(r).(*ebiten.Image)
		if !full {
			s.rects.restore(part, s.accelImg, r)
		}
		return part
	}
	if full {
		// The base is opaque: copying skips blending with what is under it.
		dst.DrawImage(s.accelImg, &ebiten.DrawImageOptions{Blend: ebiten.BlendCopy})
	}

	layer := a.Work.Layers[a.Layer].Layer.Name
	status := fmt.Sprintf("Layer %d/%d %s", a.Layer+1, len(a.Work.Layers), layer)
	if a.Prep != nil {
		an := a.Prep.Anim
		state := "paused"
		if a.Playing {
			state = "playing"
		} else if an.Done() {
			state = "done"
		}
		// Every figure names its model: the walk is the loop-nest model's,
		// the search's figure another model's (the per-layer table's).
		status += fmt.Sprintf(" · loop nest: cycle %d / %d", an.Walked(), an.Steps())
		if nc := a.Prep.Run.Cycles; nc > an.Steps() {
			status += fmt.Sprintf(" (%d with the buffers' bandwidth)", nc)
		}
		if sys := a.Prep.Systolic; sys != nil {
			st := sys.Position(a.SystolicWalked())
			status += fmt.Sprintf(" · SCALE-Sim schedule: cycle %d / %d, fold %d/%d (%d × %d PEs)", a.SystolicWalked(), sys.Cycles(), st.Fold+1, st.Folds, st.UsedRows, st.UsedCols)
		}
		if c := a.Work.Layers[a.Layer].Cost; c != nil && a.Prep.Systolic == nil { // a systolic schedule is the search's model
			status += fmt.Sprintf(" · %s: %s cycles", accel.CostModelTitle(a.Work.Platform.Target), viz.Whole(c.Cycles))
		}
		status += fmt.Sprintf(" · %s at %s cycles/s", state, human(a.Speed))
	} else {
		status += " · " + a.Err
	}
	if full || status != s.shownStatus {
		drawText(restore(reg.Status), status, l.Status.X, l.Status.Y+fs*0.3, fs, viz.Muted, text.AlignStart)
		s.shownStatus = status
	}
	var flows viz.FlowSet
	if a.Prep != nil {
		flows = a.Prep.Anim.Flows()
	}
	for _, r := range reg.Flows {
		s.drawMemory(restore(r), flows, false)
	}
	// The array: put back from the base what the last frame drew over
	// it, then draw this frame's overlay, recording where.
	arr := dst.SubImage(reg.Array).(*ebiten.Image)
	if !full {
		s.rects.restore(arr, s.accelImg, s.lastFoot...)
	}
	s.rects.foot = s.rects.foot[:0]
	s.drawArray(arr, flows, false)
	s.lastFoot, s.rects.foot = s.rects.foot, s.lastFoot
	// The loop nest and the counters change only when the walk moves.
	// Each panel fills its own rectangle, so it needs no restoring.
	key := panelKey{layer: a.Layer, walked: -1}
	if a.Prep != nil {
		key.walked = a.Prep.Anim.Walked()
	}
	if full || key != s.panelKey {
		panel := dst.SubImage(reg.Panel).(*ebiten.Image)
		whole := full || key.layer != s.panelKey.layer
		s.drawNest(panel, whole)
		s.drawCounters(panel, whole)
		s.panelKey, s.panelDirty = key, false
	}
}

// accelFrame is what one frame of the accelerator view shows that can
// change without the scene being marked dirty.
type accelFrame struct {
	layer              int
	walked, systolic   int64
	playing, reduced   bool
	pulse              int // the pulses' phase, -1 without pulses
	hover              string
	pointerX, pointerY int
}

func (s *Scene) accelFrameKey() accelFrame {
	a := s.accel
	k := accelFrame{layer: a.Layer, walked: -1, systolic: a.SystolicWalked(), playing: a.Playing,
		reduced: a.ReducedMotion, pulse: -1, hover: s.hover}
	if a.Prep != nil {
		k.walked = a.Prep.Anim.Walked()
	}
	if s.pulsesDrawn && !a.ReducedMotion {
		k.pulse = s.ticks % 30
	}
	if s.hover != "" {
		k.pointerX, k.pointerY = s.pointerX, s.pointerY
	}
	return k
}

// panelKey says what the cached loop-nest and counter panels show.
type panelKey struct {
	layer  int
	walked int64
}

// sized returns img if it is w × h, else a new image of that size.
func sized(img *ebiten.Image, w, h int) *ebiten.Image {
	if img != nil && img.Bounds().Dx() == w && img.Bounds().Dy() == h {
		return img
	}
	if img != nil {
		img.Deallocate()
	}
	return ebiten.NewImage(max(w, 1), max(h, 1))
}

func (s *Scene) drawMemory(dst *ebiten.Image, flows viz.FlowSet, static bool) {
	a, fs := s.accel, s.fontSize()
	if !static {
		s.drawMemoryFlows(dst, flows)
		return
	}
	names := []string{"DRAM", "Global buffer", "Register files"}
	for i, r := range s.lay.Memory {
		fillRect(dst, r, color.RGBA{0xff, 0xff, 0xff, 0xff})
		strokeRect(dst, r, 1, viz.Ink)
		name := names[i]
		var lvl *loopnest.ArchLevel
		if a.Prep != nil {
			lvl = &a.Prep.Arch.Levels[i]
			if i == 2 {
				name = fmt.Sprintf("Register file × %d", lvl.Instances)
			}
		}
		drawText(dst, name, r.X+fs*0.5, r.Y+fs*0.3, fs, viz.Ink, text.AlignStart)
		if lvl == nil {
			continue
		}
		capW := lvl.CapacityWords()
		capText := "capacity: unbounded"
		if capW > 0 {
			capText = "capacity: " + bytesText(capW*int64(lvl.DataWidth)/8)
		}
		drawText(dst, capText, r.X+fs*0.5, r.Y+fs*1.6, fs*0.9, viz.Muted, text.AlignStart)
		// Occupancy: one bar per data space kept, tile / capacity.
		st := a.Prep.Anim.Model.Levels[i]
		y := r.Y + fs*3
		bw := r.W - fs
		for d := 0; d < 3; d++ {
			ds := st.DS[d]
			if !ds.Kept || y+fs > r.Y+r.H {
				continue
			}
			frac := 1.0
			if capW > 0 {
				frac = math.Min(1, float64(ds.TileSize)/float64(capW))
			}
			fillRect(dst, viz.Rect{X: r.X + fs*0.5, Y: y, W: bw, H: fs * 0.9}, color.RGBA{0xe8, 0xe8, 0xe8, 0xff})
			fillRect(dst, viz.Rect{X: r.X + fs*0.5, Y: y, W: math.Max(2, bw*frac), H: fs * 0.9}, viz.DataSpaceColor(d))
			drawText(dst, fmt.Sprintf("%s %s", a.Prep.Anim.Problem.DataSpaces[d].Name[:1], human(float64(ds.TileSize))), r.X+fs*0.7, y-fs*0.1, fs*0.8, viz.Ink, text.AlignStart)
			y += fs * 1.2
		}
	}
	s.drawMemoryFlows(dst, viz.FlowSet{})
}

// drawMemoryFlows draws the arrows between the memory levels, lit in the
// colour of each data space that moved between them this frame.
func (s *Scene) drawMemoryFlows(dst *ebiten.Image, flows viz.FlowSet) {
	for i := 0; i < 2; i++ {
		r, n := s.lay.Memory[i], s.lay.Memory[i+1]
		for d := 0; d < 3; d++ {
			x := r.X + r.W*(0.3+0.2*float64(d))
			if flows.Moved(i, i+1, d) || (i == 0 && flows.Moved(0, 2, d)) {
				line(dst, x, r.Y+r.H, x, n.Y, 4, viz.DataSpaceColor(d))
			} else {
				line(dst, x, r.Y+r.H, x, n.Y, 1.5, color.RGBA{0xcc, 0xcc, 0xcc, 0xff})
			}
		}
	}
}

// drawArray draws the PE array. The static pass (cached between changes
// of design, layer or size) draws the cells, the busy PEs' rings, the wires
// at rest and the labels; the dynamic pass, every frame, lights the wires
// that carried data this frame and, on a systolic array, the wavefront.
func (s *Scene) drawArray(dst *ebiten.Image, flows viz.FlowSet, static bool) {
	a, g, fs := s.accel, s.lay.Grid, s.fontSize()
	if len(g.Cells) == 0 {
		return
	}
	// On a systolic array the busy block is the current fold's: the base
	// is drawn again when a fold of another shape starts (drawAccel).
	br, bc := a.Busy()
	systolic := a.Prep != nil && a.Prep.Systolic != nil && len(g.Cells) == a.Prep.Systolic.Plan.Array.Rows*a.Prep.Systolic.Plan.Array.Cols
	ring := math.Max(2, math.Round(g.Cells[0].W*0.16))
	cell := func(i int, ringClr color.RGBA) {
		c := g.Cells[i]
		fillRect(dst, c, viz.PEIdle)
		if r, col := i/g.Cols, i%g.Cols; r < br && col < bc {
			strokeInside(dst, c, ring, ringClr)
		}
	}
	if static {
		// Wires that cross the cells first: the cells cover them except
		// in the gaps.
		for _, w := range s.wires {
			if w.Under() {
				line(dst, w.X0, w.Y0, w.X1, w.Y1, math.Max(1.5, g.Pitch*0.1), fade(viz.DataSpaceColor(w.DataSpace)))
			}
		}
		for i := range g.Cells {
			cell(i, viz.PEBusy)
		}
		for _, w := range s.wires {
			if !w.Under() {
				line(dst, w.X0, w.Y0, w.X1, w.Y1, math.Max(1, g.Pitch*0.06), fade(viz.DataSpaceColor(w.DataSpace)))
			}
		}
		every := g.LabelEvery(fs)
		for r := 0; r < len(g.RowLabels); r += every {
			p := g.RowLabels[r]
			drawText(dst, strconv.Itoa(r), p.X, p.Y-fs/2, fs*0.85, viz.Muted, text.AlignCenter)
		}
		for c := 0; c < len(g.ColLabels); c += every {
			p := g.ColLabels[c]
			drawText(dst, strconv.Itoa(c), p.X, p.Y-fs/2, fs*0.85, viz.Muted, text.AlignCenter)
		}
		if a.Prep != nil {
			drawText(dst, fmt.Sprintf("busy: %d × %d = %d of %d PEs", br, bc, br*bc, g.Rows*g.Cols),
				g.Frame.X, g.Frame.Y-fs*2.6, fs, viz.Ink, text.AlignStart)
		}
		return
	}
	if a.Prep == nil {
		return
	}
	moving := func(d int) bool { return viz.OnNoC(flows, d) }
	// Everything but the pulses goes out in one batch, in drawing order.
	// A wire under the cells shows only between them: light those pieces.
	for k, w := range s.wires {
		if w.Under() && moving(w.DataSpace) {
			for _, p := range s.gaps[k] {
				s.rects.addLine(p, math.Max(1.5, g.Pitch*0.1), viz.DataSpaceColor(w.DataSpace))
			}
		}
	}
	// On a systolic array, the SCALE-Sim schedule: which PEs multiply
	// this cycle (the skewed wavefront) and where each operand is. With
	// reduced motion it shows while paused (stepping), not while playing.
	if sys := a.Prep.Systolic; systolic && a.SystolicWalked() > 0 && (!a.ReducedMotion || !a.Playing) {
		_, k, t := sys.Locate(a.SystolicWalked() - 1)
		// A PE's shapes lie in its cell: the footprint is the cell, one
		// rectangle to restore instead of up to five.
		for i, c := range g.Cells {
			n := len(s.rects.foot)
			systolicPE(&s.rects, c, sys.PE(k, t, i/g.Cols, i%g.Cols), ring)
			if len(s.rects.foot) > n {
				s.rects.foot = append(s.rects.foot[:n], c.Bounds())
			}
		}
	}
	// Partial sums: a bar along the bottom of each busy PE fills as the
	// reduction loops run and empties when the finished sums leave.
	if done, total := a.Prep.Anim.Accumulation(); total > 1 && done > 0 && g.Cells[0].W >= 12 {
		f := float64(done) / float64(total)
		for i, c := range g.Cells {
			if r, col := i/g.Cols, i%g.Cols; r < br && col < bc {
				in := c.Inset(ring)
				s.rects.add(viz.Rect{X: in.X, Y: in.Y + in.H - ring*0.8, W: in.W * f, H: ring * 0.8}, viz.Outputs)
			}
		}
	}
	for _, w := range s.wires {
		if !w.Under() && moving(w.DataSpace) {
			s.rects.addLine(w, math.Max(2, g.Pitch*0.1), viz.DataSpaceColor(w.DataSpace))
		}
	}
	if !a.ReducedMotion {
		for _, w := range s.wires {
			if w.Kind == viz.Multicast && moving(w.DataSpace) {
				// A pulse travels along the bus once per half second.
				u := float64(s.ticks%30) / 30
				s.pulsesDrawn = true
				s.rects.addDisc(w.X0+(w.X1-w.X0)*u, w.Y0+(w.Y1-w.Y0)*u, math.Max(2, g.Pitch*0.12), viz.DataSpaceColor(w.DataSpace))
			}
		}
	}
	s.rects.draw(dst)
}

// systolicPE adds one PE's cycle of the systolic schedule inside cell
// c: a MAC fills the cell in the highlight colour; the operand held in
// place is a bar along the top, one that arrived from the left a square at
// the left edge, one from above (or shifting down into place) a square at
// the top, a sum leaving the array a square at the bottom edge.
func systolicPE(dst *rectBatch, c viz.Rect, pe viz.SystolicPE, ring float64) {
	if pe.MAC {
		dst.add(c.Inset(ring), viz.Highlight)
	}
	if c.W < 10 {
		return
	}
	m := math.Max(3, math.Round(c.W*0.3))
	for d, e := range pe.Operands {
		if !e.Present {
			continue
		}
		clr := viz.DataSpaceColor(d)
		switch {
		case e.How == viz.Held:
			dst.add(viz.Rect{X: c.X + ring, Y: c.Y + ring, W: c.W - 2*ring, H: math.Max(2, c.H*0.18)}, clr)
		case d == loopnest.DSOutputs && pe.Leaving:
			dst.add(viz.Rect{X: c.X + c.W/2 - m/2, Y: c.Y + c.H - m, W: m, H: m}, clr)
		case e.How == viz.FromLeft:
			dst.add(viz.Rect{X: c.X, Y: c.Y + c.H/2 - m/2, W: m, H: m}, clr)
		default: // from above, or loading down
			dst.add(viz.Rect{X: c.X + c.W/2 - m/2, Y: c.Y + ring + c.H*0.18, W: m, H: m}, clr)
		}
	}
}

func (s *Scene) drawLegend(dst *ebiten.Image) {
	r, fs := s.lay.Legend, s.fontSize()
	x, y := r.X, r.Y+fs*0.4
	sw := fs * 0.9
	item := func(clr color.RGBA, label string, ringed bool) {
		fillRect(dst, viz.Rect{X: x, Y: y, W: sw, H: sw}, clr)
		if ringed {
			strokeInside(dst, viz.Rect{X: x, Y: y, W: sw, H: sw}, 2, viz.PEBusy)
		}
		drawText(dst, label, x+sw+fs*0.3, y-fs*0.15, fs*0.85, viz.Ink, text.AlignStart)
		x += sw + fs*0.6 + float64(len([]rune(label)))*fs*0.5
	}
	item(viz.PEIdle, "PE", false)
	item(viz.PEIdle, "busy PE", true)
	item(viz.Weights, "weights", false)
	item(viz.Inputs, "inputs", false)
	item(viz.Outputs, "partial sums (bar in a PE: reduction done)", false)
	kinds := map[viz.WireKind]bool{}
	for _, w := range s.wires {
		kinds[w.Kind] = true
	}
	var ks []string
	for _, k := range []viz.WireKind{viz.Multicast, viz.Systolic, viz.Diagonal} {
		if kinds[k] {
			ks = append(ks, k.String())
		}
	}
	stat := viz.Stationary(s.accel.SubAccel().Dataflow)
	note := fmt.Sprintf("NoC: %s · %s stay in the PEs · lit wire: moved at the last step", strings.Join(ks, ", "), strings.ToLower([]string{"Weights", "Inputs", "Outputs"}[stat]))
	if p := s.accel.Prep; p != nil && p.Systolic != nil {
		st := p.Systolic.State(0)
		note = fmt.Sprintf("Systolic (SCALE-Sim): purple = MAC now · top bar: %s held · left square: %s from the left · top square: %s from above",
			st.Stationary, st.Right, st.Down)
	}
	drawText(dst, note, r.X, y+fs*1.2, fs*0.85, viz.Muted, text.AlignStart)
}

// panelRows remembers what each row of a panel shows, so that a frame
// redraws only the rows that changed: while a layer plays, one or two
// loop lines and a few counters change a cycle.
type panelRows struct{ shown []string }

// reset forgets every row: the panel is being drawn whole.
func (p *panelRows) reset() { p.shown = p.shown[:0] }

// stale reports whether row i must be drawn to show key, and records
// that it will be.
func (p *panelRows) stale(i int, key string) bool {
	for len(p.shown) <= i {
		p.shown = append(p.shown, "\x00") // matches no key
	}
	if p.shown[i] == key {
		return false
	}
	p.shown[i] = key
	return true
}

// panelRow returns dst clipped to the panel row from y to y+h (r's inside,
// whole pixels: neighbouring rows share no pixel), after filling it with
// the panel's background.
func panelRow(dst *ebiten.Image, r viz.Rect, y, h float64) *ebiten.Image {
	b := image.Rect(int(math.Ceil(r.X+0.5)), int(math.Round(y)), int(math.Floor(r.X+r.W-0.5)), int(math.Round(y+h)))
	row := dst.SubImage(b).(*ebiten.Image)
	row.Fill(color.RGBA{0xff, 0xff, 0xff, 0xff})
	return row
}

// drawNest draws the loop-nest panel; unless full, only its rows that
// changed since it was last drawn.
func (s *Scene) drawNest(dst *ebiten.Image, full bool) {
	a, r, fs := s.accel, s.lay.Nest, s.fontSize()
	if full {
		fillRect(dst, r, color.RGBA{0xff, 0xff, 0xff, 0xff})
		strokeRect(dst, r, 1, color.RGBA{0xdd, 0xdd, 0xdd, 0xff})
		head := "Loop nest"
		if a.Prep != nil {
			head += " (mapping from the " + a.Prep.Source + ")"
		}
		drawText(dst, head, r.X+fs*0.5, r.Y+fs*0.3, fs, viz.Ink, text.AlignStart)
		s.nestRows.reset()
	}
	s.nestHL = viz.Rect{} // set below if a loop is current
	if a.Prep == nil {
		return
	}
	an := a.Prep.Anim
	lines := viz.NestLines(an.Problem, an.Mapping, an.Index(), an.Carry())
	lh := math.Min(fs*1.35, (r.H-fs*2)/float64(len(lines)))
	size := math.Min(fs*0.95, lh*0.8)
	y := r.Y + fs*1.8
	for i, ln := range lines {
		if ln.Current {
			s.nestHL = viz.Rect{X: r.X + 2, Y: y, W: r.W - 4, H: lh}
		}
		if !s.nestRows.stale(i, fmt.Sprint(ln.Text, ln.Current, ln.Index)) {
			y += lh
			continue
		}
		row := panelRow(dst, r, y, lh)
		x := r.X + fs*0.5 + float64(ln.Indent)*size*1.1
		clr := viz.Ink
		switch {
		case ln.Loop < 0:
			clr = viz.Muted
		case ln.Spatial:
			clr = viz.PEIdle
		}
		if ln.Current {
			fillRect(row, s.nestHL, viz.Highlight)
		}
		if ln.Loop >= 0 && !ln.Spatial && ln.Factor > 1 {
			// How far this loop has run.
			bw := fs * 3
			bx := r.X + r.W - bw - fs*0.5
			fillRect(row, viz.Rect{X: bx, Y: y + lh*0.3, W: bw, H: lh * 0.4}, color.RGBA{0xe8, 0xe8, 0xe8, 0xff})
			fillRect(row, viz.Rect{X: bx, Y: y + lh*0.3, W: bw * float64(ln.Index+1) / float64(ln.Factor), H: lh * 0.4}, viz.Muted)
		}
		drawText(row, ln.Text, x, y+(lh-size)/2, size, clr, text.AlignStart)
		y += lh
	}
}

// drawCounters draws the counter panel; unless full, only its rows that
// changed since it was last drawn.
func (s *Scene) drawCounters(dst *ebiten.Image, full bool) {
	a, r, fs := s.accel, s.lay.Counters, s.fontSize()
	if full {
		fillRect(dst, r, color.RGBA{0xff, 0xff, 0xff, 0xff})
		strokeRect(dst, r, 1, color.RGBA{0xdd, 0xdd, 0xdd, 0xff})
		drawText(dst, "Accesses per instance: walked / model total", r.X+fs*0.5, r.Y+fs*0.3, fs, viz.Ink, text.AlignStart)
		s.counterRows.reset()
	}
	if a.Prep == nil || a.Counters() == nil {
		return
	}
	an := a.Prep.Anim
	rows := 1
	for _, l := range an.Model.Levels {
		for d := 0; d < 3; d++ {
			if l.DS[d].Kept {
				rows++
			}
		}
	}
	lh := math.Min(fs*1.3, (r.H-fs*3.4)/float64(rows))
	size := math.Min(fs*0.9, lh*0.85)
	cols := []float64{r.X + fs*0.5, r.X + r.W*0.36, r.X + r.W*0.58, r.X + r.W*0.80}
	y := r.Y + fs*1.7
	if full {
		for i, h := range []string{"level · operand", "reads", "fills", "updates"} {
			drawText(dst, h, cols[i], y, size, viz.Muted, text.AlignStart)
		}
		drawText(dst, fmt.Sprintf("MACs %s · energy %s pJ (model, whole layer) · %s cycles", human(float64(an.Model.MACs)), human(a.Prep.Energy.TotalPJ), human(float64(an.Steps()))),
			r.X+fs*0.5, r.Y+r.H-fs*1.4, size, viz.Muted, text.AlignStart)
	}
	y += lh
	row := 0
	var vals [3]string
	for li, l := range an.Model.Levels {
		cur := a.Counters().Levels[li]
		for d := 0; d < 3; d++ {
			m := l.DS[d]
			if !m.Kept {
				continue
			}
			c := cur.DS[d]
			pairs := [3][2]int64{{c.Reads, m.Reads}, {c.Fills, m.Fills}, {c.Updates, m.Updates}}
			key := ""
			for k, pair := range pairs {
				vals[k] = ""
				if pair[1] != 0 || pair[0] != 0 {
					vals[k] = human(float64(pair[0])) + " / " + human(float64(pair[1]))
				}
				// The colour shows a count that reached the model's
				// total, which the rounded text may not.
				key += fmt.Sprint(vals[k], pair[0] == pair[1], "|")
			}
			row++
			if !s.counterRows.stale(row, key) {
				y += lh
				continue
			}
			dst := panelRow(dst, r, y, lh)
			fillRect(dst, viz.Rect{X: cols[0], Y: y + lh*0.2, W: size * 0.6, H: size * 0.6}, viz.DataSpaceColor(d))
			drawText(dst, fmt.Sprintf("%s · %s", shortLevel(l.Name), an.Problem.DataSpaces[d].Name), cols[0]+size, y, size, viz.Ink, text.AlignStart)
			for k, pair := range pairs {
				if vals[k] == "" {
					continue
				}
				clr := viz.Ink
				if pair[0] == pair[1] {
					clr = viz.Weights // reached the model's total
				}
				drawText(dst, vals[k], cols[k+1], y, size, clr, text.AlignStart)
			}
			y += lh
		}
	}
}

func shortLevel(name string) string {
	switch name {
	case loopnest.LevelNameGB:
		return "Buffer"
	case loopnest.LevelNameRF:
		return "RF"
	}
	return name
}

func (s *Scene) drawGantt(dst *ebiten.Image) {
	a, g, r, fs := s.accel, s.gantt, s.lay.Gantt, s.fontSize()
	drawText(dst, "Chunked pipeline: cycles per image on each sub-accelerator (the bottleneck sets the FPS)", r.X, r.Y, fs, viz.Ink, text.AlignStart)
	for c, row := range g.Rows {
		label := fmt.Sprintf("%s %s · %s", a.Work.Chunks[c].Name, a.Work.Chunks[c].Dataflow, human(g.Totals[c]))
		clr := viz.Ink
		if c == g.Bottleneck {
			label += " · bottleneck"
			clr = viz.Outputs
			fillRect(dst, viz.Rect{X: row.X, Y: row.Y, W: row.W, H: row.H}, color.RGBA{0xfb, 0xe9, 0xdc, 0xff})
		}
		drawText(dst, label, r.X, row.Y+row.H/2-fs*0.5, fs*0.85, clr, text.AlignStart)
	}
	for i, b := range g.Bars {
		clr := viz.PEIdle
		if i%2 == 1 {
			clr = viz.Inputs
		}
		fillRect(dst, b.Rect, clr)
		if b.Layer == a.Layer {
			strokeRect(dst, b.Rect, 3, viz.Highlight)
		}
		if b.Rect.W > fs*3 {
			drawText(dst, b.Name, b.Rect.X+2, b.Rect.Y+b.Rect.H/2-fs*0.45, fs*0.8, viz.TextOn(clr), text.AlignStart)
		}
	}
}
