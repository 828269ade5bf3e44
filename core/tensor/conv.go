package tensor

// ConvGeom is the geometry of a 2-d convolution or pooling window over an
// NHWC input: batch N, input H×W with C channels, a KH×KW window moved by
// (SH, SW) over the input padded with PH rows and PW columns of zeros on
// each side. OH and OW are the output size (see Out).
type ConvGeom struct {
	N, H, W, C int
	KH, KW     int
	SH, SW     int
	PH, PW     int
	OH, OW     int
}

// NewConvGeom returns the geometry with OH = (H+2·PH−KH)/SH + 1 and
// OW = (W+2·PW−KW)/SW + 1 filled in. It panics with ErrShape if the window
// does not fit or a stride is not positive.
func NewConvGeom(n, h, w, c, kh, kw, sh, sw, ph, pw int) ConvGeom {
	if sh <= 0 || sw <= 0 || kh <= 0 || kw <= 0 || ph < 0 || pw < 0 {
		shapePanic("conv: kernel %d×%d, stride %d×%d, padding %d×%d", kh, kw, sh, sw, ph, pw)
	}
	if h+2*ph < kh || w+2*pw < kw {
		shapePanic("conv: %d×%d kernel does not fit %d×%d input padded by %d×%d", kh, kw, h, w, ph, pw)
	}
	return ConvGeom{N: n, H: h, W: w, C: c, KH: kh, KW: kw, SH: sh, SW: sw, PH: ph, PW: pw,
		OH: (h+2*ph-kh)/sh + 1, OW: (w+2*pw-kw)/sw + 1}
}

// Rows is the number of output positions, N·OH·OW: the row count of the
// im2col matrix.
func (g *ConvGeom) Rows() int { return g.N * g.OH * g.OW }

// Im2col writes into col the patches of channels [c0, c0+cg) of x: row r =
// (n·OH+oh)·OW+ow of the Rows()×(KH·KW·cg) matrix holds the window of output
// position (n, oh, ow) in (kh, kw, c) order, with zeros where the window
// covers padding. col is written with row stride KH·KW·cg.
func Im2col(col, x []float32, g *ConvGeom, c0, cg int) {
	k := g.KH * g.KW * cg
	if len(col) < g.Rows()*k || len(x) < g.N*g.H*g.W*g.C || c0+cg > g.C {
		shapePanic("Im2col: col %d, x %d for %+v, channels [%d,%d)", len(col), len(x), *g, c0, c0+cg)
	}
	C, h_, w_, kh_, kw_, sh_, sw_, ph_, pw_, ow_ := g.C, g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW, g.OW
	// One output row (n, oh) at a time, then one tap (kh, kw) at a time: a
	// strided copy down a column of col with no slicing in the inner loop
	// (slices and runtime calls are what cost in wasm).
	for n := 0; n < g.N; n++ {
		xn := x[n*h_*w_*C : (n+1)*h_*w_*C]
		for oh := 0; oh < g.OH; oh++ {
			rows := col[(n*g.OH+oh)*ow_*k:][:ow_*k]
			for kh := 0; kh < kh_; kh++ {
				ih := oh*sh_ - ph_ + kh
				for kw := 0; kw < kw_; kw++ {
					off := (kh*kw_ + kw) * cg
					// Output columns whose tap lands inside the image.
					lo, hi := 0, 0
					if ih >= 0 && ih < h_ {
						lo, hi = tapRange(kw, sw_, pw_, w_, ow_)
					}
					if lo > 0 {
						zeroTap(rows, 0, lo, k, off, cg)
					}
					if hi < ow_ {
						zeroTap(rows, hi, ow_, k, off, cg)
					}
					if lo >= hi {
						continue
					}
					di := lo*k + off
					si := (ih*w_+lo*sw_-pw_+kw)*C + c0
					step := sw_ * C
					if cg == 1 {
						// Unrolled: in wasm each loop iteration costs a trip
						// through the function's block dispatch.
						ow := lo
						for ; ow+4 <= hi; ow += 4 {
							v0, v1, v2, v3 := xn[si], xn[si+step], xn[si+2*step], xn[si+3*step]
							rows[di], rows[di+k], rows[di+2*k], rows[di+3*k] = v0, v1, v2, v3
							di += 4 * k
							si += 4 * step
						}
						for ; ow < hi; ow++ {
							rows[di] = xn[si]
							di += k
							si += step
						}
						continue
					}
					for ow := lo; ow < hi; ow++ {
						dst := rows[di:][:cg]
						for i, v := range xn[si:][:cg] {
							dst[i] = v
						}
						di += k
						si += step
					}
				}
			}
		}
	}
}

