package fpga

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel/acceltest"

	"github.com/dian-explorer/dian/core/accel"
)

// randomCase draws a layer and a chunk that can run it, with power-of-two
// tiles and bit-widths so every count is a dyadic rational and products
// with the batch are exact in float64.
func randomCase(r *rand.Rand) (accel.Layer, accel.SubAccel) {
	pick := func(xs ...int) int { return xs[r.IntN(len(xs))] }
	k := pick(1, 3, 5)
	l := accel.Layer{Name: "l", N: 1, InC: pick(8, 16, 24, 32, 64), K: pick(8, 16, 32, 48), H: pick(4, 8, 14, 16, 32), R: k, S: k,
		PadH: k / 2, PadW: k / 2}
	l.W = l.H
	if r.IntN(3) == 0 {
		l.StrideH, l.StrideW = 2, 2
	}
	if r.IntN(3) == 0 {
		l.K, l.Groups = l.InC, l.InC // depthwise
	}
	c := accel.SubAccel{Name: "c", Bits: pick(4, 8, 16)}
	gb, rf := &c.Tiles[accel.LevelGB], &c.Tiles[accel.LevelRF]
	for _, d := range []accel.Dim{accel.DimP, accel.DimQ, accel.DimK, accel.DimC} {
		gb[d] = pick(1, 2, 4, 8, 16, 32)
		rf[d] = 1 << r.IntN(1+int(math.Log2(float64(gb[d]))))
	}
	if r.IntN(2) == 0 {
		c.Dataflow = accel.WeightStationary
		c.Unroll[accel.DimK] = 1 << r.IntN(1+int(math.Log2(float64(rf[accel.DimK]))))
		c.Unroll[accel.DimC] = 1 << r.IntN(1+int(math.Log2(float64(rf[accel.DimC]))))
		c.Rows, c.Cols = c.Unroll[accel.DimC], c.Unroll[accel.DimK]
	} else {
		c.Dataflow = accel.OutputStationary
		c.Unroll[accel.DimP] = 1 << r.IntN(1+int(math.Log2(float64(rf[accel.DimP]))))
		c.Rows, c.Cols = c.Unroll[accel.DimP], 1
	}
	return l, c
}

var fpgaModes = []accel.Mode{accel.Faithful, accel.Corrected}

func TestFPGAMorePEsNeverSlower(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	checked := 0
	defer func() {
		if checked < 500 {
			t.Errorf("only %d of 2000 random cases could grow their array; the property was barely tested", checked)
		}
	}()
	for i := 0; i < 2000; i++ {
		l, c := randomCase(r)
		// Double one unrolled dimension while it stays within its compute
		// tile: the same tiles (the mapping) on a larger array.
		more := c
		rf := &c.Tiles[accel.LevelRF]
		grown := false
		for _, d := range []accel.Dim{accel.DimK, accel.DimC, accel.DimP} {
			if c.Dataflow.Spatial().Has(d) && (c.Dataflow == accel.WeightStationary) == (d != accel.DimP) && accel.OrOne(c.Unroll[d])*2 <= rf[d] {
				more.Unroll[d] = accel.OrOne(c.Unroll[d]) * 2
				more.Rows *= 2
				grown = true
				break
			}
		}
		if !grown {
			continue
		}
		checked++
		for _, mode := range fpgaModes {
			var a, b accel.LayerCost
			if err := EvalLayer(&a, &l, &c, mode); err != nil {
				t.Fatal(err)
			}
			EvalLayer(&b, &l, &more, mode)
			if b.Cycles > a.Cycles {
				t.Fatalf("%s: %+v on unroll %v: %v cycles; on unroll %v: %v cycles (slower with more PEs)",
					mode, l, c.Unroll, a.Cycles, more.Unroll, b.Cycles)
			}
		}
	}
}

func TestFPGACountsScaleWithBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		l, c := randomCase(r)
		batch := 1 + r.IntN(16)
		lb := l
		lb.N = batch
		for _, mode := range fpgaModes {
			var a, b accel.LayerCost
			EvalLayer(&a, &l, &c, mode)
			EvalLayer(&b, &lb, &c, mode)
			n := float64(batch)
			exact := b.Cycles == n*a.Cycles && b.ComputeCycles == n*a.ComputeCycles && b.MACs == int64(batch)*a.MACs &&
				b.DRAMWords[accel.OpInput] == n*a.DRAMWords[accel.OpInput] && b.DRAMWords[accel.OpWeight] == n*a.DRAMWords[accel.OpWeight] &&
				b.DRAMWords[accel.OpOutput] == n*a.DRAMWords[accel.OpOutput]
			// Resources size the hardware, not the work: unchanged.
			same := b.DSP == a.DSP && b.BRAM18 == a.BRAM18
			// Energies involve the non-dyadic MAC unit: equal to rounding.
			energy := math.Abs(b.EnergySum-n*a.EnergySum) <= 1e-12*b.EnergySum
			if !exact || !same || !energy {
				t.Fatalf("%s batch %d: %+v vs %+v", mode, batch, b, a)
			}
		}
	}
}

