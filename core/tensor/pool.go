package tensor

// MaxPool writes y[n,oh,ow,c] = max over the window of x[n, oh·SH−PH+kh,
// ow·SW−PW+kw, c] (padding never wins) and, in arg, the index into x of the
// winner (the first in (kh, kw) order on ties) for MaxPoolBackward.
func MaxPool(y []float32, arg []int32, x []float32, g *ConvGeom) {
	C := g.C
	if len(y) < g.Rows()*C || len(arg) < g.Rows()*C || len(x) < g.N*g.H*g.W*C {
		shapePanic("MaxPool: y %d, arg %d, x %d for %+v", len(y), len(arg), len(x), *g)
	}
	r := 0
	for n := 0; n < g.N; n++ {
		base := n * g.H * g.W * C
		for oh := 0; oh < g.OH; oh++ {
			kh0, kh1 := windowRange(oh, g.SH, g.PH, g.KH, g.H)
			for ow := 0; ow < g.OW; ow++ {
				kw0, kw1 := windowRange(ow, g.SW, g.PW, g.KW, g.W)
				if kh0 >= kh1 || kw0 >= kw1 {
					shapePanic("MaxPool: window at (%d, %d) covers only padding", oh, ow)
				}
				yr := y[r*C:][:C]
				ar := arg[r*C:][:C]
				r++
				first := base + ((oh*g.SH-g.PH+kh0)*g.W+ow*g.SW-g.PW+kw0)*C
				for c := range yr {
					yr[c] = x[first+c]
					ar[c] = int32(first + c)
				}
				for kh := kh0; kh < kh1; kh++ {
					for kw := kw0; kw < kw1; kw++ {
						off := base + ((oh*g.SH-g.PH+kh)*g.W+ow*g.SW-g.PW+kw)*C
						for c, v := range x[off:][:C] {
							if v > yr[c] {
								yr[c] = v
								ar[c] = int32(off + c)
							}
						}
					}
				}
			}
		}
	}
}

// MaxPoolBackward adds each dy to the element of dx that won its window.
func MaxPoolBackward(dx, dy []float32, arg []int32) {
	for i, d := range dy[:len(arg)] {
		dx[arg[i]] += d
	}
}
