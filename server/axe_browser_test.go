//go:build !js

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axePath is axe-core, installed by .ci/run (npm) into the build folder.
var axePath = filepath.Join(".build", "npm", "node_modules", "axe-core", "axe.min.js")

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// axeRun injects axe-core into the current document (through the
// DevTools protocol, which the page's Content-Security-Policy does not
// govern) and returns its violations.
func axeRun(t *testing.T, b *browser, src string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("if (typeof axe === \"undefined\") {\n"+src+"\n}\ntrue")); err != nil {
		t.Fatalf("injecting axe-core: %.300v", err)
	}
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document).then((r) => r.violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe: %v", err)
	}
	return v
}

// axe-core finds no violation in the page idle, running, with a result
// and with a lesson open, nor in the views' own document.
func TestBrowserAxe(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot, axePath))
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): bash .ci/run installs it, or npm install --prefix .build/npm -E axe-core@4.10.2", err)
	}
	url := startServer(t)
	b := newBrowser(t, 1280, 900)
	check := func(state string) {
		t.Helper()
		for _, v := range axeRun(t, b, string(src)) {
			t.Errorf("%s: %s (%s): %s at %s", state, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
		}
	}
	if s := b.open(t, url); s != "idle" {
		t.Fatalf("page state %q", s)
	}
	check("idle")
	poll := func(js string) {
		t.Helper()
		if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(3*time.Minute))); err != nil {
			t.Fatalf("waiting for %s: %v", js, err)
		}
	}
	b.open(t, url+"#v=2&dataset=digits8&epochs=3&finetune=0.5&accelsteps=20&finalsteps=100&run=1") // a new fragment: the same page runs it
	poll(`document.body.dataset.state === "running" && !!(dianPage.latest && dianPage.latest.phase === "search")`)
	check("running")
	poll(`document.body.dataset.state === "done"`)
	check("done")
	b.open(t, url+"#v=1&dataset=digits8&platform=eyeriss&objective=energy&epochs=2&finetune=1&accelsteps=50&finalsteps=500&lesson=dataflow&lock=dataset,ops,sampling")
	poll(`!document.getElementById("lesson").hidden`)
	check("lesson open")
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url+"viz.html")); err != nil {
		t.Fatal(err)
	}
	poll(`window.dianViz !== undefined && dianViz.frames() > 2`)
	check("viz.html")
}
