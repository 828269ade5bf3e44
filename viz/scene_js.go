//go:build js

package viz

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// fontSource is parsed once; faces of any size are cheap views onto it.
var fontSource = sync.OnceValue(func() *text.GoTextFaceSource {
	s, err := text.NewGoTextFaceSource(bytes.NewReader(goregular.TTF))
	if err != nil {
		panic("viz: embedded Go font does not parse: " + err.Error()) // a build defect, not input
	}
	return s
})

// The views a Scene can show.
const (
	ViewAccelerator = "accelerator"
	ViewSearch      = "search"
)

// Scene is the Ebiten game that draws both views. Its methods are safe to
// call from JS callbacks while Ebiten runs: state shared with Update and
// Draw is guarded by mu.
type Scene struct {
	mu     sync.Mutex
	view   string
	accel  *AccelView
	search SearchView
	width  int // device pixels
	height int
	scale  float64 // device pixels per CSS pixel
	frames FrameCounter
	ticks  int
	// The parts of each view that change only with the design, the layer,
	// the size or a search event, drawn once and reused every frame.
	accelImg, searchImg                 *ebiten.Image
	accelDirty, searchDirty, panelDirty bool
	panelKey                            panelKey // what the loop-nest and counter panels on screen show
	// Pointer and last tap, device pixels.
	pointerX, pointerY int
	tapX, tapY         int
	tapped             bool
	touches            []ebiten.TouchID
	// drawTime is a running mean of the Go time Draw takes, in seconds.
	drawTime float64

	lay  AccelLayout
	slay SearchLayout
	// What the (uncleared) screen shows of the search view, and when
	// its image was last redrawn.
	shownSearch   bool
	shownHover    string
	searchDrawnAt time.Time
	repaints      FrameCounter // frames whose content changed
	// What the screen shows of the accelerator view.
	shownAccel  bool
	lastAccel   accelFrame
	pulsesDrawn bool // the last frame drew moving pulses
	shownStatus string
	regions     AccelRegions      // what a playing frame repaints
	lastFoot    []image.Rectangle // where the last frame drew over the array
	baseBusy    [2]int            // the busy block the cached base shows
	gaps        [][]Wire          // per wire drawn under the cells, its pieces between them
	wires       []Wire
	gantt       Gantt
	nestHL      Rect // the highlighted loop line, device pixels
	// What the loop-nest and counter rows on screen show.
	nestRows, counterRows panelRows
	heat                  []Rect
	hwp                   HWPanel
	hover                 string
	rects                 rectBatch // the systolic overlay's rectangles, one draw call a frame
}

// NewScene returns a scene showing platform p's accelerator view.
func NewScene(p accel.Platform) *Scene {
	return &Scene{view: ViewAccelerator, accel: NewAccelView(p), scale: 1}
}

// Do runs f on the views with the scene locked, then lays the scene out
// again (the design or the data may have changed shape).
func (s *Scene) Do(f func(a *AccelView, sv *SearchView)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.accel, &s.search)
	s.relayout()
}

// DoSearch runs f on the search view with the scene locked and marks only
// that view for redrawing: progress events (20 a second during a search)
// leave the accelerator view's cached images alone.
func (s *Scene) DoSearch(f func(sv *SearchView)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.search)
	s.layoutSearch()
}

// SetView switches between ViewAccelerator and ViewSearch.
func (s *Scene) SetView(name string) error {
	if name != ViewAccelerator && name != ViewSearch {
		return fmt.Errorf("viz: view %q is not one of %s, %s", name, ViewAccelerator, ViewSearch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.view = name
	return nil
}

// SetReducedMotion turns off moving pulses and the systolic wavefront;
// the animation still steps, so numbers keep changing.
func (s *Scene) SetReducedMotion(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accel.ReducedMotion = on
}

// searchRedrawInterval is the least time between two redraws of the
// search view's image while events stream in.
const searchRedrawInterval = 250 * time.Millisecond

// Pending reports whether a change is not on screen yet (a coalesced
// search-view redraw): tests wait for it before reading pixels.
func (s *Scene) Pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view == ViewSearch && (s.searchDirty || !s.shownSearch || s.shownHover != s.hover)
}

// FPS returns the frames drawn over the last second.
func (s *Scene) FPS() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frames.FPS()
}

// Frames returns the number of frames drawn so far.
func (s *Scene) Frames() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frames.Total()
}

// State returns the scene's numbers.
func (s *Scene) State() SceneState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := SceneState{View: s.view, FPS: s.frames.FPS(), Repaints: s.repaints.FPS(), Frames: s.frames.Total(),
		Accelerator: s.accel.State(), Search: s.search.State(), Hover: s.hover,
		LoopRect: s.css(s.nestHL), DrawMS: s.drawTime * 1000}
	for _, c := range s.heat {
		st.HeatCells = append(st.HeatCells, s.css(c))
	}
	st.HWPanel = s.css(s.slay.HWDist)
	for _, c := range s.hwp.Charts {
		bars := make([][4]float64, len(c.Bars))
		for j, b := range c.Bars {
			bars[j] = s.css(b)
		}
		st.HWBars = append(st.HWBars, bars)
	}
	return st
}

func (s *Scene) css(r Rect) [4]float64 {
	k := 1 / s.scale
	return [4]float64{r.X * k, r.Y * k, r.W * k, r.H * k}
}

// Grid returns the PE array's layout in CSS pixels and the platform.
func (s *Scene) Grid() (PEGrid, accel.Platform) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.lay.Grid
	cells := make([]Rect, len(g.Cells))
	for i, c := range g.Cells {
		r := s.css(c)
		cells[i] = Rect{r[0], r[1], r[2], r[3]}
	}
	g.Cells = cells
	if s.view != ViewAccelerator {
		g.Cells = nil
	}
	return g, s.accel.Work.Platform
}

func (s *Scene) fontSize() float64 {
	// 13 CSS px, a little smaller on a small screen.
	f := 13.0
	if s.width > 0 && float64(s.width)/s.scale < 900 {
		f = 11
	}
	return f * s.scale
}

