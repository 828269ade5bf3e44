package stats

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Summary describes n measurements of one quantity.
type Summary struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	// SD is the sample standard deviation (n − 1 in the denominator); 0
	// for fewer than two measurements.
	SD float64 `json:"sd"`
	// CI95 is the two-sided 95% confidence interval of the mean, from
	// Student's t with n − 1 degrees of freedom: mean ± t·SD/√n. Both ends
	// are the mean when n < 2 (no spread to estimate).
	CI95 [2]float64 `json:"ci95"`
}

// Summarize returns the summary of x. It panics on NaN or infinite
// measurements (a defect of the caller, which should drop or count them).
func Summarize(x []float64) Summary {
	s := Summary{N: len(x)}
	if len(x) == 0 {
		return s
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic("stats: a measurement is NaN or infinite")
		}
	}
	if len(x) == 1 {
		s.Mean = x[0]
		s.CI95 = [2]float64{x[0], x[0]}
		return s
	}
	s.Mean, s.SD = stat.MeanStdDev(x, nil)
	h := halfWidth95(s.SD, len(x))
	s.CI95 = [2]float64{s.Mean - h, s.Mean + h}
	return s
}

// halfWidth95 is t(0.975, n−1)·sd/√n.
func halfWidth95(sd float64, n int) float64 {
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
	return t * sd / math.Sqrt(float64(n))
}

// Paired compares method A with method B measured on the same seeds:
// differences d = a − b, seed by seed.
type Paired struct {
	N int `json:"n"`
	// Wins, Losses and Ties count the seeds where a > b, a < b and a = b.
	Wins   int `json:"wins"`
	Losses int `json:"losses"`
	Ties   int `json:"ties"`
	// Diff summarises the differences (mean, SD, 95% interval).
	Diff Summary `json:"diff"`
	// PT is the two-sided p-value of the paired t-test of mean(d) = 0 (1
	// when every difference is the same, so no spread is measured, and 0
	// when that difference is not 0).
	PT float64 `json:"p_t"`
	// PSign is the two-sided p-value of the sign test: wins against losses
	// as a fair coin would give them (ties dropped). It assumes nothing
	// about the differences' distribution.
	PSign float64 `json:"p_sign"`
}

// Compare returns the paired comparison of a with b. a and b must have the
// same length: one measurement per seed, in the same seed order.
func Compare(a, b []float64) Paired {
	if len(a) != len(b) {
		panic("stats: Compare needs one measurement of each method per seed")
	}
	p := Paired{N: len(a)}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
		switch {
		case d[i] > 0:
			p.Wins++
		case d[i] < 0:
			p.Losses++
		default:
			p.Ties++
		}
	}
	p.Diff = Summarize(d)
	p.PT = pairedT(p.Diff)
	p.PSign = signTest(p.Wins, p.Losses)
	return p
}

// pairedT is the two-sided p-value of Student's t for mean(d) = 0.
func pairedT(d Summary) float64 {
	switch {
	case d.N < 2:
		return 1
	case d.SD == 0 && d.Mean == 0:
		return 1
	case d.SD == 0:
		return 0
	}
	t := d.Mean / (d.SD / math.Sqrt(float64(d.N)))
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(d.N - 1)}
	return math.Min(1, 2*dist.CDF(-math.Abs(t)))
}

// signTest is the two-sided binomial p-value of wins against losses.
func signTest(wins, losses int) float64 {
	n := wins + losses
	if n == 0 {
		return 1
	}
	k := min(wins, losses)
	b := distuv.Binomial{N: float64(n), P: 0.5}
	return math.Min(1, 2*b.CDF(float64(k)))
}