// tapRange returns the output columns [lo, hi) for which input column
// ow·s − p + kw lies in [0, w).
func tapRange(kw, s, p, w, ow int) (lo, hi int) {
	// ow·s ≥ p − kw  and  ow·s < w + p − kw.
	if t := p - kw; t > 0 {
		lo = (t + s - 1) / s
	}
	if t := w + p - kw; t > 0 {
		hi = min(ow, (t+s-1)/s)
	}
	return lo, max(lo, hi)
}

// zeroTap zeroes the cg values at offset off of rows [from, to) of a
// matrix with row stride k.
func zeroTap(rows []float32, from, to, k, off, cg int) {
	for r := from; r < to; r++ {
		seg := rows[r*k+off:][:cg]
		for i := range seg {
			seg[i] = 0
		}
	}
}

// Col2imAdd is the adjoint of Im2col: it adds each entry of col back onto the
// element of dx (channels [c0, c0+cg)) it was copied from, skipping padding.
// Rows are visited in increasing order, so the sums are deterministic.
func Col2imAdd(dx, col []float32, g *ConvGeom, c0, cg int) {
	k := g.KH * g.KW * cg
	if len(col) < g.Rows()*k || len(dx) < g.N*g.H*g.W*g.C || c0+cg > g.C {
		shapePanic("Col2imAdd: col %d, dx %d for %+v, channels [%d,%d)", len(col), len(dx), *g, c0, c0+cg)
	}
	r := 0
	for n := 0; n < g.N; n++ {
		dxn := dx[n*g.H*g.W*g.C:]
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				row := col[r*k:][:k]
				r++
				o := 0
				for kh := 0; kh < g.KH; kh++ {
					ih := oh*g.SH - g.PH + kh
					if ih < 0 || ih >= g.H {
						o += g.KW * cg
						continue
					}
					for kw := 0; kw < g.KW; kw++ {
						iw := ow*g.SW - g.PW + kw
						if iw >= 0 && iw < g.W {
							d := dxn[(ih*g.W+iw)*g.C+c0:][:cg]
							for c, v := range row[o : o+cg] {
								d[c] += v
							}
						}
						o += cg
					}
				}
			}
		}
	}
}

// DepthwiseConv computes y = depthwise(x, w): each channel convolved with its
// own KH×KW filter (w is [KH, KW, C]). y (N·OH·OW·C) is overwritten:
//
//	y[n,oh,ow,c] = Σ_{kh,kw} x[n, oh·SH−PH+kh, ow·SW−PW+kw, c] · w[kh,kw,c]
//
// summed over (kh, kw) in row-major order, skipping padding. Channels go in
// groups of eight whose sums stay in registers across the window.
func DepthwiseConv(y, x, w []float32, g *ConvGeom) {
	C := g.C
	n_, h_, w_, kh_, kw_ := g.N, g.H, g.W, g.KH, g.KW
	if len(y) < g.Rows()*C || len(x) < n_*h_*w_*C || len(w) < kh_*kw_*C {
		shapePanic("DepthwiseConv: y %d, x %d, w %d for %+v", len(y), len(x), len(w), *g)
	}
	if work := g.Rows() * C * kh_ * kw_; shared(work) {
		split(n_, 1, work, func(n0, n1 int) { depthwiseConv(y, x, w, g, n0, n1) }) // by images
		return
	}
	depthwiseConv(y, x, w, g, 0, n_)
}

// depthwiseConv is DepthwiseConv for images n0 ≤ n < n1.
func depthwiseConv(y, x, w []float32, g *ConvGeom, n0, n1 int) {
	C := g.C
	h_, w_, kh_, kw_, sh_, sw_, ph_, pw_, oh_, ow_ := g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW, g.OH, g.OW
	r := n0 * oh_ * ow_
	for n := n0; n < n1; n++ {
		xn := x[n*h_*w_*C : (n+1)*h_*w_*C]
		for oh := 0; oh < oh_; oh++ {
			kh0, kh1 := windowRange(oh, sh_, ph_, kh_, h_)
			for ow := 0; ow < ow_; ow++ {
				kw0, kw1 := windowRange(ow, sw_, pw_, kw_, w_)
				yr := y[r*C:][:C]
				r++
				c := 0
				for ; c+8 <= C; c += 8 {
					var s0, s1, s2, s3, s4, s5, s6, s7 float32
					for kh := kh0; kh < kh1; kh++ {
						ih := oh*sh_ - ph_ + kh
						for kw := kw0; kw < kw1; kw++ {
							iw := ow*sw_ - pw_ + kw
							xr := xn[(ih*w_+iw)*C+c:][:8]
							wr := w[(kh*kw_+kw)*C+c:][:8]
							s0 += float32(xr[0] * wr[0])
							s1 += float32(xr[1] * wr[1])
							s2 += float32(xr[2] * wr[2])
							s3 += float32(xr[3] * wr[3])
							s4 += float32(xr[4] * wr[4])
							s5 += float32(xr[5] * wr[5])
							s6 += float32(xr[6] * wr[6])
							s7 += float32(xr[7] * wr[7])
						}
					}
					yc := yr[c:][:8]
					yc[0], yc[1], yc[2], yc[3], yc[4], yc[5], yc[6], yc[7] = s0, s1, s2, s3, s4, s5, s6, s7
				}
				for ; c < C; c++ {
					var s float32
					for kh := kh0; kh < kh1; kh++ {
						ih := oh*sh_ - ph_ + kh
						for kw := kw0; kw < kw1; kw++ {
							iw := ow*sw_ - pw_ + kw
							s += float32(xn[(ih*w_+iw)*C+c] * w[(kh*kw_+kw)*C+c])
						}
					}
					yr[c] = s
				}
			}
		}
	}
}

