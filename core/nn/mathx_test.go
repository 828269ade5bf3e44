package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSoftmax(t *testing.T) {
	for _, z := range [][]float64{
		{0},
		{1, 2, 3},
		{-1000, 0, 1000}, // overflows without the max subtracted
		{0.5, 0.5, 0.5, 0.5},
		{math.Inf(-1), 0},
	} {
		p := Softmax(make([]float64, len(z)), z)
		var sum float64
		for i, v := range p {
			sum += v
			if v < 0 || v > 1 {
				t.Errorf("Softmax(%v)[%d] = %v, outside [0, 1]", z, i, v)
			}
		}
		if math.Abs(sum-1) > 1e-15 {
			t.Errorf("Softmax(%v) sums to %v", z, sum)
		}
		// Shifting every logit changes nothing.
		shifted := make([]float64, len(z))
		for i := range z {
			shifted[i] = z[i] + 7
		}
		q := Softmax(shifted, shifted) // in place
		for i := range p {
			if math.Abs(p[i]-q[i]) > 1e-15 {
				t.Errorf("Softmax(%v + 7)[%d] = %v, want %v", z, i, q[i], p[i])
			}
		}
	}
	if p := Softmax(make([]float64, 2), []float64{0, math.Log(3)}); math.Abs(p[1]-0.75) > 1e-15 {
		t.Errorf("Softmax(0, log 3) = %v, want [0.25 0.75]", p)
	}
}

// Gumbel samples have the distribution's mean (the Euler–Mascheroni
// constant) and variance (π²/6), and a seed fixes them.
func TestGumbel(t *testing.T) {
	const n = 200000
	rng := rand.New(rand.NewPCG(1, 2))
	var sum, sq float64
	for range n {
		g := Gumbel(rng)
		sum += g
		sq += g * g
	}
	mean := sum / n
	variance := sq/n - mean*mean
	if math.Abs(mean-0.5772156649) > 0.01 || math.Abs(variance-math.Pi*math.Pi/6) > 0.03 {
		t.Errorf("mean %v, variance %v; want 0.5772, %v", mean, variance, math.Pi*math.Pi/6)
	}
	a, b := rand.New(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
	for range 10 {
		if x, y := Gumbel(a), Gumbel(b); x != y {
			t.Fatalf("same seed, samples %v and %v", x, y)
		}
	}
}
