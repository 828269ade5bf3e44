package loopnest

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// eyerissChunk is the Eyeriss preset as a sub-accelerator: 12×14 PEs,
// 108 KB global buffer, 512 B register file per PE, 16-bit words.
func eyerissChunk(df accel.Dataflow) *accel.SubAccel {
	p, err := accel.Preset("eyeriss")
	if err != nil {
		panic(err)
	}
	return &accel.SubAccel{Name: "eyeriss", Rows: p.Rows, Cols: p.Cols, Dataflow: df, Bits: 16,
		RFBytes: 512, GBBytes: int64(p.GlobalBufferBytes)}
}

// MobileNetV2 layers (ImageNet, 224×224 input).
var mobileNetV2Layers = []accel.Layer{
	{Name: "stem 3x3 s2", N: 1, InC: 3, K: 32, H: 224, W: 224, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
	{Name: "b2 expand 1x1", N: 1, InC: 24, K: 144, H: 56, W: 56, R: 1, S: 1},
	{Name: "b2 depthwise 3x3", N: 1, InC: 144, K: 144, H: 56, W: 56, R: 3, S: 3, PadH: 1, PadW: 1, Groups: 144},
	{Name: "b2 project 1x1", N: 1, InC: 144, K: 24, H: 56, W: 56, R: 1, S: 1},
}

func checkMapperResult(t *testing.T, res *MapperResult, c *accel.SubAccel) {
	t.Helper()
	if err := CheckMapping(res.Problem, res.Mapping); err != nil {
		t.Fatal(err)
	}
	gb := res.Mapping.Levels[1]
	py, px := 1, 1
	for _, lp := range gb.Spatial {
		if lp.Axis == AxisY {
			py *= lp.Factor
		} else {
			px *= lp.Factor
		}
	}
	if py > c.Rows || px > c.Cols {
		t.Errorf("unrolls %d×%d on a %d×%d array", py, px, c.Rows, c.Cols)
	}
	var rf, buf int64
	for d := 0; d < 3; d++ {
		if s := res.Stats.Levels[2].DS[d]; s.Kept {
			rf += s.TileSize
		}
		buf += res.Stats.Levels[1].DS[d].TileSize
	}
	if rf*int64(c.Bits) > 8*c.RFBytes || buf*int64(c.Bits) > 8*c.GBBytes {
		t.Errorf("tiles %d words (RF) and %d words (buffer) exceed %d B and %d B", rf, buf, c.RFBytes, c.GBBytes)
	}
	// The result's numbers are the model's for its mapping.
	st, err := Evaluate(res.Problem, res.Mapping)
	if err != nil {
		t.Fatal(err)
	}
	if st.Cycles != res.Stats.Cycles || res.Cycles < st.Cycles {
		t.Errorf("cycles %d / %d, model says %d", res.Stats.Cycles, res.Cycles, st.Cycles)
	}
}

func TestMapperEyerissMobileNetV2(t *testing.T) {
	for _, df := range accel.Dataflows() {
		for _, l := range mobileNetV2Layers {
			c := eyerissChunk(df)
			res, err := MapLayer(l, c, DNA65, MapperOptions{})
			if err != nil {
				t.Fatalf("%s %s: %v", df, l.Name, err)
			}
			checkMapperResult(t, res, c)
			if res.Stats.ComputeInstances < 2 {
				t.Errorf("%s %s: only %d PEs busy", df, l.Name, res.Stats.ComputeInstances)
			}
			t.Logf("%s %-16s PEs %3d cycles %9d energy %.4g pJ EDP %.4g evals %d exhaustive %v",
				df, l.Name, res.Stats.ComputeInstances, res.Cycles, res.EnergyPJ, res.EDP(), res.Evaluated, res.Exhaustive)
		}
	}
}

func TestMapperDeterministic(t *testing.T) {
	l := mobileNetV2Layers[1]
	var first string
	for i := 0; i < 3; i++ {
		res, err := MapLayer(l, eyerissChunk(accel.RowStationary), DNA65, MapperOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s := res.Mapping.String(res.Problem)
		if i == 0 {
			first = s
		} else if s != first {
			t.Fatalf("run %d found\n%s\nrun 0 found\n%s", i, s, first)
		}
	}
}

// On a layer small enough for exhaustive search, the pruned search can
// never beat it, and each objective wins on its own measure.
func TestMapperExhaustiveVsPruned(t *testing.T) {
	l := accel.Layer{Name: "small", N: 1, InC: 2, K: 4, H: 4, W: 6, R: 3, S: 3}
	c := &accel.SubAccel{Name: "2x4", Rows: 2, Cols: 4, Dataflow: accel.RowStationary, Bits: 16, RFBytes: 64, GBBytes: 1024}
	for _, obj := range []Objective{MinEDP, MinEnergy, MinCycles} {
		ex, err := MapLayer(l, c, Horowitz45, MapperOptions{Objective: obj, Exhaustive: 1 << 30, SpatialCandidates: 1 << 10})
		if err != nil {
			t.Fatal(err)
		}
		if !ex.Exhaustive {
			t.Fatal("expected an exhaustive search")
		}
		pr, err := MapLayer(l, c, Horowitz45, MapperOptions{Objective: obj, Exhaustive: 1, SpatialCandidates: 1 << 10})
		if err != nil {
			t.Fatal(err)
		}
		checkMapperResult(t, ex, c)
		checkMapperResult(t, pr, c)
		val := func(r *MapperResult) float64 {
			switch obj {
			case MinEnergy:
				return r.EnergyPJ
			case MinCycles:
				return float64(r.Cycles)
			}
			return r.EDP()
		}
		if val(pr) < val(ex) {
			t.Errorf("%s: pruned %g beats exhaustive %g", obj, val(pr), val(ex))
		}
		t.Logf("%s: exhaustive %g (%d evals), pruned %g (%d evals)", obj, val(ex), ex.Evaluated, val(pr), pr.Evaluated)
	}
	e, _ := MapLayer(l, c, Horowitz45, MapperOptions{Objective: MinEnergy, Exhaustive: 1 << 30, SpatialCandidates: 1 << 10})
	cy, _ := MapLayer(l, c, Horowitz45, MapperOptions{Objective: MinCycles, Exhaustive: 1 << 30, SpatialCandidates: 1 << 10})
	if e.EnergyPJ > cy.EnergyPJ || cy.Cycles > e.Cycles {
		t.Errorf("min-energy gives %g pJ / %d cycles, min-cycles %g pJ / %d cycles", e.EnergyPJ, e.Cycles, cy.EnergyPJ, cy.Cycles)
	}
}

func TestMapperNoFit(t *testing.T) {
	l := accel.Layer{Name: "big", N: 1, InC: 64, K: 64, H: 8, W: 8, R: 3, S: 3}
	// A one-word buffer cannot hold a tile of all three data spaces.
	c := &accel.SubAccel{Name: "tiny", Rows: 2, Cols: 2, Dataflow: accel.WeightStationary, Bits: 16, RFBytes: 2, GBBytes: 2}
	if _, err := MapLayer(l, c, Horowitz45, MapperOptions{}); !errors.Is(err, ErrNoMapping) {
		t.Fatalf("err = %v, want ErrNoMapping", err)
	}
}

// The mapper's choices and the energies it reports are bit-identical on
// every platform: a golden hash over the MobileNetV2 layers × dataflows,
// checked natively and under GOOS=js GOARCH=wasm.
func TestMapperGoldenHash(t *testing.T) {
	h := fnv.New64a()
	for _, df := range accel.Dataflows() {
		for _, l := range mobileNetV2Layers {
			res, err := MapLayer(l, eyerissChunk(df), Horowitz45, MapperOptions{})
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s|%d|%x|", res.Mapping.String(res.Problem), res.Cycles, math.Float64bits(res.EnergyPJ))
		}
	}
	const golden = 0x7087c95c3767504c
	if got := h.Sum64(); got != golden {
		t.Errorf("golden hash %#x, want %#x", got, uint64(golden))
	}
}