// windowRange returns the taps [k0, k1) of a window at output position o
// (stride s, padding p, size k) that fall inside an input of size n.
func windowRange(o, s, p, k, n int) (k0, k1 int) {
	start := o*s - p
	k0 = max(0, -start)
	k1 = min(k, n-start)
	return k0, max(k0, k1)
}

// DepthwiseConvBackward accumulates the gradients of DepthwiseConv given dy:
// dw[kh,kw,c] += Σ x·dy over output positions in order and, if dx is not nil,
// dx[...] += w·dy over output positions in order, then (kh, kw): the sums of
// the forward loop nest, in its order.
func DepthwiseConvBackward(dx, dw, x, w, dy []float32, g *ConvGeom) {
	C := g.C
	n_, h_, w_, kh_, kw_ := g.N, g.H, g.W, g.KH, g.KW
	if len(dy) < g.Rows()*C || len(x) < n_*h_*w_*C || len(w) < kh_*kw_*C || len(dw) < kh_*kw_*C ||
		(dx != nil && len(dx) < n_*h_*w_*C) {
		shapePanic("DepthwiseConvBackward: dx %d, dw %d, x %d, w %d, dy %d for %+v", len(dx), len(dw), len(x), len(w), len(dy), *g)
	}
	// dw sums over the images, so it is split by channels; dx by images.
	if work := g.Rows() * C * kh_ * kw_; shared(work) {
		split(C, 8, work, func(c0, c1 int) { depthwiseDW(dw, x, dy, g, c0, c1) })
		if dx != nil {
			split(n_, 1, work, func(n0, n1 int) { depthwiseDX(dx, w, dy, g, n0, n1) })
		}
		return
	}
	depthwiseDW(dw, x, dy, g, 0, C)
	if dx != nil {
		depthwiseDX(dx, w, dy, g, 0, n_)
	}
}

// depthwiseDW accumulates the weight gradient of channels c0 ≤ c < c1.
// One output row (n, oh) at a time, so the input rows under its windows
// stay in cache; within it one tap and eight channels at a time, the sums
// held in registers along the row. Each dw element still sums over output
// positions in increasing order.
func depthwiseDW(dw, x, dy []float32, g *ConvGeom, c0, c1 int) {
	C := g.C
	n_, h_, w_, kh_, kw_, sh_, sw_, ph_, pw_, oh_, ow_ := g.N, g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW, g.OH, g.OW
	for n := 0; n < n_; n++ {
		xn := x[n*h_*w_*C : (n+1)*h_*w_*C]
		for oh := 0; oh < oh_; oh++ {
			dyRow := dy[((n*oh_+oh)*ow_)*C:][:ow_*C]
			kh0, kh1 := windowRange(oh, sh_, ph_, kh_, h_)
			for kh := kh0; kh < kh1; kh++ {
				ih := oh*sh_ - ph_ + kh
				xRow := xn[ih*w_*C:][:w_*C]
				for kw := 0; kw < kw_; kw++ {
					lo, hi := tapRange(kw, sw_, pw_, w_, ow_)
					if lo >= hi {
						continue
					}
					tap := (kh*kw_ + kw) * C
					c := c0
					for ; c+8 <= c1; c += 8 {
						dwc := dw[tap+c:][:8]
						s0, s1, s2, s3, s4, s5, s6, s7 := dwc[0], dwc[1], dwc[2], dwc[3], dwc[4], dwc[5], dwc[6], dwc[7]
						xi := (lo*sw_-pw_+kw)*C + c
						for ow := lo; ow < hi; ow++ {
							xr := xRow[xi:][:8]
							d := dyRow[ow*C+c:][:8]
							s0 += float32(xr[0] * d[0])
							s1 += float32(xr[1] * d[1])
							s2 += float32(xr[2] * d[2])
							s3 += float32(xr[3] * d[3])
							s4 += float32(xr[4] * d[4])
							s5 += float32(xr[5] * d[5])
							s6 += float32(xr[6] * d[6])
							s7 += float32(xr[7] * d[7])
							xi += sw_ * C
						}
						dwc[0], dwc[1], dwc[2], dwc[3], dwc[4], dwc[5], dwc[6], dwc[7] = s0, s1, s2, s3, s4, s5, s6, s7
					}
					for ; c < c1; c++ {
						s := dw[tap+c]
						for ow := lo; ow < hi; ow++ {
							s += float32(xRow[(ow*sw_-pw_+kw)*C+c] * dyRow[ow*C+c])
						}
						dw[tap+c] = s
					}
				}
			}
		}
	}
}

