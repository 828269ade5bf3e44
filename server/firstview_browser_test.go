//go:build !js

package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dian-explorer/dian/core/accel"
)

// The first view is light and says what to do: it fetches no page.wasm
// until the visitor acts, sketches the platform's PE array in its place,
// introduces co-search, lists the lessons before the settings, names the
// settings for people (the URL key in small print) and folds the advanced
// ones. A key press loads the live view.
func TestBrowserFirstViewIsLight(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 900)
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[string](`document.body.dataset.state === "idle" ? "idle" : null`,
		chromedp.WithPollingTimeout(90*time.Second))); err != nil {
		t.Fatalf("the page did not become idle: %v (console %q)", err, b.errors())
	}
	time.Sleep(500 * time.Millisecond) // anything the page fetches on its own has started by now
	fetched := eval[[]string](t, b, `performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname)`)
	for _, f := range fetched {
		if f == "/page.wasm" || f == "/viz.html" {
			t.Errorf("the first view fetched %s before the visitor did anything (%q)", f, fetched)
		}
	}
	p, _ := accel.Preset(accel.DefaultPreset)
	if caption := eval[string](t, b, `document.getElementById("preview-caption").textContent`); !strings.Contains(caption, fmt.Sprintf("%d × %d", p.Rows, p.Cols)) {
		t.Errorf("the stand-in says %q; want the %s array, %d × %d", caption, p.Name, p.Rows, p.Cols)
	}
	// The sketch is drawn: the middle row of the canvas crosses PE cells.
	if n := eval[int](t, b, `(() => { const c = document.getElementById("preview-canvas");
		const d = c.getContext("2d").getImageData(0, Math.floor(c.height / 2) - 3, c.width, 1).data;
		let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === 0xc9 && d[i + 1] === 0xd6 && d[i + 2] === 0xdf) n++;
		return n; })()`); n < 10 {
		t.Errorf("the stand-in's middle row has %d pixels of PE cells: no array drawn", n)
	}
	ready, first := eval[float64](t, b, `window.dianReadySeconds || 0`), eval[float64](t, b, `window.dianFirstArraySeconds || 0`)
	if ready <= 0 || first <= 0 {
		t.Errorf("controls ready at %.2f s, array drawn at %.2f s", ready, first)
	}
	t.Logf("first view: controls usable %.2f s and the array sketched %.2f s after navigation; fetched %d files", ready, first, len(fetched))

	// What a newcomer reads first.
	order := eval[string](t, b, `[...document.querySelectorAll(".panel > section#intro, .panel > h2, .panel > form")].map((e) => e.id || e.textContent).join("|")`)
	if !strings.HasPrefix(order, "intro|Lessons|Settings|settings") {
		t.Errorf("the panel reads %q; want the introduction, then the lessons, then the settings", order)
	}
	if label := eval[string](t, b, `document.querySelector("label[for=lambda]").textContent`); !strings.HasPrefix(label, "Hardware weight λ") || !strings.HasSuffix(label, "lambda") {
		t.Errorf("the lambda setting is labelled %q; want its human name and the key in small print", label)
	}
	if open := eval[bool](t, b, `document.getElementById("advanced").open || document.getElementById("tau0").checkVisibility()`); open {
		t.Errorf("the advanced settings are not folded")
	}

	// A key press is an intent: the live view loads and replaces the sketch.
	if err := chromedp.Do(b.ctx, chromedp.KeyEvent("\u0010")); err != nil { // Shift: changes nothing
		t.Fatal(err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.getElementById("viz-preview").hidden || null`,
		chromedp.WithPollingTimeout(3*time.Minute))); err != nil {
		t.Fatalf("the live view did not replace the sketch after a key press: %v (dianVizError %q)", err, eval[string](t, b, `String(window.dianVizError)`))
	}
	checkPEArray(t, b, accel.DefaultPreset)
}
