package detmath

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// logCases are the special cases and the awkward regions: subnormals,
// around 1 (where f is tiny), at the √2/2 boundary, powers of two, huge.
var logCases = []float64{
	math.SmallestNonzeroFloat64, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-10, 0.25, 0.5,
	math.Sqrt2 / 2, math.Nextafter(math.Sqrt2/2, 0), math.Nextafter(math.Sqrt2/2, 1),
	1 - 1e-15, 1, 1 + 1e-15, 1.5, 2, math.E, 10, 1 << 52, 1e300, math.MaxFloat64,
}

// TestLogMatchesMath: on amd64 and wasm, where math.Log is portable, Log
// returns its very bits; on other architectures, within 1 ulp. Subnormal
// inputs are the exception: amd64's assembly math.Log mishandles them
// (math.Log(5e-324) is −709.09 there, −744.44 in portable Go), so they are
// checked against log(x·2⁶⁰) − 60·ln2 instead.
func TestLogMatchesMath(t *testing.T) {
	exact := runtime.GOARCH == "amd64" || runtime.GOARCH == "wasm"
	check := func(x float64) {
		if x > 0 && x < 0x1p-1022 {
			if got, want := Log(x), Log(x*0x1p60)-60*math.Ln2; math.Abs(got-want) > 1e-13*math.Abs(want) {
				t.Fatalf("Log(%v) = %v, want %v", x, got, want)
			}
			return
		}
		got, want := Log(x), math.Log(x)
		if math.Float64bits(got) == math.Float64bits(want) {
			return
		}
		if exact || math.Abs(got-want) > math.Abs(math.Nextafter(want, math.Inf(1))-want) {
			t.Fatalf("Log(%v) = %v (%#x), math.Log %v (%#x)", x, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
	for _, x := range logCases {
		check(x)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		check(math.Float64frombits(rng.Uint64() >> 1)) // any positive finite or infinite float
		check(rng.Float64() + 0.5)
	}
}

func TestLogSpecialCases(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{
		{math.Inf(1), math.Inf(1)}, {0, math.Inf(-1)}, {math.Copysign(0, -1), math.Inf(-1)},
	} {
		if got := Log(c.x); got != c.want {
			t.Errorf("Log(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	for _, x := range []float64{-1, math.Inf(-1), math.NaN()} {
		if got := Log(x); !math.IsNaN(got) {
			t.Errorf("Log(%v) = %v, want NaN", x, got)
		}
	}
}

func TestLog2(t *testing.T) {
	for e := -1074; e <= 1023; e++ {
		if got := Log2(math.Ldexp(1, e)); got != float64(e) {
			t.Fatalf("Log2(2^%d) = %v", e, got)
		}
	}
	for _, x := range logCases {
		if got, want := Log2(x), math.Log2(x); math.Abs(got-want) > 1e-15*math.Max(1, math.Abs(want)) {
			t.Errorf("Log2(%v) = %v, math.Log2 %v", x, got, want)
		}
	}
}

func TestExpMatchesMath(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	xs := []float64{0, 1, -1, 0.5, -0.34657359, 0.34657359, 88.7, -87.3, -700, 700, -744, -745.5, 710, math.Inf(-1)}
	for range 20000 {
		xs = append(xs, 60*(2*rng.Float64()-1))
	}
	for _, x := range xs {
		got, want := Exp(x), math.Exp(x)
		if want == 0 || math.IsInf(want, 0) {
			if got != want {
				t.Errorf("Exp(%v) = %v, want %v", x, got, want)
			}
			continue
		}
		tol := 4e-16
		if want < 0x1p-1022 {
			tol = 1e-6 // subnormal results have few significant bits
		}
		if math.Abs(got-want)/want > tol {
			t.Errorf("Exp(%v) = %v, math.Exp %v, relative error %.3g > %.3g", x, got, want, math.Abs(got-want)/want, tol)
		}
	}
	// amd64's math.Exp overflows early (from x ≈ 709.44); compare near the top
	// of the range with the square of a half-size exponential instead.
	if got, want := Exp(709.7), math.Exp(709.7/2)*math.Exp(709.7/2); math.Abs(got-want)/want > 1e-15 {
		t.Errorf("Exp(709.7) = %v, want %v", got, want)
	}
	if !math.IsNaN(Exp(math.NaN())) {
		t.Errorf("Exp(NaN) is not NaN")
	}
}
