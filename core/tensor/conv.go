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
	r := 0
	for n := 0; n < g.N; n++ {
		xn := x[n*g.H*g.W*g.C:]
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				row := col[r*k:][:k]
				r++
				o := 0
				for kh := 0; kh < g.KH; kh++ {
					ih := oh*g.SH - g.PH + kh
					if ih < 0 || ih >= g.H {
						clear(row[o : o+g.KW*cg])
						o += g.KW * cg
						continue
					}
					for kw := 0; kw < g.KW; kw++ {
						iw := ow*g.SW - g.PW + kw
						if iw < 0 || iw >= g.W {
							clear(row[o : o+cg])
						} else if cg == 1 {
							row[o] = xn[(ih*g.W+iw)*g.C+c0]
						} else {
							copy(row[o:o+cg], xn[(ih*g.W+iw)*g.C+c0:])
						}
						o += cg
					}
				}
			}
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
// summed over (kh, kw) in row-major order, skipping padding.
func DepthwiseConv(y, x, w []float32, g *ConvGeom) {
	C := g.C
	if len(y) < g.Rows()*C || len(x) < g.N*g.H*g.W*C || len(w) < g.KH*g.KW*C {
		shapePanic("DepthwiseConv: y %d, x %d, w %d for %+v", len(y), len(x), len(w), *g)
	}
	r := 0
	for n := 0; n < g.N; n++ {
		xn := x[n*g.H*g.W*C:]
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				yr := y[r*C:][:C]
				r++
				clear(yr)
				for kh := 0; kh < g.KH; kh++ {
					ih := oh*g.SH - g.PH + kh
					if ih < 0 || ih >= g.H {
						continue
					}
					for kw := 0; kw < g.KW; kw++ {
						iw := ow*g.SW - g.PW + kw
						if iw < 0 || iw >= g.W {
							continue
						}
						xr := xn[(ih*g.W+iw)*C:][:C]
						wr := w[(kh*g.KW+kw)*C:][:C]
						for c, v := range xr {
							yr[c] += float32(v * wr[c])
						}
					}
				}
			}
		}
	}
}

// DepthwiseConvBackward accumulates the gradients of DepthwiseConv given dy:
// dw[kh,kw,c] += Σ x·dy and, if dx is not nil, dx[...] += w·dy, walking the
// forward loop nest (output positions in order, then (kh, kw)).
func DepthwiseConvBackward(dx, dw, x, w, dy []float32, g *ConvGeom) {
	C := g.C
	if len(dy) < g.Rows()*C || len(x) < g.N*g.H*g.W*C || len(w) < g.KH*g.KW*C || len(dw) < g.KH*g.KW*C ||
		(dx != nil && len(dx) < g.N*g.H*g.W*C) {
		shapePanic("DepthwiseConvBackward: dx %d, dw %d, x %d, w %d, dy %d for %+v", len(dx), len(dw), len(x), len(w), len(dy), *g)
	}
	r := 0
	for n := 0; n < g.N; n++ {
		base := n * g.H * g.W * C
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				dyr := dy[r*C:][:C]
				r++
				for kh := 0; kh < g.KH; kh++ {
					ih := oh*g.SH - g.PH + kh
					if ih < 0 || ih >= g.H {
						continue
					}
					for kw := 0; kw < g.KW; kw++ {
						iw := ow*g.SW - g.PW + kw
						if iw < 0 || iw >= g.W {
							continue
						}
						off := base + (ih*g.W+iw)*C
						xr := x[off:][:C]
						dwr := dw[(kh*g.KW+kw)*C:][:C]
						for c, d := range dyr {
							dwr[c] += float32(xr[c] * d)
						}
						if dx != nil {
							dxr := dx[off:][:C]
							wr := w[(kh*g.KW+kw)*C:][:C]
							for c, d := range dyr {
								dxr[c] += float32(wr[c] * d)
							}
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
