package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/wasm/worker/service"
)

// lessonLink returns a lesson's fragment without the page's presentation
// keys, and the values of its seeds and lambdas keys.
func lessonLink(t *testing.T, name string) (config, seeds, lambdas string) {
	t.Helper()
	for _, l := range service.Lessons {
		if l.Name != name {
			continue
		}
		var keep []string
		for _, kv := range strings.Split(l.Fragment, "&") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "seeds":
				seeds = v
			case "lambdas":
				lambdas = v
			case "lesson", "lock", "hide", "run":
			default:
				keep = append(keep, kv)
			}
		}
		return strings.Join(keep, "&"), seeds, lambdas
	}
	t.Fatalf("no lesson %q", name)
	return
}

func searchJSON(t *testing.T, config string) report.Result {
	t.Helper()
	var so, se bytes.Buffer
	if code := run([]string{"search", "-config", config, "-json", "-assets", "../../assets"}, &so, &se); code != 0 {
		t.Fatalf("search %s: exit %d: %s", config, code, se.String())
	}
	var r report.Result
	if err := json.Unmarshal(so.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// Every number a lesson states is what its searches give: a lesson whose
// text contradicts its own results teaches the wrong thing.
func TestLessonsStateWhatTheSearchesGive(t *testing.T) {
	t.Run("dataflow", func(t *testing.T) {
		config, _, _ := lessonLink(t, "dataflow")
		r := searchJSON(t, config)
		var all, dw float64
		for _, l := range r.Layers {
			share := (l.Energy.DRAM[0] + l.Energy.DRAM[1] + l.Energy.DRAM[2]) / l.EnergySum
			if share < 0.6 || share > 0.95 {
				t.Errorf("eyeriss %s: DRAM takes %.0f %% of the energy; the lesson says 60–95 %%", l.Layer, 100*share)
			}
			all += l.Cycles
			if l.Layer == "b1.dw" {
				dw = l.Cycles
			}
		}
		if dw <= all/2 {
			t.Errorf("eyeriss: b1.dw takes %.0f of %.0f cycles; the lesson says more than half", dw, all)
		}
		r = searchJSON(t, strings.Replace(config, "platform=eyeriss", "platform=systolic16", 1))
		all, dw = 0, 0
		for _, l := range r.Layers {
			if l.Energy.Total() != 0 || l.EnergySum <= 0 {
				t.Errorf("systolic16 %s: energy by level %v, total %v; the lesson says a total and no breakdown", l.Layer, l.Energy, l.EnergySum)
			}
			all += l.Cycles
			if strings.HasSuffix(l.Layer, ".dw") { // the SCALE-Sim model's rows do not flag depthwise layers
				dw += l.Cycles
			}
		}
		if f := dw / all; f < 0.7 || f > 0.8 {
			t.Errorf("systolic16: the depthwise layers take %.0f %% of the cycles; the lesson says about three quarters", 100*f)
		}
	})
	t.Run("tradeoff", func(t *testing.T) {
		config, seeds, lambdas := lessonLink(t, "tradeoff")
		var so, se bytes.Buffer
		if code := run([]string{"sweep", "-config", config, "-seeds", seeds, "-lambdas", lambdas, "-baselines", "none", "-quiet", "-json", "-assets", "../../assets"}, &so, &se); code != 0 {
			t.Fatalf("sweep: exit %d: %s", code, se.String())
		}
		var res struct {
			Runs []struct {
				Seed          int
				Point         string
				Accuracy, FPS float64
			}
			Summary map[string]struct {
				Points []struct {
					Point               string
					Accuracy, Objective struct {
						Mean float64
						CI95 [2]float64 `json:"ci95"`
					}
				}
			}
		}
		if err := json.Unmarshal(so.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		at := map[string]map[int][2]float64{} // point → seed → accuracy, fps
		for _, r := range res.Runs {
			if at[r.Point] == nil {
				at[r.Point] = map[int][2]float64{}
			}
			at[r.Point][r.Seed] = [2]float64{r.Accuracy, r.FPS}
		}
		lo, mid := at["lambda=0.01"], at["lambda=1"]
		if len(lo) != 5 || len(mid) != 5 {
			t.Fatalf("runs per point: %d and %d, want 5", len(lo), len(mid))
		}
		fell := 0
		for seed, a := range lo {
			b := mid[seed]
			if b[1] <= a[1] {
				t.Errorf("seed %d: FPS %.0f at λ = 1, %.0f at λ = 0.01; the lesson says it rises on every seed", seed, b[1], a[1])
			}
			if b[0] < a[0] {
				fell++
			}
		}
		if fell != 4 {
			t.Errorf("accuracy fell from λ = 0.01 to 1 on %d seeds of 5; the lesson says four", fell)
		}
		pts := res.Summary["cosearch"].Points
		if len(pts) != 3 {
			t.Fatalf("%d points", len(pts))
		}
		overlap := func(a, b [2]float64) bool { return a[0] <= b[1] && b[0] <= a[1] }
		if math.Round(pts[0].Objective.Mean/1000) != 48 || math.Round(pts[1].Objective.Mean/1000) != 93 || overlap(pts[0].Objective.CI95, pts[1].Objective.CI95) {
			t.Errorf("mean FPS %.0f %v and %.0f %v; the lesson says 48k and 93k with intervals apart", pts[0].Objective.Mean, pts[0].Objective.CI95, pts[1].Objective.Mean, pts[1].Objective.CI95)
		}
		if drop := 100 * (pts[0].Accuracy.Mean - pts[1].Accuracy.Mean); drop < 1 || drop > 2 {
			t.Errorf("accuracy falls %.2f points from λ = 0.01 to 1; the lesson says about 1.5", drop)
		}
		if !overlap(pts[1].Objective.CI95, pts[2].Objective.CI95) || !overlap(pts[1].Accuracy.CI95, pts[2].Accuracy.CI95) {
			t.Errorf("λ = 1 and 10 differ beyond the noise (FPS %v %v, accuracy %v %v); the lesson says they do not",
				pts[1].Objective.CI95, pts[2].Objective.CI95, pts[1].Accuracy.CI95, pts[2].Accuracy.CI95)
		}
	})
}
