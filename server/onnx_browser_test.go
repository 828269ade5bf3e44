//go:build !js

package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// An ONNX model chosen with the page's file input (as a person would) is
// costed on the chosen platform: the page reports its layers and MACs, the
// per-layer table lists every layer, and the accelerator view plays them.
func TestBrowserCostsAnONNXModel(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 900)
	b.open(t, url+"#v=2&platform=eyeriss")
	model, err := filepath.Abs(filepath.Join(repoRoot, "core", "accel", "onnx", "testdata", "mobilenetv2_tiny.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.SetUploadFiles("#onnx-file", []string{model})); err != nil {
		t.Fatal(err)
	}
	type costed struct {
		Name   string
		Layers int
		MACs   int64
		FPS    float64
	}
	c, err := chromedp.Run(b.ctx, chromedp.Poll[costed](`window.dianCosted || null`, chromedp.WithPollingTimeout(time.Minute)))
	if err != nil {
		t.Fatalf("the model was not costed: %v (status %q, console %q)", err, eval[string](t, b, `document.getElementById("status").textContent`), b.errors())
	}
	rows := eval[int](t, b, `[...document.querySelectorAll("#result-body h3")].find((h) => h.textContent.startsWith("Per layer")).nextElementSibling.nextElementSibling.querySelectorAll("tbody tr").length`)
	summary := eval[string](t, b, `document.getElementById("summary").textContent`)
	if c.Layers != 20 || c.MACs != 742656 || c.FPS <= 0 || rows != 20 {
		t.Errorf("costed %+v with %d per-layer rows; want 20 layers and 742,656 MACs (summary %q)", c, rows, summary)
	}
	// The view has the design: its layers are the model's.
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`(() => { try { const a = JSON.parse(window.dianPage.viz.state()).accelerator; return a.source === "result" && a.layers.includes("conv1"); } catch (e) { return false; } })()`,
		chromedp.WithPollingTimeout(90*time.Second))); err != nil {
		t.Errorf("the accelerator view does not show the model's layers: %v (state %.300s)", err, eval[string](t, b, `(() => { try { return window.dianPage.viz.state(); } catch (e) { return String(e); } })()`))
	}
	// Its row-stationary design has Timeloop's export but not SCALE-Sim's,
	// and the button says why.
	if !eval[bool](t, b, `!document.getElementById("export-timeloop").disabled && document.getElementById("export-scalesim").disabled && document.getElementById("export-scalesim").title.includes("(rs)")`) {
		t.Errorf("exports for a row-stationary design: Timeloop disabled, or SCALE-Sim enabled or silent (title %q)", eval[string](t, b, `document.getElementById("export-scalesim").title`))
	}
	t.Logf("%s", summary)
}
