//go:build js

// Command page draws DIAN Explorer's two views with Ebiten: the accelerator
// view (the PE array of a platform or of a search result's design, its NoC,
// memory hierarchy, a layer's loop nest walked cycle by cycle, and the
// chunked pipeline) and the search view (architecture probabilities,
// curves, the accuracy–FPS plot). It runs in viz.html, an iframe of the
// page, because Ebiten owns the whole document it runs in.
//
// It exports window.dianViz to its document. Methods that can fail return
// "" on success or an error message:
//
//	dianViz.setView(name)          → "" | error   "accelerator" or "search"
//	dianViz.setPlatform(name)      → "" | error   a preset's default array (drops a result)
//	dianViz.setDataflow(name)      → "" | error   "ws", "os", "is" or "rs" (bare platform only)
//	dianViz.pushProgress(bytes)    → "" | error   a Uint8Array holding one msgpack-encoded
//	                                              protocol.Progress: feeds the search view
//	                                              (its probabilities, curves, Pareto trail
//	                                              and accelerator distributions)
//	dianViz.showResult(json)       → "" | error   a search result's JSON (dian search -json):
//	                                              its design in the accelerator view, its
//	                                              pipeline as a Gantt chart, its final point
//	                                              and baselines on the Pareto plot
//	dianViz.showCosted(json)       → "" | error   a costed network's result (no search, no
//	                                              accuracy): its design and layers in the
//	                                              accelerator view only
//	dianViz.showBaselines(json)    → "" | error   [{name, metrics: {accuracy, fps}}, …]
//	dianViz.selectLayer(i)         → "" | error   layer index of the accelerator view
//	dianViz.play(), pause(), step(), stepIteration(), finish(), restart()
//	                                              the layer animation: step walks one
//	                                              cycle, stepIteration one iteration of the
//	                                              loop outside the innermost, finish runs
//	                                              to the end of the layer over a few frames
//	dianViz.setSpeed(cyclesPerSecond)
//	dianViz.setReducedMotion(bool)               no moving pulses or wavefront (the
//	                                              view starts from the document's
//	                                              prefers-reduced-motion and follows it)
//	dianViz.state()                → JSON of everything drawn (viz.SceneState): view,
//	                                 fps, accelerator (layer, cycle, highlighted loop,
//	                                 counters walked and model totals, memory tiles,
//	                                 Gantt), search (probabilities, last event, Pareto
//	                                 front, baselines, final, the accelerator engine's
//	                                 distribution per decision), hover text, and the CSS
//	                                 rectangles of the highlighted loop, heatmap cells,
//	                                 distributions panel and its bars
//	dianViz.layout()               → JSON of the drawn PE grid in CSS pixels
//	dianViz.fps()                  → frames drawn over the last second
//	dianViz.frames()               → frames drawn so far
//	dianViz.pending()              → true while a change is not on screen yet
//	                                 (search-view redraws are coalesced to one
//	                                 per 150 ms while events stream in)
//
// Keyboard (when the iframe has focus): space play/pause, → one cycle, n one
// iteration, ↑/↓ speed, [ and ] previous/next layer, e end of layer, r
// restart, v or Tab switch view.
//
// It posts {type: "viz-ready"} to the parent once the first frame is drawn.
package main

import (
	"encoding/json"
	"fmt"
	"sync"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/wire"
	"github.com/dian-explorer/dian/viz"
	"github.com/dian-explorer/dian/viz/scene"
	"github.com/dian-explorer/dian/wasm/protocol"
)

// game wraps the scene to announce the first frame.
type game struct {
	*scene.Scene
	firstFrame sync.Once
}

func (g *game) Draw(screen *ebiten.Image) {
	g.Scene.Draw(screen)
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

// baselinePoints are the baselines with an accelerator, as points of the
// accuracy–FPS plot.
func baselinePoints(bs []report.Baseline) []viz.ParetoPoint {
	var out []viz.ParetoPoint
	for _, b := range bs {
		if b.Metrics.FPS > 0 {
			out = append(out, viz.ParetoPoint{Name: b.Name, Acc: b.Metrics.Accuracy, FPS: b.Metrics.FPS})
		}
	}
	return out
}

// fn exports f; a panic would stop the Go program, so arguments are checked.
func fn(f func(args []js.Value) any) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) any { return f(args) })
}

func errString(err error) string {
	if err != nil {
		return err.Error()
	}
	return ""
}