func (s *Scene) relayout() {
	s.accelDirty, s.panelDirty = true, true // and the search view, by layoutSearch
	w, h, fs := float64(s.width), float64(s.height), s.fontSize()
	c := s.accel.SubAccel()
	chunks := 0
	if s.accel.Work.FromResult {
		chunks = len(s.accel.Work.Chunks)
	}
	s.lay = LayoutAccel(w, h, fs, c.Rows, c.Cols, chunks)
	s.wires = NoC(s.lay.Grid, c.Dataflow, s.accel.Work.Platform.Target == accel.Systolic)
	s.regions = s.lay.Regions(s.width, s.height, fs, s.wires)
	s.gaps = make([][]Wire, len(s.wires))
	for k, w := range s.wires {
		if w.Under() {
			s.gaps[k] = w.Gaps(s.lay.Grid.Cells)
		}
	}
	s.gantt = Gantt{}
	if chunks > 0 {
		s.gantt = LayoutGantt(&s.accel.Work, Rect{s.lay.Gantt.X, s.lay.Gantt.Y + fs*1.6, s.lay.Gantt.W, s.lay.Gantt.H - fs*1.6}, fs*14)
	}
	s.layoutSearch()
}

// layoutSearch lays out the search view again and marks it for redrawing.
func (s *Scene) layoutSearch() {
	s.searchDirty = true
	w, h, fs := float64(s.width), float64(s.height), s.fontSize()
	s.slay = LayoutSearch(w, h, fs)
	s.heat = nil
	if n := len(s.search.Probs); n > 0 {
		s.heat = HeatCells(s.slay.Heatmap, n, len(s.search.Probs[0]), fs*3, fs*4)
	}
	s.hwp = LayoutHWDist(s.slay.HWDist, fs, s.search.HW)
}

// Update implements ebiten.Game: keyboard controls and one tick of the
// animation.
func (s *Scene) Update() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ticks++
	a := s.accel
	just := inpututil.IsKeyJustPressed
	relayout := false
	switch {
	case just(ebiten.KeyV) || just(ebiten.KeyTab):
		if s.view == ViewAccelerator {
			s.view = ViewSearch
		} else {
			s.view = ViewAccelerator
		}
	case just(ebiten.KeySpace) || just(ebiten.KeyP):
		if a.Playing {
			a.Pause()
		} else {
			a.Play()
		}
	case just(ebiten.KeyArrowRight) || just(ebiten.KeyPeriod):
		a.StepCycle()
	case just(ebiten.KeyN):
		a.StepIteration()
	case just(ebiten.KeyArrowUp) || just(ebiten.KeyEqual):
		a.Faster()
	case just(ebiten.KeyArrowDown) || just(ebiten.KeyMinus):
		a.Slower()
	case just(ebiten.KeyBracketRight):
		a.SelectLayer((a.Layer + 1) % len(a.Work.Layers))
		relayout = true
	case just(ebiten.KeyBracketLeft):
		a.SelectLayer((a.Layer + len(a.Work.Layers) - 1) % len(a.Work.Layers))
		relayout = true
	case just(ebiten.KeyE) || just(ebiten.KeyEnd):
		a.Finish()
	case just(ebiten.KeyR) || just(ebiten.KeyHome):
		a.Restart()
	}
	if relayout {
		s.relayout()
	}
	a.Update(1 / float64(ebiten.TPS()))
	s.pointerX, s.pointerY = ebiten.CursorPosition()
	// A tap shows the numbers under the finger until the next tap.
	if ids := inpututil.AppendJustPressedTouchIDs(s.touches[:0]); len(ids) > 0 {
		s.touches = ids
		s.tapX, s.tapY = ebiten.TouchPosition(ids[0])
		s.tapped = true
	}
	s.hover = s.hoverText(s.pointerX, s.pointerY)
	if s.hover == "" && s.tapped {
		s.pointerX, s.pointerY = s.tapX, s.tapY
		s.hover = s.hoverText(s.tapX, s.tapY)
	}
	return nil
}

// hoverText describes what is under the pointer at (x, y) device pixels.
func (s *Scene) hoverText(xi, yi int) string {
	x, y := float64(xi), float64(yi)
	if s.view == ViewSearch {
		for i, c := range s.heat {
			if c.Contains(x, y) {
				ops := len(s.search.Probs[0])
				b, o := i/ops, i%ops
				return fmt.Sprintf("block %d, %s: p = %.3f", b+1, s.search.OpNames[o], s.search.Probs[b][o])
			}
		}
		if d, o, ok := s.hwp.BarAt(x, y); ok {
			hw := s.search.HW
			msg := fmt.Sprintf("%s = %s: p = %.3f", hw.Decisions[d], hw.Options[d][o], hw.Probs[d][o])
			if s.hwp.Charts[d].Best == o {
				msg += " (the best design's choice)"
			}
			return msg
		}
		return ""
	}
	if r, c, ok := s.lay.Grid.CellAt(x, y); ok {
		msg := fmt.Sprintf("PE (%d, %d)", r, c)
		if p := s.accel.Prep; p != nil {
			when := "in this layer"
			if p.Systolic != nil {
				when = "in this fold"
			}
			if br, bc := s.accel.Busy(); r < br && c < bc {
				return msg + ": busy " + when
			}
			return msg + ": idle " + when
		}
		return msg
	}
	if i := s.gantt.BarAt(x, y); i >= 0 {
		b := s.gantt.Bars[i]
		return fmt.Sprintf("%s on chunk %d: %s cycles", b.Name, b.Chunk, human(b.Cycles))
	}
	return ""
}

