package tensor

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// guard is written around outputs to catch writes outside the slice.
const guard = float32(-1234.5)

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// guarded returns a slice of n elements inside a larger one filled with guard.
func guarded(rng *rand.Rand, n int) (inner, outer []float32) {
	outer = make([]float32, n+16)
	for i := range outer {
		outer[i] = guard
	}
	inner = outer[8 : 8+n]
	copy(inner, randSlice(rng, n))
	return inner, outer
}

func checkGuard(t *testing.T, outer []float32, n int) {
	t.Helper()
	for i := 0; i < 8; i++ {
		if outer[i] != guard || outer[8+n+i] != guard {
			t.Fatalf("write outside the output slice")
		}
	}
}

// naiveGemm is the reference loop from Gemm's doc comment.
func naiveGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for p := 0; p < k; p++ {
			var av float32
			if transA {
				av = a[p*lda+i]
			} else {
				av = a[i*lda+p]
			}
			for j := 0; j < n; j++ {
				var bv float32
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				c[i*ldc+j] += float32(av * bv)
			}
		}
	}
}

func TestGemmMatchesNaiveBitForBit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{1, 3, 7, 65, 130}
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}} {
		for _, m := range sizes {
			for _, n := range sizes {
				for _, k := range []int{1, 5, 9, 300} {
					name := fmt.Sprintf("tA=%v,tB=%v,%dx%dx%d", tr[0], tr[1], m, n, k)
					ar, ac := m, k
					if tr[0] {
						ar, ac = k, m
					}
					br, bc := k, n
					if tr[1] {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+2, bc+1, n+3
					a := randSlice(rng, ar*lda)
					b := randSlice(rng, br*ldb)
					want := randSlice(rng, m*ldc)
					got, outer := guarded(rng, m*ldc)
					copy(got, want)
					Gemm(tr[0], tr[1], m, n, k, a, lda, b, ldb, got, ldc)
					naiveGemm(tr[0], tr[1], m, n, k, a, lda, b, ldb, want, ldc)
					checkGuard(t, outer, m*ldc)
					for i := range want {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("Gemm(%s)[%d] = %v, want %v (naive loop)", name, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

func TestGemmShapePanics(t *testing.T) {
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok || !errors.Is(err, ErrShape) {
			t.Fatalf("Gemm with a short C panicked with %v, want ErrShape", r)
		}
	}()
	Gemm(false, false, 4, 4, 4, make([]float32, 16), 4, make([]float32, 16), 4, make([]float32, 15), 4)
}

// naiveConv is a direct NHWC grouped convolution, the reference for
// Im2col+Gemm. w is [KH, KW, C/groups, cout].
func naiveConv(x, w []float32, g *ConvGeom, groups, cout int) []float32 {
	cig, cog := g.C/groups, cout/groups
	y := make([]float32, g.Rows()*cout)
	for n := 0; n < g.N; n++ {
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				for o := 0; o < cout; o++ {
					gi := o / cog
					var s float64
					for kh := 0; kh < g.KH; kh++ {
						for kw := 0; kw < g.KW; kw++ {
							ih, iw := oh*g.SH-g.PH+kh, ow*g.SW-g.PW+kw
							if ih < 0 || ih >= g.H || iw < 0 || iw >= g.W {
								continue
							}
							for ci := 0; ci < cig; ci++ {
								s += float64(x[((n*g.H+ih)*g.W+iw)*g.C+gi*cig+ci]) * float64(w[((kh*g.KW+kw)*cig+ci)*cout+o])
							}
						}
					}
					y[((n*g.OH+oh)*g.OW+ow)*cout+o] = float32(s)
				}
			}
		}
	}
	return y
}

var convCases = []struct {
	n, h, w, c, kh, kw, s, p, groups, cout int
}{
	{1, 5, 5, 1, 3, 3, 1, 1, 1, 2},
	{2, 7, 6, 3, 3, 3, 2, 1, 1, 4},
	{2, 8, 8, 4, 5, 5, 1, 2, 2, 6},
	{1, 6, 9, 6, 1, 1, 1, 0, 3, 3},
	{3, 4, 4, 2, 2, 3, 2, 0, 1, 5},
	{1, 3, 3, 4, 3, 3, 3, 1, 4, 4},
}

func TestIm2colGemmMatchesDirectConv(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range convCases {
		g := NewConvGeom(tc.n, tc.h, tc.w, tc.c, tc.kh, tc.kw, tc.s, tc.s, tc.p, tc.p)
		x := randSlice(rng, tc.n*tc.h*tc.w*tc.c)
		cig, cog := tc.c/tc.groups, tc.cout/tc.groups
		w := randSlice(rng, tc.kh*tc.kw*cig*tc.cout)
		k := tc.kh * tc.kw * cig
		col := make([]float32, g.Rows()*k)
		y := make([]float32, g.Rows()*tc.cout)
		for gi := 0; gi < tc.groups; gi++ {
			Im2col(col, x, &g, gi*cig, cig)
			Gemm(false, false, g.Rows(), cog, k, col, k, w[gi*cog:], tc.cout, y[gi*cog:], tc.cout)
		}
		want := naiveConv(x, w, &g, tc.groups, tc.cout)
		for i := range want {
			if d := math.Abs(float64(y[i] - want[i])); d > 1e-5*(1+math.Abs(float64(want[i]))) {
				t.Fatalf("conv %+v: y[%d] = %v, want %v", tc, i, y[i], want[i])
			}
		}
	}
}

// TestCol2imIsAdjoint checks <Col2imAdd(c), x> = <c, Im2col(x)>, which is what
// makes Col2imAdd the exact backward of Im2col.
func TestCol2imIsAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range convCases {
		g := NewConvGeom(tc.n, tc.h, tc.w, tc.c, tc.kh, tc.kw, tc.s, tc.s, tc.p, tc.p)
		cg := tc.c / tc.groups
		c0 := tc.c - cg
		k := tc.kh * tc.kw * cg
		x := randSlice(rng, tc.n*tc.h*tc.w*tc.c)
		cv := randSlice(rng, g.Rows()*k)
		col := make([]float32, len(cv))
		Im2col(col, x, &g, c0, cg)
		dx := make([]float32, len(x))
		Col2imAdd(dx, cv, &g, c0, cg)
		var lhs, rhs float64
		for i := range x {
			lhs += float64(dx[i]) * float64(x[i])
		}
		for i := range cv {
			rhs += float64(cv[i]) * float64(col[i])
		}
		if math.Abs(lhs-rhs) > 1e-4*(1+math.Abs(rhs)) {
			t.Errorf("conv %+v: <col2im(c), x> = %v, <c, im2col(x)> = %v", tc, lhs, rhs)
		}
	}
}

func TestDepthwiseConvMatchesDirectConv(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range convCases {
		g := NewConvGeom(tc.n, tc.h, tc.w, tc.c, tc.kh, tc.kw, tc.s, tc.s, tc.p, tc.p)
		x := randSlice(rng, tc.n*tc.h*tc.w*tc.c)
		w := randSlice(rng, tc.kh*tc.kw*tc.c)
		y, outer := guarded(rng, g.Rows()*tc.c)
		DepthwiseConv(y, x, w, &g)
		checkGuard(t, outer, len(y))
		want := naiveConv(x, w, &g, tc.c, tc.c)
		for i := range want {
			if d := math.Abs(float64(y[i] - want[i])); d > 1e-5*(1+math.Abs(float64(want[i]))) {
				t.Fatalf("depthwise %+v: y[%d] = %v, want %v", tc, i, y[i], want[i])
			}
		}
		// Backward against the adjoint identity: <dy, J·v> = <Jᵀ·dy, v> for the
		// input and the weights.
		dy := randSlice(rng, len(y))
		dx := make([]float32, len(x))
		dw := make([]float32, len(w))
		DepthwiseConvBackward(dx, dw, x, w, dy, &g)
		var lhs, rx, rw float64
		for i := range y {
			lhs += float64(dy[i]) * float64(y[i])
		}
		for i := range x {
			rx += float64(dx[i]) * float64(x[i])
		}
		for i := range w {
			rw += float64(dw[i]) * float64(w[i])
		}
		// y is linear in x and in w separately, so both contractions equal <dy, y>.
		if math.Abs(lhs-rx) > 1e-4*(1+math.Abs(lhs)) || math.Abs(lhs-rw) > 1e-4*(1+math.Abs(lhs)) {
			t.Errorf("depthwise backward %+v: <dy,y> = %v, <dx,x> = %v, <dw,w> = %v", tc, lhs, rx, rw)
		}
	}
}

func TestGlobalAvgPool(t *testing.T) {
	x := []float32{1, 10, 2, 20, 3, 30, 4, 40 /* n=1 */, 0, 0, 0, 0, 0, 0, 8, -8}
	y := make([]float32, 4)
	GlobalAvgPool(y, x, 2, 4, 2)
	want := []float32{2.5, 25, 2, -2}
	for i := range want {
		if y[i] != want[i] {
			t.Errorf("GlobalAvgPool y[%d] = %v, want %v", i, y[i], want[i])
		}
	}
	dx := make([]float32, len(x))
	GlobalAvgPoolBackward(dx, []float32{4, 8, 0, 1}, 2, 4, 2)
	if dx[0] != 1 || dx[1] != 2 || dx[7] != 2 || dx[15] != 0.25 {
		t.Errorf("GlobalAvgPoolBackward dx = %v", dx)
	}
}

func TestKernelsDoNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count is not checked with -short")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	g := NewConvGeom(4, 14, 14, 8, 3, 3, 2, 2, 1, 1)
	x := randSlice(rng, 4*14*14*8)
	w := randSlice(rng, 9*8*16)
	col := make([]float32, g.Rows()*72)
	y := make([]float32, g.Rows()*16)
	var tn Tensor
	allocs := testing.AllocsPerRun(10, func() {
		Im2col(col, x, &g, 0, 8)
		Gemm(false, false, g.Rows(), 16, 72, col, 72, w, 16, y, 16)
		Gemm(true, false, 72, 16, g.Rows(), col, 72, y, 16, w, 16)
		Gemm(false, true, g.Rows(), 72, 16, y, 16, w, 16, col, 72)
		Col2imAdd(x, col, &g, 0, 8)
		DepthwiseConv(y, x, w, &g)
		tn.Resize(4, 14, 14, 8)
	})
	if allocs != 0 {
		t.Errorf("kernels allocate %v times per run, want 0", allocs)
	}
}

func TestResizeReusesStorage(t *testing.T) {
	tn := New(2, 3, 4)
	if tn.Len() != 24 {
		t.Fatalf("New(2,3,4).Len() = %d, want 24", tn.Len())
	}
	p := &tn.Data[0]
	tn.Resize(4, 6)
	if &tn.Data[0] != p || tn.Len() != 24 || tn.Shape[1] != 6 {
		t.Errorf("Resize(4,6) reallocated or has shape %v", tn.Shape)
	}
	tn.Resize(5, 5)
	if tn.Len() != 25 {
		t.Errorf("Resize(5,5).Len() = %d", tn.Len())
	}
}

func BenchmarkGemm256(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 256
	a, bb, c := randSlice(rng, n*n), randSlice(rng, n*n), make([]float32, n*n)
	for _, tr := range []struct {
		name   string
		ta, tb bool
	}{{"NN", false, false}, {"TN", true, false}, {"NT", false, true}} {
		b.Run(tr.name, func(b *testing.B) {
			for b.Loop() {
				Gemm(tr.ta, tr.tb, n, n, n, a, n, bb, n, c, n)
			}
			b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGemmConvShapes runs the GEMMs of the reference CNN's training
// step (batch 32): forward, weight gradient (TN) and input gradient (NT).
func BenchmarkGemmConvShapes(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct {
		name    string
		ta, tb  bool
		m, n, k int
	}{
		{"conv1-fwd", false, false, 25088, 8, 9},
		{"pw3-fwd", false, false, 6272, 16, 8},
		{"pw5-fwd", false, false, 1568, 32, 16},
		{"conv1-dW", true, false, 9, 8, 25088},
		{"pw3-dW", true, false, 8, 16, 6272},
		{"pw5-dW", true, false, 16, 32, 1568},
		{"pw3-dX", false, true, 6272, 8, 16},
		{"pw5-dX", false, true, 1568, 16, 32},
	} {
		ar, ac := s.m, s.k
		if s.ta {
			ar, ac = s.k, s.m
		}
		br, bc := s.k, s.n
		if s.tb {
			br, bc = s.n, s.k
		}
		a, bb, c := randSlice(rng, ar*ac), randSlice(rng, br*bc), make([]float32, s.m*s.n)
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				Gemm(s.ta, s.tb, s.m, s.n, s.k, a, ac, bb, bc, c, s.n)
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkDepthwiseConv runs the reference CNN's depthwise layers
// (batch 32, 3×3, stride 2): forward and backward.
func BenchmarkDepthwiseConv(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct {
		name string
		h, c int
	}{{"28x28x8", 28, 8}, {"14x14x16", 14, 16}} {
		g := NewConvGeom(32, s.h, s.h, s.c, 3, 3, 2, 2, 1, 1)
		x, w := randSlice(rng, 32*s.h*s.h*s.c), randSlice(rng, 9*s.c)
		y, dx, dw := make([]float32, g.Rows()*s.c), make([]float32, len(x)), make([]float32, len(w))
		b.Run(s.name+"-fwd", func(b *testing.B) {
			for b.Loop() {
				DepthwiseConv(y, x, w, &g)
			}
		})
		b.Run(s.name+"-bwd", func(b *testing.B) {
			for b.Loop() {
				DepthwiseConvBackward(dx, dw, x, w, y, &g)
			}
		})
	}
}

func TestColSumsAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, cols := range []int{1, 7, 8, 19} {
		rows, ld := 13, cols+2
		m := randSlice(rng, rows*ld)
		got, outer := guarded(rng, cols)
		want := append([]float32(nil), got...)
		for j := range cols {
			for r := range rows {
				want[j] += m[r*ld+j]
			}
		}
		ColSumsAdd(got, m, rows, cols, ld)
		checkGuard(t, outer, cols)
		for j := range want {
			if got[j] != want[j] {
				t.Errorf("ColSumsAdd cols=%d: dst[%d] = %v, want %v", cols, j, got[j], want[j])
			}
		}
	}
}

// BenchmarkIm2colStem is the im2col of the reference CNN's first layer
// (batch 32, 28×28×1, 3×3, padding 1).
func BenchmarkIm2colStem(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	g := NewConvGeom(32, 28, 28, 1, 3, 3, 1, 1, 1, 1)
	x, col := randSlice(rng, 32*28*28), make([]float32, g.Rows()*9)
	for b.Loop() {
		Im2col(col, x, &g, 0, 1)
	}
}

func TestMaxPool(t *testing.T) {
	// 1×4×4×1 image, 2×2 window, stride 2: the max of each quadrant.
	x := []float32{1, 5, 2, 0, 3, 4, 9, 9, -1, -2, 0, 0, -3, -4, 0, 7}
	g := NewConvGeom(1, 4, 4, 1, 2, 2, 2, 2, 0, 0)
	y, arg := make([]float32, 4), make([]int32, 4)
	MaxPool(y, arg, x, &g)
	if y[0] != 5 || y[1] != 9 || y[2] != -1 || y[3] != 7 || arg[1] != 6 {
		t.Errorf("MaxPool = %v (winners %v), want [5 9 -1 7], the first 9 at 6", y, arg)
	}
	dx := make([]float32, len(x))
	MaxPoolBackward(dx, []float32{1, 2, 3, 4}, arg)
	if dx[1] != 1 || dx[6] != 2 || dx[7] != 0 || dx[8] != 3 || dx[15] != 4 {
		t.Errorf("MaxPoolBackward dx = %v", dx)
	}
	// Padding never wins, even over negative values.
	g = NewConvGeom(1, 2, 2, 1, 3, 3, 1, 1, 1, 1)
	y, arg = make([]float32, 4), make([]int32, 4)
	MaxPool(y, arg, []float32{-1, -2, -3, -4}, &g)
	for i, v := range y {
		if v != -1 {
			t.Errorf("MaxPool over padding: y[%d] = %v, want -1", i, v)
		}
	}
}

// A product split over goroutines gives the same bits as on one: each
// element of C is summed by one goroutine along k in the same order.
func TestGemmSameBitsWhateverTheWorkers(t *testing.T) {
	defer SetWorkers(0)
	rng := rand.New(rand.NewPCG(7, 7))
	fill := func(n int) []float32 { return randSlice(rng, n) }
	for _, c := range []struct {
		transA, transB bool
		m, n, k        int
	}{
		{false, false, 1568, 96, 144}, // a convolution's forward pass: tall C, split by rows
		{true, false, 96, 144, 1568},  // its weight gradient: Aᵀ, short C, split by columns
		{false, true, 1570, 23, 97},   // ragged sizes, Bᵀ
		{false, false, 61, 2049, 130}, // wide C with a B too large to pack
	} {
		lda, ldb := c.k, c.n
		if c.transA {
			lda = c.m
		}
		if c.transB {
			ldb = c.k
		}
		a, b, c0 := fill(c.m*c.k), fill(c.k*c.n), fill(c.m*c.n)
		var want []float32
		for _, w := range []int{1, 2, 3, 8} {
			SetWorkers(w)
			got := append([]float32(nil), c0...)
			Gemm(c.transA, c.transB, c.m, c.n, c.k, a, lda, b, ldb, got, c.n)
			if want == nil {
				want = got
				continue
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%+v with %d workers: C[%d] = %v, on one %v", c, w, i, got[i], want[i])
				}
			}
		}
	}
}

// The depthwise kernels split by images (forward, input gradient) and by
// channels (weight gradient, a sum over images): the same bits whatever
// the number of workers.
func TestDepthwiseSameBitsWhateverTheWorkers(t *testing.T) {
	defer SetWorkers(0)
	rng := rand.New(rand.NewPCG(8, 8))
	fill := func(n int) []float32 { return randSlice(rng, n) }
	g := NewConvGeom(32, 14, 14, 100, 5, 5, 2, 2, 2, 2) // 100 channels: a leftover group of 4
	x, w, dy := fill(g.N*g.H*g.W*g.C), fill(g.KH*g.KW*g.C), fill(g.Rows()*g.C)
	var want [3][]float32
	for _, workers := range []int{1, 2, 3, 8} {
		SetWorkers(workers)
		y, dx, dw := make([]float32, g.Rows()*g.C), make([]float32, len(x)), make([]float32, len(w))
		DepthwiseConv(y, x, w, &g)
		DepthwiseConvBackward(dx, dw, x, w, dy, &g)
		for i, got := range [3][]float32{y, dx, dw} {
			if want[i] == nil {
				want[i] = got
				continue
			}
			for j := range got {
				if math.Float32bits(got[j]) != math.Float32bits(want[i][j]) {
					t.Fatalf("%d workers: %s[%d] = %v, on one %v", workers, [3]string{"y", "dx", "dw"}[i], j, got[j], want[i][j])
				}
			}
		}
	}
}
