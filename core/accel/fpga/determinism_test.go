package fpga

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// fpgaGoldenHash is the FNV-64a of every float the model returns on 4,000
// seeded random cases. It was recorded once; the test guards bit-identical
// results across amd64, arm64 and wasm (run it under GOOS=js GOARCH=wasm
// too) and flags any change to the arithmetic.
const fpgaGoldenHash = 0x58f2d79675cca491

func TestFPGADeterminismGolden(t *testing.T) {
	h := fnv.New64a()
	var buf [8]byte
	put := func(v float64) {
		b := math.Float64bits(v)
		for i := range buf {
			buf[i] = byte(b >> (8 * i))
		}
		h.Write(buf[:])
	}
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 2000; i++ {
		l, c := randomCase(r)
		for _, mode := range fpgaModes {
			var lc accel.LayerCost
			EvalLayer(&lc, &l, &c, mode)
			put(lc.Cycles)
			put(lc.ComputeCycles)
			put(lc.DSP)
			put(float64(lc.BRAM18))
			for o := accel.OpInput; o < accel.NumOperands; o++ {
				put(lc.DRAMWords[o])
				put(lc.Energy.Buffer[o])
			}
			put(lc.EnergySum)
		}
	}
	if got := h.Sum64(); got != fpgaGoldenHash {
		t.Errorf("FPGA model golden hash = %#x, want %#x", got, fpgaGoldenHash)
	}
}
