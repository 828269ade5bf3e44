package detmath

import "math"

// Exp returns eˣ computed in pure Go with explicitly rounded operations, so
// that it gives the same bits on every GOARCH and GOAMD64 level (math.Exp
// uses assembly on amd64 that differs from the wasm result by 1–2 ulp). Its
// error is within 2 ulp of the true value for every x in [-745, 709].
//
// Method: x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in a high part with
// trailing zero bits, so k·ln2Hi is exact), e^r by its Taylor series to
// degree 13 (truncation below 2⁻⁵⁵ relative), then scaling by 2ᵏ.
func Exp(x float64) float64 {
	const (
		ln2Hi  = 6.93147180369123816490e-01 // ln 2 to 32 bits
		ln2Lo  = 1.90821492927058770002e-10 // ln 2 − ln2Hi
		log2e  = 1.44269504088896338700e+00
		maxArg = 7.09782712893383973096e+02
		minArg = -7.45133219101941108420e+02
	)
	switch {
	case x != x:
		return x
	case x > maxArg:
		return math.Inf(1)
	case x < minArg:
		return 0
	}
	k := math.Floor(float64(x*log2e) + 0.5)
	r := float64(x - float64(k*ln2Hi))
	r = float64(r - float64(k*ln2Lo))
	// Horner form of Σ_{i≤13} rⁱ/i!.
	p := 1.0
	for i := 13; i >= 1; i-- {
		p = float64(float64(p*r)/float64(i)) + 1
	}
	ki := int(k)
	if ki < -1021 {
		// Subnormal result: scale in two steps so 2ᵏ stays representable.
		return float64(p*math.Float64frombits(uint64(ki+1021+1023)<<52)) * 0x1p-1021
	}
	if ki > 1023 {
		return float64(p*2) * math.Float64frombits(uint64(ki-1+1023)<<52)
	}
	return p * math.Float64frombits(uint64(ki+1023)<<52)
}
