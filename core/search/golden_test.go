package search

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/costmodel"
	"github.com/dian-explorer/dian/core/report"
)

var update = flag.Bool("update", false, "rewrite the golden results in testdata/golden")

// goldenConfigs is the matrix of searches whose results must be the same,
// bit for bit, natively (GOAMD64=v1 and v3), on arm64 and in WebAssembly:
// every engine, every platform, both ways the hardware cost reaches the
// network (hwcost), both samplings, both model modes, a fresh warm-up, and
// every baseline, a searched pipeline and FBNet's layout. Each is short (digits8, one epoch);
// the files under testdata/golden are their results without the timing.
var goldenConfigs = []struct{ name, fragment string }{
	{"fixednet", "v=1&dataset=digits8&epochs=1&finetune=1&accelsteps=20&finalsteps=100&baselines=fixednet"},
	{"gumbel-zc706-seed3", "v=1&dataset=digits8&platform=zc706&engine=gumbel&seed=3&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	{"reinforce-ultra96-faithful", "v=1&dataset=digits8&platform=ultra96&engine=reinforce&model=faithful&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	{"evolution-eyeriss-table", "v=1&dataset=digits8&platform=eyeriss&engine=evolution&hwcost=table&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	{"random-systolic16-soft", "v=1&dataset=digits8&platform=systolic16&engine=random&sampling=soft&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	{"eyeriss-soft-edp", "v=1&dataset=digits8&platform=eyeriss&sampling=soft&objective=edp&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	{"zc706-table-soft-energy", "v=1&dataset=digits8&platform=zc706&hwcost=table&sampling=soft&objective=energy&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	{"warmup-g2-latency", "v=1&dataset=digits8&pretrained=0&warmup=1&ops=fbnet-g2&objective=latency&seed=5&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	{"baselines-all", "v=1&dataset=digits8&seed=2&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100&baselines=all"},
	// Version 2's default architecture learning rate (lra=2).
	{"v2-lra2", "v=2&dataset=digits8&seed=4&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	// The layer-to-chunk allocation searched with the accelerator.
	{"pipeline-searched", "v=2&dataset=digits8&pipeline=searched&seed=7&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	// Precision search (Auto-NBA's β): FPGA chunks per width, and a
	// precision-scalable ASIC array.
	{"bits-468-zc706", "v=2&dataset=digits8&bits=4,6,8&seed=8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	{"bits-48-eyeriss", "v=2&dataset=digits8&platform=eyeriss&bits=4,8&seed=9&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	// Version 3: each batch trains as 4 shards (what several workers share).
	{"v3-shards4", "v=3&dataset=digits8&seed=10&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"},
	// FBNet's 22-block layout (space=fbnet), warmed up here.
	{"fbnet-space", "v=2&dataset=digits8&space=fbnet&pretrained=0&warmup=2&seed=6&epochs=1&searchset=300&finetune=1&accelsteps=20&finalsteps=100"},
}

// TestGoldenResults runs the matrix and compares each result with its
// golden file, naming the first field that differs. Run with -update to
// rewrite the files after a deliberate change (and say why in the commit).
func TestGoldenResults(t *testing.T) {
	for _, g := range goldenConfigs {
		t.Run(g.name, func(t *testing.T) {
			cfg := parse(t, g.fragment)
			var err error
			var in Input
			if cfg.Pretrained {
				in = loadInput(t, cfg)
			} else if in.Data, err = digits(); err != nil {
				t.Fatal(err)
			}
			events := 0
			res, err := Run(context.Background(), cfg, in, func(report.Event) { events++ })
			if err != nil {
				t.Fatal(err)
			}
			if events == 0 || res.Metrics.Accuracy <= 0.1 || !res.Metrics.Feasible || len(res.Baselines) != len(cfg.Baselines) {
				t.Fatalf("implausible result: %d events, metrics %+v, %d baselines", events, res.Metrics, len(res.Baselines))
			}
			res.Timing = report.Timing{}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", g.name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (write it with go test -run GoldenResults -update)", err)
			}
			if !bytes.Equal(got, want) {
				d, err := report.Diff(got, want)
				if err != nil {
					d = err.Error()
				}
				t.Errorf("%s: the result differs from %s at %s (this run, then the golden value)\n(the search is not reproducible here, or it changed on purpose: rewrite with -update)",
					g.fragment, path, d)
			}
		})
	}
}

// A searched pipeline's design lists each chunk's layers, and costing it
// again as dian eval does gives the search's own figures; on a one-array
// platform the key is refused with what it accepts.
func TestSearchedPipeline(t *testing.T) {
	cfg := parse(t, "v=2&dataset=digits8&pipeline=searched&seed=7&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100")
	res, err := Run(context.Background(), cfg, loadInput(t, cfg), nil)
	if err != nil {
		t.Fatal(err)
	}
	d := res.Accelerator
	if d.Assign != accel.AssignExplicit {
		t.Fatalf("assign %q, want the searched allocation written out (explicit)", d.Assign)
	}
	net, err := accel.DecodeNetwork(append(append([]byte(`{"name":"found","layers":`), res.Network.Layers...), '}'), "network")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := accel.Preset(cfg.Platform)
	c, err := costmodel.Evaluate(costmodel.FPGAChunk, d, net, p, accel.Corrected)
	if err != nil {
		t.Fatal(err)
	}
	if c.FPS != res.Metrics.FPS || c.BottleneckCycles <= 0 {
		t.Errorf("the design costs %v FPS again; the search reported %v", c.FPS, res.Metrics.FPS)
	}
	cfg.Platform = "eyeriss"
	if _, err := Run(context.Background(), cfg, loadInput(t, cfg), nil); err == nil || !strings.Contains(err.Error(), "accepted: pipeline=rule") {
		t.Errorf("pipeline=searched on eyeriss: %v", err)
	}
}