// Draw implements ebiten.Game.
func (s *Scene) Draw(screen *ebiten.Image) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t0 := time.Now()
	defer func() { s.drawTime = 0.9*s.drawTime + 0.1*time.Since(t0).Seconds() }()
	s.frames.Tick()
	// Each view starts from its cached image, which covers the screen.
	if s.view == ViewSearch {
		// The search view changes only when an event arrives.
		// The screen is not cleared between frames, so a frame with
		// nothing new draws nothing: in software WebGL a full-screen
		// draw costs more than a frame at 30 frames/s. Events (20 a
		// second from the worker) are coalesced into at most one
		// redraw per searchRedrawInterval.
		s.shownAccel = false
		onScreen := s.shownSearch && s.shownHover == s.hover
		if onScreen && (!s.searchDirty || time.Since(s.searchDrawnAt) < searchRedrawInterval) {
			return
		}
		if s.searchDirty || s.searchImg == nil {
			s.searchImg = sized(s.searchImg, s.width, s.height)
			s.searchImg.Fill(Background)
			s.drawSearch(s.searchImg)
			s.searchDirty, s.searchDrawnAt = false, time.Now()
		}
		screen.DrawImage(s.searchImg, &ebiten.DrawImageOptions{Blend: ebiten.BlendCopy}) // opaque
		s.repaints.Tick()
		s.shownSearch, s.shownHover = true, s.hover
	} else {
		s.shownSearch = false
		if br, bc := s.accel.Busy(); [2]int{br, bc} != s.baseBusy {
			// A systolic fold of another shape: the rings are in the base.
			s.accelDirty, s.baseBusy = true, [2]int{br, bc}
		}
		k := s.accelFrameKey()
		if s.shownAccel && k == s.lastAccel && !s.accelDirty && !s.panelDirty {
			return // paused, nothing moving: the screen still shows it
		}
		// A tooltip, shown now or in the last frame, may lie anywhere:
		// such frames repaint the whole view.
		full := !s.shownAccel || s.accelDirty || s.panelDirty || s.hover != "" || s.lastAccel.hover != ""
		s.pulsesDrawn = false
		s.drawAccel(screen, full)
		s.shownAccel, s.lastAccel = true, s.accelFrameKey() // after drawing: pulsesDrawn is known
		s.repaints.Tick()
	}
	if s.hover != "" {
		x, y := s.pointerX, s.pointerY
		fs := s.fontSize()
		w := float64(len([]rune(s.hover)))*fs*0.55 + fs
		bx := math.Min(float64(x)+fs, float64(s.width)-w-2)
		fillRect(screen, Rect{bx, float64(y) + fs, w, fs * 1.6}, Ink)
		drawText(screen, s.hover, bx+fs/2, float64(y)+fs*1.3, fs, color.RGBA{0xff, 0xff, 0xff, 0xff}, text.AlignStart)
	}
}

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
		img.Fill(Background)
		c := a.SubAccel()
		title := fmt.Sprintf("%s — %d × %d PE array (%d PEs), %s", a.Work.Platform.Title, c.Rows, c.Cols, c.PEs(), dataflowNames[c.Dataflow])
		if a.Work.FromResult {
			title = fmt.Sprintf("Found design on %s — chunk %s: %d × %d PEs, %s", a.Work.Platform.Title, c.Name, c.Rows, c.Cols, dataflowNames[c.Dataflow])
		}
		drawText(img, title, l.Title.X, l.Title.Y, fs*1.25, Ink, text.AlignStart)
		s.drawMemory(img, FlowSet{}, true)
		s.drawArray(img, FlowSet{}, true)
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
		status += fmt.Sprintf(" · cycle %d / %d · %s at %s cycles/s", an.Walked(), an.Steps(), state, human(a.Speed))
		if sys := a.Prep.Systolic; sys != nil {
			st := sys.Position(a.SystolicWalked())
			status += fmt.Sprintf(" · systolic fold %d/%d (%d × %d PEs), cycle %d/%d", st.Fold+1, st.Folds, st.UsedRows, st.UsedCols, st.FoldCycle+1, st.CyclesPerFold)
		}
		status += "   [space] play  [→] cycle  [n] iteration  [↑↓] speed  [ ] ] layer  [e] end  [v] search view"
	} else {
		status += " · " + a.Err
	}
	if full || status != s.shownStatus {
		drawText(restore(reg.Status), status, l.Status.X, l.Status.Y+fs*0.3, fs, Muted, text.AlignStart)
		s.shownStatus = status
	}
	var flows FlowSet
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

func (s *Scene) drawMemory(dst *ebiten.Image, flows FlowSet, static bool) {
	a, fs := s.accel, s.fontSize()
	if !static {
		s.drawMemoryFlows(dst, flows)
		return
	}
	names := []string{"DRAM", "Global buffer", "Register files"}
	for i, r := range s.lay.Memory {
		fillRect(dst, r, color.RGBA{0xff, 0xff, 0xff, 0xff})
		strokeRect(dst, r, 1, Ink)
		name := names[i]
		var lvl *loopnest.ArchLevel
		if a.Prep != nil {
			lvl = &a.Prep.Arch.Levels[i]
			if i == 2 {
				name = fmt.Sprintf("Register file × %d", lvl.Instances)
			}
		}
		drawText(dst, name, r.X+fs*0.5, r.Y+fs*0.3, fs, Ink, text.AlignStart)
		if lvl == nil {
			continue
		}
		capW := lvl.CapacityWords()
		capText := "capacity: unbounded"
		if capW > 0 {
			capText = "capacity: " + bytesText(capW*int64(lvl.DataWidth)/8)
		}
		drawText(dst, capText, r.X+fs*0.5, r.Y+fs*1.6, fs*0.9, Muted, text.AlignStart)
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
			fillRect(dst, Rect{r.X + fs*0.5, y, bw, fs * 0.9}, color.RGBA{0xe8, 0xe8, 0xe8, 0xff})
			fillRect(dst, Rect{r.X + fs*0.5, y, math.Max(2, bw*frac), fs * 0.9}, DataSpaceColor(d))
			drawText(dst, fmt.Sprintf("%s %s", a.Prep.Anim.Problem.DataSpaces[d].Name[:1], human(float64(ds.TileSize))), r.X+fs*0.7, y-fs*0.1, fs*0.8, Ink, text.AlignStart)
			y += fs * 1.2
		}
	}
	s.drawMemoryFlows(dst, FlowSet{})
}

