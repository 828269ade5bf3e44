package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dian-explorer/dian/core/tensor"
)

func TestFakeQuant(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float32
		bits   int
	}{{-1, 1, 2}, {0, 6, 4}, {-0.37, 2.5, 6}, {-3, -1, 8}, {0, 1, 16}} {
		t.Run(fmt.Sprintf("[%g,%g]@%d", tc.lo, tc.hi, tc.bits), func(t *testing.T) {
			scale := float64(QuantScale(tc.lo, tc.hi, tc.bits))
			seen := map[float32]bool{}
			n := 4096
			for i := 0; i <= n; i++ {
				// Sweep beyond the range on both sides: values outside clamp.
				v := float32(float64(tc.lo) - 0.5 + (float64(tc.hi-tc.lo)+1)*float64(i)/float64(n))
				q := FakeQuant(v, tc.lo, tc.hi, tc.bits)
				seen[q] = true
				if eps := 1e-6 * (tc.hi - tc.lo); q < tc.lo-eps || q > tc.hi+eps {
					t.Fatalf("Q(%v) = %v outside [%v, %v]", v, q, tc.lo, tc.hi)
				}
				c := min(max(v, tc.lo), tc.hi)
				if d := math.Abs(float64(q - c)); d > scale/2*(1+1e-5)+1e-6 {
					t.Fatalf("Q(%v) = %v: %g from the clamped value, more than half a step (%g)", v, q, d, scale/2)
				}
			}
			if want := min(1<<tc.bits, n+1); len(seen) > want {
				t.Errorf("%d distinct values, want at most 2^%d = %d", len(seen), tc.bits, want)
			}
			if tc.bits <= 8 && len(seen) != 1<<tc.bits {
				t.Errorf("%d distinct values, want every one of the 2^%d levels", len(seen), tc.bits)
			}
			if got := FakeQuant(tc.lo, tc.lo, tc.hi, tc.bits); got != tc.lo {
				t.Errorf("Q(lo) = %v, want lo = %v exactly", got, tc.lo)
			}
		})
	}
	if got := FakeQuant(0.3, 1, 1, 4); got != 0.3 {
		t.Errorf("a flat range changed the value: Q(0.3) = %v", got)
	}
}

func TestNewBitMixRejects(t *testing.T) {
	for _, bits := range [][]int{nil, {1}, {4, 17}, {0}} {
		if _, err := NewBitMix(bits); err == nil {
			t.Errorf("NewBitMix(%v) accepted", bits)
		}
	}
}

