//go:build !js

package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A result never stands under settings it did not come from: changing a
// setting after a search marks the result as coming from other settings,
// and changing it back (or running again) clears the mark.
func TestBrowserResultMarkedStaleWhenSettingsChange(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 900)
	if s := b.open(t, url+"#v=2&dataset=digits8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100&seed=3&run=1"); s == "loading" {
		t.Fatalf("page state %q", s)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.body.dataset.state === "done"`, chromedp.WithPollingTimeout(3*time.Minute))); err != nil {
		t.Fatalf("the search did not finish: %v (console: %q)", err, b.errors())
	}
	stale := func() bool { return !eval[bool](t, b, `document.getElementById("results-stale").hidden`) }
	setSeed := func(v string) {
		eval[bool](t, b, `(() => { const s = document.getElementById("seed"); s.value = "`+v+`"; s.dispatchEvent(new Event("change")); return true; })()`)
		if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`location.hash.includes("seed=`+v+`&")`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			t.Fatalf("the link did not follow seed %s: %v", v, err)
		}
	}
	if stale() {
		t.Fatal("a fresh result is marked as coming from other settings")
	}
	setSeed("4")
	if !stale() {
		t.Error("after the seed changed, the result is not marked as coming from other settings")
	}
	setSeed("3")
	if stale() {
		t.Error("back on the result's own settings, the mark stays")
	}
}