// drawMemoryFlows draws the arrows between the memory levels, lit in the
// colour of each data space that moved between them this frame.
func (s *Scene) drawMemoryFlows(dst *ebiten.Image, flows FlowSet) {
	for i := 0; i < 2; i++ {
		r, n := s.lay.Memory[i], s.lay.Memory[i+1]
		for d := 0; d < 3; d++ {
			x := r.X + r.W*(0.3+0.2*float64(d))
			if flows.Moved(i, i+1, d) || (i == 0 && flows.Moved(0, 2, d)) {
				line(dst, x, r.Y+r.H, x, n.Y, 4, DataSpaceColor(d))
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
func (s *Scene) drawArray(dst *ebiten.Image, flows FlowSet, static bool) {
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
		fillRect(dst, c, PEIdle)
		if r, col := i/g.Cols, i%g.Cols; r < br && col < bc {
			strokeInside(dst, c, ring, ringClr)
		}
	}
	if static {
		// Wires that cross the cells first: the cells cover them except
		// in the gaps.
		for _, w := range s.wires {
			if w.Under() {
				line(dst, w.X0, w.Y0, w.X1, w.Y1, math.Max(1.5, g.Pitch*0.1), fade(DataSpaceColor(w.DataSpace)))
			}
		}
		for i := range g.Cells {
			cell(i, PEBusy)
		}
		for _, w := range s.wires {
			if !w.Under() {
				line(dst, w.X0, w.Y0, w.X1, w.Y1, math.Max(1, g.Pitch*0.06), fade(DataSpaceColor(w.DataSpace)))
			}
		}
		every := g.LabelEvery(fs)
		for r := 0; r < len(g.RowLabels); r += every {
			p := g.RowLabels[r]
			drawText(dst, strconv.Itoa(r), p.X, p.Y-fs/2, fs*0.85, Muted, text.AlignCenter)
		}
		for c := 0; c < len(g.ColLabels); c += every {
			p := g.ColLabels[c]
			drawText(dst, strconv.Itoa(c), p.X, p.Y-fs/2, fs*0.85, Muted, text.AlignCenter)
		}
		if a.Prep != nil {
			drawText(dst, fmt.Sprintf("busy: %d × %d = %d of %d PEs", br, bc, br*bc, g.Rows*g.Cols),
				g.Frame.X, g.Frame.Y-fs*2.6, fs, Ink, text.AlignStart)
		}
		return
	}
	if a.Prep == nil {
		return
	}
	moving := func(d int) bool { return OnNoC(flows, d) }
	// Everything but the pulses goes out in one batch, in drawing order.
	// A wire under the cells shows only between them: light those pieces.
	for k, w := range s.wires {
		if w.Under() && moving(w.DataSpace) {
			for _, p := range s.gaps[k] {
				s.rects.addLine(p, math.Max(1.5, g.Pitch*0.1), DataSpaceColor(w.DataSpace))
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
				s.rects.add(Rect{in.X, in.Y + in.H - ring*0.8, in.W * f, ring * 0.8}, Outputs)
			}
		}
	}
	for _, w := range s.wires {
		if !w.Under() && moving(w.DataSpace) {
			s.rects.addLine(w, math.Max(2, g.Pitch*0.1), DataSpaceColor(w.DataSpace))
		}
	}
	if !a.ReducedMotion {
		for _, w := range s.wires {
			if w.Kind == Multicast && moving(w.DataSpace) {
				// A pulse travels along the bus once per half second.
				u := float64(s.ticks%30) / 30
				s.pulsesDrawn = true
				s.rects.addDisc(w.X0+(w.X1-w.X0)*u, w.Y0+(w.Y1-w.Y0)*u, math.Max(2, g.Pitch*0.12), DataSpaceColor(w.DataSpace))
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
func systolicPE(dst *rectBatch, c Rect, pe SystolicPE, ring float64) {
	if pe.MAC {
		dst.add(c.Inset(ring), Highlight)
	}
	if c.W < 10 {
		return
	}
	m := math.Max(3, math.Round(c.W*0.3))
	for d, e := range pe.Operands {
		if !e.Present {
			continue
		}
		clr := DataSpaceColor(d)
		switch {
		case e.How == Held:
			dst.add(Rect{c.X + ring, c.Y + ring, c.W - 2*ring, math.Max(2, c.H*0.18)}, clr)
		case d == loopnest.DSOutputs && pe.Leaving:
			dst.add(Rect{c.X + c.W/2 - m/2, c.Y + c.H - m, m, m}, clr)
		case e.How == FromLeft:
			dst.add(Rect{c.X, c.Y + c.H/2 - m/2, m, m}, clr)
		default: // from above, or loading down
			dst.add(Rect{c.X + c.W/2 - m/2, c.Y + ring + c.H*0.18, m, m}, clr)
		}
	}
}

// rectBatch collects filled rectangles and line segments and draws them
// in one DrawTriangles call: hundreds of separate fills a frame cost more
// in wasm than the drawing itself. It also keeps the footprint of what it
// drew, so the next frame can restore just those pixels. The buffers are
// kept between frames.
type rectBatch struct {
	vs   []ebiten.Vertex
	is   []uint16
	foot []image.Rectangle // what was drawn since the footprint was last taken
}

func (b *rectBatch) add(r Rect, clr color.RGBA) {
	b.quad([4][2]float64{{r.X, r.Y}, {r.X + r.W, r.Y}, {r.X, r.Y + r.H}, {r.X + r.W, r.Y + r.H}}, clr)
}

// addLine adds segment w drawn w wide with square ends, as line draws it.
func (b *rectBatch) addLine(seg Wire, w float64, clr color.RGBA) {
	dx, dy := seg.X1-seg.X0, seg.Y1-seg.Y0
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	nx, ny := -dy/n*w/2, dx/n*w/2
	b.quad([4][2]float64{{seg.X0 + nx, seg.Y0 + ny}, {seg.X1 + nx, seg.Y1 + ny}, {seg.X0 - nx, seg.Y0 - ny}, {seg.X1 - nx, seg.Y1 - ny}}, clr)
}

// addDisc adds a disc of radius r around (x, y), as a 16-gon: a vector
// circle is a path of its own, built and drawn apart from the batch.
func (b *rectBatch) addDisc(x, y, r float64, clr color.RGBA) {
	const n = 16
	if len(b.vs)+n > 1<<16 {
		return
	}
	c := uint16(len(b.vs))
	for k := range n {
		sin, cos := math.Sincos(2 * math.Pi * float64(k) / n)
		b.vs = append(b.vs, solidVertex(x+r*cos, y+r*sin, clr))
	}
	for k := uint16(1); k+1 < n; k++ {
		b.is = append(b.is, c, c+k, c+k+1)
	}
	b.foot = append(b.foot, Rect{x - r, y - r, 2 * r, 2 * r}.Bounds().Inset(-1))
}

// quad adds the quadrilateral p0 p1 p3 p2 (two triangles: p0 p1 p2 and
// p1 p3 p2).
func (b *rectBatch) quad(p [4][2]float64, clr color.RGBA) {
	if len(b.vs)+4 > 1<<16 {
		return // beyond uint16 indices; never reached by an array's overlay
	}
	n := uint16(len(b.vs))
	x0, y0, x1, y1 := p[0][0], p[0][1], p[0][0], p[0][1]
	for _, q := range p {
		b.vs = append(b.vs, solidVertex(q[0], q[1], clr))
		x0, y0, x1, y1 = math.Min(x0, q[0]), math.Min(y0, q[1]), math.Max(x1, q[0]), math.Max(y1, q[1])
	}
	b.is = append(b.is, n, n+1, n+2, n+1, n+3, n+2)
	// A pixel more on each side: the rasteriser's rounding.
	b.foot = append(b.foot, Rect{x0, y0, x1 - x0, y1 - y0}.Bounds().Inset(-1))
}

// solidVertex is a vertex at (x, y) filled with clr: it samples the
// middle of the 3 × 3 white image draw uses.
func solidVertex(x, y float64, clr color.RGBA) ebiten.Vertex {
	return ebiten.Vertex{DstX: float32(x), DstY: float32(y), SrcX: 1.5, SrcY: 1.5,
		ColorR: float32(clr.R) / 255, ColorG: float32(clr.G) / 255, ColorB: float32(clr.B) / 255, ColorA: 1}
}

// draw draws the collected shapes onto dst and empties the batch (not the
// footprint).
func (b *rectBatch) draw(dst *ebiten.Image) {
	if len(b.is) > 0 {
		dst.DrawTriangles(b.vs, b.is, whitePixel(), &ebiten.DrawTrianglesOptions{})
	}
	b.vs, b.is = b.vs[:0], b.is[:0]
}

// restore copies the rectangles rs of src onto the same place of dst in
// one call.
func (b *rectBatch) restore(dst, src *ebiten.Image, rs ...image.Rectangle) {
	for _, r := range rs {
		if len(b.vs)+4 > 1<<16 {
			b.flush(dst, src)
		}
		n := uint16(len(b.vs))
		for _, q := range [4]image.Point{r.Min, {r.Max.X, r.Min.Y}, {r.Min.X, r.Max.Y}, r.Max} {
			x, y := float32(q.X), float32(q.Y)
			b.vs = append(b.vs, ebiten.Vertex{DstX: x, DstY: y, SrcX: x, SrcY: y, ColorR: 1, ColorG: 1, ColorB: 1, ColorA: 1})
		}
		b.is = append(b.is, n, n+1, n+2, n+1, n+3, n+2)
	}
	b.flush(dst, src)
}

func (b *rectBatch) flush(dst, src *ebiten.Image) {
	if len(b.is) > 0 {
		dst.DrawTriangles(b.vs, b.is, src, &ebiten.DrawTrianglesOptions{Blend: ebiten.BlendCopy})
	}
	b.vs, b.is = b.vs[:0], b.is[:0]
}

func (s *Scene) drawLegend(dst *ebiten.Image) {
	r, fs := s.lay.Legend, s.fontSize()
	x, y := r.X, r.Y+fs*0.4
	sw := fs * 0.9
	item := func(clr color.RGBA, label string, ringed bool) {
		fillRect(dst, Rect{x, y, sw, sw}, clr)
		if ringed {
			strokeInside(dst, Rect{x, y, sw, sw}, 2, PEBusy)
		}
		drawText(dst, label, x+sw+fs*0.3, y-fs*0.15, fs*0.85, Ink, text.AlignStart)
		x += sw + fs*0.6 + float64(len([]rune(label)))*fs*0.5
	}
	item(PEIdle, "PE", false)
	item(PEIdle, "busy PE", true)
	item(Weights, "weights", false)
	item(Inputs, "inputs", false)
	item(Outputs, "partial sums (bar in a PE: reduction done)", false)
	kinds := map[WireKind]bool{}
	for _, w := range s.wires {
		kinds[w.Kind] = true
	}
	var ks []string
	for _, k := range []WireKind{Multicast, Systolic, Diagonal} {
		if kinds[k] {
			ks = append(ks, k.String())
		}
	}
	stat := Stationary(s.accel.SubAccel().Dataflow)
	note := fmt.Sprintf("NoC: %s · %s stay in the PEs · lit wire: moved at the last step", strings.Join(ks, ", "), strings.ToLower([]string{"Weights", "Inputs", "Outputs"}[stat]))
	if p := s.accel.Prep; p != nil && p.Systolic != nil {
		st := p.Systolic.State(0)
		note = fmt.Sprintf("Systolic (SCALE-Sim): purple = MAC now · top bar: %s held · left square: %s from the left · top square: %s from above",
			st.Stationary, st.Right, st.Down)
	}
	drawText(dst, note, r.X, y+fs*1.2, fs*0.85, Muted, text.AlignStart)
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
func panelRow(dst *ebiten.Image, r Rect, y, h float64) *ebiten.Image {
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
		drawText(dst, head, r.X+fs*0.5, r.Y+fs*0.3, fs, Ink, text.AlignStart)
		s.nestRows.reset()
	}
	s.nestHL = Rect{} // set below if a loop is current
	if a.Prep == nil {
		return
	}
	an := a.Prep.Anim
	lines := NestLines(an.Problem, an.Mapping, an.Index(), an.Carry())
	lh := math.Min(fs*1.35, (r.H-fs*2)/float64(len(lines)))
	size := math.Min(fs*0.95, lh*0.8)
	y := r.Y + fs*1.8
	for i, ln := range lines {
		if ln.Current {
			s.nestHL = Rect{r.X + 2, y, r.W - 4, lh}
		}
		if !s.nestRows.stale(i, fmt.Sprint(ln.Text, ln.Current, ln.Index)) {
			y += lh
			continue
		}
		row := panelRow(dst, r, y, lh)
		x := r.X + fs*0.5 + float64(ln.Indent)*size*1.1
		clr := Ink
		switch {
		case ln.Loop < 0:
			clr = Muted
		case ln.Spatial:
			clr = PEIdle
		}
		if ln.Current {
			fillRect(row, s.nestHL, Highlight)
		}
		if ln.Loop >= 0 && !ln.Spatial && ln.Factor > 1 {
			// How far this loop has run.
			bw := fs * 3
			bx := r.X + r.W - bw - fs*0.5
			fillRect(row, Rect{bx, y + lh*0.3, bw, lh * 0.4}, color.RGBA{0xe8, 0xe8, 0xe8, 0xff})
			fillRect(row, Rect{bx, y + lh*0.3, bw * float64(ln.Index+1) / float64(ln.Factor), lh * 0.4}, Muted)
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
		drawText(dst, "Accesses per instance: walked / model total", r.X+fs*0.5, r.Y+fs*0.3, fs, Ink, text.AlignStart)
		s.counterRows.reset()
	}
	if a.Prep == nil || a.counters == nil {
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
			drawText(dst, h, cols[i], y, size, Muted, text.AlignStart)
		}
		drawText(dst, fmt.Sprintf("MACs %s · energy %s pJ (model, whole layer) · %s cycles", human(float64(an.Model.MACs)), human(a.Prep.Energy.TotalPJ), human(float64(an.Steps()))),
			r.X+fs*0.5, r.Y+r.H-fs*1.4, size, Muted, text.AlignStart)
	}
	y += lh
	row := 0
	var vals [3]string
	for li, l := range an.Model.Levels {
		cur := a.counters.Levels[li]
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
			fillRect(dst, Rect{cols[0], y + lh*0.2, size * 0.6, size * 0.6}, DataSpaceColor(d))
			drawText(dst, fmt.Sprintf("%s · %s", shortLevel(l.Name), an.Problem.DataSpaces[d].Name), cols[0]+size, y, size, Ink, text.AlignStart)
			for k, pair := range pairs {
				if vals[k] == "" {
					continue
				}
				clr := Ink
				if pair[0] == pair[1] {
					clr = Weights // reached the model's total
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
	drawText(dst, "Chunked pipeline: cycles per image on each sub-accelerator (the bottleneck sets the FPS)", r.X, r.Y, fs, Ink, text.AlignStart)
	for c, row := range g.Rows {
		label := fmt.Sprintf("%s %s · %s", a.Work.Chunks[c].Name, a.Work.Chunks[c].Dataflow, human(g.Totals[c]))
		clr := Ink
		if c == g.Bottleneck {
			label += " · bottleneck"
			clr = Outputs
			fillRect(dst, Rect{row.X, row.Y, row.W, row.H}, color.RGBA{0xfb, 0xe9, 0xdc, 0xff})
		}
		drawText(dst, label, r.X, row.Y+row.H/2-fs*0.5, fs*0.85, clr, text.AlignStart)
	}
	for i, b := range g.Bars {
		clr := PEIdle
		if i%2 == 1 {
			clr = Inputs
		}
		fillRect(dst, b.Rect, clr)
		if b.Layer == a.Layer {
			strokeRect(dst, b.Rect, 3, Highlight)
		}
		if b.Rect.W > fs*3 {
			drawText(dst, b.Name, b.Rect.X+2, b.Rect.Y+b.Rect.H/2-fs*0.45, fs*0.8, TextOn(clr), text.AlignStart)
		}
	}
}

func (s *Scene) drawSearch(dst *ebiten.Image) {
	sv, l, fs := &s.search, s.slay, s.fontSize()
	drawText(dst, "Co-search: architecture probabilities, curves and the accuracy–FPS trade-off", l.Title.X, l.Title.Y, fs*1.25, Ink, text.AlignStart)
	status := "Waiting for the search: press Play on the page.   [v] accelerator view"
	if n := len(sv.Points); n > 0 {
		p := sv.Points[n-1]
		status = fmt.Sprintf("step %d · %s · accuracy %.1f %% · τ %.3g · λ %.3g", p.Step, p.Phase, p.Acc*100, p.Tau, p.Lambda)
		if p.HasHW {
			status += fmt.Sprintf(" · %s FPS", human(p.FPS))
		}
	}
	drawText(dst, status, l.Status.X, l.Status.Y+fs*0.3, fs, Muted, text.AlignStart)
	s.drawHeatmap(dst)
	s.drawHWDist(dst)
	for i, r := range l.Curves {
		s.drawCurve(dst, i, r)
	}
	s.drawPareto(dst)
}

func (s *Scene) drawHeatmap(dst *ebiten.Image) {
	sv, l, fs := &s.search, s.slay, s.fontSize()
	drawText(dst, "Op probabilities per block (softmax α)", l.Heatmap.X, l.Heatmap.Y, fs, Ink, text.AlignStart)
	if len(s.heat) == 0 {
		drawText(dst, "no probabilities yet", l.Heatmap.X, l.Heatmap.Y+fs*2, fs, Muted, text.AlignStart)
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
		clr := Sequential((p - lo) / (hi - lo))
		fillRect(dst, c, clr)
		if o == argmax(sv.Probs[b]) {
			strokeInside(dst, c, math.Max(2, c.W*0.06), PEBusy)
		}
		if c.W > fs*2.2 && c.H > fs {
			drawText(dst, fmt.Sprintf(format, p), c.X+c.W/2, c.Y+c.H/2-fs*0.45, fs*0.8, TextOn(clr), text.AlignCenter)
		}
		if b == 0 {
			name := sv.OpNames[o]
			drawText(dst, name, c.X+c.W/2, c.Y-fs*1.2*float64(1+o%2)+fs*0.1, fs*0.75, Ink, text.AlignCenter)
		}
		if o == 0 {
			drawText(dst, "b"+strconv.Itoa(b+1), c.X-fs*0.4, c.Y+c.H/2-fs*0.45, fs*0.8, Ink, text.AlignEnd)
		}
	}
	// Legend: the colour scale from 0 to 1, and the argmax outline.
	r := l.HeatLegend
	n := 40
	w := r.W * 0.5 / float64(n)
	for i := range n {
		fillRect(dst, Rect{r.X + float64(i)*w, r.Y, w + 0.5, fs * 0.8}, Sequential(float64(i)/float64(n-1)))
	}
	drawText(dst, "probability "+strconv.FormatFloat(lo, 'f', 3, 64), r.X, r.Y+fs, fs*0.8, Muted, text.AlignStart)
	drawText(dst, strconv.FormatFloat(hi, 'f', 3, 64), r.X+r.W*0.5, r.Y+fs, fs*0.8, Muted, text.AlignEnd)
	strokeInside(dst, Rect{r.X + r.W*0.55, r.Y, fs * 0.8, fs * 0.8}, 2, PEBusy)
	drawText(dst, "most likely op", r.X+r.W*0.55+fs, r.Y-fs*0.1, fs*0.8, Ink, text.AlignStart)
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
	drawText(dst, title, p.Title.X, p.Title.Y, fs, Ink, text.AlignStart)
	if hw == nil {
		drawText(dst, "no accelerator search yet", p.Title.X, p.Title.Y+fs*2, fs, Muted, text.AlignStart)
		return
	}
	nameSize, labelSize := fs*0.72, fs*0.68
	base := color.RGBA{0xcc, 0xcc, 0xcc, 0xff}
	for _, r := range append(p.Rows, p.Columns...) {
		drawText(dst, r.Text, r.At.X, r.At.Y, nameSize, Ink, text.AlignStart)
	}
	for i, c := range p.Charts {
		if p.Titles {
			drawText(dst, ShortLabel(c.Title, int(c.Frame.W/(nameSize*0.55))), c.Name.X, c.Name.Y, nameSize, Ink, text.AlignStart)
		}
		line(dst, c.Plot.X, c.Plot.Y+c.Plot.H, c.Plot.X+c.Plot.W, c.Plot.Y+c.Plot.H, 1, base)
		slotChars := 1
		if len(c.Bars) > 0 {
			slotChars = int(c.Plot.W / float64(len(c.Bars)) / (labelSize * 0.55))
		}
		for j, b := range c.Bars {
			clr, lbl := PEIdle, Muted
			if j == c.Best {
				clr, lbl = PEBusy, Ink
				bx, top := b.X+b.W/2, b.Y-math.Max(2, fs*0.15)
				triangle(dst, bx, top, math.Min(b.W*0.45, fs*0.4), Ink)
			}
			fillRect(dst, Rect{b.X, b.Y, b.W, math.Max(b.H, 1)}, clr)
			if p.OptionLabels {
				drawText(dst, ShortLabel(hw.Options[i][j], slotChars), c.Labels[j].X, c.Labels[j].Y, labelSize, lbl, text.AlignCenter)
			}
		}
	}
	r, sw := p.Legend, fs*0.8
	x := r.X
	fillRect(dst, Rect{x, r.Y + fs*0.2, sw, sw}, PEIdle)
	x += sw + fs*0.3
	drawText(dst, "probability (full height = 1)", x, r.Y, fs*0.8, Ink, text.AlignStart)
	x += fs * 13
	fillRect(dst, Rect{x, r.Y + fs*0.2, sw, sw}, PEBusy)
	triangle(dst, x+sw/2, r.Y+fs*0.1, sw*0.45, Ink)
	drawText(dst, "the current best design's choice", x+sw+fs*0.3, r.Y, fs*0.8, Ink, text.AlignStart)
}

// triangle fills a downward triangle of half-width w whose tip is at (x, y).
func triangle(dst *ebiten.Image, x, y, w float64, clr color.RGBA) {
	var path vector.Path
	path.MoveTo(float32(x), float32(y))
	path.LineTo(float32(x-w), float32(y-w*1.2))
	path.LineTo(float32(x+w), float32(y-w*1.2))
	path.Close()
	fillPath(dst, &path, clr)
}

// fillPath fills a closed path in one colour.
func fillPath(dst *ebiten.Image, path *vector.Path, clr color.RGBA) {
	vs, is := path.AppendVerticesAndIndicesForFilling(nil, nil)
	for i := range vs {
		vs[i].ColorR, vs[i].ColorG, vs[i].ColorB, vs[i].ColorA = float32(clr.R)/255, float32(clr.G)/255, float32(clr.B)/255, 1
	}
	dst.DrawTriangles(vs, is, whitePixel(), &ebiten.DrawTrianglesOptions{})
}

func (s *Scene) drawCurve(dst *ebiten.Image, i int, r Rect) {
	sv, fs := &s.search, s.fontSize()
	var vals []float64
	var steps []float64
	for _, p := range sv.Points {
		if v, ok := p.Curve(i); ok {
			vals = append(vals, v)
			steps = append(steps, float64(p.Step))
		}
	}
	label := CurveNames[i]
	if n := len(vals); n > 0 {
		label += " " + human(vals[n-1])
	}
	drawText(dst, label, r.X, r.Y, fs*0.85, Ink, text.AlignStart)
	plot := Rect{r.X, r.Y + fs*1.3, r.W, r.H - fs*1.3}
	strokeRect(dst, plot, 1, color.RGBA{0xdd, 0xdd, 0xdd, 0xff})
	if len(vals) < 1 {
		return
	}
	lo, hi, _ := Range(vals)
	x0, x1, _ := Range(steps)
	ax := Axis{Min: x0, Max: x1, Lo: plot.X, Hi: plot.X + plot.W}
	ay := Axis{Min: lo, Max: hi, Lo: plot.Y + plot.H, Hi: plot.Y}
	// At most one segment per pixel column.
	stride := max(1, len(vals)/int(math.Max(1, plot.W)))
	px, py := ax.Pos(steps[0]), ay.Pos(vals[0])
	clr := []color.RGBA{PEIdle, Inputs, Weights, PEBusy, Highlight, Outputs}[i]
	for k := stride; k < len(vals); k += stride {
		x, y := ax.Pos(steps[k]), ay.Pos(vals[k])
		line(dst, px, py, x, y, math.Max(1.5, fs*0.12), clr)
		px, py = x, y
	}
	dot(dst, px, py, fs*0.25, clr)
	drawText(dst, human(hi), plot.X+2, plot.Y+1, fs*0.7, Muted, text.AlignStart)
	drawText(dst, human(lo), plot.X+2, plot.Y+plot.H-fs*0.85, fs*0.7, Muted, text.AlignStart)
}

func (s *Scene) drawPareto(dst *ebiten.Image) {
	sv, r, fs := &s.search, s.slay.Pareto, s.fontSize()
	drawText(dst, "Accuracy (↑) vs FPS (→): search trail, Pareto front, baselines and the final design", r.X, r.Y, fs*0.9, Ink, text.AlignStart)
	plot := Rect{r.X + fs*3, r.Y + fs*1.5, r.W - fs*3.5, r.H - fs*5.6}
	strokeRect(dst, plot, 1, color.RGBA{0xbb, 0xbb, 0xbb, 0xff})
	drawText(dst, "FPS (log scale) →", plot.X+plot.W/2, plot.Y+plot.H+fs*0.3, fs*0.8, Muted, text.AlignCenter)
	trail := sv.Trail()
	all := append(append([]ParetoPoint(nil), trail...), sv.Baselines...)
	if sv.Final != nil {
		all = append(all, *sv.Final)
	}
	if len(all) == 0 {
		drawText(dst, "no hardware estimates yet", plot.X+fs, plot.Y+fs, fs, Muted, text.AlignStart)
		return
	}
	var accs, fps []float64
	for _, p := range all {
		accs = append(accs, p.Acc)
		if p.FPS > 0 {
			fps = append(fps, math.Log10(p.FPS))
		}
	}
	alo, ahi, _ := Range(accs)
	flo, fhi, _ := Range(fps)
	ax := Axis{Min: math.Pow(10, flo), Max: math.Pow(10, fhi), Lo: plot.X, Hi: plot.X + plot.W, Log: true}
	ay := Axis{Min: alo, Max: ahi, Lo: plot.Y + plot.H, Hi: plot.Y}
	drawText(dst, fmt.Sprintf("%.1f %%", ahi*100), plot.X-fs*0.3, plot.Y, fs*0.75, Muted, text.AlignEnd)
	drawText(dst, fmt.Sprintf("%.1f %%", alo*100), plot.X-fs*0.3, plot.Y+plot.H-fs, fs*0.75, Muted, text.AlignEnd)
	drawText(dst, human(ax.Min), plot.X, plot.Y+plot.H+fs*0.3, fs*0.75, Muted, text.AlignStart)
	drawText(dst, human(ax.Max), plot.X+plot.W, plot.Y+plot.H+fs*0.3, fs*0.75, Muted, text.AlignEnd)
	stride := max(1, len(trail)/400)
	for k := stride; k < len(trail); k += stride {
		p, q := trail[k-stride], trail[k]
		line(dst, ax.Pos(p.FPS), ay.Pos(p.Acc), ax.Pos(q.FPS), ay.Pos(q.Acc), 1, color.RGBA{0xbb, 0xbb, 0xbb, 0xff})
	}
	for k := 0; k < len(trail); k += stride {
		dot(dst, ax.Pos(trail[k].FPS), ay.Pos(trail[k].Acc), fs*0.18, Muted)
	}
	for _, i := range Front(trail) {
		dot(dst, ax.Pos(trail[i].FPS), ay.Pos(trail[i].Acc), fs*0.3, PEIdle)
	}
	if n := len(trail); n > 0 {
		p := trail[n-1]
		dot(dst, ax.Pos(p.FPS), ay.Pos(p.Acc), fs*0.45, PEBusy)
	}
	for _, b := range sv.Baselines {
		x, y := ax.Pos(b.FPS), ay.Pos(b.Acc)
		fillRect(dst, Rect{x - fs*0.35, y - fs*0.35, fs * 0.7, fs * 0.7}, Outputs)
		drawText(dst, b.Name, x+fs*0.5, y-fs*0.5, fs*0.75, Ink, text.AlignStart)
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
		fillPath(dst, &path, Highlight)
		drawText(dst, "final", x+fs*0.7, y-fs*0.5, fs*0.8, Ink, text.AlignStart)
	}
	// Legend.
	ly := r.Y + r.H - fs*1.2
	lx := plot.X
	for _, it := range []struct {
		clr   color.RGBA
		label string
	}{{Muted, "trail"}, {PEIdle, "Pareto front"}, {PEBusy, "current"}, {Outputs, "baselines"}, {Highlight, "final"}} {
		dot(dst, lx+fs*0.3, ly+fs*0.5, fs*0.3, it.clr)
		drawText(dst, it.label, lx+fs*0.8, ly, fs*0.8, Ink, text.AlignStart)
		lx += fs*1.4 + float64(len(it.label))*fs*0.5
	}
}

var whitePixel = sync.OnceValue(func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
})

// DrawFinalScreen implements ebiten.FinalScreenDrawer. The offscreen is
// opaque and drawn at device resolution, so it is copied rather than
// blended: in software WebGL a blend reads every pixel under it too.
func (s *Scene) DrawFinalScreen(screen ebiten.FinalScreen, offscreen *ebiten.Image, geoM ebiten.GeoM) {
	op := &ebiten.DrawImageOptions{GeoM: geoM, Blend: ebiten.BlendCopy}
	screen.DrawImage(offscreen, op)
}

// Layout implements ebiten.Game; LayoutF is used instead.
func (s *Scene) Layout(w, h int) (int, int) { return w, h }

// LayoutF implements ebiten.LayoutFer: the screen is drawn at device
// resolution so text and cell edges stay crisp on high-DPI displays.
func (s *Scene) LayoutF(w, h float64) (float64, float64) {
	scale := ebiten.Monitor().DeviceScaleFactor()
	dw, dh := int(w*scale), int(h*scale)
	s.mu.Lock()
	defer s.mu.Unlock()
	if dw != s.width || dh != s.height || scale != s.scale {
		s.width, s.height, s.scale = dw, dh, scale
		s.shownSearch, s.shownAccel = false, false // a new screen image
		s.relayout()
	}
	return float64(dw), float64(dh)
}

func fillRect(dst *ebiten.Image, r Rect, clr color.Color) {
	vector.DrawFilledRect(dst, float32(r.X), float32(r.Y), float32(r.W), float32(r.H), clr, false)
}

func strokeRect(dst *ebiten.Image, r Rect, w float64, clr color.Color) {
	vector.StrokeRect(dst, float32(r.X), float32(r.Y), float32(r.W), float32(r.H), float32(w), clr, false)
}

// strokeInside draws a frame of width w inside r, leaving r's centre as it
// was.
func strokeInside(dst *ebiten.Image, r Rect, w float64, clr color.Color) {
	fillRect(dst, Rect{r.X, r.Y, r.W, w}, clr)
	fillRect(dst, Rect{r.X, r.Y + r.H - w, r.W, w}, clr)
	fillRect(dst, Rect{r.X, r.Y, w, r.H}, clr)
	fillRect(dst, Rect{r.X + r.W - w, r.Y, w, r.H}, clr)
}

// line draws a segment without anti-aliasing: anti-aliased vector drawing
// breaks Ebiten's batching, and software WebGL (headless Chromium, many
// classroom laptops) then falls well below 30 frames per second.
func line(dst *ebiten.Image, x0, y0, x1, y1, w float64, clr color.Color) {
	vector.StrokeLine(dst, float32(x0), float32(y0), float32(x1), float32(y1), float32(w), clr, false)
}

func dot(dst *ebiten.Image, x, y, r float64, clr color.Color) {
	vector.DrawFilledCircle(dst, float32(x), float32(y), float32(r), clr, false)
}

// fade mixes c halfway to the background: a wire at rest.
func fade(c color.RGBA) color.RGBA {
	m := func(a, b uint8) uint8 { return uint8((int(a) + int(b)*2) / 3) }
	return color.RGBA{m(c.R, Background.R), m(c.G, Background.G), m(c.B, Background.B), 0xff}
}

// human prints a count compactly: 950, 12.3k, 4.56M.
func human(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return strconv.FormatFloat(v/1e9, 'f', 2, 64) + "G"
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 2, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	case a == math.Trunc(a):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func bytesText(b int64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

// faces keeps one face per size: text/v2 caches glyphs per face.
var faces = map[float64]*text.GoTextFace{}

func drawText(dst *ebiten.Image, str string, x, y, size float64, clr color.Color, align text.Align) {
	size = math.Round(size*2) / 2
	f := faces[size]
	if f == nil {
		f = &text.GoTextFace{Source: fontSource(), Size: size}
		faces[size] = f
	}
	op := &text.DrawOptions{}
	op.GeoM.Translate(math.Round(x), math.Round(y))
	op.ColorScale.ScaleWithColor(clr)
	op.PrimaryAlign = align
	text.Draw(dst, str, f, op)
}
