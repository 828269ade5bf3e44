//go:build !js

package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/viz"
	"github.com/dian-explorer/dian/wasm/protocol"
)

// -readme-screenshots writes the README's screenshots of both views to
// assets/screenshots.
var readmeScreenshots = flag.Bool("readme-screenshots", false, "write assets/screenshots/{accelerator,search}-view.png")

// openViz opens the Ebiten views on their own (viz.html, which the page
// embeds as an iframe) and waits for frames to be drawn.
func openViz(t *testing.T, b *browser, url string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(strings.TrimSuffix(url, "/")+"/viz.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`window.dianViz !== undefined && dianViz.frames() > 3`,
		chromedp.WithPollingTimeout(90*time.Second))); err != nil {
		t.Fatalf("the views did not start: %v (console: %q)", err, b.errors())
	}
	// The hook checkPEArray reads, as the page defines it for its iframe.
	eval[bool](t, b, `(window.dianPEGrid = () => JSON.parse(dianViz.layout()), true)`)
}

// vizCall calls a dianViz method and fails the test on an error message.
func vizCall(t *testing.T, b *browser, call string) {
	t.Helper()
	if msg := eval[string](t, b, "String(dianViz."+call+")"); msg != "" && msg != "undefined" {
		t.Fatalf("dianViz.%s: %s", call, msg)
	}
}

