//go:build !js

package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// resumeSearch runs longer in the tab than the worker's checkpoint
// interval (5 s), so it keeps a checkpoint before it ends.
const resumeSearch = "v=2&dataset=digits8&epochs=8&finetune=2&accelsteps=20&finalsteps=100"

// The tab remembers a running search: reloaded mid-search, a run=1 link
// continues from the checkpoint the page kept in IndexedDB; stopped, and
// the page opened again, it offers to resume. Either way the result is
// the native, uninterrupted one. Finished results are kept side by side
// and can be forgotten.
func TestBrowserResumesAfterReload(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 900)
	b.open(t, url+"#"+resumeSearch+"&run=1")
	step, err := chromedp.Run(b.ctx, chromedp.Poll[int](
		`window.dianCheckpoint ? window.dianCheckpoint.step : (document.body.dataset.state === "done" ? -1 : null)`,
		chromedp.WithPollingTimeout(3*time.Minute)))
	if err != nil || step <= 0 {
		t.Fatalf("no checkpoint kept while the search ran (step %d, %v; console %q)", step, err, b.errors())
	}
	// A reload ends the worker as a crash or a closed tab would.
	if err := chromedp.Do(b.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if state := waitState(t, b, 90*time.Second, "running", "done", "error"); state == "error" {
		t.Fatalf("after the reload: %s", eval[string](t, b, `String(window.dianError)`))
	}
	from := eval[int](t, b, `window.dianResumedFrom || 0`)
	if from < step {
		t.Fatalf("after the reload the search started at step %d; the kept checkpoint was at step %d", from, step)
	}
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("the resumed search ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	want, _ := nativeResult(t, resumeSearch)
	checkResult(t, b, want, "reloaded at step", from)
	if eval[bool](t, b, `window.dianCheckpoint !== undefined`) {
		t.Error("the finished search's checkpoint is still kept")
	}

	// Stopped, then the page opened again without a link: the page offers
	// the saved search, and Resume finishes it.
	const second = resumeSearch + "&seed=2"
	// A fresh page (a new fragment alone would keep the finished one's state).
	if err := chromedp.Do(b.ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	b.open(t, url+"#"+second+"&run=1")
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.getElementById("p-step").textContent !== "—"`, chromedp.WithPollingTimeout(2*time.Minute))); err != nil {
		t.Fatalf("no progress: %v", err)
	}
	click(t, b, "stop")
	waitState(t, b, time.Minute, "idle")
	b.open(t, url)
	offer, err := chromedp.Run(b.ctx, chromedp.Poll[string](
		`document.getElementById("resume-offer").hidden ? null : document.getElementById("resume-text").textContent`,
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil || !strings.Contains(offer, "stopped at step") || !strings.Contains(offer, "seed=2") {
		t.Fatalf("opened again after Stop, the page offers %q (%v); want the stopped search", offer, err)
	}
	click(t, b, "resume-search")
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("the resumed search ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	want2, _ := nativeResult(t, second)
	checkResult(t, b, want2, "stopped at step", eval[int](t, b, `window.dianResumedFrom || 0`))

	// Both results are kept, side by side, and the settings column names
	// the key in which they differ.
	if n := eval[int](t, b, `window.dianKept || 0`); n != 2 {
		t.Errorf("%d results kept, want 2", n)
	}
	if cells := eval[string](t, b, `[...document.querySelectorAll("#kept tbody td:first-child")].map((td) => td.textContent).join(" | ")`); cells != "seed=2 | seed=1" {
		t.Errorf("kept results' settings column: %q, want %q", cells, "seed=2 | seed=1")
	}
	click(t, b, "clear-kept")
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`window.dianKept === 0 && document.getElementById("kept").hidden`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("Forget did not clear the kept results: %v", err)
	}
}

// click presses the button with the given id as a person would (a real
// mouse event at its centre).
func click(t *testing.T, b *browser, id string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Click("#"+id)); err != nil {
		t.Fatalf("clicking #%s: %v", id, err)
	}
}

// checkResult compares the page's result with want, naming how the search
// was interrupted.
func checkResult(t *testing.T, b *browser, want map[string]any, how string, step int) {
	t.Helper()
	got := withoutTiming(t, []byte(eval[string](t, b, `JSON.stringify(window.dianResult)`)))
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		t.Errorf("%s %d and resumed, the browser's result differs from the native one:\nbrowser %.600s\n native %.600s", how, step, gj, wj)
	} else {
		t.Logf("%s %d and resumed: the native result", how, step)
	}
}
