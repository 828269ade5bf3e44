//go:build js

package scene

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/hajimehoshi/ebiten/v2/text/v2"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/viz"
)

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
	accel  *viz.AccelView
	search viz.SearchView
	width  int // device pixels
	height int
	scale  float64 // device pixels per CSS pixel
	frames viz.FrameCounter
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

	lay  viz.AccelLayout
	slay viz.SearchLayout
	// What the (uncleared) screen shows of the search view, and when
	// its image was last redrawn.
	shownSearch   bool
	shownHover    string
	searchDrawnAt time.Time
	repaints      viz.FrameCounter // frames whose content changed
	// What the screen shows of the accelerator view.
	shownAccel  bool
	lastAccel   accelFrame
	pulsesDrawn bool // the last frame drew moving pulses
	shownStatus string
	regions     viz.AccelRegions  // what a playing frame repaints
	lastFoot    []image.Rectangle // where the last frame drew over the array
	baseBusy    [2]int            // the busy block the cached base shows
	gaps        [][]viz.Wire      // per wire drawn under the cells, its pieces between them
	wires       []viz.Wire
	gantt       viz.Gantt
	nestHL      viz.Rect // the highlighted loop line, device pixels
	// What the loop-nest and counter rows on screen show.
	nestRows, counterRows panelRows
	heat                  []viz.Rect
	hwp                   viz.HWPanel
	hover                 string
	rects                 rectBatch // the systolic overlay's rectangles, one draw call a frame
}

// NewScene returns a scene showing platform p's accelerator view.
func NewScene(p accel.Platform) *Scene {
	return &Scene{view: ViewAccelerator, accel: viz.NewAccelView(p), scale: 1}
}

// Do runs f on the views with the scene locked, then lays the scene out
// again (the design or the data may have changed shape).
func (s *Scene) Do(f func(a *viz.AccelView, sv *viz.SearchView)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.accel, &s.search)
	s.relayout()
}

// DoSearch runs f on the search view with the scene locked and marks only
// that view for redrawing: progress events (20 a second during a search)
// leave the accelerator view's cached images alone.
func (s *Scene) DoSearch(f func(sv *viz.SearchView)) {
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
func (s *Scene) State() viz.SceneState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := viz.SceneState{View: s.view, FPS: s.frames.FPS(), Repaints: s.repaints.FPS(), Frames: s.frames.Total(),
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

func (s *Scene) css(r viz.Rect) [4]float64 {
	k := 1 / s.scale
	return [4]float64{r.X * k, r.Y * k, r.W * k, r.H * k}
}

// Grid returns the PE array's layout in CSS pixels and the platform.
func (s *Scene) Grid() (viz.PEGrid, accel.Platform) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.lay.Grid
	cells := make([]viz.Rect, len(g.Cells))
	for i, c := range g.Cells {
		r := s.css(c)
		cells[i] = viz.Rect{X: r[0], Y: r[1], W: r[2], H: r[3]}
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
	s.lay = viz.LayoutAccel(w, h, fs, c.Rows, c.Cols, chunks)
	s.wires = viz.NoC(s.lay.Grid, c.Dataflow, s.accel.Work.Platform.Target == accel.Systolic)
	s.regions = s.lay.Regions(s.width, s.height, fs, s.wires)
	s.gaps = make([][]viz.Wire, len(s.wires))
	for k, w := range s.wires {
		if w.Under() {
			s.gaps[k] = w.Gaps(s.lay.Grid.Cells)
		}
	}
	s.gantt = viz.Gantt{}
	if chunks > 0 {
		s.gantt = viz.LayoutGantt(&s.accel.Work, viz.Rect{X: s.lay.Gantt.X, Y: s.lay.Gantt.Y + fs*1.6, W: s.lay.Gantt.W, H: s.lay.Gantt.H - fs*1.6}, fs*14)
	}
	s.layoutSearch()
}

// layoutSearch lays out the search view again and marks it for redrawing.
func (s *Scene) layoutSearch() {
	s.searchDirty = true
	w, h, fs := float64(s.width), float64(s.height), s.fontSize()
	s.slay = viz.LayoutSearch(w, h, fs)
	s.heat = nil
	if n := len(s.search.Probs); n > 0 {
		labelW := fs * 3
		if len(s.search.Bits) > 0 {
			labelW = fs * 4.2 // "b12 16b": the block and its width
		}
		s.heat = viz.HeatCells(s.slay.Heatmap, n, len(s.search.Probs[0]), labelW, fs*4)
	}
	s.hwp = viz.LayoutHWDist(s.slay.HWDist, fs, s.search.HW)
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
	case just(ebiten.KeyV): // not Tab: Tab moves the focus on, out of the canvas
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
			s.searchImg.Fill(viz.Background)
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
		fillRect(screen, viz.Rect{X: bx, Y: float64(y) + fs, W: w, H: fs * 1.6}, viz.Ink)
		drawText(screen, s.hover, bx+fs/2, float64(y)+fs*1.3, fs, color.RGBA{0xff, 0xff, 0xff, 0xff}, text.AlignStart)
	}
}

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