func main() {
	p, err := accel.Preset(accel.DefaultPreset)
	if err != nil {
		panic(err) // the default preset always exists; a test guards it
	}
	sc := scene.NewScene(p)
	api := js.Global().Get("Object").New()
	// withString exports a method taking one string.
	withString := func(name string, f func(string) error) {
		api.Set(name, fn(func(args []js.Value) any {
			if len(args) != 1 || args[0].Type() != js.TypeString {
				return name + " takes one string"
			}
			return errString(f(args[0].String()))
		}))
	}
	withString("setView", sc.SetView)
	withString("setPlatform", func(name string) error {
		p, err := accel.Preset(name)
		if err == nil {
			sc.Do(func(a *viz.AccelView, _ *viz.SearchView) { a.SetPlatform(p) })
		}
		return err
	})
	withString("setDataflow", func(name string) error {
		df, err := accel.ParseDataflow(name)
		if err == nil {
			sc.Do(func(a *viz.AccelView, _ *viz.SearchView) { err = a.SetDataflow(df) })
		}
		return err
	})
	api.Set("pushProgress", fn(func(args []js.Value) any {
		if len(args) != 1 || !args[0].InstanceOf(js.Global().Get("Uint8Array")) {
			return "pushProgress takes one Uint8Array"
		}
		n := args[0].Length()
		if n > protocol.MaxMessageBytes {
			return fmt.Sprintf("progress message of %d bytes; at most %d", n, protocol.MaxMessageBytes)
		}
		buf := make([]byte, n)
		js.CopyBytesToGo(buf, args[0])
		var pr protocol.Progress
		if err := wire.Unmarshal(buf, &pr); err != nil {
			return "progress message: " + err.Error()
		}
		ev, err := pr.Event()
		if err != nil {
			return err.Error()
		}
		sc.DoSearch(func(sv *viz.SearchView) { sv.Push(&ev) })
		return ""
	}))
	withString("showResult", func(src string) error {
		r, err := report.ParseResult([]byte(src))
		if err != nil {
			return err
		}
		sc.Do(func(a *viz.AccelView, sv *viz.SearchView) {
			sv.Final = &viz.ParetoPoint{Name: "final", Acc: r.Metrics.Accuracy, FPS: r.Metrics.FPS}
			if len(r.Baselines) > 0 {
				sv.Baselines = baselinePoints(r.Baselines)
			}
			err = a.ShowResult(r)
		})
		return err
	})
	withString("showCosted", func(src string) error {
		r, err := report.ParseResult([]byte(src))
		if err != nil {
			return err
		}
		sc.Do(func(a *viz.AccelView, _ *viz.SearchView) { err = a.ShowResult(r) })
		return err
	})
	withString("showBaselines", func(src string) error {
		var bs []report.Baseline
		if err := json.Unmarshal([]byte(src), &bs); err != nil {
			return fmt.Errorf("baselines: %w", err)
		}
		sc.DoSearch(func(sv *viz.SearchView) { sv.Baselines = baselinePoints(bs) })
		return nil
	})
	api.Set("selectLayer", fn(func(args []js.Value) any {
		if len(args) != 1 || args[0].Type() != js.TypeNumber {
			return "selectLayer takes a layer index"
		}
		var err error
		sc.Do(func(a *viz.AccelView, _ *viz.SearchView) { err = a.SelectLayer(args[0].Int()) })
		return errString(err)
	}))
	control := func(name string, f func(a *viz.AccelView)) {
		api.Set(name, fn(func(args []js.Value) any {
			sc.Do(func(a *viz.AccelView, _ *viz.SearchView) { f(a) })
			return ""
		}))
	}
	control("play", (*viz.AccelView).Play)
	control("pause", (*viz.AccelView).Pause)
	control("step", (*viz.AccelView).StepCycle)
	control("stepIteration", (*viz.AccelView).StepIteration)
	control("finish", (*viz.AccelView).Finish)
	control("restart", (*viz.AccelView).Restart)
	api.Set("setSpeed", fn(func(args []js.Value) any {
		if len(args) != 1 || args[0].Type() != js.TypeNumber {
			return "setSpeed takes cycles per second"
		}
		sc.Do(func(a *viz.AccelView, _ *viz.SearchView) { a.SetSpeed(args[0].Float()) })
		return ""
	}))
	api.Set("setReducedMotion", fn(func(args []js.Value) any {
		sc.SetReducedMotion(len(args) == 1 && args[0].Truthy())
		return ""
	}))
	api.Set("state", fn(func(args []js.Value) any {
		b, err := json.Marshal(sc.State())
		if err != nil {
			return `{"error":` + fmt.Sprintf("%q", err.Error()) + `}`
		}
		return string(b)
	}))
	api.Set("layout", fn(func(args []js.Value) any {
		g, p := sc.Grid()
		out := layoutJSON{Platform: p.Name, Rows: g.Rows, Cols: g.Cols,
			CellRGB:    [3]uint8{viz.PEIdle.R, viz.PEIdle.G, viz.PEIdle.B},
			Background: [3]uint8{viz.Background.R, viz.Background.G, viz.Background.B}}
		for _, c := range g.Cells {
			out.Cells = append(out.Cells, [4]float64{c.X, c.Y, c.W, c.H})
		}
		b, _ := json.Marshal(out)
		return string(b)
	}))
	api.Set("fps", fn(func(args []js.Value) any { return sc.FPS() }))
	api.Set("frames", fn(func(args []js.Value) any { return sc.Frames() }))
	api.Set("pending", fn(func(args []js.Value) any { return sc.Pending() }))
	js.Global().Set("dianViz", api)

	// Honour the system's reduced-motion setting from the start, and when
	// it changes; the page may still override it with setReducedMotion.
	if mm := js.Global().Get("matchMedia"); mm.Type() == js.TypeFunction {
		q := mm.Invoke("(prefers-reduced-motion: reduce)")
		sc.SetReducedMotion(q.Get("matches").Truthy())
		q.Call("addEventListener", "change", fn(func(args []js.Value) any {
			sc.SetReducedMotion(len(args) == 1 && args[0].Get("matches").Truthy())
			return nil
		}))
	}

	ebiten.SetRunnableOnUnfocused(true) // keep drawing while the user works the controls
	// The scene draws every pixel it changes, and a frame with nothing new
	// draws nothing: in headless Chromium's software WebGL a full-screen
	// draw costs about 15 ms at 1280×720 (see scene.Scene.Draw).
	ebiten.SetScreenClearedEveryFrame(false)
	if err := ebiten.RunGame(&game{Scene: sc}); err != nil {
		js.Global().Get("console").Call("error", "viz: "+err.Error())
	}
}
