package search

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/report"
)

// Every baseline spends what the co-search spends: the same minibatch
// training steps and the same cost-model evaluations, whatever the
// configuration (hardware cost by path or table, an automatic or a given
// target band, a shipped warm-up or one run here). The co-search's own
// spending is what coSearchBudget works out beforehand.
func TestBaselinesSpendTheCoSearchBudget(t *testing.T) {
	for _, frag := range []string{
		"v=1&dataset=digits8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100&baselines=all",
		"v=1&dataset=digits8&epochs=2&finetune=0.3&accelsteps=30&finalsteps=50&hwcost=table&target=1000-5000&baselines=all",
		"v=1&dataset=digits8&pretrained=0&warmup=1&epochs=1&finetune=0.2&accelsteps=10&finalsteps=60&platform=eyeriss&baselines=all",
	} {
		cfg := parse(t, frag)
		var in Input
		var err error
		if cfg.Pretrained {
			in = loadInput(t, cfg)
		} else if in.Data, err = digits(); err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), cfg, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := newRunner(context.Background(), cfg, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		planned := r.coSearchBudget()
		got := Budget{TrainSteps: res.Search.TrainSteps, HWEvaluations: res.Search.HWEvaluations}
		if got != planned {
			t.Errorf("%s: the co-search spent %+v, coSearchBudget says %+v", frag, got, planned)
		}
		for _, b := range res.Baselines {
			if b.TrainSteps != got.TrainSteps || b.HWEvaluations != got.HWEvaluations {
				t.Errorf("%s: %s spent %d training steps and %d evaluations; the co-search %+v",
					frag, b.Name, b.TrainSteps, b.HWEvaluations, got)
			}
		}
	}
}

// A baseline run alone (method=…, a sweep's unit of work) is the baseline
// a co-search runs beside itself: same network, design and metrics.
func TestMethodRunsTheBaselineAlone(t *testing.T) {
	const base = "v=1&dataset=digits8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"
	cfg := parse(t, base+"&baselines=all")
	in := loadInput(t, cfg)
	beside, err := Run(context.Background(), cfg, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range beside.Baselines {
		alone, err := Run(context.Background(), parse(t, base+"&method="+b.Name), in, nil)
		if err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		if alone.Metrics != b.Metrics || strings.Join(alone.Network.Ops, " ") != strings.Join(b.Network, " ") ||
			alone.Search.TrainSteps != b.TrainSteps || alone.Search.HWEvaluations != b.HWEvaluations {
			t.Errorf("%s alone: %v %+v, spent %d/%d; beside the co-search: %v %+v, spent %d/%d", b.Name,
				alone.Network.Ops, alone.Metrics, alone.Search.TrainSteps, alone.Search.HWEvaluations,
				b.Network, b.Metrics, b.TrainSteps, b.HWEvaluations)
		}
		if !strings.HasSuffix(alone.Config, "&method="+b.Name) {
			t.Errorf("%s alone: config %q does not name its method", b.Name, alone.Config)
		}
	}
}

// The baselines IgnoresLambda names give the same result whatever λ is
// (the sweep relies on it to run them once); the others do not.
func TestLambdaBlindBaselines(t *testing.T) {
	const base = "v=1&dataset=digits8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"
	in := loadInput(t, parse(t, base))
	for _, m := range []string{"cosearch", "sequential", "fixednet", "fixedhw", "random"} {
		var results [2]*report.Result
		for i, lambda := range []string{"0.01", "2"} {
			res, err := Run(context.Background(), parse(t, base+"&method="+m+"&lambda="+lambda), in, nil)
			if err != nil {
				t.Fatalf("%s λ=%s: %v", m, lambda, err)
			}
			results[i] = res
		}
		a, b := results[0], results[1]
		same := slices.Equal(a.Network.Ops, b.Network.Ops) && a.Metrics == b.Metrics
		if same != IgnoresLambda(m) {
			t.Errorf("%s: λ = 0.01 gives %v %+v, λ = 2 gives %v %+v; IgnoresLambda = %v",
				m, a.Network.Ops, a.Metrics, b.Network.Ops, b.Metrics, IgnoresLambda(m))
		}
	}
}
