package supernet

import (
	"fmt"

	"github.com/dian-explorer/dian/core/nn"
)

// Shards: a batch split into a fixed number of equal shards, each run
// forward and backward on its own (its batch norms normalise over the
// shard: "ghost batches"), whose results are then summed in shard order.
// What a shard leaves behind is captured in a Shard, so the shards of one
// batch can be computed by different processes (the page's Web Workers)
// and the sum is the same, bit for bit, whichever process computed which
// shard: the reduction's order is the shards' order, never the processes'.

// Shard is what one shard's forward and backward pass leave behind: F64
// holds the loss, the active ops' dots and the bit-mix gradients; F32 the
// weight gradients of the layers that ran (weight steps only), the mix
// weights' gradients (soft sampling), the batch norms' batch statistics
// and the quantized convolutions' input ranges.
type Shard struct {
	F32 []float32
	F64 []float64
}

// SetDeferred makes every batch norm and quantized convolution keep its
// batch's statistics for ReduceShards instead of folding them into its
// running ones (on), or fold them at once again (off).
func (s *Supernet) SetDeferred(on bool) {
	for _, bn := range s.BatchNorms {
		bn.Deferred = on
	}
	if s.prec != nil {
		for _, q := range s.prec.qconvs {
			q.Deferred = on
		}
	}
}

// BeginShard readies the supernet for one shard's pass: it zeroes the
// gradients of the weights that will run (with weights) and of the bit
// mixes, and forgets which batch norms ran.
func (s *Supernet) BeginShard(weights bool) {
	if weights {
		nn.ZeroGrad(s.activeWeights())
	}
	for _, bn := range s.BatchNorms {
		bn.Ran = false
	}
	if s.prec != nil {
		for _, row := range s.prec.mixes {
			for _, m := range row {
				if m != nil {
					m.ZeroGrads()
				}
			}
		}
		for _, q := range s.prec.qconvs {
			q.Ran = false
		}
	}
}

// activeWeights lists the weights of the layers the next pass runs, in a
// fixed order: every layer outside the blocks, and in each block its
// shortcut and the ops it runs (every op in soft mode).
func (s *Supernet) activeWeights() []*nn.Param {
	var out []*nn.Param
	for _, l := range s.Net.Layers {
		b, ok := l.(*Block)
		if !ok {
			out = append(out, l.Params()...)
			continue
		}
		out = append(out, b.Shortcut.Params()...)
		for _, o := range running(b) {
			if o >= 0 {
				out = append(out, b.Cands[o].Params()...)
			}
		}
	}
	return out
}

// shardLen is how many values CaptureShard writes for the pass that ran
// last (every shard of a step runs the same layers).
func (s *Supernet) shardLen(weights bool) (n32, n64 int) {
	n64 = 1 + 2*len(s.Blocks)
	for _, b := range s.Blocks {
		if b.Soft {
			n32 += len(b.MixGrads())
		}
	}
	if s.prec != nil {
		for _, row := range s.prec.mixes {
			for _, m := range row {
				if m != nil {
					n64 += len(m.Grads)
				}
			}
		}
		for _, q := range s.prec.qconvs {
			if q.Ran {
				n32 += 2
			}
		}
	}
	for _, bn := range s.BatchNorms {
		if bn.Ran {
			n32 += 2 * bn.C
		}
	}
	if weights {
		for _, p := range s.activeWeights() {
			n32 += len(p.Grad.Data)
		}
	}
	return n32, n64
}

// CaptureShard copies what the last pass left into dst (reusing its
// storage): the loss given, then the architecture's gradients and the
// statistics, and with weights the weight gradients.
func (s *Supernet) CaptureShard(dst *Shard, weights bool, loss float64) {
	f32, f64 := dst.F32[:0], dst.F64[:0]
	f64 = append(f64, loss)
	for _, b := range s.Blocks {
		f64 = append(f64, b.Dots[0], b.Dots[1])
		if b.Soft {
			f32 = append(f32, b.MixGrads()...)
		}
	}
	if s.prec != nil {
		for _, row := range s.prec.mixes {
			for _, m := range row {
				if m != nil {
					f64 = append(f64, m.Grads...)
				}
			}
		}
		for _, q := range s.prec.qconvs {
			if q.Ran {
				f32 = append(f32, q.BatchLo, q.BatchHi)
			}
		}
	}
	for _, bn := range s.BatchNorms {
		if bn.Ran {
			f32 = append(f32, bn.BatchMean...)
			f32 = append(f32, bn.BatchVar...)
		}
	}
	if weights {
		for _, p := range s.activeWeights() {
			f32 = append(f32, p.Grad.Data...)
		}
	}
	dst.F32, dst.F64 = f32, f64
}

// ReduceShards sums shards in order into the supernet, as if one pass had
// left them: the weight gradients (with weights), the dots, the mix and
// bit-mix gradients, and the batch norms' and quantized convolutions'
// running statistics, folded shard by shard. It returns the summed loss.
// The ops, widths and layers that ran must be those of every shard (one
// sample per batch), and the last pass here one of them; a shard of
// another size, as a peer out of step would send, is an error.
func (s *Supernet) ReduceShards(shards []Shard, weights bool) (float64, error) {
	want32, want64 := s.shardLen(weights)
	for i, sh := range shards {
		if len(sh.F32) != want32 || len(sh.F64) != want64 {
			return 0, fmt.Errorf("supernet: shard %d holds %d+%d values, this step leaves %d+%d: the shards did not run the same step", i, len(sh.F32), len(sh.F64), want32, want64)
		}
	}
	var active []*nn.Param // the same layers ran in every shard
	if weights {
		active = s.activeWeights()
	}
	var loss float64
	for i, sh := range shards {
		f32, f64 := sh.F32, sh.F64
		take32 := func(n int) []float32 { v := f32[:n]; f32 = f32[n:]; return v }
		take64 := func(n int) []float64 { v := f64[:n]; f64 = f64[n:]; return v }
		loss += take64(1)[0]
		for _, b := range s.Blocks {
			d := take64(2)
			if i == 0 {
				b.Dots = [2]float64{}
			}
			b.Dots[0] += d[0]
			b.Dots[1] += d[1]
			if b.Soft {
				g := b.MixGrads()
				sumInto(g, take32(len(g)), i == 0)
			}
		}
		if s.prec != nil {
			for _, row := range s.prec.mixes {
				for _, m := range row {
					if m == nil {
						continue
					}
					g := take64(len(m.Grads))
					for j := range m.Grads {
						if i == 0 {
							m.Grads[j] = 0
						}
						m.Grads[j] += g[j]
					}
				}
			}
			for _, q := range s.prec.qconvs {
				if q.Ran {
					r := take32(2)
					q.ApplyRange(r[0], r[1])
				}
			}
		}
		for _, bn := range s.BatchNorms {
			if bn.Ran {
				mean, v := take32(bn.C), take32(bn.C)
				bn.ApplyRunning(mean, v)
			}
		}
		for _, p := range active {
			sumInto(p.Grad.Data, take32(len(p.Grad.Data)), i == 0)
		}
	}
	return loss, nil
}

// sumInto adds src to dst, or copies it when first.
func sumInto(dst, src []float32, first bool) {
	if first {
		copy(dst, src)
		return
	}
	for j, v := range src {
		dst[j] += v
	}
}