// depthwiseDX accumulates the input gradient of images n0 ≤ n < n1.
func depthwiseDX(dx, w, dy []float32, g *ConvGeom, n0, n1 int) {
	C := g.C
	h_, w_, kh_, kw_, sh_, sw_, ph_, pw_, oh_, ow_ := g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW, g.OH, g.OW
	r := n0 * oh_ * ow_
	for n := n0; n < n1; n++ {
		dxn := dx[n*h_*w_*C : (n+1)*h_*w_*C]
		for oh := 0; oh < oh_; oh++ {
			kh0, kh1 := windowRange(oh, sh_, ph_, kh_, h_)
			for ow := 0; ow < ow_; ow++ {
				kw0, kw1 := windowRange(ow, sw_, pw_, kw_, w_)
				dyr := dy[r*C:][:C]
				r++
				c := 0
				for ; c+8 <= C; c += 8 {
					d := dyr[c:][:8]
					d0, d1, d2, d3, d4, d5, d6, d7 := d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
					for kh := kh0; kh < kh1; kh++ {
						ih := oh*sh_ - ph_ + kh
						for kw := kw0; kw < kw1; kw++ {
							iw := ow*sw_ - pw_ + kw
							o := dxn[(ih*w_+iw)*C+c:][:8]
							wr := w[(kh*kw_+kw)*C+c:][:8]
							o[0] += float32(wr[0] * d0)
							o[1] += float32(wr[1] * d1)
							o[2] += float32(wr[2] * d2)
							o[3] += float32(wr[3] * d3)
							o[4] += float32(wr[4] * d4)
							o[5] += float32(wr[5] * d5)
							o[6] += float32(wr[6] * d6)
							o[7] += float32(wr[7] * d7)
						}
					}
				}
				for ; c < C; c++ {
					for kh := kh0; kh < kh1; kh++ {
						ih := oh*sh_ - ph_ + kh
						for kw := kw0; kw < kw1; kw++ {
							iw := ow*sw_ - pw_ + kw
							dxn[(ih*w_+iw)*C+c] += float32(w[(kh*kw_+kw)*C+c] * dyr[c])
						}
					}
				}
			}
		}
	}
}

// GlobalAvgPool writes y[n,c] = (Σ_{h,w} x[n,h,w,c]) / (H·W) for x of shape
// [n, hw, c] (spatial positions flattened); sums run over positions in order.
func GlobalAvgPool(y, x []float32, n, hw, c int) {
	if len(y) < n*c || len(x) < n*hw*c {
		shapePanic("GlobalAvgPool: y %d, x %d for n=%d hw=%d c=%d", len(y), len(x), n, hw, c)
	}
	inv := 1 / float32(hw)
	for i := 0; i < n; i++ {
		yr := y[i*c:][:c]
		clear(yr)
		xi := x[i*hw*c:]
		for p := 0; p < hw; p++ {
			for j, v := range xi[p*c:][:c] {
				yr[j] += v
			}
		}
		for j := range yr {
			yr[j] *= inv
		}
	}
}

// GlobalAvgPoolBackward adds dy[n,c]/(H·W) to every dx[n,h,w,c].
func GlobalAvgPoolBackward(dx, dy []float32, n, hw, c int) {
	if len(dy) < n*c || len(dx) < n*hw*c {
		shapePanic("GlobalAvgPoolBackward: dx %d, dy %d for n=%d hw=%d c=%d", len(dx), len(dy), n, hw, c)
	}
	inv := 1 / float32(hw)
	for i := 0; i < n; i++ {
		dyr := dy[i*c:][:c]
		dxi := dx[i*hw*c:]
		for p := 0; p < hw; p++ {
			d := dxi[p*c:][:c]
			for j, v := range dyr {
				d[j] += float32(v * inv)
			}
		}
	}
}
