//go:build !js

package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// shardedSearch is a short search; version 3 splits its batches in 4 shards.
const shardedSearch = "v=3&dataset=digits8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"

// A sharded search trains on 1, 2 or 4 Web Workers exchanging their
// shards, with the native result every time, bit for bit; the test logs
// each run's training speed in images per second. Without an override the
// page starts one worker per core the browser reports, at most one per
// shard (0 below).
func TestBrowserWorkersShareASearch(t *testing.T) {
	url := startServer(t)
	want, _ := nativeResult(t, shardedSearch)
	for _, workers := range []int{0, 1, 2, 4} {
		b := newBrowser(t, 1280, 900)
		if state := b.open(t, url+"#"+shardedSearch); state != "idle" {
			t.Fatalf("the link left the page %q", state)
		}
		js := fmt.Sprintf(`window.dianWorkers = %d; document.getElementById("play").click()`, workers)
		if workers == 0 {
			workers = min(eval[int](t, b, `navigator.hardwareConcurrency`), 4)
			js = `document.getElementById("play").click()`
		}
		start := time.Now()
		if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
			t.Fatal(err)
		}
		if state := waitState(t, b, 3*time.Minute, "done", "error"); state != "done" {
			t.Fatalf("%d workers: the search ended in %q: %s", workers, state, eval[string](t, b, `String(window.dianError)`))
		}
		wall := time.Since(start)
		if used := eval[int](t, b, `window.dianWorkersUsed`); used != workers {
			t.Errorf("asked for %d workers, the page used %d", workers, used)
		}
		raw := eval[string](t, b, `JSON.stringify(window.dianResult)`)
		got := withoutTiming(t, []byte(raw))
		if !reflect.DeepEqual(got, want) {
			gj, _ := json.Marshal(got["network"])
			wj, _ := json.Marshal(want["network"])
			t.Errorf("%d workers: the result differs from the native one:\nbrowser %.300s\n native %.300s", workers, gj, wj)
		}
		var r struct {
			Search struct {
				TrainSteps int `json:"train_steps"`
			} `json:"search"`
			Timing struct {
				Warmup   float64 `json:"warmup_s"`
				Search   float64 `json:"search_s"`
				Finetune float64 `json:"finetune_s"`
				Total    float64 `json:"total_s"`
			} `json:"timing"`
		}
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			t.Fatal(err)
		}
		train := r.Timing.Warmup + r.Timing.Search + r.Timing.Finetune
		t.Logf("%d workers: %d training steps of 32 images in %.2f s of warm-up, search and fine-tuning (%.0f img/s, accelerator searches included); %.2f s in the leading worker, %.1f s from Play to the result",
			workers, r.Search.TrainSteps, train, float64(32*r.Search.TrainSteps)/train, r.Timing.Total, wall.Seconds())
		if errs := b.errors(); len(errs) > 0 {
			t.Errorf("console errors: %q", errs)
		}
	}
}
