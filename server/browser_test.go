//go:build !js

package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dian-explorer/dian/core/accel"
)

// browser is a headless Chromium driven by chromedp, with every console
// message and browser-log entry of the page collected.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
}

// newBrowser starts Debian's Chromium with the flags this machine needs
// for WebGL 2 in software (see docs/METHOD.md §8.4).
// A missing Chromium fails the test: .ci/run installs it.
func newBrowser(t *testing.T, width, height int64) *browser {
	t.Helper()
	exe, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed (apt-get install -y chromium; .ci/run does this)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	t.Cleanup(cancel)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Flag("headless", true), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx)
	t.Cleanup(tcancel)
	b := &browser{ctx: tctx}
	msgs := chromedp.Console(tctx) // starts the browser
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.messages = append(b.messages, m)
			b.mu.Unlock()
		}
	}()
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return b
}

// errors returns the console errors and exceptions seen so far. WebGL's
// "GPU stall due to ReadPixels" performance notes are not errors of ours.
func (b *browser) errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, m := range b.messages {
		if (m.Type == chromedp.ConsoleError || m.IsException()) && !strings.Contains(m.Text, "GPU stall due to ReadPixels") {
			out = append(out, fmt.Sprintf("%s (%s:%d)", m.String(), m.URL, m.Line))
		}
	}
	return out
}

// open navigates to url and waits until the page leaves the loading state,
// returning the state it reached.
func (b *browser) open(t *testing.T, url string) string {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigating to %s: %v", url, err)
	}
	state, err := chromedp.Run(b.ctx, chromedp.Poll[string](
		`document.body && document.body.dataset.state !== "loading" ? document.body.dataset.state : null`,
		chromedp.WithPollingTimeout(90*time.Second)))
	if err != nil {
		t.Fatalf("waiting for %s to load: %v (console: %q)", url, err, b.errors())
	}
	// A visitor touches the page, which loads the live view (until then
	// a sketch of the array stands in for it; TestBrowserFirstViewIsLight).
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`document.dispatchEvent(new PointerEvent("pointerdown"))`)); err != nil {
		t.Fatal(err)
	}
	return state
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// screenshot captures the viewport and keeps it as <test>-<label>.png.
func (b *browser) screenshot(t *testing.T, label string) image.Image {
	t.Helper()
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, label, shot)
	return img
}

// saveScreenshot keeps the screenshot under .build/screenshots for the
// README and for a person to look at after a failure.
func saveScreenshot(t *testing.T, label string, shot []byte) {
	dir := filepath.Join(repoRoot, ".build", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err == nil {
		name := strings.NewReplacer("/", "-", " ", "_").Replace(t.Name()+"-"+label) + ".png"
		_ = os.WriteFile(filepath.Join(dir, name), shot, 0o644)
	}
}

// peGrid is what window.dianPEGrid() reports: the cells the canvas draws,
// in page pixels, and the colours it draws them in.
type peGrid struct {
	Platform   string       `json:"platform"`
	Rows       int          `json:"rows"`
	Cols       int          `json:"cols"`
	Cells      [][4]float64 `json:"cells"`
	CellRGB    [3]uint8     `json:"cellRGB"`
	Background [3]uint8     `json:"backgroundRGB"`
}

func near(c color.Color, rgb [3]uint8) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { v := int(x>>8) - int(y); return v >= -3 && v <= 3 }
	return d(r, rgb[0]) && d(g, rgb[1]) && d(b, rgb[2])
}

// countPECells samples the screenshot at every cell's centre and just past
// its right edge: a cell counts when its centre has the PE colour and the
// gap beside it the background colour, so a blank or smeared canvas fails.
func countPECells(img image.Image, g peGrid) int {
	n := 0
	for _, c := range g.Cells {
		cx, cy := int(c[0]+c[2]/2), int(c[1]+c[3]/2)
		gx := int(c[0] + c[2] + 1)
		if near(img.At(cx, cy), g.CellRGB) && near(img.At(gx, cy), g.Background) {
			n++
		}
	}
	return n
}

