package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Block sizes of the GEMM (those of the probe in docs/METHOD.md
// §8.2): a blockM×blockK panel of A and a blockK×blockN panel of B stay in
// L1/L2 while the micro-kernel sweeps them in 4×2 tiles of C.
//
// Tile shape, measured: 4×2 keeps its eight sums and six operands in the
// sixteen float registers of both amd64 and Go's wasm target; 4×4 tiles
// spilled and were slower on both (wasm by 30–60% on the reference CNN's
// shapes). Go's wasm code also pays for every loop trip, so the inner loops
// take two steps of k per trip.
const (
	blockM = 64
	blockN = 128
	blockK = 256
)

// Gemm computes C += op(A)·op(B), where op(A) is m×k, op(B) is k×n and C is
// m×n with row stride ldc. If transA, A is stored k×m (row stride lda) and
// op(A) = Aᵀ; otherwise A is m×k. If transB, B is stored n×k (row stride ldb)
// and op(B) = Bᵀ. Both transposed at once is not supported.
//
// It is the blocked form of this loop, and gives the same bits:
//
//	for i := 0; i < m; i++ {
//		for p := 0; p < k; p++ {
//			for j := 0; j < n; j++ {
//				c[i*ldc+j] += float32(opA(i, p) * opB(p, j))
//			}
//		}
//	}
//
// Large products are split over Workers goroutines by rows of C (or by
// columns when C is wide and short). Each element of C is still summed by
// one goroutine along k in the same order, so the result is the same bits
// whatever the number of workers: natively on every core, and in wasm,
// which has one.
func Gemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	checkMatrix("C", c, m, n, ldc)
	if transA {
		checkMatrix("A", a, k, m, lda)
	} else {
		checkMatrix("A", a, m, k, lda)
	}
	if transB {
		checkMatrix("B", b, n, k, ldb)
	} else {
		checkMatrix("B", b, k, n, ldb)
	}
	if transA && transB {
		shapePanic("Gemm: transposing both A and B is not supported")
	}
	if !shared(m * n * k) {
		gemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc) // no closure: nothing allocated
		return
	}
	if m >= n {
		// Row blocks of C, in multiples of the micro-kernel's 4 rows.
		split(m, 4, m*n*k, func(i0, i1 int) {
			ai := i0 * lda // A's rows i0…
			if transA {
				ai = i0 // …or its columns, stored transposed
			}
			gemm(transA, transB, i1-i0, n, k, a[ai:], lda, b, ldb, c[i0*ldc:], ldc)
		})
		return
	}
	// Column blocks of C, in multiples of the micro-kernel's 2 columns.
	split(n, 2, m*n*k, func(j0, j1 int) {
		bj := j0 // B's columns j0…
		if transB {
			bj = j0 * ldb // …or its rows, stored transposed
		}
		gemm(transA, transB, m, j1-j0, k, a, lda, b[bj:], ldb, c[j0:], ldc)
	})
}

// shared reports whether work (multiply-adds) is worth splitting over
// goroutines.
func shared(work int) bool { return Workers() > 1 && work >= 2*minParallelWork }

// split runs fn over [0, n) in contiguous pieces, multiples of align, one
// goroutine each and at most Workers() of them, or in one call on this
// goroutine when work (multiply-adds) is too small to share. The kernels
// give each piece whole output elements, never part of a sum, so their
// results do not depend on how many pieces there are.
func split(n, align, work int, fn func(lo, hi int)) {
	w := min(Workers(), work/minParallelWork, (n+align-1)/align)
	if w <= 1 {
		fn(0, n)
		return
	}
	step := ((n+w-1)/w + align - 1) / align * align
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += step {
		hi := min(lo+step, n)
		wg.Go(func() { fn(lo, hi) })
	}
	wg.Wait()
}

// minParallelWork is the fewest multiply-adds per goroutine worth starting
// one for (about 50 µs of work against a few µs of start-up).
const minParallelWork = 1 << 17

// workers is how many goroutines a product may use (SetWorkers); 0 means
// GOMAXPROCS.
var workers atomic.Int32

// Workers returns how many goroutines a product may be split over:
// GOMAXPROCS unless SetWorkers said otherwise (1 in wasm, which has one
// thread).
func Workers() int {
	if w := workers.Load(); w > 0 {
		return int(w)
	}
	return runtime.GOMAXPROCS(0)
}

// SetWorkers bounds the goroutines a product may use (n ≤ 0: GOMAXPROCS).
// Results do not depend on it, only the time they take.
func SetWorkers(n int) { workers.Store(int32(max(n, 0))) }

