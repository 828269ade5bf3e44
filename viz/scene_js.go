//go:build js

package viz

import (
	"bytes"
	"fmt"
	"image/color"
	"strconv"
	"sync"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/dian-explorer/dian/core/accel"
)

// fontSource is parsed once; faces of any size are cheap views onto it.
var fontSource = sync.OnceValue(func() *text.GoTextFaceSource {
	s, err := text.NewGoTextFaceSource(bytes.NewReader(goregular.TTF))
	if err != nil {
		panic("viz: embedded Go font does not parse: " + err.Error()) // a build defect, not input
	}
	return s
})

// AcceleratorScene is the Ebiten game that draws the PE array of a
// platform. It is safe to call SetPlatform from JS callbacks while Ebiten
// runs: state shared with Draw is guarded by mu.
type AcceleratorScene struct {
	mu       sync.Mutex
	platform accel.Platform
	grid     PEGrid
	width    int // device pixels
	height   int
	scale    float64 // device pixels per CSS pixel
	frames   FrameCounter
}

// NewAcceleratorScene returns a scene showing platform p.
func NewAcceleratorScene(p accel.Platform) *AcceleratorScene {
	return &AcceleratorScene{platform: p, scale: 1}
}

// SetPlatform switches the drawn array to p.
func (s *AcceleratorScene) SetPlatform(p accel.Platform) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.platform = p
	s.relayout()
}

// Grid returns the current layout in CSS pixels, for tests and for the DOM
// mirror of the canvas.
func (s *AcceleratorScene) Grid() (PEGrid, accel.Platform) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.grid
	k := 1 / s.scale
	cells := make([]Rect, len(g.Cells))
	for i, c := range g.Cells {
		cells[i] = Rect{c.X * k, c.Y * k, c.W * k, c.H * k}
	}
	g.Cells = cells
	g.Frame = Rect{g.Frame.X * k, g.Frame.Y * k, g.Frame.W * k, g.Frame.H * k}
	g.Pitch *= k
	return g, s.platform
}

// FPS returns the frames drawn over the last second.
func (s *AcceleratorScene) FPS() float64 { return s.frames.FPS() }

// Frames returns the number of frames drawn so far.
func (s *AcceleratorScene) Frames() int { return s.frames.Total() }

func (s *AcceleratorScene) fontSize() float64 { return 13 * s.scale }

func (s *AcceleratorScene) relayout() {
	pad := 16 * s.scale
	area := Rect{pad, pad, float64(s.width) - 2*pad, float64(s.height) - 2*pad}
	s.grid = LayoutPEGrid(s.platform.Rows, s.platform.Cols, area, s.fontSize())
}

// Update implements ebiten.Game.
func (s *AcceleratorScene) Update() error { return nil }

// Draw implements ebiten.Game.
func (s *AcceleratorScene) Draw(screen *ebiten.Image) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frames.Tick()
	screen.Fill(Background)
	g, p := s.grid, s.platform
	fs := s.fontSize()
	title := fmt.Sprintf("%s — %d × %d PE array (%d PEs)", p.Title, p.Rows, p.Cols, p.PEs())
	drawText(screen, title, g.Title.X, g.Title.Y, fs*1.25, Ink, text.AlignStart)
	for i, c := range g.Cells {
		_ = i
		vector.DrawFilledRect(screen, float32(c.X), float32(c.Y), float32(c.W), float32(c.H), PEIdle, false)
	}
	every := g.LabelEvery(fs)
	for r := 0; r < len(g.RowLabels); r += every {
		l := g.RowLabels[r]
		drawText(screen, strconv.Itoa(r), l.X, l.Y-fs/2, fs, Muted, text.AlignCenter)
	}
	for c := 0; c < len(g.ColLabels); c += every {
		l := g.ColLabels[c]
		drawText(screen, strconv.Itoa(c), l.X, l.Y-fs/2, fs, Muted, text.AlignCenter)
	}
	if len(g.Cells) > 0 {
		drawText(screen, "rows ↓  columns →", g.Frame.X, g.Frame.Y+g.Frame.H+fs*0.6, fs, Muted, text.AlignStart)
	}
}

// Layout implements ebiten.Game; LayoutF is used instead.
func (s *AcceleratorScene) Layout(w, h int) (int, int) { return w, h }

// LayoutF implements ebiten.LayoutFer: the screen is drawn at device
// resolution so text and cell edges stay crisp on high-DPI displays.
func (s *AcceleratorScene) LayoutF(w, h float64) (float64, float64) {
	scale := ebiten.Monitor().DeviceScaleFactor()
	dw, dh := int(w*scale), int(h*scale)
	s.mu.Lock()
	defer s.mu.Unlock()
	if dw != s.width || dh != s.height || scale != s.scale {
		s.width, s.height, s.scale = dw, dh, scale
		s.relayout()
	}
	return float64(dw), float64(dh)
}

func drawText(dst *ebiten.Image, str string, x, y, size float64, clr color.Color, align text.Align) {
	op := &text.DrawOptions{}
	op.GeoM.Translate(x, y)
	op.ColorScale.ScaleWithColor(clr)
	op.PrimaryAlign = align
	text.Draw(dst, str, &text.GoTextFace{Source: fontSource(), Size: size}, op)
}
