//go:build !js

package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focused names what has the keyboard focus: the element's id in the page,
// or "canvas" when it is the view's canvas inside its frame.
const focused = `(() => {
  const a = document.activeElement;
  if (a && a.id === "viz") {
    const inner = a.contentDocument.activeElement;
    return inner && inner.tagName === "CANVAS" ? "canvas" : "viz";
  }
  return a ? a.id || a.tagName : "";
})()`

// The accelerator view in every hand: Tab reaches the canvas and leaves
// it again (forwards and backwards), the canvas shows that it has the
// focus, and the buttons under it drive the view by keyboard and click.
func TestBrowserViewControlsAndKeyboard(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 900)
	if state := b.open(t, url); state != "idle" {
		t.Fatalf("page state %q", state)
	}
	checkPEArray(t, b, "zc706") // the view has started
	press := func(keys string, opts ...chromedp.KeyOption) {
		t.Helper()
		if err := chromedp.Do(b.ctx, chromedp.KeyEvent(keys, opts...)); err != nil {
			t.Fatal(err)
		}
	}
	canvasStyle := `document.getElementById("viz").contentDocument.querySelector("canvas").style.outline`
	// Into the canvas, then Tab: the focus leaves it for the first control under it.
	eval[bool](t, b, `(document.getElementById("viz").contentDocument.querySelector("canvas").focus(), true)`)
	if got := eval[string](t, b, focused); got != "canvas" {
		t.Fatalf("focus is on %q, want the canvas", got)
	}
	if ti := eval[string](t, b, `document.getElementById("viz").contentDocument.querySelector("canvas").getAttribute("tabindex")`); ti != "0" {
		t.Errorf("canvas tabindex %q, want 0 (a positive tabindex reorders the page's focus)", ti)
	}
	view0 := eval[string](t, b, `JSON.parse(dianPage.viz.state()).view`)
	press(kb.Tab)
	if got := eval[string](t, b, focused); got != "vc-view" {
		t.Errorf("Tab from the canvas moved the focus to %q, want vc-view", got)
	}
	if v := eval[string](t, b, `JSON.parse(dianPage.viz.state()).view`); v != view0 {
		t.Errorf("Tab switched the view from %s to %s", view0, v)
	}
	if ring := eval[string](t, b, canvasStyle); ring != "" && ring != "none" {
		t.Errorf("the canvas keeps its focus ring (outline %q) after the focus left", ring)
	}
	press(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
	if got := eval[string](t, b, focused); got != "canvas" {
		t.Errorf("Shift+Tab from vc-view moved the focus to %q, want the canvas", got)
	}
	if ring := eval[string](t, b, canvasStyle); ring == "" || ring == "none" {
		t.Errorf("the focused canvas shows no focus ring (outline %q)", ring)
	}
	press(kb.Escape)
	if got := eval[string](t, b, focused); got == "canvas" {
		t.Errorf("Escape left the focus on the canvas")
	}

	// The buttons, by keyboard (Enter on a focused button) and by click.
	eval[bool](t, b, `(document.getElementById("vc-play").focus(), true)`)
	press(kb.Enter)
	if playing := eval[bool](t, b, `JSON.parse(dianPage.viz.state()).accelerator.playing`); !playing {
		t.Errorf("Enter on Play did not start the animation")
	}
	if label := eval[string](t, b, `document.getElementById("vc-play").textContent`); label != "Pause the layer" {
		t.Errorf("the playing view's button says %q, want Pause the layer", label)
	}
	layer0 := eval[int](t, b, `JSON.parse(dianPage.viz.state()).accelerator.layer`)
	eval[bool](t, b, `(document.getElementById("vc-next").click(), true)`)
	if l := eval[int](t, b, `JSON.parse(dianPage.viz.state()).accelerator.layer`); l == layer0 {
		t.Errorf("Layer ▶ left the view on layer %d", l)
	}
	eval[bool](t, b, `(document.getElementById("vc-view").click(), true)`)
	if v := eval[string](t, b, `JSON.parse(dianPage.viz.state()).view`); v != "search" {
		t.Errorf("the view button showed %q, want the search view", v)
	}
	if dis := eval[bool](t, b, `document.getElementById("vc-play").disabled`); !dis {
		t.Errorf("Play is enabled in the search view, where it does nothing")
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// Enter on Play starts the search and leaves the keyboard focus on Pause
// (Play is disabled while the search runs); Enter on Pause hands it back
// to Play, which now resumes. Before, a disabled button dropped the focus
// to the page.
func TestBrowserRunButtonsKeepKeyboardFocus(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 900)
	b.open(t, url+"#v=2&dataset=digits8&epochs=20&finetune=1&accelsteps=20&finalsteps=100")
	press := func(key string) {
		t.Helper()
		if err := chromedp.Do(b.ctx, chromedp.KeyEvent(key)); err != nil {
			t.Fatal(err)
		}
	}
	eval[bool](t, b, `(document.getElementById("play").focus(), true)`)
	press(kb.Enter)
	waitState(t, b, time.Minute, "running")
	if got, err := chromedp.Run(b.ctx, chromedp.Poll[string](`document.activeElement && document.activeElement.id === "pause" ? "pause" : null`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("after Enter on Play the focus is on %q, want pause (%v)", eval[string](t, b, focused), got)
	}
	press(kb.Enter)
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.activeElement && document.activeElement.id === "play" && document.getElementById("play").textContent === "Resume"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("after Enter on Pause the focus is on %q, want Play showing Resume", eval[string](t, b, focused))
	}
	eval[bool](t, b, `(document.getElementById("stop").click(), true)`)
	waitState(t, b, time.Minute, "idle")
}