// gemm is Gemm on one goroutine, for checked operands.
func gemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	switch {
	case transB:
		gemmNT(m, n, k, a, lda, b, ldb, c, ldc)
	case transA:
		gemmNN(m, n, k, a, 1, lda, b, ldb, c, ldc)
	case n*k <= packMax:
		// A small B (a layer's weights) is transposed onto the stack so the
		// dot-product kernel, whose inner loop runs over contiguous rows of
		// both operands with no bounds checks, does the work. The order of
		// summation is unchanged.
		var bt [packMax]float32
		for p := 0; p < k; p++ {
			for j, v := range b[p*ldb:][:n] {
				bt[j*k+p] = v
			}
		}
		gemmNT(m, n, k, a, lda, bt[:n*k], k, c, ldc)
	default:
		gemmNN(m, n, k, a, lda, 1, b, ldb, c, ldc)
	}
}

// packMax bounds the size of a B operand that Gemm transposes on the stack
// (16 KiB).
const packMax = 4096

// checkMatrix panics unless s can hold a rows×cols matrix with row stride ld.
func checkMatrix(name string, s []float32, rows, cols, ld int) {
	if ld < cols || len(s) < (rows-1)*ld+cols {
		shapePanic("Gemm: %s is %d×%d with stride %d, slice has %d elements", name, rows, cols, ld, len(s))
	}
}

// gemmNN computes C += A·B for B stored k×n, where element (i, p) of A is at
// a[i*ai+p*ap]: (lda, 1) for A and (1, lda) for a stored Aᵀ. The p loop of
// each block runs in increasing order, so every element of C sums along k in
// the naive order.
func gemmNN(m, n, k int, a []float32, ai, ap int, b []float32, ldb int, c []float32, ldc int) {
	for p0 := 0; p0 < k; p0 += blockK {
		p1 := min(p0+blockK, k)
		for i0 := 0; i0 < m; i0 += blockM {
			i1 := min(i0+blockM, m)
			for j0 := 0; j0 < n; j0 += blockN {
				j1 := min(j0+blockN, n)
				kernelNN(i0, i1, j0, j1, p0, p1, a, ai, ap, b, ldb, c, ldc)
			}
		}
	}
}