func TestFPGAEnergyIsSumOfParts(t *testing.T) {
	d, net, p := acceltest.Examples(t)
	for _, mode := range fpgaModes {
		nc, err := Evaluate(d, net, p, mode)
		if err != nil {
			t.Fatal(err)
		}
		var parts accel.Energy
		sumOfLayers := 0.0
		for _, lc := range nc.Layers {
			e := lc.Energy
			own := e.DRAM[0] + e.DRAM[1] + e.DRAM[2] + e.Buffer[0] + e.Buffer[1] + e.Buffer[2] + e.RF[0] + e.RF[1] + e.RF[2] + e.MAC
			if lc.EnergySum != own {
				t.Errorf("%s %s: energy_total %v, sum of its parts %v", mode, lc.Layer, lc.EnergySum, own)
			}
			if lc.Modelled && (e.MAC <= 0 || e.DRAM[accel.OpWeight] <= 0) {
				t.Errorf("%s %s: MAC and DRAM weight energy must be positive: %+v", mode, lc.Layer, e)
			}
			for o := accel.OpInput; o < accel.NumOperands; o++ {
				parts.DRAM[o] += e.DRAM[o]
				parts.Buffer[o] += e.Buffer[o]
				parts.RF[o] += e.RF[o]
			}
			parts.MAC += e.MAC
			sumOfLayers += lc.EnergySum
		}
		if nc.Energy != parts {
			t.Errorf("%s: network energy breakdown %+v, sum over layers %+v", mode, nc.Energy, parts)
		}
		if math.Abs(nc.EnergySum-sumOfLayers) > 1e-12*sumOfLayers {
			t.Errorf("%s: network energy %v, Σ layer energies %v", mode, nc.EnergySum, sumOfLayers)
		}
		if want := nc.EnergySum * nc.LatencyMs / 1e3; nc.EDP != want {
			t.Errorf("%s: EDP %v, want energy × latency %v", mode, nc.EDP, want)
		}
	}
}

func TestFPGANetworkPipeline(t *testing.T) {
	d, net, p := acceltest.Examples(t)
	for _, mode := range fpgaModes {
		nc, err := Evaluate(d, net, p, mode)
		if err != nil {
			t.Fatal(err)
		}
		// Chunk cycles are sums of their layers, the bottleneck their max,
		// FPS = clock / bottleneck, resources = Σ over used chunks of the
		// per-chunk maxima.
		var cycles [16]float64
		var dsp [16]float64
		var bram [16]int
		total := 0.0
		for _, lc := range nc.Layers {
			if lc.Chunk >= 0 {
				cycles[lc.Chunk] += lc.Cycles
				dsp[lc.Chunk] = max(dsp[lc.Chunk], lc.DSP)
				bram[lc.Chunk] = max(bram[lc.Chunk], lc.BRAM18)
				total += lc.Cycles
			}
		}
		worst, sumDSP, sumBRAM := 0.0, 0.0, 0
		for i, ch := range nc.Chunks {
			if ch.Cycles != cycles[i] || ch.DSP != dsp[i] || ch.BRAM18 != bram[i] {
				t.Errorf("%s chunk %s: %+v; want cycles %v dsp %v bram %d", mode, ch.Name, ch, cycles[i], dsp[i], bram[i])
			}
			worst = max(worst, ch.Cycles)
			sumDSP += ch.DSP
			sumBRAM += ch.BRAM18
		}
		if nc.BottleneckCycles != worst || nc.Chunks[nc.Bottleneck].Cycles != worst || nc.FPS != 200e6/worst {
			t.Errorf("%s: bottleneck %v (chunk %d), FPS %v; want %v, %v", mode, nc.BottleneckCycles, nc.Bottleneck, nc.FPS, worst, 200e6/worst)
		}
		if nc.Cycles != total || nc.DSP != sumDSP || nc.BRAM18 != sumBRAM {
			t.Errorf("%s: totals %v cycles %v DSP %d BRAM; want %v, %v, %d", mode, nc.Cycles, nc.DSP, nc.BRAM18, total, sumDSP, sumBRAM)
		}
		// The pipeline penalty: faithful sums every modelled layer; corrected
		// charges only the bottleneck chunk's layers.
		pen := 0.0
		for _, lc := range nc.Layers {
			pen += lc.PipelineCycles
		}
		if want := map[accel.Mode]float64{accel.Faithful: total, accel.Corrected: worst}[mode]; pen != want {
			t.Errorf("%s: Σ pipeline cycles %v, want %v", mode, pen, want)
		}
	}
}

