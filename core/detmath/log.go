package detmath

import "math"

// Log returns the natural logarithm of x with every operation rounded
// explicitly, so it gives the same bits on amd64, arm64 and wasm. It
// returns what math.Log returns where math.Log is portable (amd64 and
// wasm agree); on arm64 the compiler fuses math.Log's multiply-adds and
// its last bit can differ.
//
// Method (fdlibm's e_log.c, Sun Microsystems, 1993): write x = 2ᵏ·(1+f)
// with √2/2 ≤ 1+f < √2, so that log x = k·ln2 + log(1+f). With s =
// f/(2+f), log(1+f) = 2s + 2s³/3 + 2s⁵/5 + … = f − (f²/2 − s·(f²/2 +
// R(s²))), where R is a degree-7 minimax polynomial in s² (|error| < 2⁻⁵⁸·⁴⁵).
// ln2 is split in a high part whose product with k is exact and a low
// part. Special cases: Log(+Inf) = +Inf, Log(0) = −Inf, Log(x < 0) = NaN,
// Log(NaN) = NaN.
func Log(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
		ln2Lo = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
		l1    = 6.666666666666735130e-01   // 0x3FE5555555555593
		l2    = 3.999999999940941908e-01   // 0x3FD999999997FA04
		l3    = 2.857142874366239149e-01   // 0x3FD2492494229359
		l4    = 2.222219843214978396e-01   // 0x3FCC71C51D8E78AF
		l5    = 1.818357216161805012e-01   // 0x3FC7466496CB03DE
		l6    = 1.531383769920937332e-01   // 0x3FC39A09D078C69F
		l7    = 1.479819860511658591e-01   // 0x3FC2F112DF3E5244
	)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	f1, ki := math.Frexp(x)
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	// Horner's form of R, every product rounded before its sum.
	t1 := float64(s2 * (l1 + float64(s4*(l3+float64(s4*(l5+float64(s4*l7)))))))
	t2 := float64(s4 * (l2 + float64(s4*(l4+float64(s4*l6)))))
	r := t1 + t2
	hfsq := float64(float64(0.5*f) * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*ln2Lo))) - f)
}

// Log2 returns the binary logarithm of x, portably (see Log): x = frac·2ᵉ
// gives log₂x = e + log(frac)/ln2, exactly e when frac is ½.
func Log2(x float64) float64 {
	frac, exp := math.Frexp(x)
	if frac == 0.5 {
		return float64(exp - 1)
	}
	return float64(Log(frac)*(1/math.Ln2)) + float64(exp)
}