// kernelNN updates C[i0:i1, j0:j1] with the products over p0 ≤ p < p1 in
// 4×2 register tiles: eight sums stay in registers along p, so each product
// costs 0.75 loads instead of a load and a store of C, which matters most in
// wasm. Leftover rows and columns take narrower paths with the same order of
// summation.
func kernelNN(i0, i1, j0, j1, p0, p1 int, a []float32, ai, ap int, b []float32, ldb int, c []float32, ldc int) {
	kw := p1 - p0
	i := i0
	for ; i+4 <= i1; i += 4 {
		j := j0
		for ; j+2 <= j1; j += 2 {
			c0 := c[i*ldc+j:][:2]
			c1 := c[(i+1)*ldc+j:][:2]
			c2 := c[(i+2)*ldc+j:][:2]
			c3 := c[(i+3)*ldc+j:][:2]
			s00, s01 := c0[0], c0[1]
			s10, s11 := c1[0], c1[1]
			s20, s21 := c2[0], c2[1]
			s30, s31 := c3[0], c3[1]
			if ap == 1 {
				// A row-major: four contiguous rows.
				a0 := a[i*ai+p0:][:kw]
				a1 := a[(i+1)*ai+p0:][:kw]
				a2 := a[(i+2)*ai+p0:][:kw]
				a3 := a[(i+3)*ai+p0:][:kw]
				for p, x0 := range a0 {
					x1, x2, x3 := a1[p], a2[p], a3[p]
					bp := b[(p0+p)*ldb+j:][:2]
					y0, y1 := bp[0], bp[1]
					s00 += float32(x0 * y0)
					s01 += float32(x0 * y1)
					s10 += float32(x1 * y0)
					s11 += float32(x1 * y1)
					s20 += float32(x2 * y0)
					s21 += float32(x2 * y1)
					s30 += float32(x3 * y0)
					s31 += float32(x3 * y1)
				}
			} else {
				// A stored transposed (ai == 1): four contiguous values per p.
				// The offsets advance by addition: wasm has no cheap multiply.
				// Two steps of p per iteration (fewer trips through wasm's
				// block dispatch).
				ao, bo := p0*ap+i, p0*ldb+j
				p := p0
				for ; p+2 <= p1; p += 2 {
					ap4 := a[ao:][:4]
					x0, x1, x2, x3 := ap4[0], ap4[1], ap4[2], ap4[3]
					bp := b[bo:][:2]
					y0, y1 := bp[0], bp[1]
					s00 += float32(x0 * y0)
					s01 += float32(x0 * y1)
					s10 += float32(x1 * y0)
					s11 += float32(x1 * y1)
					s20 += float32(x2 * y0)
					s21 += float32(x2 * y1)
					s30 += float32(x3 * y0)
					s31 += float32(x3 * y1)
					ap4 = a[ao+ap:][:4]
					x0, x1, x2, x3 = ap4[0], ap4[1], ap4[2], ap4[3]
					bp = b[bo+ldb:][:2]
					y0, y1 = bp[0], bp[1]
					ao += 2 * ap
					bo += 2 * ldb
					s00 += float32(x0 * y0)
					s01 += float32(x0 * y1)
					s10 += float32(x1 * y0)
					s11 += float32(x1 * y1)
					s20 += float32(x2 * y0)
					s21 += float32(x2 * y1)
					s30 += float32(x3 * y0)
					s31 += float32(x3 * y1)
				}
				for ; p < p1; p++ {
					ap4 := a[ao:][:4]
					x0, x1, x2, x3 := ap4[0], ap4[1], ap4[2], ap4[3]
					bp := b[bo:][:2]
					ao += ap
					bo += ldb
					y0, y1 := bp[0], bp[1]
					s00 += float32(x0 * y0)
					s01 += float32(x0 * y1)
					s10 += float32(x1 * y0)
					s11 += float32(x1 * y1)
					s20 += float32(x2 * y0)
					s21 += float32(x2 * y1)
					s30 += float32(x3 * y0)
					s31 += float32(x3 * y1)
				}
			}
			c0[0], c0[1] = s00, s01
			c1[0], c1[1] = s10, s11
			c2[0], c2[1] = s20, s21
			c3[0], c3[1] = s30, s31
		}
		for ; j < j1; j++ {
			s0, s1, s2, s3 := c[i*ldc+j], c[(i+1)*ldc+j], c[(i+2)*ldc+j], c[(i+3)*ldc+j]
			for p := p0; p < p1; p++ {
				y := b[p*ldb+j]
				s0 += float32(a[i*ai+p*ap] * y)
				s1 += float32(a[(i+1)*ai+p*ap] * y)
				s2 += float32(a[(i+2)*ai+p*ap] * y)
				s3 += float32(a[(i+3)*ai+p*ap] * y)
			}
			c[i*ldc+j], c[(i+1)*ldc+j], c[(i+2)*ldc+j], c[(i+3)*ldc+j] = s0, s1, s2, s3
		}
	}
	for ; i < i1; i++ {
		j := j0
		for ; j+4 <= j1; j += 4 {
			ci := c[i*ldc+j:][:4]
			s0, s1, s2, s3 := ci[0], ci[1], ci[2], ci[3]
			ao, bo := i*ai+p0*ap, p0*ldb+j
			for p := p0; p < p1; p++ {
				x := a[ao]
				bp := b[bo:][:4]
				s0 += float32(x * bp[0])
				s1 += float32(x * bp[1])
				s2 += float32(x * bp[2])
				s3 += float32(x * bp[3])
				ao += ap
				bo += ldb
			}
			ci[0], ci[1], ci[2], ci[3] = s0, s1, s2, s3
		}
		for ; j < j1; j++ {
			s := c[i*ldc+j]
			for p := p0; p < p1; p++ {
				s += float32(a[i*ai+p*ap] * b[p*ldb+j])
			}
			c[i*ldc+j] = s
		}
	}
}

// ColSumsAdd adds the column sums of the rows×cols matrix m (row stride ld)
// to dst: dst[j] += Σ_r m[r*ld+j], summed over rows in order (a bias
// gradient). Eight columns' sums stay in registers.
func ColSumsAdd(dst, m []float32, rows, cols, ld int) {
	if rows == 0 || cols == 0 {
		return
	}
	checkMatrix("m", m, rows, cols, ld)
	dst = dst[:cols]
	j := 0
	for ; j+8 <= cols; j += 8 {
		d := dst[j:][:8]
		s0, s1, s2, s3, s4, s5, s6, s7 := d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
		o := j
		for r := 0; r < rows; r++ {
			v := m[o:][:8]
			s0 += v[0]
			s1 += v[1]
			s2 += v[2]
			s3 += v[3]
			s4 += v[4]
			s5 += v[5]
			s6 += v[6]
			s7 += v[7]
			o += ld
		}
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = s0, s1, s2, s3, s4, s5, s6, s7
	}
	for ; j < cols; j++ {
		s := dst[j]
		for r := 0; r < rows; r++ {
			s += m[r*ld+j]
		}
		dst[j] = s
	}
}

