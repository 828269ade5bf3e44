package fpga

import (
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"

	"github.com/dian-explorer/dian/core/accel/acceltest"
)

func TestExampleFilesDecode(t *testing.T) {
	d, net, p := acceltest.Examples(t)
	if len(d.Chunks) != 6 || len(net.Layers) != 12 {
		t.Fatalf("decoded %d chunks, %d layers; want 6, 12", len(d.Chunks), len(net.Layers))
	}
	for _, mode := range []accel.Mode{accel.Faithful, accel.Corrected} {
		nc, err := Evaluate(d, net, p, mode)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if !nc.Feasible {
			t.Errorf("%s: example design infeasible: %v", mode, nc.Violations)
		}
		for _, lc := range nc.Layers {
			body := net.Layers[net.Index(lc.Layer)].RoleOrBody() == accel.RoleBody
			if mode == accel.Faithful && lc.Modelled != body {
				t.Errorf("faithful: layer %s modelled = %v, want %v (only searched blocks)", lc.Layer, lc.Modelled, body)
			}
			if mode == accel.Corrected && (!lc.Modelled || lc.Cycles <= 0) {
				t.Errorf("corrected: layer %s modelled = %v with %v cycles; want every layer costed", lc.Layer, lc.Modelled, lc.Cycles)
			}
		}
	}
}

func TestOverBudgetDesignDecodesAndIsInfeasible(t *testing.T) {
	in := `{"name": "x", "platform": "ultra96", "chunks": [{"name": "c", "rows": 32, "cols": 32, "dataflow": "ws", "bits": 16,
 "tiles": {"gb": {"P": 16, "Q": 16, "K": 8, "C": 8}, "rf": {"P": 16, "Q": 16, "K": 8, "C": 8}},
 "unroll": {"K": 8, "C": 8}, "layers": ["l"]}]}`
	d, err := accel.DecodeDesign([]byte(in), "big.json")
	if err != nil {
		t.Fatalf("an over-budget design must decode: %v", err)
	}
	ultra96, _ := accel.Preset("ultra96")
	if err := d.Validate(ultra96); err == nil || !strings.Contains(err.Error(), accel.CstDSPBudget) || !strings.Contains(err.Error(), "Σ DSP = 1024 > 360") {
		t.Errorf("Validate = %v, want %s with both numbers", err, accel.CstDSPBudget)
	}
	net, _ := accel.DecodeNetwork([]byte(`{"name": "n", "layers": [{"name": "l", "in_c": 16, "k": 96, "h": 32, "w": 32, "r": 1, "s": 1, "bits": 8}]}`), "n.json")
	nc, err := Evaluate(d, net, ultra96, accel.Corrected)
	if err != nil {
		t.Fatal(err)
	}
	if nc.Feasible || len(nc.Violations) == 0 || !strings.Contains(nc.Violations[0], accel.CstDSPBudget) {
		t.Errorf("feasible %v, violations %q; want the DSP budget broken", nc.Feasible, nc.Violations)
	}
	// A broken static constraint is an error, not an infeasible cost.
	d.Chunks[0].Unroll[accel.DimK] = 64
	if _, err := Evaluate(d, net, ultra96, accel.Corrected); err == nil || !strings.Contains(err.Error(), accel.CstUnrollLeTile) {
		t.Errorf("Evaluate with unroll above tile: %v, want %s", err, accel.CstUnrollLeTile)
	}
}
