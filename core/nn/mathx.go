package nn

import (
	"math"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/detmath"
)

// Softmax writes softmax(z) into dst[:len(z)] and returns that slice:
// e^(zᵢ−max z) / Σⱼ e^(zⱼ−max z), summed in index order with Exp, so it
// gives the same bits everywhere. dst may be z.
func Softmax(dst, z []float64) []float64 {
	dst = dst[:len(z)]
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, v)
	}
	var sum float64
	for j, v := range z {
		dst[j] = detmath.Exp(v - m)
		sum += dst[j]
	}
	for j := range dst {
		dst[j] /= sum
	}
	return dst
}

// Gumbel returns a standard Gumbel sample, −log(−log u), with u uniform in
// (0, 1) from 53 random bits (never 0 or 1).
func Gumbel(rng *rand.Rand) float64 {
	u := (float64(rng.Uint64()>>11) + 0.5) / (1 << 53)
	return -detmath.Log(-detmath.Log(u))
}

// cosHalfTurn returns cos(x) for x in [0, π] in pure Go (math.Cos is fused
// differently under GOAMD64=v3 and on arm64): cos(x) = −sin(x − π/2) with the
// sine's Taylor series to degree 23 on [−π/2, π/2].
func cosHalfTurn(x float64) float64 {
	y := float64(x - math.Pi/2)
	y2 := float64(y * y)
	s := 1.0
	for i := 23; i >= 3; i -= 2 {
		s = 1 - float64(float64(y2*s)/float64(i*(i-1)))
	}
	return -float64(y * s)
}
