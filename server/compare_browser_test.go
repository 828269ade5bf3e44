//go:build !js

package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/sweep"
)

// compareLink is a comparison small enough for a test: the co-search and
// the sequential baseline, two seeds, two values of λ.
const compareLink = "v=1&dataset=digits8&epochs=1&finetune=0.2&accelsteps=10&finalsteps=40&baselines=sequential&seeds=1-2&lambdas=0.1,1"

// TestBrowserCompareMatchesSweep opens a comparison link in a browser that
// reports three cores, so the page runs it on two workers, and checks the
// summary it shows is what `dian sweep` computes natively: every run the
// same bits, every statistic the same to 1e-12 (gonum's special functions
// may differ in the last bit between amd64 and wasm).
func TestBrowserCompareMatchesSweep(t *testing.T) {
	url := startServer(t)
	b := newBrowser(t, 1280, 900)
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `Object.defineProperty(navigator, "hardwareConcurrency", { get: () => 3 })`}); err != nil {
		t.Fatal(err)
	}
	b.open(t, url+"#"+compareLink+"&run=1")
	if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
		t.Fatalf("the comparison ended in %q: %s", state, eval[string](t, b, `String(window.dianError)`))
	}
	if n := eval[int](t, b, `window.dianCompareWorkers`); n != 2 {
		t.Errorf("the comparison ran on %d workers; three cores reported, so want 2", n)
	}
	got, err := sweep.Decode([]byte(eval[string](t, b, `JSON.stringify(window.dianSweep)`)), "page")
	if err != nil {
		t.Fatal(err)
	}
	link, err := share.Parse(compareLink)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := sweep.SpecOfLink(link)
	if err != nil {
		t.Fatal(err)
	}
	in, err := search.LoadInput(os.DirFS(filepath.Join(repoRoot, "assets")), link.Config)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sweep.Run(context.Background(), spec, in, sweep.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Runs) != len(want.Runs) {
		t.Fatalf("the page ran %d searches, dian sweep %d", len(got.Runs), len(want.Runs))
	}
	for i := range want.Runs {
		g, w := got.Runs[i], want.Runs[i]
		g.Seconds, w.Seconds = 0, 0
		a, _ := json.Marshal(g)
		b, _ := json.Marshal(w)
		if string(a) != string(b) {
			t.Errorf("run %d differs:\npage   %s\nnative %s", i, a, b)
		}
	}
	a, _ := json.Marshal(got.Summary)
	c, _ := json.Marshal(want.Summary)
	if d := nearJSON(t, a, c, 1e-12); d != "" {
		t.Errorf("the summaries differ: %s", d)
	}
	// What a person reads: a row per method, a front per method, a finding.
	rows := eval[[]string](t, b, `[...document.querySelectorAll("#compare-table tbody tr th")].map(e => e.textContent)`)
	if strings.Join(rows, ",") != "co-search,sequential" {
		t.Errorf("the table's rows are %v", rows)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#compare-plot g[data-method]").length`); n != 2 {
		t.Errorf("the plot draws %d methods, want 2", n)
	}
	finding := eval[string](t, b, `document.getElementById("compare-finding").textContent`)
	if !strings.Contains(finding, "sequential") || !strings.Contains(finding, "of 2 seeds") {
		t.Errorf("the finding says %q", finding)
	}
	if !strings.Contains(eval[string](t, b, `location.hash`), "seeds=1-2&lambdas=0.1,1") {
		t.Errorf("the address %q does not carry the comparison", eval[string](t, b, `location.hash`))
	}
}

// nearJSON compares two JSON documents, numbers within a relative
// tolerance, and describes the first difference ("" when none).
func nearJSON(t *testing.T, a, b []byte, tol float64) string {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, x, y any) string
	walk = func(path string, x, y any) string {
		switch xv := x.(type) {
		case map[string]any:
			yv, ok := y.(map[string]any)
			if !ok || len(xv) != len(yv) {
				return path + ": different objects"
			}
			for k := range xv {
				if d := walk(path+"."+k, xv[k], yv[k]); d != "" {
					return d
				}
			}
		case []any:
			yv, ok := y.([]any)
			if !ok || len(xv) != len(yv) {
				return path + ": different arrays"
			}
			for i := range xv {
				if d := walk(path, xv[i], yv[i]); d != "" {
					return d
				}
			}
		case float64:
			yv, ok := y.(float64)
			if !ok || math.Abs(xv-yv) > tol*math.Max(1, math.Max(math.Abs(xv), math.Abs(yv))) {
				return path + ": " + strings.TrimSpace(strings.Join([]string{jsonText(xv), "vs", jsonText(y)}, " "))
			}
		default:
			if jsonText(x) != jsonText(y) {
				return path + ": " + jsonText(x) + " vs " + jsonText(y)
			}
		}
		return ""
	}
	return walk("summary", x, y)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
