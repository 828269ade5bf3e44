package sweep

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/share"
)

var assets = os.DirFS("../../assets")

// tiny is a sweep small enough to run three times in a test: digits8,
// two seeds, the co-search and one baseline, two values of λ.
func tiny(t testing.TB) (Spec, search.Input) {
	t.Helper()
	link, err := share.Parse("v=1&dataset=digits8&epochs=1&finetune=0.2&accelsteps=10&finalsteps=40")
	if err != nil {
		t.Fatal(err)
	}
	in, err := loadOnce()
	if err != nil {
		t.Fatal(err)
	}
	return Spec{Base: link.Config, Seeds: []uint32{1, 2}, Methods: []string{"cosearch", "fixednet"},
		Points: []Point{{Lambda: 0.1}, {Lambda: 1}}}, in
}

var loadOnce = sync.OnceValues(func() (search.Input, error) {
	c := share.Default()
	c.Dataset = "digits8"
	return search.LoadInput(assets, c)
})

// withoutTiming is r's JSON with the fields that may differ between runs
// of the same sweep cleared.
func withoutTiming(t *testing.T, r *Result) string {
	t.Helper()
	c := *r
	c.Timing = Timing{}
	c.Runs = append([]RunResult(nil), r.Runs...)
	for i := range c.Runs {
		c.Runs[i].Seconds = 0
	}
	b, err := json.MarshalIndent(&c, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// One sweep, run on one worker, on two, and as two shards merged: the
// same result apart from timing. Of its 8 units, 6 are searched: fixednet
// ignores λ, so its runs at λ = 1 copy those at λ = 0.1.
func TestSweepDoesNotDependOnHowItIsSplit(t *testing.T) {
	spec, in := tiny(t)
	one, err := Run(context.Background(), spec, in, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Runs) != 8 || len(one.Missing()) != 0 {
		t.Fatalf("%d runs, missing %v; want all 8", len(one.Runs), one.Missing())
	}
	var calls int
	two, err := Run(context.Background(), spec, in, Options{Workers: 2, Done: func(_ RunResult, done, total int) {
		calls++
		if total != 6 || done < 1 || done > 6 {
			t.Errorf("progress %d of %d", done, total)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 6 {
		t.Errorf("Done called %d times, want 6", calls)
	}
	for _, r := range one.Runs {
		copied := r.Method == "fixednet" && r.Point == "lambda=1"
		if copied != (r.SameAs != nil) {
			t.Errorf("run %d (%s at %s): same_as = %v", r.Index, r.Method, r.Point, r.SameAs)
		} else if copied {
			src := one.Runs[*r.SameAs]
			if src.Method != r.Method || src.Seed != r.Seed || src.Accuracy != r.Accuracy || src.Point != "lambda=0.1" {
				t.Errorf("run %d copies run %d: %+v", r.Index, *r.SameAs, src)
			}
		}
	}
	a, b := withoutTiming(t, one), withoutTiming(t, two)
	if a != b {
		t.Errorf("1 and 2 workers differ:\n%s\n%s", a, b)
	}
	s1, err := Run(context.Background(), spec, in, Options{Workers: 2, Shard: Shard{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Run(context.Background(), spec, in, Options{Workers: 1, Shard: Shard{2, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s1.Runs) != 4 || len(s2.Runs) != 4 || s1.Sweep.Shard != "1/2" {
		t.Fatalf("shards hold %d and %d runs (%q)", len(s1.Runs), len(s2.Runs), s1.Sweep.Shard)
	}
	merged, err := Merge(s2, s1)
	if err != nil {
		t.Fatal(err)
	}
	if m := withoutTiming(t, merged); m != a {
		t.Errorf("shards merged differ from one process:\n%s\n%s", m, a)
	}
	// A resumed sweep keeps what finished and runs the rest.
	resumed, err := Run(context.Background(), spec, in, Options{Workers: 2, Skip: s1.Runs})
	if err != nil {
		t.Fatal(err)
	}
	if withoutTiming(t, resumed) != a {
		t.Error("a sweep resumed from one shard differs from one run whole")
	}
	// The JSON reads back as the same sweep.
	raw, _ := json.Marshal(one)
	back, err := Decode(raw, "one.json")
	if err != nil {
		t.Fatal(err)
	}
	if withoutTiming(t, back) != a {
		t.Error("Decode(Marshal(result)) changed it")
	}
	for m, searches := range map[string]int{"cosearch": 4, "fixednet": 2} {
		s := one.Summary[m]
		if s.Runs != searches || s.Hypervolume.N != 2 || s.Accuracy.N != s.Feasible || len(s.Points) != 2 {
			t.Errorf("%s summary %+v; want %d searches", m, s, searches)
		}
		if s.TrainSteps[0] != s.TrainSteps[1] || s.HWEvaluations[0] != s.HWEvaluations[1] {
			t.Errorf("%s: runs spent different budgets: %v steps, %v evaluations", m, s.TrainSteps, s.HWEvaluations)
		}
	}
	if one.Summary["fixednet"].TrainSteps != one.Summary["cosearch"].TrainSteps ||
		one.Summary["fixednet"].HWEvaluations != one.Summary["cosearch"].HWEvaluations {
		t.Error("fixednet and the co-search spent different budgets")
	}
	if v := one.Summary["fixednet"].VsCosearch; v == nil || v.Hypervolume.N != 2 || len(v.Points) != 2 {
		t.Errorf("vs_cosearch = %+v", v)
	}
}

func TestMergeRejects(t *testing.T) {
	spec, _ := tiny(t)
	a := &Result{Sweep: headerOf(spec, Shard{})}
	other := spec
	other.Seeds = []uint32{1, 3}
	b := &Result{Sweep: headerOf(other, Shard{})}
	if _, err := Merge(a, b); err == nil || !strings.Contains(err.Error(), "another sweep") {
		t.Errorf("merging two sweeps: %v", err)
	}
	u := spec.Units()[0]
	r1 := RunResult{Index: 0, Method: u.Method, Seed: u.Seed, Config: u.Fragment()}
	r2 := r1
	r2.Accuracy = 0.5
	if _, err := Merge(&Result{Sweep: a.Sweep, Runs: []RunResult{r1}}, &Result{Sweep: a.Sweep, Runs: []RunResult{r2}}); err == nil {
		t.Error("two different results of one unit merged")
	}
}

func TestSpecCheck(t *testing.T) {
	base := share.Default()
	for _, tt := range []struct {
		spec Spec
		want string
	}{
		{Spec{Base: base, Methods: []string{"cosearch"}, Points: []Point{{}}}, "0 seeds"},
		{Spec{Base: base, Seeds: []uint32{1, 1}, Methods: []string{"cosearch"}, Points: []Point{{}}}, "listed twice"},
		{Spec{Base: base, Seeds: []uint32{1}, Methods: []string{"nas"}, Points: []Point{{}}}, `method "nas"`},
		{Spec{Base: base, Seeds: []uint32{1}, Methods: []string{"cosearch"}}, "0 trade-off points"},
		{Spec{Base: base, Seeds: []uint32{1}, Methods: []string{"cosearch"}, Points: []Point{{TargetLo: 5, TargetHi: 2}}}, "trade-off point"},
		{Spec{Base: base, Seeds: []uint32{1}, Methods: []string{"cosearch/annealing"}, Points: []Point{{}}}, `method "cosearch/annealing"`},
		{Spec{Base: base, Seeds: []uint32{1}, Methods: []string{"cosearch/" + base.Engine}, Points: []Point{{}}}, "other than the configuration's"},
	} {
		if err := tt.spec.Check(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Check(%+v) = %v, want an error with %q", tt.spec, err, tt.want)
		}
	}
}

// An engine comparison is the co-search run again with another engine:
// its units differ from the co-search's only in the engine.
func TestEngineUnits(t *testing.T) {
	base := share.Default()
	s := Spec{Base: base, Seeds: []uint32{4}, Methods: []string{"cosearch", "cosearch/evolution"}, Points: []Point{{}}}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	u := s.Units()
	if len(u) != 2 {
		t.Fatalf("%d units, want 2", len(u))
	}
	want := u[0].Config
	want.Engine = "evolution"
	if u[1].Method != "cosearch/evolution" || !reflect.DeepEqual(u[1].Config, want) {
		t.Errorf("engine unit = %q %+v,\nwant the co-search's config with engine=evolution: %+v", u[1].Method, u[1].Config, want)
	}
}

func TestPointAndShardNames(t *testing.T) {
	for _, p := range []Point{{}, {Lambda: 0.25}, {TargetLo: 1e-05, TargetHi: 0.002}, {TargetLo: 100, TargetHi: 2000}} {
		back, err := ParsePoint(p.String())
		if err != nil || back != p {
			t.Errorf("ParsePoint(%q) = %+v, %v", p.String(), back, err)
		}
	}
	for _, bad := range []string{"lambda=0", "lambda=x", "target=5-2", "tau=1", "target=3"} {
		if _, err := ParsePoint(bad); err == nil {
			t.Errorf("ParsePoint(%q) accepted", bad)
		}
	}
	if sh, err := ParseShard("3/8"); err != nil || sh != (Shard{3, 8}) || sh.String() != "3/8" {
		t.Errorf("ParseShard(3/8) = %+v, %v", sh, err)
	}
	for _, bad := range []string{"0/2", "3/2", "1", "a/b", "1/0"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}

// The summary of hand-made runs: the hypervolume over the points of each
// seed, and the paired comparison with the co-search.
func TestSummarize(t *testing.T) {
	base := share.Default()
	spec := Spec{Base: base, Seeds: []uint32{1, 2}, Methods: []string{"cosearch", "random"}, Points: []Point{{Lambda: 0.1}, {Lambda: 1}}}
	run := func(m string, seed uint32, point string, acc, fps float64) RunResult {
		r := RunResult{Method: m, Seed: seed, Point: point}
		r.Accuracy, r.FPS, r.Feasible = acc, fps, true
		return r
	}
	runs := []RunResult{
		run("cosearch", 1, "lambda=0.1", 0.9, 1000), run("cosearch", 2, "lambda=0.1", 0.8, 1000),
		run("random", 1, "lambda=0.1", 0.6, 1000), run("random", 2, "lambda=0.1", 0.6, 1000),
		run("cosearch", 1, "lambda=1", 0.6, 3000), run("cosearch", 2, "lambda=1", 0.5, 3000),
		run("random", 1, "lambda=1", 0.3, 2000), run("random", 2, "lambda=1", 0.3, 2000),
	}
	s := Summarize(spec, runs)
	// Seed 1, co-search: front (0.9, 1000), (0.6, 3000) above (0.1, 0):
	// 0.8·1000 + 0.5·2000 = 1800. Seed 2: 0.7·1000 + 0.4·2000 = 1500.
	co := s["cosearch"].Hypervolume
	if co.N != 2 || math.Abs(co.Mean-1650) > 1e-9 {
		t.Errorf("co-search hypervolume %+v, want the mean of 1800 and 1500", co)
	}
	// Random: 0.5·1000 + 0.2·1000 = 700 on both seeds.
	v := s["random"].VsCosearch
	if v == nil || v.Hypervolume.Wins != 2 || math.Abs(v.Hypervolume.Diff.Mean-(1650-700)) > 1e-9 {
		t.Errorf("random against the co-search: %+v", v)
	}
	if p := v.Points[1]; p.Point != "lambda=1" || p.Accuracy.Wins != 2 || p.Objective.Wins != 2 {
		t.Errorf("at λ = 1: %+v", p)
	}
	if acc := s["random"].Points[0].Accuracy; acc.N != 2 || acc.Mean != 0.6 {
		t.Errorf("random at λ = 0.1: accuracy %+v", acc)
	}
}
