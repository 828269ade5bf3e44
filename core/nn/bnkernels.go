package nn

// Per-channel kernels of BatchNorm over a rows×c matrix (NHWC flattened).
// Reductions hold eight channels' float64 sums in registers over blocks of
// rows; element-wise passes hold one channel's parameters in registers over
// blocks of rows. Every per-channel sum still runs over rows in increasing
// order, so results do not depend on the blocking.

const bnBlockRows = 32

// channelSums adds Σ_r x[r*c+j] to sum[j].
func channelSums(sum []float64, x []float32, rows, c int) {
	for r0 := 0; r0 < rows; r0 += bnBlockRows {
		r1 := min(r0+bnBlockRows, rows)
		j := 0
		for ; j+8 <= c; j += 8 {
			acc := sum[j:][:8]
			s0, s1, s2, s3, s4, s5, s6, s7 := acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]
			for r := r0; r < r1; r++ {
				v := x[r*c+j:][:8]
				s0 += float64(v[0])
				s1 += float64(v[1])
				s2 += float64(v[2])
				s3 += float64(v[3])
				s4 += float64(v[4])
				s5 += float64(v[5])
				s6 += float64(v[6])
				s7 += float64(v[7])
			}
			acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7] = s0, s1, s2, s3, s4, s5, s6, s7
		}
		for ; j < c; j++ {
			s := sum[j]
			for r := r0; r < r1; r++ {
				s += float64(x[r*c+j])
			}
			sum[j] = s
		}
	}
}

// channelSqDev adds Σ_r (x[r*c+j] − mean[j])² to sum[j], each difference
// rounded to float32 and squared exactly in float64.
func channelSqDev(sum []float64, x, mean []float32, rows, c int) {
	for r0 := 0; r0 < rows; r0 += bnBlockRows {
		r1 := min(r0+bnBlockRows, rows)
		j := 0
		for ; j+8 <= c; j += 8 {
			acc := sum[j:][:8]
			m := mean[j:][:8]
			s0, s1, s2, s3, s4, s5, s6, s7 := acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]
			for r := r0; r < r1; r++ {
				v := x[r*c+j:][:8]
				d0, d1, d2, d3 := float64(v[0]-m[0]), float64(v[1]-m[1]), float64(v[2]-m[2]), float64(v[3]-m[3])
				d4, d5, d6, d7 := float64(v[4]-m[4]), float64(v[5]-m[5]), float64(v[6]-m[6]), float64(v[7]-m[7])
				s0 += float64(d0 * d0)
				s1 += float64(d1 * d1)
				s2 += float64(d2 * d2)
				s3 += float64(d3 * d3)
				s4 += float64(d4 * d4)
				s5 += float64(d5 * d5)
				s6 += float64(d6 * d6)
				s7 += float64(d7 * d7)
			}
			acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7] = s0, s1, s2, s3, s4, s5, s6, s7
		}
		for ; j < c; j++ {
			s, m := sum[j], mean[j]
			for r := r0; r < r1; r++ {
				d := float64(x[r*c+j] - m)
				s += float64(d * d)
			}
			sum[j] = s
		}
	}
}

// channelDot adds Σ_r a[r*c+j]·b[r*c+j] to sum[j] (products exact in
// float64).
func channelDot(sum []float64, a, b []float32, rows, c int) {
	for r0 := 0; r0 < rows; r0 += bnBlockRows {
		r1 := min(r0+bnBlockRows, rows)
		j := 0
		for ; j+8 <= c; j += 8 {
			acc := sum[j:][:8]
			s0, s1, s2, s3, s4, s5, s6, s7 := acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]
			for r := r0; r < r1; r++ {
				u := a[r*c+j:][:8]
				v := b[r*c+j:][:8]
				s0 += float64(float64(u[0]) * float64(v[0]))
				s1 += float64(float64(u[1]) * float64(v[1]))
				s2 += float64(float64(u[2]) * float64(v[2]))
				s3 += float64(float64(u[3]) * float64(v[3]))
				s4 += float64(float64(u[4]) * float64(v[4]))
				s5 += float64(float64(u[5]) * float64(v[5]))
				s6 += float64(float64(u[6]) * float64(v[6]))
				s7 += float64(float64(u[7]) * float64(v[7]))
			}
			acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7] = s0, s1, s2, s3, s4, s5, s6, s7
		}
		for ; j < c; j++ {
			s := sum[j]
			for r := r0; r < r1; r++ {
				s += float64(float64(a[r*c+j]) * float64(b[r*c+j]))
			}
			sum[j] = s
		}
	}
}