// checkPEArray asserts that the page shows the PE array of platform name.
func checkPEArray(t *testing.T, b *browser, name string) {
	t.Helper()
	p, err := accel.Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	// The view (page.wasm) may still be loading when the page is idle: the
	// page does not wait for it. On a loaded machine that takes a while, so
	// wait generously, but stop at once if the page says the view failed.
	var g peGrid
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if msg := eval[string](t, b, `window.dianVizError || ""`); msg != "" {
			t.Fatalf("the accelerator view failed: %s (console: %q)", msg, b.errors())
		}
		g = eval[peGrid](t, b, `typeof window.dianPEGrid === "function" ? window.dianPEGrid() : {}`)
		if g.Platform == name || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s := eval[float64](t, b, `window.dianVizSeconds || 0`); s > 0 {
		t.Logf("the accelerator view drew its first frame %.1f s after the page opened", s)
	}
	if g.Platform != name || g.Rows != p.Rows || g.Cols != p.Cols || len(g.Cells) != p.PEs() {
		t.Fatalf("the view reports %s %d×%d with %d cells, want %s %d×%d", g.Platform, g.Rows, g.Cols, len(g.Cells), name, p.Rows, p.Cols)
	}
	// The layout is applied on the next frame; give Ebiten a few (many on
	// a loaded machine, where SwiftShader's frames come late).
	var got int
	for range 80 {
		if got = countPECells(b.screenshot(t, name), g); got == p.PEs() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("%s: found %d of %d PE cells in the screenshot", name, got, p.PEs())
}

// startServer runs the real server (run, as `go run ./server` does) on a
// free port and returns its URL.
func startServer(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	exited := make(chan struct{})
	var err error
	go func() {
		defer close(exited)
		err = run(ctx, []string{"-root", repoRoot, "-build", testBuild, "-addr", "127.0.0.1:0", "-brotli=false"}, &bytes.Buffer{}, &bytes.Buffer{}, ready)
	}()
	t.Cleanup(func() { cancel(); <-exited })
	select {
	case url := <-ready:
		return url
	case <-exited:
		t.Fatalf("server did not start: %v", err)
	}
	return ""
}

func TestBrowserPageLoads(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 720)
	if state := b.open(t, url); state != "idle" {
		t.Fatalf("page state %q, want idle; dianError = %q; console: %q", state, eval[string](t, b, `String(window.dianError)`), b.errors())
	}
	// The worker answered the ping with the presets its core knows.
	if got := eval[string](t, b, `window.dianWorkerPing.type + " " + window.dianWorkerPing.platforms.length`); got != fmt.Sprintf("pong %d", len(accel.Presets())) {
		t.Errorf("worker ping = %q", got)
	}
	status := eval[string](t, b, `document.getElementById("status").textContent`)
	if !strings.HasPrefix(status, "Ready") || !strings.Contains(status, "Web Worker") {
		t.Errorf("status line %q does not say the core is ready", status)
	}
	checkPEArray(t, b, accel.DefaultPreset)

	// Choosing another platform redraws the array with its shape.
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](
		`(() => { const s = document.getElementById("platform"); s.value = "eyeriss"; s.dispatchEvent(new Event("change")); })()`)); err != nil {
		t.Fatal(err)
	}
	checkPEArray(t, b, "eyeriss")
	if facts := eval[string](t, b, `document.getElementById("platform-facts").textContent`); !strings.Contains(facts, "12 × 14 = 168 PEs") {
		t.Errorf("platform facts %q do not describe the Eyeriss array", facts)
	}
	if fps := eval[float64](t, b, `window.dianStats.fps`); fps <= 0 {
		t.Errorf("dianStats.fps = %v, want frames being drawn", fps)
	} else {
		repaints := eval[float64](t, b, `window.dianStats.repaints`)
		if repaints < 0 || repaints > fps {
			t.Errorf("dianStats.repaints = %v of %v frames", repaints, fps)
		}
		t.Logf("canvas draws %.0f frames/s in headless Chromium, %.0f of them repainted", fps, repaints)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// TestBrowserExportedSite loads the page from `-export` output served by a
// plain static file server, as a static host or CDN would serve it.
func TestBrowserExportedSite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if err := run(context.Background(), []string{"-root", repoRoot, "-build", testBuild, "-export", dir}, &bytes.Buffer{}, &bytes.Buffer{}, nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	b := newBrowser(t, 1024, 700)
	if state := b.open(t, srv.URL+"/"); state != "idle" {
		t.Fatalf("exported page state %q; console: %q", state, b.errors())
	}
	checkPEArray(t, b, accel.DefaultPreset)
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}