// TestQConvGradients checks a quantization-aware convolution against a
// float64 reference built from the quantized levels FakeQuant gives:
//
//   - the output is conv(Σ_j m_j·Q_j(x), Σ_j m_j·Q_j(W));
//   - the mixing-weight gradients equal finite differences in m (the output
//     is bilinear in m, with the levels fixed);
//   - the input and weight gradients are the straight-through estimate:
//     Σ m_j times the finite-difference gradient with respect to the mixed
//     input and weights.
func TestQConvGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	mixes := []struct {
		name    string
		weights []float32
	}{
		{"soft", []float32{0.2, 0.5, 0.3}},
		{"pair", []float32{0, 1, 0}},
	}
	for ci, tc := range convGradCases {
		for _, mx := range mixes {
			t.Run(fmt.Sprintf("case%d/%s", ci, mx.name), func(t *testing.T) {
				cfg := tc.cfg
				cfg.Bias = false
				conv := NewConv2D("q", cfg, rng)
				mix, err := NewBitMix([]int{2, 3, 5})
				if err != nil {
					t.Fatal(err)
				}
				copy(mix.Weights, mx.weights)
				mix.WantGrads = true
				q := NewQConv(conv, mix)
				x := randTensor(rng, 1, tc.n, tc.h, tc.w, cfg.In)
				y := q.Forward(x, true)

				// The reference levels, from FakeQuant alone.
				xlo, xhi := tensorRange(x.Data)
				out := cfg.Out
				wt := conv.Weight.Value.Data
				xl := make([][]float64, len(mix.Bits))
				wl := make([][]float64, len(mix.Bits))
				for j, b := range mix.Bits {
					xl[j] = make([]float64, len(x.Data))
					for i, v := range x.Data {
						xl[j][i] = float64(FakeQuant(v, xlo, xhi, b))
					}
					wl[j] = make([]float64, len(wt))
					for o := range out {
						lo, hi := wt[o], wt[o]
						for i := o; i < len(wt); i += out {
							lo, hi = min(lo, wt[i]), max(hi, wt[i])
						}
						for i := o; i < len(wt); i += out {
							wl[j][i] = float64(FakeQuant(wt[i], lo, hi, b))
						}
					}
				}
				m := to64(mix.Weights)
				mixed := func(l [][]float64) []float64 {
					s := make([]float64, len(l[0]))
					for j := range l {
						for i := range s {
							s[i] += m[j] * l[j][i]
						}
					}
					return s
				}
				ref := refConv(tc.n, tc.h, tc.w, cfg)
				xbar, wbar := mixed(xl), mixed(wl)
				yref := ref(xbar, [][]float64{wbar})
				ymax := 0.0
				for _, v := range yref {
					ymax = max(ymax, math.Abs(v))
				}
				for i, v := range yref {
					if math.Abs(float64(y.Data[i])-v) > fwdTol*(1+ymax) {
						t.Fatalf("y[%d] = %v, reference %v", i, y.Data[i], v)
					}
				}

				r := make([]float64, len(yref))
				dy := tensor.New(y.Shape...)
				for i := range r {
					dy.Data[i] = float32(rng.NormFloat64())
					r[i] = float64(dy.Data[i])
				}
				ZeroGrad(q.Params())
				mix.ZeroGrads()
				dx := q.Backward(dy)

				// Mixing weights: L(m) with the levels fixed.
				lossM := func() float64 { return dot64(r, ref(mixed(xl), [][]float64{mixed(wl)})) }
				gm := make([]float32, len(mix.Grads))
				for j, g := range mix.Grads {
					gm[j] = float32(g)
				}
				compareGrad(t, "dm", gm, fdGrad(m, lossM))

				// Straight-through: Σ m_j times the gradient at the mixtures.
				s := 0.0
				for _, v := range mx.weights {
					s += float64(v)
				}
				scaled := func(g []float64) []float64 {
					for i := range g {
						g[i] *= s
					}
					return g
				}
				lossX := func() float64 { return dot64(r, ref(xbar, [][]float64{wbar})) }
				compareGrad(t, "dx", dx.Data, scaled(fdGrad(xbar, lossX)))
				compareGrad(t, "dW", conv.Weight.Grad.Data, scaled(fdGrad(wbar, lossX)))
			})
		}
	}
}

// TestQConvEvaluationRange checks that evaluation quantizes with the
// running range the training batches built (momentum 0.1), clamping values
// beyond it, and leaves that range alone.
func TestQConvEvaluationRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	conv := NewConv2D("q", ConvConfig{In: 2, Out: 2, Kernel: 1, Stride: 1}, rng)
	mix, _ := NewBitMix([]int{4})
	q := NewQConv(conv, mix)
	x := tensor.New(1, 1, 2, 2)
	copy(x.Data, []float32{-1, 0, 0.5, 1})
	q.Forward(x, true)
	copy(x.Data, []float32{-2, 0, 0.5, 3})
	q.Forward(x, true)
	wantLo, wantHi := float32(float32(-1*0.9)+float32(-2*0.1)), float32(float32(1*0.9)+float32(3*0.1))
	if q.Lo != wantLo || q.Hi != wantHi {
		t.Fatalf("running range [%v, %v], want [%v, %v]", q.Lo, q.Hi, wantLo, wantHi)
	}
	copy(x.Data, []float32{-5, 0, 0.5, 5})
	q.Forward(x, false)
	if q.Lo != wantLo || q.Hi != wantHi {
		t.Errorf("evaluation moved the running range to [%v, %v]", q.Lo, q.Hi)
	}
	// The top level is n·scale + lo, within rounding of hi.
	if q.xq.Data[0] != wantLo || math.Abs(float64(q.xq.Data[3]-wantHi)) > 1e-6 {
		t.Errorf("evaluation input quantized to %v, want its ends clamped to [%v, %v]", q.xq.Data, wantLo, wantHi)
	}
}

// roundHalfEven is math.RoundToEven on every quarter step of FakeQuant's
// level range, halves included, and on random values in it.
func TestRoundHalfEven(t *testing.T) {
	check := func(v float32) {
		if got, want := roundHalfEven(v), float32(math.RoundToEven(float64(v))); got != want {
			t.Fatalf("roundHalfEven(%v) = %v, want %v", v, got, want)
		}
	}
	for i := 0; i <= 4*(1<<MaxQuantBits); i++ {
		check(float32(i) / 4)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		check(float32(rng.Float64() * (1 << MaxQuantBits)))
	}
}