func vizState(t *testing.T, b *browser) viz.SceneState {
	t.Helper()
	var st viz.SceneState
	if err := json.Unmarshal([]byte(eval[string](t, b, `dianViz.state()`)), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// waitState polls the state until ok accepts it.
func waitVizState(t *testing.T, b *browser, what string, ok func(viz.SceneState) bool) viz.SceneState {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := vizState(t, b)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; state: %+v", what, st.Accelerator)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// nextFrames waits until n more frames have been drawn and no change is
// pending (search-view redraws are coalesced), so that a change made
// through dianViz is on screen.
func nextFrames(t *testing.T, b *browser, n int) {
	t.Helper()
	nextFramesIn(t, b, "dianViz", n)
}

func rgb(c color.RGBA) [3]uint8 { return [3]uint8{c.R, c.G, c.B} }

// pixel samples img at (x, y) in CSS pixels (the viewport's scale is 1).
func pixel(img image.Image, x, y float64) color.Color { return img.At(int(x), int(y)) }

func saveReadmeShot(t *testing.T, b *browser, name string) {
	t.Helper()
	if !*readmeScreenshots {
		return
	}
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(repoRoot, "assets", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserVizAccelerator checks the accelerator view in headless
// Chromium: the PE cells of each platform are on screen, stepping
// highlights a loop of the nest, and a layer walked to its end shows the
// loop-nest model's counts for every dataflow.
func TestBrowserVizAccelerator(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 720)
	openViz(t, b, url)

	for _, name := range []string{"eyeriss", "systolic16", accel.DefaultPreset} {
		vizCall(t, b, fmt.Sprintf("setPlatform(%q)", name))
		checkPEArray(t, b, name)
	}

	checkSystolicWavefront(t, b)

	vizCall(t, b, `setPlatform("eyeriss")`)
	st := vizState(t, b).Accelerator
	if st.Dataflow != "rs" || st.Cycle != 0 || st.Loop != -1 || st.Cycles == 0 {
		t.Fatalf("eyeriss before the walk: %+v", st)
	}
	for range 5 {
		vizCall(t, b, `step()`)
	}
	vizCall(t, b, `stepIteration()`)
	s := vizState(t, b)
	if s.Accelerator.Cycle <= 5 || s.Accelerator.Loop < 0 || s.Accelerator.LoopText == "" {
		t.Fatalf("after stepping: cycle %d, loop %d %q", s.Accelerator.Cycle, s.Accelerator.Loop, s.Accelerator.LoopText)
	}
	// The highlighted loop's line is drawn in the highlight colour (sampled
	// left of its text).
	nextFrames(t, b, 3)
	s = vizState(t, b)
	r := s.LoopRect
	img := b.screenshot(t, "loop")
	for i := 0; i < 40 && r[2] != 0 && !near(pixel(img, r[0]+3, r[1]+r[3]/2), rgb(viz.Highlight)); i++ {
		time.Sleep(100 * time.Millisecond) // a loaded machine draws late
		img = b.screenshot(t, "loop")
	}
	if r[2] == 0 || !near(pixel(img, r[0]+3, r[1]+r[3]/2), rgb(viz.Highlight)) {
		t.Errorf("the highlighted loop %q at %v is not drawn in the highlight colour (found %v)", s.Accelerator.LoopText, r, pixel(img, r[0]+3, r[1]+r[3]/2))
	}
	if *readmeScreenshots {
		// A cycle where operands cross the NoC, so the wires are lit.
		for i := 0; i < 200 && len(vizState(t, b).Accelerator.Moving) == 0; i++ {
			vizCall(t, b, `step()`)
		}
		nextFrames(t, b, 3)
		saveReadmeShot(t, b, "accelerator-view.png")
	}

	for _, df := range []string{"ws", "os", "is", "rs"} {
		vizCall(t, b, fmt.Sprintf("setDataflow(%q)", df))
		vizCall(t, b, `selectLayer(1)`)
		vizCall(t, b, `finish()`)
		st := waitVizState(t, b, df+" layer to finish", func(s viz.SceneState) bool { return s.Accelerator.Done }).Accelerator
		if st.Dataflow != df || st.Cycle != st.Cycles || len(st.Counters) == 0 {
			t.Fatalf("%s: %+v", df, st)
		}
		for _, c := range st.Counters {
			if c.Reads != c.ModelReads || c.Fills != c.ModelFills || c.Updates != c.ModelUpdates {
				t.Errorf("%s %s %s: the walk ends on %d/%d/%d, the model says %d/%d/%d", df, c.Level, c.DataSpace, c.Reads, c.Fills, c.Updates, c.ModelReads, c.ModelFills, c.ModelUpdates)
			}
		}
	}

	// Frames per second, idle and while the animation plays (wall clock:
	// reported, not asserted beyond "frames are drawn").
	vizCall(t, b, `setDataflow("rs")`)
	vizCall(t, b, `setReducedMotion(true)`)
	if !vizState(t, b).Accelerator.ReducedMotion {
		t.Error("setReducedMotion(true) did not reach the view")
	}
	vizCall(t, b, `setReducedMotion(false)`)
	idle := sampleFPS(t, b)
	vizCall(t, b, `setSpeed(50)`)
	vizCall(t, b, `play()`)
	playing := sampleFPS(t, b)
	if idle[1] <= 0 || playing[1] <= 0 {
		t.Errorf("fps = %v idle, %v while animating", idle, playing)
	}
	t.Logf("accelerator view: %v frames/s idle, %v animating in headless Chromium (load average %s); Go drawing %.1f ms/frame",
		idle, playing, loadAverage(), vizState(t, b).DrawMS)
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// TestBrowserVizSearch feeds the search view progress events built in Go
// and passed as msgpack bytes, as the worker posts them, and checks that
// the heatmap is drawn with the probabilities' colours; then shows a result
// and checks its design and pipeline in the accelerator view.
func TestBrowserVizSearch(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 720)
	openViz(t, b, url)
	vizCall(t, b, `setView("search")`)
	// Bad input gets a message naming what is accepted, never a crash.
	for call, want := range map[string]string{
		`setView("table")`:                    `view "table" is not one of accelerator, search`,
		`pushProgress("x")`:                   "pushProgress takes one Uint8Array",
		`pushProgress(new Uint8Array([193]))`: "progress message:",
		`showResult("{")`:                     "report: search result:",
		`setDataflow("xs")`:                   `"xs"`,
		`selectLayer(99)`:                     "layer 99",
	} {
		if got := eval[string](t, b, "dianViz."+call); !strings.Contains(got, want) {
			t.Errorf("dianViz.%s = %q, want a message containing %q", call, got, want)
		}
	}

	blocks, ops := 5, 7
	for step := 1; step <= 40; step++ {
		probs := make([][]float64, blocks)
		for bi := range probs {
			probs[bi] = make([]float64, ops)
			for o := range probs[bi] {
				probs[bi][o] = 1 / float64(ops)
			}
			// Block bi grows confident in op bi as the search goes on.
			f := float64(step) / 40 * 0.8
			for o := range probs[bi] {
				probs[bi][o] *= 1 - f
			}
			probs[bi][bi%ops] += f
		}
		p := protocol.Progress{Type: "progress", Phase: "search", Step: step, Steps: 40, Accuracy: 0.5 + 0.01*float64(step),
			LossWeights: 2 / float64(step), LossArch: 2.5 / float64(step), Tau: 5 * float64(40-step) / 40, Lambda: 0.1}
		if step > 3 {
			p.HW = &report.Metrics{FPS: 1000 + 50*float64(step%7)}
		}
		p.Blocks, p.Ops, p.Probs = protocol.EncodeProbs(probs)
		pushProgress(t, b, &p)
	}
	nextFrames(t, b, 3)
	st := vizState(t, b)
	if st.View != "search" || st.Search.Events != 40 || st.Search.Blocks != blocks || st.Search.Ops != ops || len(st.HeatCells) != blocks*ops {
		t.Fatalf("search state: view %s, %d events, %d×%d, %d cells", st.View, st.Search.Events, st.Search.Blocks, st.Search.Ops, len(st.HeatCells))
	}
	img := b.screenshot(t, "heatmap")
	found, distinct := 0, map[color.Color]bool{}
	for i, c := range st.HeatCells {
		want := viz.Sequential((float64(st.Search.Probs[i/ops][i%ops]) - st.Search.ScaleLo) / (st.Search.ScaleHi - st.Search.ScaleLo))
		px := pixel(img, c[0]+c[2]*0.5, c[1]+c[3]*0.2) // between the argmax frame and the printed value
		if near(px, rgb(want)) {
			found++
		}
		distinct[px] = true
	}
	if found != blocks*ops || len(distinct) < 2 {
		t.Errorf("heatmap: %d of %d cells in their probability's colour, %d distinct colours", found, blocks*ops, len(distinct))
	}
	for bi, a := range st.Search.Argmax {
		if a != bi%ops {
			t.Errorf("block %d: argmax %d, want %d", bi, a, bi%ops)
		}
	}
	if st.Search.Trail != 37 || len(st.Search.Front) == 0 {
		t.Errorf("Pareto trail %d points, front %d", st.Search.Trail, len(st.Search.Front))
	}
	// Hovering a cell shows its numbers (and the state carries them).
	c := st.HeatCells[ops+1] // block 2, op 1
	if err := chromedp.Do(b.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, c[0]+c[2]/2, c[1]+c[3]/2)); err != nil {
		t.Fatal(err)
	}
	hover := waitVizState(t, b, "the hover text", func(s viz.SceneState) bool { return s.Hover != "" }).Hover
	if want := fmt.Sprintf("block 2, %s: p = %.3f", st.Search.OpNames[1], st.Search.Probs[1][1]); hover != want {
		t.Errorf("hover over block 2 op 1 = %q, want %q", hover, want)
	}
	if err := chromedp.Do(b.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 1, 1)); err != nil {
		t.Fatal(err)
	}
	t.Logf("search view: %v frames/s in headless Chromium (load average %s)", sampleFPS(t, b), loadAverage())

	// A real result: its design replaces the platform's array.
	res, events := quickSearchResult(t)
	vizCall(t, b, fmt.Sprintf("showResult(%q)", res))
	s := vizState(t, b)
	if s.Search.Final == nil || s.Accelerator.Source != "result" || s.Accelerator.Gantt == nil || s.Accelerator.Gantt.Bars == 0 {
		t.Fatalf("after showResult: final %+v, accelerator %+v", s.Search.Final, s.Accelerator)
	}
	vizCall(t, b, `setView("accelerator")`)
	nextFrames(t, b, 3)
	g := eval[peGrid](t, b, `JSON.parse(dianViz.layout())`)
	a := vizState(t, b).Accelerator
	if len(g.Cells) != a.Rows*a.Cols {
		t.Fatalf("result chunk %s: %d cells for %d×%d", a.ChunkName, len(g.Cells), a.Rows, a.Cols)
	}
	if got := countPECells(b.screenshot(t, "result"), g); got != a.Rows*a.Cols {
		t.Errorf("result chunk %s: found %d of %d PE cells", a.ChunkName, got, a.Rows*a.Cols)
	}

	// The README's search view: the real search's events.
	if *readmeScreenshots {
		vizCall(t, b, `setView("search")`)
		stride := max(1, len(events)/300) // a sample keeps the test quick
		for i := 0; i < len(events); i += stride {
			pushProgress(t, b, &events[i])
		}
		vizCall(t, b, fmt.Sprintf("showResult(%q)", res))
		nextFrames(t, b, 3)
		saveReadmeShot(t, b, "search-view.png")
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// pushProgress hands one progress event to the view as the page does: a
// Uint8Array of its msgpack bytes.
func pushProgress(t *testing.T, b *browser, p *protocol.Progress) {
	t.Helper()
	raw, err := msgpack.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.StdEncoding.EncodeToString(raw)
	vizCall(t, b, fmt.Sprintf(`pushProgress(Uint8Array.from(atob(%q), (c) => c.charCodeAt(0)))`, enc))
}

// quickSearchResult runs a small real search natively and returns its
// result JSON and its progress events as the worker would post them.
func quickSearchResult(t *testing.T) (string, []protocol.Progress) {
	t.Helper()
	const fragment = "v=2&dataset=digits8&pretrained=0&epochs=5&warmup=1&finetune=1&accelsteps=20&finalsteps=100"
	link, err := share.Parse(fragment)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := search.LoadDataset(os.DirFS(filepath.Join(repoRoot, "assets")), link.Config.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	var events []protocol.Progress
	res, err := search.Run(context.Background(), link.Config, search.Input{Data: ds}, func(e report.Event) {
		events = append(events, protocol.ProgressOf(1, e))
	})
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(j), events
}

// sampleFPS reads dianViz.fps() three times a second apart, after a
// second to settle, and returns the readings sorted (the middle one is the
// median).
func sampleFPS(t *testing.T, b *browser) [3]float64 {
	t.Helper()
	var out [3]float64
	for i := range out {
		time.Sleep(time.Second)
		out[i] = eval[float64](t, b, `dianViz.fps()`)
	}
	slices.Sort(out[:])
	return out
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// TestBrowserVizAcceleratorChoices runs a real search in the page's worker
// and checks that the accelerator engine's distributions reach both the
// DOM (a row per decision, probabilities summing to 1, the best design's
// option marked) and the canvas (bars drawn in the distributions panel,
// the best design's bars in the highlight colour).
func TestBrowserVizAcceleratorChoices(t *testing.T) {
	const fragment = "v=1&dataset=digits8&epochs=3&warmup=1&finetune=1&accelsteps=20&finalsteps=100"
	link, err := share.Parse(fragment)
	if err != nil {
		t.Fatal(err)
	}
	hw, err := search.NewHardware(link.Config.Platform, link.Config.Model, link.Config.Objective, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	url := startServer(t)
	b := newBrowser(t, 1280, 720)
	if state := b.open(t, url+"#"+fragment+"&run=1"); state != "running" && state != "done" {
		t.Fatalf("a run=1 link left the page %q (dianError %q)", state, eval[string](t, b, `String(window.dianError)`))
	}
	eval[bool](t, b, `document.getElementById("hw-box").open = true`)
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("search ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}

	// The DOM: one row per decision of the platform's space, in order.
	type cell struct {
		P      float64 `json:"p"`
		Option string  `json:"option"`
		Best   bool    `json:"best"`
	}
	type row struct {
		Decision string `json:"decision"`
		Cells    []cell `json:"cells"`
	}
	rows := eval[[]row](t, b, `[...document.querySelectorAll("#hw tbody tr")].map((tr) => ({
  decision: tr.dataset.decision,
  cells: [...tr.querySelectorAll("td[data-p]")].map((td) => ({ p: Number(td.dataset.p), option: td.dataset.option, best: td.dataset.best === "true" })),
}))`)
	labels := report.OptionLabels(hw.Space)
	if len(rows) != len(hw.Space.Decisions) {
		t.Fatalf("the DOM shows %d decisions, the %s space has %d", len(rows), link.Config.Platform, len(hw.Space.Decisions))
	}
	uniform := 0
	for i, r := range rows {
		d := hw.Space.Decisions[i]
		if r.Decision != d.Name || len(r.Cells) != len(d.Options) {
			t.Fatalf("row %d: %q with %d options, want %q with %d", i, r.Decision, len(r.Cells), d.Name, len(d.Options))
		}
		var sum float64
		best := 0
		for j, c := range r.Cells {
			sum += c.P
			if c.Best {
				best++
			}
			if c.Option != labels[i][j] {
				t.Errorf("%s option %d labelled %q, want %q", d.Name, j, c.Option, labels[i][j])
			}
		}
		if math.Abs(sum-1) > 1e-3 || best != 1 {
			t.Errorf("%s: probabilities sum to %v with %d options marked best, want 1 and one", d.Name, sum, best)
		}
		if math.Abs(r.Cells[0].P-1/float64(len(r.Cells))) < 1e-6 {
			uniform++
		}
	}
	if uniform == len(rows) {
		t.Errorf("every decision is still uniform after %d epochs of %s", link.Config.Epochs, link.Config.Engine)
	}

	// The canvas: the same numbers, drawn.
	eval[string](t, b, `String(dianPage.viz.setView("search"))`)
	for range 10 { // a few frames for the view to redraw
		time.Sleep(50 * time.Millisecond)
	}
	var st viz.SceneState
	if err := json.Unmarshal([]byte(eval[string](t, b, `dianPage.viz.state()`)), &st); err != nil {
		t.Fatal(err)
	}
	hwState := st.Search.HW
	if hwState == nil || len(hwState.Probs) != len(rows) || len(st.HWBars) != len(rows) {
		t.Fatalf("the view has no distribution of %d decisions (%+v, %d bar sets)", len(rows), hwState, len(st.HWBars))
	}
	for i, r := range rows {
		for j, c := range r.Cells {
			if float32(c.P) != float32(hwState.Probs[i][j]) {
				t.Errorf("%s option %d: the DOM says %v, the view draws %v", r.Decision, j, c.P, hwState.Probs[i][j])
			}
		}
	}
	frame := eval[[2]float64](t, b, `(() => { const f = document.getElementById("viz"); f.scrollIntoView(); const r = f.getBoundingClientRect(); return [r.left + f.clientLeft, r.top + f.clientTop]; })()`)
	nextFramesIn(t, b, "dianPage.viz", 3)
	img := b.screenshot(t, "choices")
	p := st.HWPanel
	t.Logf("distributions panel %.0f×%.0f CSS px at (%.0f, %.0f) in a frame at (%.0f, %.0f); first chart's bars %v",
		p[2], p[3], p[0], p[1], frame[0], frame[1], st.HWBars[0])
	inked, total := 0, 0
	for y := p[1]; y < p[1]+p[3]; y += 2 {
		for x := p[0]; x < p[0]+p[2]; x += 2 {
			total++
			if !near(pixel(img, frame[0]+x, frame[1]+y), rgb(viz.Background)) {
				inked++
			}
		}
	}
	if inked < total/50 {
		t.Errorf("the distributions panel is blank: %d of %d sampled pixels differ from the background", inked, total)
	}
	highlighted, tall := 0, 0
	for i, bars := range st.HWBars {
		best := hwState.Best[i]
		bar := bars[best]
		if bar[3] < 4 {
			continue // too short to sample
		}
		tall++
		if near(pixel(img, frame[0]+bar[0]+bar[2]/2, frame[1]+bar[1]+bar[3]/2), rgb(viz.PEBusy)) {
			highlighted++
		}
	}
	if tall == 0 || highlighted != tall {
		t.Errorf("%d of %d best-design bars tall enough to sample are drawn in the highlight colour", highlighted, tall)
	}
	var fps [3]float64
	for i := range fps {
		time.Sleep(time.Second)
		fps[i] = eval[float64](t, b, `dianPage.viz.fps()`)
	}
	t.Logf("search view with %d decisions' distributions: %v frames/s in headless Chromium (load average %s)", len(rows), fps, loadAverage())
	// Pointing at a bar names the decision, the option and its probability.
	best := hwState.Best[0]
	bar := st.HWBars[0][best]
	if err := chromedp.Do(b.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, frame[0]+bar[0]+bar[2]/2, frame[1]+bar[1]+bar[3]-1)); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s = %s: p = %.3f (the best design's choice)", rows[0].Decision, rows[0].Cells[best].Option, hwState.Probs[0][best])
	deadline := time.Now().Add(10 * time.Second)
	for {
		var s viz.SceneState
		if err := json.Unmarshal([]byte(eval[string](t, b, `dianPage.viz.state()`)), &s); err != nil {
			t.Fatal(err)
		}
		if s.Hover == want {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("hovering the first decision's best bar shows %q, want %q", s.Hover, want)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// nextFramesIn waits until the view object at expr has drawn n more frames.
func nextFramesIn(t *testing.T, b *browser, expr string, n int) {
	t.Helper()
	f0 := eval[int](t, b, expr+`.frames()`)
	deadline := time.Now().Add(20 * time.Second)
	for (eval[int](t, b, expr+`.frames()`) < f0+n || eval[bool](t, b, expr+`.pending()`)) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

// checkSystolicWavefront steps the systolic array's first layer under os
// three cycles and checks the skewed wavefront on screen: the PEs with
// i+j ≤ 2 multiply (drawn in the highlight colour), the next diagonal does
// not yet.
func checkSystolicWavefront(t *testing.T, b *browser) {
	t.Helper()
	vizCall(t, b, `setPlatform("systolic16")`)
	vizCall(t, b, `setDataflow("os")`)
	vizCall(t, b, `selectLayer(0)`)
	for range 3 {
		vizCall(t, b, `step()`)
	}
	st := vizState(t, b).Accelerator
	if st.Systolic == nil || st.Systolic.Cycle != 3 || st.Systolic.MACs != 6 || st.Systolic.Stationary != "outputs" {
		t.Fatalf("systolic16 os after 3 cycles: %+v", st.Systolic)
	}
	nextFrames(t, b, 3)
	g := eval[peGrid](t, b, `JSON.parse(dianViz.layout())`)
	img := b.screenshot(t, "systolic-wavefront")
	for i := range 4 {
		for j := range 4 {
			c := g.Cells[i*g.Cols+j]
			px := pixel(img, c[0]+c[2]*0.75, c[1]+c[3]*0.75)
			if mac := i+j <= 2; near(px, rgb(viz.Highlight)) != mac {
				t.Errorf("systolic16 os cycle 3: PE (%d, %d) drawn %v; multiplying: %v", i, j, px, mac)
			}
		}
	}
	// Frames per second while the schedule plays (reported, not asserted).
	vizCall(t, b, `setSpeed(50)`)
	vizCall(t, b, `play()`)
	t.Logf("systolic16 os playing with the SCALE-Sim schedule drawn: %v frames/s (load average %s); Go drawing %.1f ms/frame",
		sampleFPS(t, b), loadAverage(), vizState(t, b).DrawMS)
	vizCall(t, b, `pause()`)
}

// TestBrowserVizPlayingFramesMatchAFullRedraw checks the accelerator
// view's incremental drawing: a playing frame repaints only what changed
// (the status line, the memory arrows, what the last frame drew over the
// array, the panels' changed rows), so after a layer has played for a
// while the screen must be pixel for pixel what a full redraw of the same
// state gives. It covers each NoC template: multicast buses with pulses,
// row-stationary diagonals, the systolic schedule.
func TestBrowserVizPlayingFramesMatchAFullRedraw(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 720)
	openViz(t, b, url)
	for _, tc := range []struct{ platform, dataflow string }{
		{accel.DefaultPreset, ""}, {"eyeriss", ""}, {"systolic16", "os"}, {"systolic16", "ws"},
	} {
		name := tc.platform + " " + tc.dataflow
		vizCall(t, b, fmt.Sprintf("setPlatform(%q)", tc.platform))
		if tc.dataflow != "" {
			vizCall(t, b, fmt.Sprintf("setDataflow(%q)", tc.dataflow))
		}
		vizCall(t, b, "selectLayer(1)")
		vizCall(t, b, "setReducedMotion(false)") // pulses on the buses
		vizCall(t, b, "setSpeed(40)")
		vizCall(t, b, "play()")
		time.Sleep(1500 * time.Millisecond)
		vizCall(t, b, "pause()")
		// Reduced motion stops the pulses, so the paused frame is still;
		// the change itself is drawn incrementally too.
		vizCall(t, b, "setReducedMotion(true)")
		nextFrames(t, b, 3)
		st := vizState(t, b)
		if st.Accelerator.Cycle < 10 {
			t.Fatalf("%s: the layer did not play (cycle %d)", name, st.Accelerator.Cycle)
		}
		incremental := b.screenshot(t, name+" incremental")
		// The busy rings mark exactly the block the state reports: on a
		// systolic array, the current fold's (the top-left pixel of a
		// cell is ring only; the overlay draws inside the ring).
		g := eval[peGrid](t, b, `JSON.parse(dianViz.layout())`)
		for i, c := range g.Cells {
			busy := i/g.Cols < st.Accelerator.BusyRows && i%g.Cols < st.Accelerator.BusyCols
			if px := pixel(incremental, c[0]+1, c[1]+1); near(px, rgb(viz.PEBusy)) != busy {
				t.Errorf("%s: PE (%d, %d) has ring colour %v; busy block %d × %d", name, i/g.Cols, i%g.Cols, px, st.Accelerator.BusyRows, st.Accelerator.BusyCols)
				break
			}
		}
		vizCall(t, b, `setView("search")`)
		nextFrames(t, b, 2)
		vizCall(t, b, `setView("accelerator")`)
		nextFrames(t, b, 3)
		if c := vizState(t, b).Accelerator.Cycle; c != st.Accelerator.Cycle {
			t.Fatalf("%s: the walk moved from cycle %d to %d while paused", name, st.Accelerator.Cycle, c)
		}
		full := b.screenshot(t, name+" full")
		bounds := incremental.Bounds()
		diff, box := 0, image.Rectangle{}
		for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
			for x := bounds.Min.X; x < bounds.Max.X; x++ {
				r0, g0, b0, _ := incremental.At(x, y).RGBA()
				r1, g1, b1, _ := full.At(x, y).RGBA()
				if r0 != r1 || g0 != g1 || b0 != b1 {
					diff++
					box = box.Union(image.Rect(x, y, x+1, y+1))
				}
			}
		}
		if diff > 0 {
			t.Errorf("%s at cycle %d: %d pixels differ between the incrementally drawn frame and a full redraw, within %v (screenshots in .build/screenshots)",
				name, st.Accelerator.Cycle, diff, box)
		}
	}
}

// TestBrowserVizOnATablet opens the views as a tablet shows them: 768×1024
// CSS pixels at two device pixels each, with touch. The canvas draws at
// device resolution (crisp text and edges), the array fits the screen
// with cells large enough to tap, every cell is found at its place in the
// screenshot, and a tap on a PE shows its numbers as hover does with a
// mouse.
func TestBrowserVizOnATablet(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 768, 1024)
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(768, 1024, chromedp.EmulateScale(2), chromedp.EmulateTouch, chromedp.EmulatePortrait)); err != nil {
		t.Fatal(err)
	}
	openViz(t, b, url)
	vizCall(t, b, `setPlatform("eyeriss")`)
	nextFrames(t, b, 3)
	size := eval[[]float64](t, b, `(() => { const c = document.querySelector("canvas"), r = c.getBoundingClientRect(); return [c.width, c.height, r.width, r.height, devicePixelRatio] })()`)
	if size[4] != 2 || size[0] != size[2]*2 || size[1] != size[3]*2 {
		t.Fatalf("canvas %v×%v device pixels for %v×%v CSS pixels at ratio %v: not drawn at device resolution", size[0], size[1], size[2], size[3], size[4])
	}
	g := eval[peGrid](t, b, `JSON.parse(dianViz.layout())`)
	if len(g.Cells) != 168 {
		t.Fatalf("eyeriss shows %d cells", len(g.Cells))
	}
	img := b.screenshot(t, "tablet")
	scale := float64(img.Bounds().Dx()) / 768 // the screenshot is in device pixels
	found := 0
	for _, c := range g.Cells {
		if c[0] < 0 || c[1] < 0 || c[0]+c[2] > 768 || c[1]+c[3] > 1024 {
			t.Fatalf("cell %v lies off the 768×1024 screen", c)
		}
		// Big enough to tap: upright, the panels go under the array
		// (beside it, these cells were 17 px).
		if c[2] < 24 || c[3] < 24 {
			t.Fatalf("cell %v is too small to tap", c)
		}
		if near(img.At(int((c[0]+c[2]/2)*scale), int((c[1]+c[3]/2)*scale)), g.CellRGB) {
			found++
		}
	}
	if found != len(g.Cells) {
		t.Errorf("found %d of %d cells at their places in the screenshot", found, len(g.Cells))
	}
	// Tap PE (2, 5).
	c := g.Cells[2*g.Cols+5]
	pt := []*input.TouchPoint{{X: c[0] + c[2]/2, Y: c[1] + c[3]/2}}
	if _, err := chromedp.Call(b.ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: pt}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}}); err != nil {
		t.Fatal(err)
	}
	st := waitVizState(t, b, "the tap's text", func(s viz.SceneState) bool { return s.Hover != "" })
	if !strings.HasPrefix(st.Hover, "PE (2, 5)") {
		t.Errorf("a tap on PE (2, 5) shows %q", st.Hover)
	}
}
