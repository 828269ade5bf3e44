package fpga

import (
	"math"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// autoNBAChunk builds a chunk from Auto-NBA's parameter vector
// [comp_mode, Tr, Tc, Tm, Tn, tr, tc, tm, tn, q]. Compute modes map to
// dataflows as documented on EvalLayer: std 0 → ws unrolling K only,
// std 1 → ws unrolling K×C, std 2 → os unrolling P; dw 0 → ws unrolling K,
// dw 1 → os unrolling P.
func autoNBAChunk(name string, dw bool, mode, Tr, Tc, Tm, Tn, tr, tc, tm, tn, q int) accel.SubAccel {
	c := accel.SubAccel{Name: name, Bits: q}
	c.Tiles[accel.LevelGB] = accel.Extents{accel.DimP: Tr, accel.DimQ: Tc, accel.DimK: Tm, accel.DimC: Tn}
	c.Tiles[accel.LevelRF] = accel.Extents{accel.DimP: tr, accel.DimQ: tc, accel.DimK: tm, accel.DimC: tn}
	switch {
	case !dw && mode == 0, dw && mode == 0:
		c.Dataflow, c.Unroll, c.Rows, c.Cols = accel.WeightStationary, accel.Extents{accel.DimK: tm}, 1, tm
	case !dw && mode == 1:
		c.Dataflow, c.Unroll, c.Rows, c.Cols = accel.WeightStationary, accel.Extents{accel.DimK: tm, accel.DimC: tn}, tn, tm
	default: // std 2, dw 1
		c.Dataflow, c.Unroll, c.Rows, c.Cols = accel.OutputStationary, accel.Extents{accel.DimP: tr}, tr, 1
	}
	return c
}

// autoNBALayer is Auto-NBA's layer [N, M, R, K, stride]: N input channels
// (1 for depthwise), M outputs, R×R output map, K×K kernel. Padding keeps
// the map size, so P = Q = R.
func autoNBALayer(n, m, r, k int, dw bool) accel.Layer {
	l := accel.Layer{Name: "l", N: 1, InC: n, K: m, H: r, W: r, R: k, S: k, PadH: (k - 1) / 2, PadW: (k - 1) / 2}
	if dw {
		l.InC, l.Groups = m, m
	}
	return l
}

// The reference values of docs/METHOD.md §3.6, computed with the
// original analytical_prediction.py functions.
var faithfulReference = []fpgaCase{
	{"1x1 std N=16 M=96 R=32, mode 1, q=8",
		autoNBALayer(16, 96, 32, 1, false), autoNBAChunk("a0q8", false, 1, 16, 16, 8, 8, 16, 16, 8, 8, 8),
		43776, 32, 24},
	{"3x3 dw M=96 R=32, mode 1, q=8",
		autoNBALayer(1, 96, 32, 3, true), autoNBAChunk("dwa0q8", true, 1, 16, 16, 8, 1, 16, 16, 8, 1, 8),
		71232, 8, 55},
}

// fpgaCase is a layer on a chunk with its expected cycles and resources.
type fpgaCase struct {
	name   string
	layer  accel.Layer
	chunk  accel.SubAccel
	cycles float64
	dsp    float64
	bram   int
}

func checkFPGACases(t *testing.T, mode accel.Mode, cases []fpgaCase) {
	t.Helper()
	for _, tt := range cases {
		var got accel.LayerCost
		if err := EvalLayer(&got, &tt.layer, &tt.chunk, mode); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got.Cycles != tt.cycles || got.DSP != tt.dsp || got.BRAM18 != tt.bram {
			t.Errorf("%s: EvalLayer cycles, DSP, BRAM18 = %v, %v, %d; want %v, %v, %d",
				tt.name, got.Cycles, got.DSP, got.BRAM18, tt.cycles, tt.dsp, tt.bram)
		}
	}
}

func TestFPGAFaithfulReference(t *testing.T) { checkFPGACases(t, accel.Faithful, faithfulReference) }

// Hand-derived cases for the formulas the reference values do not reach:
// std mode 0 and 2, dw mode 0, real-valued trips, and the halo rule.
func TestFPGAFaithfulHandDerived(t *testing.T) {
	checkFPGACases(t, accel.Faithful, []fpgaCase{
		// Mode 0, q=16 (s=1), 3×3 std, N=8 M=16 R=8; Tr=Tc=4 Tm=Tn=4, tr=tc=4 tm=4 tn=2.
		// Tri=max(4+2,4)=6. C=4·4·4·4·9/4=576. I=⌈4·36/2⌉=72. W=⌈4·4·9/4⌉=36.
		// O=⌈64/4⌉+16=32. trips=2·2·4=16, N/Tn=2 → 16·(32+2·(576+36)) = 20096.
		// DSP=4. BRAM=2·2·⌈72·16/18000⌉+4·⌈16·16/18000⌉=4+4=8.
		{"std mode 0", autoNBALayer(8, 16, 8, 3, false), autoNBAChunk("a", false, 0, 4, 4, 4, 4, 4, 4, 4, 2, 16), 20096, 4, 8},
		// Mode 2, q=16, 3×3 std, N=4 M=8 R=8; Tr=Tc=8 Tm=Tn=4, tr=4 tc=8 tm=tn=4.
		// Tri=max(6,8)=8, Tci=max(10,8)=10. C=8·8·4·4·9/4=2304. I=⌈4·80/4⌉=80.
		// W=4·4·3=48. O=⌈256/4⌉+8·4·8/4=64+64=128. trips=1·1·2, N/Tn=1
		// → 2·(128+2304+48)=4960. DSP=4.
		// BRAM=2·8·⌈10·4·16/18000⌉+4·⌈32·16/18000⌉+3·⌈3·16·16/18000⌉=16+4+3=23.
		{"std mode 2", autoNBALayer(4, 8, 8, 3, false), autoNBAChunk("a", false, 2, 8, 8, 4, 4, 4, 8, 4, 4, 16), 4960, 4, 23},
		// dw mode 0, q=4 (s=1/4), 5×5, M=32 R=4; Tr=Tc=4 Tm=16, tr=tc=2 tm=8.
		// Tri=max(2+4,4)=6. C=16·16·25/8=800. I=⌈16·36/4⌉/4=36. W=⌈16·25/4⌉/4=25.
		// O=(⌈256/4⌉+16·16/8)/4=(64+32)/4=24. trips=1·1·2 → 2·(800+25+24)=1698.
		// DSP=8/4=2. BRAM=2·8·⌈72·4/18000⌉+8·⌈32·4/18000⌉=16+8=24.
		{"dw mode 0", autoNBALayer(1, 32, 4, 5, true), autoNBAChunk("dwa", true, 0, 4, 4, 16, 1, 2, 2, 8, 1, 4), 1698, 2, 24},
		// Real-valued trips: a 1×1 std layer with R=8 on 16×16 tiles counts
		// (8/16)² = 1/4 of a tile. N=8 M=8, Tm=Tn=8, mode 1, q=16: C=16·16·64/64=256,
		// I=⌈8·256/4⌉=512, W=⌈64/4⌉=16, O=⌈2048/4⌉+256=768 → ¼·(768+512+16)=324.
		{"fractional trips", autoNBALayer(8, 8, 8, 1, false), autoNBAChunk("a", false, 1, 16, 16, 8, 8, 16, 16, 8, 8, 16), 324, 64, 2*8*1 + 8*1},
	})
}

func TestFPGAFaithfulIgnoresStride(t *testing.T) {
	// Same output map, stride 1 versus stride 2 (twice the input): the
	// original's input tile ignores stride, so the cycles are equal; the
	// corrected model loads the wider strided halo.
	c := autoNBAChunk("a", false, 1, 8, 8, 8, 8, 8, 8, 8, 8, 16)
	s1 := accel.Layer{Name: "s1", InC: 8, K: 8, H: 16, W: 16, R: 3, S: 3, PadH: 1, PadW: 1}
	s2 := accel.Layer{Name: "s2", InC: 8, K: 8, H: 32, W: 32, R: 3, S: 3, PadH: 1, PadW: 1, StrideH: 2, StrideW: 2}
	var a, b accel.LayerCost
	for _, mode := range []accel.Mode{accel.Faithful, accel.Corrected} {
		EvalLayer(&a, &s1, &c, mode)
		EvalLayer(&b, &s2, &c, mode)
		if mode == accel.Faithful && a.Cycles != b.Cycles {
			t.Errorf("faithful: stride 1 vs 2 cycles = %v, %v; want equal", a.Cycles, b.Cycles)
		}
		if mode == accel.Corrected && !(b.DRAMWords[accel.OpInput] > a.DRAMWords[accel.OpInput]) {
			t.Errorf("corrected: stride-2 input words %v not above stride-1 %v", b.DRAMWords[accel.OpInput], a.DRAMWords[accel.OpInput])
		}
	}
}

func TestFPGACorrectedHandDerived(t *testing.T) {
	// Corrected mode on a layer that does not divide its tiles: 1×1 std,
	// N=12 M=12, P=Q=10, GB tiles 8, compute tiles 8, ws K×C unroll 4×4, q=16.
	// Tiles clip to (8, 8, 8, 8); trips ⌈10/8⌉²·⌈12/8⌉ = 8, inner ⌈12/8⌉ = 2.
	// compute = ⌈8/4⌉·⌈8/4⌉·8·8 = 256; Tri = Tci = (8−1)+1 = 8.
	// I = ⌈8·64/4⌉ = 128, W = ⌈64/4⌉ = 16, O = ⌈512/4⌉ + 64·8/8 = 192.
	// cycles = 8·(192 + 2·(256+16)) = 5888.
	// BRAM = 2·8·⌈64·16/18000⌉ + 8·⌈64·16/18000⌉ + 8·⌈64·16/18000⌉ = 16+8+8 = 32.
	// DSP = the whole 4×4 array = 16.
	l := accel.Layer{Name: "l", N: 1, InC: 12, K: 12, H: 10, W: 10, R: 1, S: 1}
	c := accel.SubAccel{Name: "c", Rows: 4, Cols: 4, Bits: 16, Dataflow: accel.WeightStationary, Unroll: accel.Extents{accel.DimK: 4, accel.DimC: 4}}
	c.Tiles[accel.LevelGB] = accel.Extents{accel.DimP: 8, accel.DimQ: 8, accel.DimK: 8, accel.DimC: 8}
	c.Tiles[accel.LevelRF] = accel.Extents{accel.DimP: 8, accel.DimQ: 8, accel.DimK: 8, accel.DimC: 8}
	var got accel.LayerCost
	if err := EvalLayer(&got, &l, &c, accel.Corrected); err != nil {
		t.Fatal(err)
	}
	if got.Cycles != 5888 || got.BRAM18 != 32 || got.DSP != 16 {
		t.Errorf("cycles, BRAM18, DSP = %v, %d, %v; want 5888, 32, 16", got.Cycles, got.BRAM18, got.DSP)
	}
}

// In corrected mode an unroll wider than the layer shares nothing past the
// layer's extent: a 4 × 32 ws array (K × C) on a layer of 8 input channels
// reads the buffer as the 4 × 8 array that its mapping keeps busy, with
// the same cycles. Faithful mode keeps the original's unclipped reuse.
// Hand count: 8·16·8·8 = 8,192 MACs; partial sums are read 2·MACs / (C
// reuse) times beside the DRAM fills: 2,048 with C's reuse clipped to 8,
// 512 with the unclipped 32.
func TestFPGACorrectedClipsReuseToTheLayer(t *testing.T) {
	l := accel.Layer{Name: "l", N: 1, InC: 8, K: 16, H: 8, W: 8, R: 1, S: 1}
	wide := accel.SubAccel{Name: "wide", Rows: 32, Cols: 4, Bits: 16, Dataflow: accel.WeightStationary, Unroll: accel.Extents{accel.DimK: 4, accel.DimC: 32}}
	fit := wide
	fit.Unroll[accel.DimC] = 8
	var w, f, wf accel.LayerCost
	for _, e := range []struct {
		dst  *accel.LayerCost
		c    *accel.SubAccel
		mode accel.Mode
	}{{&w, &wide, accel.Corrected}, {&f, &fit, accel.Corrected}, {&wf, &wide, accel.Faithful}} {
		if err := EvalLayer(e.dst, &l, e.c, e.mode); err != nil {
			t.Fatal(err)
		}
	}
	if w.Cycles != f.Cycles || w.EnergySum != f.EnergySum || w.Energy != f.Energy {
		t.Errorf("corrected: the 32-wide unroll costs %v cycles, %v energy; the 8-wide one it maps as %v, %v", w.Cycles, w.EnergySum, f.Cycles, f.EnergySum)
	}
	word := 1.0 // 16-bit words
	if got, want := w.Energy.Buffer[accel.OpOutput], (w.DRAMWords[accel.OpOutput]+2048)*unitBuffer*word; got != want {
		t.Errorf("corrected output buffer energy %v, want (fills + 2048 reads)·%v = %v", got, unitBuffer, want)
	}
	if got, want := wf.Energy.Buffer[accel.OpOutput], (wf.DRAMWords[accel.OpOutput]+512)*unitBuffer*word; got != want {
		t.Errorf("faithful output buffer energy %v, want (fills + 512 reads)·%v = %v", got, unitBuffer, want)
	}
}

func TestFPGAUnsupportedDataflow(t *testing.T) {
	l := autoNBALayer(16, 96, 32, 1, false)
	for _, df := range []accel.Dataflow{accel.InputStationary, accel.RowStationary} {
		c := autoNBAChunk("x", false, 1, 16, 16, 8, 8, 16, 16, 8, 8, 8)
		c.Dataflow = df
		var got accel.LayerCost
		if err := EvalLayer(&got, &l, &c, accel.Faithful); err == nil {
			t.Errorf("dataflow %s: no error, want one naming %s", df, accel.CstModelDataflow)
		}
	}
}

func TestMacUnit(t *testing.T) {
	if got := accel.MACEnergy(16); math.Abs(got-1) > 1e-15 {
		t.Errorf("accel.MACEnergy(16) = %v, want 1", got)
	}
	// A 4-bit MAC uses 1 adder and 1 multiplier of the 16-bit MAC's 4 and 16.
	if got, want := accel.MACEnergy(4), (1.0/68+1.0/17)/(4.0/68+16.0/17); got != want {
		t.Errorf("accel.MACEnergy(4) = %v, want %v", got, want)
	}
}
