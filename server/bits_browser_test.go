//go:build !js

package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// bitsSearch is a short precision search (bits=4,6,8) on 8×8 digits.
const bitsSearch = "v=2&dataset=digits8&bits=4,6,8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"

// A precision search in the tab gives the native result bit for bit, and
// the page shows each block's width where a person reads the network: the
// summary, the network diagram and table, the per-layer table (weights
// and activations), the progress line and the heatmap's rows.
func TestBrowserPrecisionSearch(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 900)
	if state := b.open(t, url+"#"+bitsSearch+"&run=1"); state != "running" && state != "done" {
		t.Fatalf("the link left the page %q (dianError %q)", state, eval[string](t, b, `String(window.dianError)`))
	}
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("search ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	got := withoutTiming(t, []byte(eval[string](t, b, `JSON.stringify(window.dianResult)`)))
	want, _ := nativeResult(t, bitsSearch)
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.Marshal(got["network"])
		wj, _ := json.Marshal(want["network"])
		t.Fatalf("the browser's result differs from the native one:\nbrowser %.400s\n native %.400s", gj, wj)
	}
	net := got["network"].(map[string]any)
	ops, bits := net["ops"].([]any), net["bits"].([]any)
	var described []string
	for i, o := range ops {
		if w := int(bits[i].(float64)); w > 0 {
			described = append(described, fmt.Sprintf("%s/%db", o, w))
		} else {
			described = append(described, o.(string))
		}
	}
	summary := strings.Join(described, " · ")
	results := eval[string](t, b, `document.getElementById("results").innerText`)
	for _, want := range []string{summary, "w / a bits", "-bit"} {
		if !strings.Contains(results, want) {
			t.Errorf("the results panel does not show %q", want)
		}
	}
	// Every per-layer row names its widths as the result does.
	rows := eval[string](t, b, `(() => {
		const t = [...document.querySelectorAll("#results table")].find((t) => [...t.querySelectorAll("th")].some((h) => h.textContent === "w / a bits"));
		const col = [...t.querySelectorAll("thead th")].findIndex((h) => h.textContent === "w / a bits");
		return [...t.querySelectorAll("tbody tr")].map((r) => r.children[0].textContent.split(" ")[0] + "=" + r.children[col].textContent).join(";");
	})()`)
	var wantRows []string
	for _, l := range got["layers"].([]any) {
		l := l.(map[string]any)
		wantRows = append(wantRows, fmt.Sprintf("%s=%v / %v", l["layer"], l["w_bits"], l["a_bits"]))
	}
	if rows != strings.Join(wantRows, ";") {
		t.Errorf("per-layer widths on the page %q, in the result %q", rows, strings.Join(wantRows, ";"))
	}
	if p := eval[string](t, b, `document.getElementById("p-path").textContent`); !strings.Contains(p, "b") || !strings.Contains(p, "/") {
		t.Errorf("the progress line's network %q carries no widths", p)
	}
	view := eval[string](t, b, `JSON.stringify(JSON.parse(document.getElementById("viz").contentWindow.dianViz.state()).search.bits || [])`)
	if wb, _ := json.Marshal(intsOf(bits)); view != string(wb) {
		t.Errorf("the heatmap's rows carry widths %s, the result %s", view, wb)
	}
	b.screenshot(t, "bits")
	eval[string](t, b, `String(dianPage.viz.setView("search"))`)
	time.Sleep(500 * time.Millisecond) // the view repaints at most 4 times a second
	b.screenshot(t, "bits-search")
	eval[string](t, b, `(document.getElementById("results").scrollIntoView(), "")`)
	b.screenshot(t, "bits-results")
	if n := eval[int](t, b, `window.dianONNXBytes || 0`); n < 10000 {
		t.Errorf("the quantized network's ONNX model is %d bytes", n)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func intsOf(v []any) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x.(float64))
	}
	return out
}
