//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/viz"
)

// quickSearch is the 8×8 digits search the browser tests run, from the
// shipped snapshot: a few seconds natively, about twice that in the worker.
const quickSearch = "v=1&dataset=digits8&epochs=1&warmup=1&finetune=1&accelsteps=20&finalsteps=100"

// nativeResult runs a fragment's search in this process as `dian search
// -json` does and returns the result as generic JSON without its timing.
func nativeResult(t *testing.T, fragment string) (map[string]any, float64) {
	t.Helper()
	link, err := share.Parse(fragment)
	if err != nil {
		t.Fatal(err)
	}
	in, err := search.LoadInput(os.DirFS(filepath.Join(repoRoot, "assets")), link.Config)
	if err != nil {
		t.Fatal(err)
	}
	res, err := search.Run(context.Background(), link.Config, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return withoutTiming(t, b), res.Timing.TotalSeconds
}

func withoutTiming(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("result is not JSON: %v\n%.300s", err, b)
	}
	delete(m, "timing")
	return m
}

// waitState polls until the page reaches one of the states.
func waitState(t *testing.T, b *browser, timeout time.Duration, states ...string) string {
	t.Helper()
	list, _ := json.Marshal(states)
	state, err := chromedp.Run(b.ctx, chromedp.Poll[string](
		`(`+string(list)+`).includes(document.body.dataset.state) ? document.body.dataset.state : null`,
		chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		t.Fatalf("waiting for state %v: %v (state %q, dianError %q, console %q)", states, err,
			eval[string](t, b, `document.body.dataset.state`), eval[string](t, b, `String(window.dianError)`), b.errors())
	}
	return state
}

// frames is how smoothly the page drew over a stretch of time.
type frames struct {
	FPS      float64 `json:"fps"`      // requestAnimationFrame callbacks per second
	MaxGapMs float64 `json:"maxGapMs"` // the longest time between two of them
}

// frameRate counts requestAnimationFrame callbacks on the page for up to
// ms milliseconds, or until the page leaves state while (when not empty).
func frameRate(t *testing.T, b *browser, while string, ms int) frames {
	t.Helper()
	js := fmt.Sprintf(`new Promise((resolve) => {
  const t0 = performance.now(); let n = 0, last = t0, gap = 0;
  const tick = (now) => {
    n++; gap = Math.max(gap, now - last); last = now;
    const dt = performance.now() - t0;
    if ((%q === "" || document.body.dataset.state === %q) && dt < %d) requestAnimationFrame(tick);
    else resolve({ fps: n / (dt / 1000), maxGapMs: gap });
  };
  requestAnimationFrame(tick);
})`, while, while, ms)
	f, err := chromedp.Run(b.ctx, chromedp.Evaluate[frames](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestExplorerSearchMatchesNative(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 900)
	start := time.Now()
	if state := b.open(t, url+"#"+quickSearch+"&run=1"); state != "running" && state != "done" {
		t.Fatalf("a run=1 link left the page %q (dianError %q)", state, eval[string](t, b, `String(window.dianError)`))
	}
	fps := frameRate(t, b, "running", 4000)
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("search ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	wall := time.Since(start)
	got := withoutTiming(t, []byte(eval[string](t, b, `JSON.stringify(window.dianResult)`)))
	workerSeconds := eval[float64](t, b, `window.dianResult.timing.total_s`)
	want, nativeSeconds := nativeResult(t, quickSearch)
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		t.Errorf("the browser's result differs from the native one:\nbrowser %.600s\n native %.600s", gj, wj)
	}
	if n := eval[int](t, b, `window.dianONNXBytes || 0`); n < 10000 || eval[bool](t, b, `document.getElementById("download-onnx").disabled`) {
		t.Errorf("the found network's ONNX model is %d bytes, or its download is disabled", n)
	}
	idle := frameRate(t, b, "", 2000)
	t.Logf("search: %.2f s in the worker, %.2f s natively (page open to done: %.1f s); the page drew %.0f frames/s (longest gap %.0f ms) while it ran, %.0f frames/s (%.0f ms) after",
		workerSeconds, nativeSeconds, wall.Seconds(), fps.FPS, fps.MaxGapMs, idle.FPS, idle.MaxGapMs)
	if fps.FPS <= 0 {
		t.Errorf("the page drew no frames while the search ran")
	}

	// The found design exports to Timeloop's and SCALE-Sim's files, as
	// dian export writes them (the page downloads them as a zip).
	tables := map[string]string{}
	for _, format := range []string{"timeloop", "scalesim"} {
		if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](
			`window.dianExport = null; document.getElementById("export-`+format+`").click()`)); err != nil {
			t.Fatal(err)
		}
		table, err := chromedp.Run(b.ctx, chromedp.Poll[string](
			`window.dianExport && window.dianExport.format === "`+format+`" ? window.dianExport.table : null`,
			chromedp.WithPollingTimeout(30*time.Second)))
		if err != nil {
			t.Fatalf("export to %s: %v (dianError %q)", format, err, eval[string](t, b, `String(window.dianError)`))
		}
		if rows := strings.Count(table, "\n"); !strings.HasPrefix(table, "layer,chunk,") || rows < 2 {
			t.Errorf("export to %s: table %q", format, table)
		}
		tables[format] = table
	}

	// Every number of the result stands in the DOM.
	text := eval[string](t, b, `document.getElementById("results").innerText`)
	for _, want := range []string{"Accuracy", "FPS", "EDP", "BRAM18", "Per layer", "stem", got["network"].(map[string]any)["ops"].([]any)[0].(string)} {
		if !strings.Contains(text, want) {
			t.Errorf("the results panel does not show %q", want)
		}
	}
	// The view got the progress events and the result.
	view := eval[string](t, b, `(() => { const s = JSON.parse(document.getElementById("viz").contentWindow.dianViz.state()).search;
		return s.events + " " + (s.last ? s.last.phase : "none"); })()`)
	if events, phase, _ := strings.Cut(view, " "); events == "0" || phase != "done" {
		t.Errorf("the view received %s progress events, the last in phase %s; want several ending in done", events, phase)
	}
	// The accelerator view's numbers stand in the DOM too.
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("view-text").open = true`)); err != nil {
		t.Fatal(err)
	}
	if text, err := chromedp.Run(b.ctx, chromedp.Poll[string](`document.getElementById("view-text-body").innerText || null`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil || !strings.Contains(text, "PE array") || !strings.Contains(text, "Dataflow") {
		t.Errorf("the view as text says %q (%v), want the PE array and dataflow", text, err)
	}
	checkOneTruth(t, b, tables["timeloop"])
	// The export files are there for dian export.
	if !eval[bool](t, b, `window.dianPage.networkJSON.includes('"layers"') && window.dianPage.designJSON.includes('"chunks"')`) {
		t.Errorf("the page has no network.json or design.json to download")
	}
	if live := eval[string](t, b, `document.getElementById("live").textContent`); !strings.Contains(live, "done") {
		t.Errorf("the live region says %q after the search, want it to say it is done", live)
	}
	b.screenshot(t, "done")

	// Shared with its result, the link shows the result at once, and
	// running it again here confirms it.
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("share-with-result").click(); document.getElementById("share").click()`)); err != nil {
		t.Fatal(err)
	}
	shared, err := chromedp.Run(b.ctx, chromedp.Poll[string](`window.dianShared || null`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !strings.Contains(shared, "&result=") {
		t.Fatalf("Share with the result gave %q (%v)", shared, err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if state := b.open(t, strings.Replace(shared, "&run=1", "", 1)); state != "idle" {
		t.Fatalf("the shared link left the page %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	ops := fmt.Sprint(got["network"].(map[string]any)["ops"])
	ops = strings.ReplaceAll(strings.Trim(ops, "[]"), " ", " · ")
	if carried := eval[string](t, b, `document.getElementById("carried").hidden ? "" : document.getElementById("carried").innerText`); !strings.Contains(carried, ops) {
		t.Errorf("the carried result %q does not show the network %s", carried, ops)
	}
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("play").click()`)); err != nil {
		t.Fatal(err)
	}
	waitState(t, b, time.Minute, "running", "done")
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("re-running the shared link ended in %q", state)
	}
	if v := eval[string](t, b, `document.getElementById("verify").textContent`); !strings.Contains(v, "exactly the result the link carried") {
		t.Errorf("after re-running, the page says %q", v)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func TestExplorerBadLink(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1024, 800)
	if state := b.open(t, url+"#v=1&dataset=digits8&epochs=0&run=1"); state != "error" {
		t.Fatalf("a run=1 link with epochs=0 left the page %q, want error", state)
	}
	msg := eval[string](t, b, `String(window.dianError)`)
	if !strings.Contains(msg, "epochs: ") || !strings.Contains(msg, "from 1 to 200") {
		t.Errorf("dianError %q does not name the key and what it accepts", msg)
	}
	if shown := eval[string](t, b, `document.getElementById("problem-epochs").hidden ? "" : document.getElementById("problem-epochs").textContent`); !strings.Contains(shown, "epochs") {
		t.Errorf("no problem shown beside the epochs control (%q)", shown)
	}
	// The page stays usable: fixing the value and pressing Play runs. The
	// view is taken away here, to measure the page's own frame rate while
	// the worker searches (with the view, software WebGL takes the thread).
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		window.dianPage.viz = null; document.getElementById("viz").remove();
		const e = document.getElementById("epochs"); e.value = "1"; e.dispatchEvent(new Event("change"));
		for (const [k, v] of [["finetune", "1"], ["accelsteps", "20"], ["finalsteps", "100"]]) document.getElementById(k).value = v;
		document.getElementById("play").click(); })()`)); err != nil {
		t.Fatal(err)
	}
	waitState(t, b, time.Minute, "running", "done")
	f := frameRate(t, b, "running", 4000)
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Errorf("after fixing the link the search ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	t.Logf("without the view, the page drew %.0f frames/s (longest gap %.0f ms) while the worker searched", f.FPS, f.MaxGapMs)

	// An unsupported version without run=1: a visible message, page idle.
	if err := chromedp.Do(b.ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if state := b.open(t, url+"#v=4&colour=red"); state != "idle" {
		t.Errorf("a bad link without run=1 left the page %q, want idle", state)
	}
	shown := eval[string](t, b, `document.getElementById("error").hidden ? "" : document.getElementById("error").innerText`)
	if !strings.Contains(shown, "v: ") || !strings.Contains(shown, "colour: unknown key") {
		t.Errorf("the page shows %q, want the version and the unknown key named", shown)
	}
}

func TestExplorerShareRestoresEveryControl(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1024, 800)
	opened := "v=1&dataset=fashion14&platform=eyeriss&engine=evolution&seed=42&epochs=7&pretrained=0&lambda=0.5&adapt=0&target=100-400&sampling=soft&baselines=sequential,random&lock=seed&hide=lra&lesson=tradeoff"
	if state := b.open(t, url+"#"+opened); state != "idle" {
		t.Fatalf("page state %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	link, err := share.Parse(opened)
	if err != nil {
		t.Fatal(err)
	}
	controls := func() map[string]string {
		js := `Object.fromEntries([...window.dianPage.inputs].map(([k, c]) => [k, c.get()]))`
		return eval[map[string]string](t, b, js)
	}
	// Every key's value, including those the canonical link leaves out
	// at their default (method).
	wantValues := func(l share.Link) map[string]string {
		out := map[string]string{}
		for _, k := range share.Keys {
			out[k.Name] = k.Value(l.Config)
		}
		return out
	}
	if got, want := controls(), wantValues(link); !reflect.DeepEqual(got, want) {
		t.Errorf("controls after opening the link:\n got %v\nwant %v", got, want)
	}
	// Every control has a name a screen reader can say.
	if unnamed := eval[[]string](t, b, `[...document.querySelectorAll("input, select, button, textarea")]
		.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !(e.tagName === "BUTTON" && e.textContent.trim()))
		.map((e) => e.outerHTML.slice(0, 80))`); len(unnamed) > 0 {
		t.Errorf("controls without a label: %q", unnamed)
	}
	if !eval[bool](t, b, `document.getElementById("seed").disabled && document.getElementById("lra").closest(".setting").hidden && !document.getElementById("lesson").hidden`) {
		t.Errorf("lock=seed, hide=lra or lesson=tradeoff is not applied")
	}

	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("share").click()`)); err != nil {
		t.Fatal(err)
	}
	shared, err := chromedp.Run(b.ctx, chromedp.Poll[string](`window.dianShared || null`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	_, frag, _ := strings.Cut(shared, "#")
	back, err := share.Parse(frag)
	if err != nil || back.Encode() != link.Encode() {
		t.Errorf("Share gave %q, which reads as %q (%v); want %q", shared, back.Encode(), err, link.Encode())
	}
	if frag != link.Encode() {
		t.Errorf("Share gave the fragment %q, want the canonical %q", frag, link.Encode())
	}

	// A fresh page opened from the shared link shows the same controls.
	if err := chromedp.Do(b.ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if state := b.open(t, shared); state != "idle" {
		t.Fatalf("shared link: page state %q", state)
	}
	if got, want := controls(), wantValues(link); !reflect.DeepEqual(got, want) {
		t.Errorf("controls after opening the shared link:\n got %v\nwant %v", got, want)
	}

	// Changing a control rewrites the address bar in canonical form.
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.getElementById("engine"); s.value = "random"; s.dispatchEvent(new Event("change")); })()`)); err != nil {
		t.Fatal(err)
	}
	link.Config.Engine = "random"
	hash, err := chromedp.Run(b.ctx, chromedp.Poll[string](`location.hash.includes("engine=random") ? location.hash : null`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || hash != "#"+link.Encode() {
		t.Errorf("after choosing engine=random the address says %q (%v), want #%s", hash, err, link.Encode())
	}
	// A classroom link's page cannot change its locks: the editor is gone
	// and its boxes are disabled, New seed cannot replace the locked seed,
	// and the hidden setting is not named.
	if !eval[bool](t, b, `document.getElementById("classroom").hidden && document.getElementById("lock-seed").disabled && document.getElementById("newseed").disabled`) {
		t.Errorf("a page opened from a link with lock=seed can still change its locks or its seed")
	}
	note := eval[string](t, b, `document.getElementById("classroom-note").textContent`)
	if !strings.Contains(note, "2 settings are fixed") || strings.Contains(eval[string](t, b, `document.body.innerText`), "lra") {
		t.Errorf("classroom note %q, or the page names the hidden setting lra", note)
	}
	eval[bool](t, b, `(document.getElementById("lock-platform").click(), true)`)
	if h := eval[string](t, b, `location.hash`); strings.Contains(h, "lock=platform") {
		t.Errorf("a student's page locked platform: %s", h)
	}

	// A teacher's page (a link without lock= or hide=) locks a setting
	// with the classroom table.
	link.Lock, link.Hide = nil, nil
	b.open(t, url+"#"+link.Encode())
	// The page applies a new fragment once the worker has parsed it.
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`!document.getElementById("classroom").hidden && !document.getElementById("newseed").disabled`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("without lock= the classroom editor or New seed is unavailable: %v", err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("lock-platform").click()`)); err != nil {
		t.Fatal(err)
	}
	link.Lock = []string{"platform"}
	if hash, err = chromedp.Run(b.ctx, chromedp.Poll[string](`location.hash.includes("lock=platform") ? location.hash : null`, chromedp.WithPollingTimeout(10*time.Second))); err != nil || hash != "#"+link.Encode() {
		t.Errorf("after locking platform the address says %q (%v), want #%s", hash, err, link.Encode())
	}
	if !eval[bool](t, b, `document.getElementById("platform").disabled`) {
		t.Errorf("the locked platform control can still be changed")
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// offlineProxy forwards to the server until it is switched off; then every
// request fails as if the network were gone (the connection is dropped).
type offlineProxy struct {
	off     atomic.Bool
	refused atomic.Int64
	proxy   *httputil.ReverseProxy
}

func (p *offlineProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.off.Load() {
		p.refused.Add(1)
		panic(http.ErrAbortHandler)
	}
	p.proxy.ServeHTTP(w, r)
}

func TestExplorerWorksOffline(t *testing.T) {
	target, err := url.Parse(startServer(t))
	if err != nil {
		t.Fatal(err)
	}
	p := &offlineProxy{proxy: httputil.NewSingleHostReverseProxy(target)}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	b := newBrowser(t, 1024, 800)
	link := srv.URL + "/#" + quickSearch + "&run=1"
	b.open(t, link)
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("online search ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	online := eval[string](t, b, `JSON.stringify(window.dianResult.network)`)
	// The service worker has installed and cached the shell.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("the service worker did not become ready: %v", err)
	}

	p.off.Store(true)
	if err := chromedp.Do(b.ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	b.open(t, link)
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("offline search ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	if offline := eval[string](t, b, `JSON.stringify(window.dianResult.network)`); offline != online {
		t.Errorf("offline result %s differs from the online one %s", offline, online)
	}
	if p.refused.Load() == 0 {
		t.Errorf("no request reached the switched-off network: the test did not test offline use")
	}
	// A dataset never fetched online cannot be had offline: the page says
	// so, naming the file, rather than "Failed to fetch".
	if err := chromedp.Do(b.ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	b.open(t, srv.URL+"/#"+strings.Replace(quickSearch, "digits8", "fashion14", 1)+"&run=1")
	if state := waitState(t, b, time.Minute, "done", "error"); state != "error" {
		t.Fatalf("a search on a dataset never fetched ended in %q offline", state)
	}
	if msg := eval[string](t, b, `String(window.dianError)`); !strings.Contains(msg, "the server cannot be reached") || !strings.Contains(msg, "fashion") {
		t.Errorf("offline, a dataset never fetched fails with %q", msg)
	}
}

// Step runs one search iteration at a time, a paused search holds, and
// pausing changes nothing in the result.
func TestExplorerPauseAndStep(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1024, 800)
	const longer = "v=1&dataset=digits8&epochs=3&finetune=1&accelsteps=20&finalsteps=100"
	if state := b.open(t, url+"#"+longer); state != "idle" {
		t.Fatalf("page state %q", state)
	}
	click := func(id string) {
		t.Helper()
		if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("`+id+`").click()`)); err != nil {
			t.Fatal(err)
		}
	}
	pausedAt := func(after int) int {
		t.Helper()
		step, err := chromedp.Run(b.ctx, chromedp.Poll[int](fmt.Sprintf(
			`(() => { const p = window.dianPage; return p.search && p.search.paused && p.latest && p.latest.held && p.latest.step > %d ? p.latest.step : null })()`, after),
			chromedp.WithPollingTimeout(time.Minute)))
		if err != nil {
			t.Fatalf("waiting for a paused step after %d: %v (%s)", after, err, eval[string](t, b, `String(window.dianError)`))
		}
		return step
	}
	click("step")
	first := pausedAt(0)
	time.Sleep(500 * time.Millisecond)
	if now := eval[int](t, b, `window.dianPage.latest.step`); now != first {
		t.Fatalf("a paused search moved from step %d to %d", first, now)
	}
	click("step")
	second := pausedAt(first)
	if second != first+1 {
		t.Errorf("Step went from step %d to %d, want one iteration", first, second)
	}
	if label := eval[string](t, b, `document.getElementById("play").textContent`); label != "Resume" {
		t.Errorf("while paused the play button says %q, want Resume", label)
	}
	// Pause while it runs: the worker takes the message between two steps.
	click("play")
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](fmt.Sprintf(`window.dianPage.latest.step > %d || null`, second+3),
		chromedp.WithPollingTimeout(time.Minute))); err != nil {
		t.Fatalf("the resumed search did not run: %v", err)
	}
	click("pause")
	held := pausedAt(second)
	time.Sleep(500 * time.Millisecond)
	if now := eval[int](t, b, `window.dianPage.latest.step`); now != held || eval[string](t, b, `document.body.dataset.state`) != "running" {
		t.Fatalf("a search paused while running moved from step %d to %d", held, now)
	}
	click("play")
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("resumed search ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	got := withoutTiming(t, []byte(eval[string](t, b, `JSON.stringify(window.dianResult)`)))
	if want, _ := nativeResult(t, longer); !reflect.DeepEqual(got, want) {
		t.Errorf("a search paused and stepped gave another result than the native one")
	}
}

// TestExplorerFrameRateDuringDefaultSearch runs the default search (MNIST
// 14×14, the one a visitor starts) in the worker and reports how smoothly
// the page and the Ebiten view draw while it runs: the search view, the
// accelerator view paused, and the accelerator view playing its longest
// layer fast enough that every frame shows a new cycle. The quality bar
// of the visualisations is 30 frames/s. Frame rates depend on the machine
// and its load, so they are reported, not asserted beyond "frames are
// drawn, they change, and the layer played through the measurement".
func TestExplorerFrameRateDuringDefaultSearch(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 720)
	if state := b.open(t, url+"#v=1&run=1"); state != "running" {
		t.Fatalf("the default search left the page %q (dianError %q)", state, eval[string](t, b, `String(window.dianError)`))
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.getElementById("p-phase").textContent === "search"`,
		chromedp.WithPollingTimeout(time.Minute))); err != nil {
		t.Fatalf("the search phase did not start: %v", err)
	}
	const viewJS = `document.getElementById("viz").contentWindow.dianViz`
	state := func() viz.SceneState {
		var st viz.SceneState
		if err := json.Unmarshal([]byte(eval[string](t, b, viewJS+`.state()`)), &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	call := func(js string) {
		if msg := eval[string](t, b, `String(`+viewJS+`.`+js+`)`); msg != "" && msg != "undefined" {
			t.Fatalf("dianViz.%s: %s", js, msg)
		}
	}
	type rates struct{ page, view, repaints, gapMs float64 }
	// measure counts the page's and the view's frames over the same 3 s.
	measure := func() rates {
		time.Sleep(300 * time.Millisecond)
		f0, t0 := eval[float64](t, b, viewJS+`.frames()`), time.Now()
		page := frameRate(t, b, "running", 3000)
		view := (eval[float64](t, b, viewJS+`.frames()`) - f0) / time.Since(t0).Seconds()
		return rates{page.FPS, view, state().Repaints, page.MaxGapMs}
	}
	call(`setView("search")`)
	search := measure()
	step0 := eval[string](t, b, `document.getElementById("p-step").textContent`)
	call(`setView("accelerator")`)
	paused := measure()
	// Each NoC template plays its longest layer, at up to 60 cycles a
	// second so that it lasts the measurement: a new cycle nearly every
	// frame. The search's own design (ZC706's) comes first.
	var played []string
	all := []rates{search, paused}
	for _, platform := range []string{"", "eyeriss", "systolic16"} {
		if platform != "" {
			call(fmt.Sprintf("setPlatform(%q)", platform))
		}
		longest, cycles := 0, int64(0)
		for i := range state().Accelerator.Layers {
			call(fmt.Sprintf("selectLayer(%d)", i))
			if c := state().Accelerator.Cycles; c > cycles {
				longest, cycles = i, c
			}
		}
		speed := min(60, float64(cycles)/4)
		if speed < 30 {
			t.Fatalf("%s: the longest layer has %d cycles, too short to play 4 s at 30 cycles/s", platform, cycles)
		}
		call(fmt.Sprintf("selectLayer(%d)", longest))
		call(fmt.Sprintf("setSpeed(%g)", speed))
		call("play()")
		r := measure()
		st := state().Accelerator
		if !st.Playing || st.Done {
			t.Fatalf("%s: the layer stopped playing (cycle %d of %d) before the frame rate was measured", st.Platform, st.Cycle, st.Cycles)
		}
		if r.repaints <= 0 {
			t.Errorf("%s: the playing view did not change", st.Platform)
		}
		all = append(all, r)
		played = append(played, fmt.Sprintf("%s %s layer %d (%d cycles) at %g cycles/s %.0f / %.0f / %.0f (%.0f ms)",
			st.Platform, st.Dataflow, longest, cycles, speed, r.page, r.view, r.repaints, r.gapMs))
	}
	if s := eval[string](t, b, `document.body.dataset.state`); s != "running" {
		t.Fatalf("the search ended (%q) before the frame rates were measured", s)
	}
	eval[bool](t, b, `(document.getElementById("stop").click(), true)`)
	canvas := eval[string](t, b, `(() => { const c = document.getElementById("viz").contentDocument.querySelector("canvas"); return c.width + "×" + c.height })()`)
	t.Logf("during the default search (step %s; load average %s), 1280×720 page, %s canvas, frames/s of the page / of the view / that changed (longest gap between page frames): search view %.0f / %.0f / %.0f (%.0f ms); accelerator view paused %.0f / %.0f / %.0f (%.0f ms); playing: %s",
		step0, loadAverage(), canvas, search.page, search.view, search.repaints, search.gapMs, paused.page, paused.view, paused.repaints, paused.gapMs,
		strings.Join(played, "; "))
	for _, r := range all {
		if r.page <= 0 || r.view <= 0 {
			t.Errorf("no frames drawn: %+v", r)
		}
	}
	if search.repaints <= 0 {
		t.Errorf("the search view did not change: %v repaints a second", search.repaints)
	}
}

// checkOneTruth reads, as a person would, the layer the accelerator view
// plays: its cycles under the search's model in the view's text and in the
// per-layer table, and its loop-nest cycles in the view's text and in the
// Timeloop download's table. Each pair must be the same figure.
func checkOneTruth(t *testing.T, b *browser, timeloopTable string) {
	t.Helper()
	got := eval[map[string]string](t, b, `(() => {
		const out = {};
		const dl = document.querySelector("#view-text-body dl");
		const dts = [...dl.querySelectorAll("dt")];
		for (const dt of dts) out[dt.textContent] = dt.nextElementSibling.textContent;
		const h = [...document.querySelectorAll("#result-body h3")].find((h) => h.textContent.startsWith("Per layer"));
		const tbl = h.nextElementSibling.nextElementSibling;
		const head = [...tbl.querySelectorAll("thead th")].map((th) => th.textContent);
		const col = head.findIndex((x) => x.startsWith("cycles ("));
		out.tableHead = head[col];
		for (const tr of tbl.querySelectorAll("tbody tr")) {
			const cells = [...tr.children].map((c) => c.textContent);
			if (cells[0].split(" ")[0] === out.Layer) out.tableCycles = cells[col];
		}
		return out;
	})()`)
	var searchKey, searchText string
	for k, v := range got {
		if strings.HasPrefix(k, "Cycles (") {
			searchKey, searchText = k, v
		}
	}
	model := strings.TrimSuffix(strings.TrimPrefix(searchKey, "Cycles ("), ", as in the per-layer table)")
	if searchText == "" || got["tableCycles"] != searchText || got["tableHead"] != "cycles ("+model+")" {
		t.Errorf("layer %q: the view says %q = %q; the per-layer table's %q column says %q", got["Layer"], searchKey, searchText, got["tableHead"], got["tableCycles"])
	}
	nest := got["Loop-nest cycles (Timeloop's rules, as in the Timeloop download)"]
	for _, line := range strings.Split(timeloopTable, "\n") {
		f := strings.Split(line, ",")
		if len(f) > 4 && f[0] == got["Layer"] {
			if n, err := strconv.ParseInt(f[4], 10, 64); err != nil || strings.ReplaceAll(nest, ",", "") != fmt.Sprint(n) {
				t.Errorf("layer %q: the view says %q loop-nest cycles; the Timeloop download says %s", got["Layer"], nest, f[4])
			}
			return
		}
	}
	t.Errorf("layer %q is not in the Timeloop download's table:\n%s", got["Layer"], timeloopTable)
}
