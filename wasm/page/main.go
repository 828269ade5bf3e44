//go:build js

// Command page is the accelerator view of DIAN Explorer: an Ebiten program
// that runs in viz.html (an iframe of the page, because Ebiten owns the
// whole document it runs in) and draws the PE array of the chosen platform.
//
// It exports window.dianViz to its document:
//
//	dianViz.setPlatform(name) → "" or an error message
//	dianViz.layout()         → JSON of the drawn grid in CSS pixels
//	dianViz.fps()            → frames drawn over the last second
//
// and posts {type: "viz-ready"} to the parent once the first frame is drawn.
package main

import (
	"encoding/json"
	"sync"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/viz"
)

// game wraps the scene to announce the first frame.
type game struct {
	*viz.AcceleratorScene
	firstFrame sync.Once
}

func (g *game) Draw(screen *ebiten.Image) {
	g.AcceleratorScene.Draw(screen)
	g.firstFrame.Do(func() {
		win := js.Global()
		msg := js.Global().Get("Object").New()
		msg.Set("type", "viz-ready")
		win.Get("parent").Call("postMessage", msg, win.Get("location").Get("origin"))
	})
}

// layoutJSON is what dianViz.layout() returns.
type layoutJSON struct {
	Platform   string       `json:"platform"`
	Rows       int          `json:"rows"`
	Cols       int          `json:"cols"`
	Cells      [][4]float64 `json:"cells"` // x, y, w, h in CSS pixels, row-major
	CellRGB    [3]uint8     `json:"cellRGB"`
	Background [3]uint8     `json:"backgroundRGB"`
}

func main() {
	p, err := accel.Preset(accel.DefaultPreset)
	if err != nil {
		panic(err) // the default preset always exists; a test guards it
	}
	scene := viz.NewAcceleratorScene(p)

	api := js.Global().Get("Object").New()
	api.Set("setPlatform", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return "setPlatform takes one platform name"
		}
		p, err := accel.Preset(args[0].String())
		if err != nil {
			return err.Error()
		}
		scene.SetPlatform(p)
		return ""
	}))
	api.Set("layout", js.FuncOf(func(this js.Value, args []js.Value) any {
		g, p := scene.Grid()
		out := layoutJSON{Platform: p.Name, Rows: g.Rows, Cols: g.Cols,
			CellRGB:    [3]uint8{viz.PEIdle.R, viz.PEIdle.G, viz.PEIdle.B},
			Background: [3]uint8{viz.Background.R, viz.Background.G, viz.Background.B}}
		for _, c := range g.Cells {
			out.Cells = append(out.Cells, [4]float64{c.X, c.Y, c.W, c.H})
		}
		b, _ := json.Marshal(out)
		return string(b)
	}))
	api.Set("fps", js.FuncOf(func(this js.Value, args []js.Value) any { return scene.FPS() }))
	api.Set("frames", js.FuncOf(func(this js.Value, args []js.Value) any { return scene.Frames() }))
	js.Global().Set("dianViz", api)

	ebiten.SetRunnableOnUnfocused(true) // keep drawing while the user works the controls
	if err := ebiten.RunGame(&game{AcceleratorScene: scene}); err != nil {
		js.Global().Get("console").Call("error", "viz: "+err.Error())
	}
}
