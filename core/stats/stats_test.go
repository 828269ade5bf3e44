package stats

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestSummarize(t *testing.T) {
	// t(0.975, 4) = 2.7764451051977987; sd of 1..5 is √2.5.
	h := 2.7764451051977987 * math.Sqrt(2.5) / math.Sqrt(5)
	for _, tt := range []struct {
		x    []float64
		want Summary
	}{
		{nil, Summary{}},
		{[]float64{7}, Summary{N: 1, Mean: 7, CI95: [2]float64{7, 7}}},
		{[]float64{1, 2, 3, 4, 5}, Summary{N: 5, Mean: 3, SD: math.Sqrt(2.5), CI95: [2]float64{3 - h, 3 + h}}},
		{[]float64{2, 2, 2}, Summary{N: 3, Mean: 2, CI95: [2]float64{2, 2}}},
	} {
		got := Summarize(tt.x)
		if got.N != tt.want.N || !near(got.Mean, tt.want.Mean, 1e-12) || !near(got.SD, tt.want.SD, 1e-12) ||
			!near(got.CI95[0], tt.want.CI95[0], 1e-9) || !near(got.CI95[1], tt.want.CI95[1], 1e-9) {
			t.Errorf("Summarize(%v) = %+v, want %+v", tt.x, got, tt.want)
		}
	}
}

func TestSummarizeRejectsNaN(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Summarize accepted NaN")
		}
	}()
	Summarize([]float64{1, math.NaN()})
}

// The p-values are checked against values computed independently: the
// paired t-test's by integrating Student's density numerically (t = 4.2426
// with 4 degrees of freedom: p = 0.0132356), the sign test's by counting
// (9 wins, 1 loss: 2·11/1024).
func TestCompare(t *testing.T) {
	a := []float64{2, 4, 6, 8, 10}
	b := []float64{1, 2, 3, 4, 5} // differences 1..5
	p := Compare(a, b)
	if p.N != 5 || p.Wins != 5 || p.Losses != 0 || p.Ties != 0 || p.Diff.Mean != 3 {
		t.Errorf("Compare = %+v", p)
	}
	if !near(p.PT, 0.013235599563551581, 1e-9) {
		t.Errorf("paired t p = %v, want 0.0132356", p.PT)
	}
	if !near(p.PSign, 2.0/32, 1e-15) { // 5 wins of 5
		t.Errorf("sign p = %v, want 1/16", p.PSign)
	}
	wins9 := Compare([]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 5}, []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 5})
	if wins9.Wins != 9 || wins9.Losses != 1 || wins9.Ties != 1 || !near(wins9.PSign, 22.0/1024, 1e-15) {
		t.Errorf("9 wins, 1 loss, 1 tie: %+v, want p_sign = 22/1024", wins9)
	}
	same := Compare([]float64{1, 2}, []float64{1, 2})
	if same.PT != 1 || same.PSign != 1 || same.Ties != 2 {
		t.Errorf("identical methods: %+v", same)
	}
	shifted := Compare([]float64{2, 3}, []float64{1, 2})
	if shifted.PT != 0 {
		t.Errorf("a constant non-zero difference: p_t = %v, want 0", shifted.PT)
	}
}