func TestFPGABudgetViolations(t *testing.T) {
	d, net, p := acceltest.Examples(t)
	p.DSP, p.BRAM18 = 100, 100
	nc, err := Evaluate(d, net, p, accel.Corrected)
	if err != nil {
		t.Fatal(err)
	}
	if nc.Feasible || len(nc.Violations) != 2 {
		t.Fatalf("on a 100-DSP, 100-BRAM18 board: feasible %v, violations %q; want both budgets broken", nc.Feasible, nc.Violations)
	}
	d.Chunks[0].GBBytes = 16
	nc, _ = Evaluate(d, net, p, accel.Corrected)
	found := false
	for _, v := range nc.Violations {
		found = found || strings.Contains(v, accel.CstGBCapacity)
	}
	if !found {
		t.Errorf("a 16-byte global buffer: violations %q, want %s", nc.Violations, accel.CstGBCapacity)
	}
	// b0.pw1 (16→16, 32×32, 8 bit) on a0q8: GB tiles 16×16 pixels, 8×8
	// channels: input 2·8·16·16 + weights 8·8 + outputs 8·16·16 = 6208 B;
	// its RF tile is the same on 64 PEs: (2048+64+2048)/64 = 65 B per PE;
	// DRAM holds 16·32·32 + 16·16 + 16·32·32 = 33024 B.
	d.Chunks[0].GBBytes, d.Chunks[0].RFBytes, d.Chunks[0].DRAMBytes = 6208, 65, 33024
	net.Layers = net.Layers[:2]
	d.Chunks[0].Layers = nil
	gb, rf, dram := footprintBytes(&net.Layers[1], &d.Chunks[0])
	if gb != 6208 || rf != 65 || dram != 33024 {
		t.Errorf("footprints of b0.pw1 on a0q8 = %d, %d, %d B; want 6208, 65, 33024", gb, rf, dram)
	}
}

func TestFPGAPlanErrors(t *testing.T) {
	d, net, _ := acceltest.Examples(t)
	d.Chunks = d.Chunks[:4] // drop the q32 chunks
	if _, err := accel.Plan(d, net, accel.Faithful); err != nil {
		t.Errorf("faithful plan needs no chunk for stem/head/fc: %v", err)
	}
	if _, err := accel.Plan(d, net, accel.Corrected); err == nil || !strings.Contains(err.Error(), `chunk "a0q32"`) {
		t.Errorf("corrected plan without a0q32: %v, want an error naming the missing chunk", err)
	}
	ex := &accel.Design{Name: "x", Chunks: []accel.SubAccel{{Name: "c", Layers: []string{"b0.pw1", "nope"}}}}
	if _, err := accel.Plan(ex, net, accel.Faithful); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("explicit plan naming a missing layer: %v", err)
	}
}

func TestFPGAZeroAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("AllocsPerRun is slow-ish")
	}
	d, net, p := acceltest.Examples(t)
	plan, _ := accel.Plan(d, net, accel.Corrected)
	var nc accel.NetworkCost
	var lc accel.LayerCost
	l, c := &net.Layers[1].Layer, &d.Chunks[0]
	if n := testing.AllocsPerRun(100, func() { EvalLayer(&lc, l, c, accel.Faithful) }); n != 0 {
		t.Errorf("EvalLayer allocates %v times per call, want 0", n)
	}
	EvaluatePlan(&nc, d, net, p, accel.Corrected, plan)
	if n := testing.AllocsPerRun(100, func() { EvaluatePlan(&nc, d, net, p, accel.Corrected, plan) }); n != 0 {
		t.Errorf("EvaluatePlan into a reused NetworkCost allocates %v times per call, want 0", n)
	}
}

func TestBlockPenalties(t *testing.T) {
	d, net, p := acceltest.Examples(t)
	blocks := []string{"b0", "b1", "b2", "nope"}
	got := make([]float64, len(blocks))
	for _, mode := range fpgaModes {
		nc, err := Evaluate(d, net, p, mode)
		if err != nil {
			t.Fatal(err)
		}
		nc.BlockPenalties(net, blocks, got)
		for i, b := range blocks {
			want := 0.0
			for li, l := range net.Layers {
				if l.Block == b {
					want += nc.Layers[li].PipelineCycles
				}
			}
			if got[i] != want {
				t.Errorf("%s block %s penalty %v, want %v", mode, b, got[i], want)
			}
		}
		// Faithful: every block layer counts, so b0 is the sum of its three
		// layers' cycles.
		if mode == accel.Faithful && got[0] != nc.Layers[1].Cycles+nc.Layers[2].Cycles+nc.Layers[3].Cycles {
			t.Errorf("faithful b0 penalty %v is not the sum of its layers' cycles", got[0])
		}
	}
}