// gemmNT computes C += A·Bᵀ with B stored n×k: each element of C is a dot
// product of a row of A and a row of B, accumulated in place along k in
// increasing order (the naive order). Rows of A are taken four at a time and
// rows of B two at a time, so eight sums live in registers.
func gemmNT(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for p0 := 0; p0 < k; p0 += blockK {
		p1 := min(p0+blockK, k)
		kw := p1 - p0
		i := 0
		for ; i+4 <= m; i += 4 {
			a0 := a[i*lda+p0:][:kw]
			a1 := a[(i+1)*lda+p0:][:kw]
			a2 := a[(i+2)*lda+p0:][:kw]
			a3 := a[(i+3)*lda+p0:][:kw]
			ci := c[i*ldc:]
			j := 0
			for ; j+2 <= n; j += 2 {
				b0 := b[j*ldb+p0:][:kw]
				b1 := b[(j+1)*ldb+p0:][:kw]
				s00, s01 := ci[j], ci[j+1]
				s10, s11 := ci[ldc+j], ci[ldc+j+1]
				s20, s21 := ci[2*ldc+j], ci[2*ldc+j+1]
				s30, s31 := ci[3*ldc+j], ci[3*ldc+j+1]
				// Two steps of p per iteration: in wasm every loop
				// iteration also pays for a trip through the block dispatch.
				p := 0
				for ; p+2 <= kw; p += 2 {
					x0, x1, x2, x3 := a0[p], a1[p], a2[p], a3[p]
					y0, y1 := b0[p], b1[p]
					s00 += float32(x0 * y0)
					s01 += float32(x0 * y1)
					s10 += float32(x1 * y0)
					s11 += float32(x1 * y1)
					s20 += float32(x2 * y0)
					s21 += float32(x2 * y1)
					s30 += float32(x3 * y0)
					s31 += float32(x3 * y1)
					x0, x1, x2, x3 = a0[p+1], a1[p+1], a2[p+1], a3[p+1]
					y0, y1 = b0[p+1], b1[p+1]
					s00 += float32(x0 * y0)
					s01 += float32(x0 * y1)
					s10 += float32(x1 * y0)
					s11 += float32(x1 * y1)
					s20 += float32(x2 * y0)
					s21 += float32(x2 * y1)
					s30 += float32(x3 * y0)
					s31 += float32(x3 * y1)
				}
				if p < kw {
					x0, x1, x2, x3 := a0[p], a1[p], a2[p], a3[p]
					y0, y1 := b0[p], b1[p]
					s00 += float32(x0 * y0)
					s01 += float32(x0 * y1)
					s10 += float32(x1 * y0)
					s11 += float32(x1 * y1)
					s20 += float32(x2 * y0)
					s21 += float32(x2 * y1)
					s30 += float32(x3 * y0)
					s31 += float32(x3 * y1)
				}
				ci[j], ci[j+1] = s00, s01
				ci[ldc+j], ci[ldc+j+1] = s10, s11
				ci[2*ldc+j], ci[2*ldc+j+1] = s20, s21
				ci[3*ldc+j], ci[3*ldc+j+1] = s30, s31
			}
			for ; j < n; j++ {
				b0 := b[j*ldb+p0:][:kw]
				s0, s1, s2, s3 := ci[j], ci[ldc+j], ci[2*ldc+j], ci[3*ldc+j]
				for p, y := range b0 {
					s0 += float32(a0[p] * y)
					s1 += float32(a1[p] * y)
					s2 += float32(a2[p] * y)
					s3 += float32(a3[p] * y)
				}
				ci[j], ci[ldc+j], ci[2*ldc+j], ci[3*ldc+j] = s0, s1, s2, s3
			}
		}
		for ; i < m; i++ {
			a0 := a[i*lda+p0:][:kw]
			ci := c[i*ldc:]
			for j := 0; j < n; j++ {
				b0 := b[j*ldb+p0:][:kw]
				s := ci[j]
				for p, x := range a0 {
					s += float32(x * b0[p])
				}
				ci[j] = s
			}
		}
	}
}
