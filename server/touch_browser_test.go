//go:build !js

package main

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// tap touches the middle of the element with the given id, scrolled into
// view first, as a finger would: a touch start and a touch end.
func (b *browser) tap(t *testing.T, id string) {
	t.Helper()
	r := eval[[]float64](t, b, `(() => { const e = document.getElementById("`+id+`"); e.scrollIntoView({ block: "center" });
		const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2, r.width, r.height]; })()`)
	if r[2] < 24 || r[3] < 24 {
		t.Errorf("#%s is %.0f × %.0f CSS px: too small for a finger (at least 24 × 24)", id, r[2], r[3])
	}
	pt := []*input.TouchPoint{{X: r[0], Y: r[1]}}
	for _, ev := range []struct {
		typ input.DispatchTouchEventType
		pts []*input.TouchPoint
	}{{input.DispatchTouchEventTypeTouchStart, pt}, {input.DispatchTouchEventTypeTouchEnd, []*input.TouchPoint{}}} {
		if _, err := chromedp.Call(b.ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: ev.typ, TouchPoints: ev.pts}); err != nil {
			t.Fatal(err)
		}
	}
}

// A tablet held upright, by touch alone: the views come first, Play runs
// the search, and after it the found design's animation is one tap away
// (switch to the accelerator view if the search view is up), then plays
// and changes layer under the finger.
func TestBrowserTouchPass(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 768, 1024)
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(768, 1024, chromedp.EmulateScale(2), chromedp.EmulateTouch, chromedp.EmulatePortrait)); err != nil {
		t.Fatal(err)
	}
	if state := b.open(t, url+"#"+quickSearch); state != "idle" {
		t.Fatalf("page state %q", state)
	}
	// Upright, the view is above the controls.
	if above := eval[bool](t, b, `document.querySelector(".view").getBoundingClientRect().top < document.querySelector(".panel").getBoundingClientRect().top`); !above {
		t.Errorf("on a 768 px wide screen the settings come before the views")
	}
	b.tap(t, "play")
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("the search ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	// The view may still be loading on a busy machine; its buttons are
	// enabled once it has joined.
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`!document.getElementById("vc-view").disabled || null`, chromedp.WithPollingTimeout(3*time.Minute))); err != nil {
		t.Fatalf("the view's controls never became usable: %v", err)
	}
	viewState := func() (view, source string) {
		st := eval[map[string]any](t, b, `JSON.parse(dianPage.viz.state())`)
		acc, _ := st["accelerator"].(map[string]any)
		v, _ := st["view"].(string)
		s, _ := acc["source"].(string)
		return v, s
	}
	taps := 0
	if v, _ := viewState(); v != "accelerator" {
		b.tap(t, "vc-view")
		taps++
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`JSON.parse(dianPage.viz.state()).view === "accelerator" || null`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("after %d tap(s) the view is not the accelerator's", taps)
	}
	if _, src := viewState(); src != "result" {
		t.Errorf("the accelerator view shows %q, want the found design (result)", src)
	}
	b.tap(t, "vc-play")
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`JSON.parse(dianPage.viz.state()).accelerator.cycle > 0 || null`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Errorf("a tap on Play did not play the layer")
	}
	layer := eval[float64](t, b, `JSON.parse(dianPage.viz.state()).accelerator.layer`)
	b.tap(t, "vc-next")
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`JSON.parse(dianPage.viz.state()).accelerator.layer !== `+strconv.FormatFloat(layer, 'f', -1, 64)+` || null`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("a tap on the next-layer button left layer %v", layer)
	}
	b.screenshot(t, "after")
}
