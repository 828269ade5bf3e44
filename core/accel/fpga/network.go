package fpga

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
)

// Evaluate validates d and net, then costs net on design d and platform
// p with the FPGA chunk model. It returns an error when the design cannot
// run the network (a broken static constraint, a layer without a chunk, a
// dataflow the model lacks); broken budgets and capacities come back as
// Feasible = false with Violations.
func Evaluate(d *accel.Design, net *accel.Network, p accel.Platform, mode accel.Mode) (*accel.NetworkCost, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if err := accel.CheckRunnable(d, p); err != nil {
		return nil, err
	}
	plan, err := accel.Plan(d, net, mode)
	if err != nil {
		return nil, err
	}
	var nc accel.NetworkCost
	if err := EvaluatePlan(&nc, d, net, p, mode, plan); err != nil {
		return nil, err
	}
	return &nc, nil
}

// EvaluatePlan is Evaluate with a precomputed plan and without the
// validation (a Space's points are valid by construction), writing into dst
// and reusing its slices, so a search loop does not allocate unless a budget
// is broken.
func EvaluatePlan(dst *accel.NetworkCost, d *accel.Design, net *accel.Network, p accel.Platform, mode accel.Mode, plan []int) error {
	if len(plan) != len(net.Layers) {
		return fmt.Errorf("fpga: plan has %d entries for %d layers", len(plan), len(net.Layers))
	}
	model := "fpga-chunk/corrected"
	if mode == accel.Faithful {
		model = "fpga-chunk/faithful"
	}
	layers, chunks, viol := dst.Reset(d, net, p, model)
	for li := range net.Layers {
		l := &net.Layers[li]
		dst.Batch = max(dst.Batch, accel.OrOne(l.N))
		layers = append(layers, accel.LayerCost{Layer: l.Name, Chunk: plan[li]})
		lc := &layers[li]
		ci := plan[li]
		if ci < 0 {
			lc.MACs = l.MACs()
			lc.Depthwise = l.Depthwise()
			continue
		}
		if ci >= len(d.Chunks) {
			return fmt.Errorf("fpga: plan sends layer %q to chunk %d of %d", l.Name, ci, len(d.Chunks))
		}
		c := &d.Chunks[ci]
		if err := EvalLayer(lc, &l.Layer, c, mode); err != nil {
			return fmt.Errorf("fpga: layer %q: %w", l.Name, err)
		}
		ch := &chunks[ci]
		ch.Layers++
		ch.Cycles += lc.Cycles
		ch.DSP = max(ch.DSP, lc.DSP)
		ch.BRAM18 = max(ch.BRAM18, lc.BRAM18)
		dst.Cycles += lc.Cycles
		dst.Energy.Add(&lc.Energy)
		if c.GBBytes > 0 || c.RFBytes > 0 || c.DRAMBytes > 0 {
			gbNeed, rfNeed, dramNeed := footprintBytes(l, c)
			where := fmt.Sprintf("chunk %q layer %q", c.Name, l.Name)
			if c.GBBytes > 0 && gbNeed > c.GBBytes {
				viol = append(viol, accel.NewViolation(accel.CstGBCapacity, where, "gb tiles need %d B > gb_bytes %d", gbNeed, c.GBBytes).Error())
			}
			if c.RFBytes > 0 && rfNeed > c.RFBytes {
				viol = append(viol, accel.NewViolation(accel.CstRFCapacity, where, "rf tiles need %d B per PE > rf_bytes %d", rfNeed, c.RFBytes).Error())
			}
			if c.DRAMBytes > 0 && dramNeed > c.DRAMBytes {
				viol = append(viol, accel.NewViolation(accel.CstDRAMCapacity, where, "the layer's tensors need %d B > dram_bytes %d", dramNeed, c.DRAMBytes).Error())
			}
		}
	}
	for i := range chunks {
		ch := &chunks[i]
		if ch.Layers == 0 {
			continue // an unused chunk is not built
		}
		dst.DSP += ch.DSP
		dst.BRAM18 += ch.BRAM18
		if dst.Bottleneck < 0 || ch.Cycles > dst.BottleneckCycles {
			dst.Bottleneck, dst.BottleneckCycles = i, ch.Cycles
		}
	}
	for li := range layers {
		lc := &layers[li]
		if lc.Chunk < 0 {
			continue
		}
		if mode == accel.Faithful || lc.Chunk == dst.Bottleneck {
			lc.PipelineCycles = lc.Cycles
		}
	}
	clockHz := p.ClockMHz * 1e6
	if clockHz > 0 {
		dst.LatencyMs = dst.Cycles / clockHz * 1e3
		if dst.BottleneckCycles > 0 {
			dst.FPS = float64(dst.Batch) * clockHz / dst.BottleneckCycles
		}
	}
	dst.Finish(d, p, layers, chunks, viol)
	return nil
}

// footprintBytes returns the bytes one layer needs on chunk c at each
// level: in the global buffer, a double-buffered input tile with its halo,
// the weight tile and the output tile; in each PE's register file, its share
// of the compute tile's three operands; in DRAM, the whole layer's input,
// weights and output.
func footprintBytes(l *accel.NetworkLayer, c *accel.SubAccel) (gb, rf, dram int64) {
	g := l.G()
	m, cg := l.K/g, l.C()
	if l.Depthwise() {
		m, cg = l.K, 1
	}
	sh, sw := l.Stride()
	words := func(lv accel.MemLevel, outer *accel.Extents, next [4]int) (in, wt, out int64) {
		t := &c.Tiles[lv]
		tr := min(accel.ResolveTile(t[accel.DimP], next[0]), next[0])
		tc := min(accel.ResolveTile(t[accel.DimQ], next[1]), next[1])
		tm := min(accel.ResolveTile(t[accel.DimK], next[2]), next[2])
		tn := min(accel.ResolveTile(t[accel.DimC], next[3]), next[3])
		ch := int64(tn)
		if l.Depthwise() {
			ch = int64(tm)
		}
		in = ch * int64((tr-1)*sh+l.R) * int64((tc-1)*sw+l.S)
		wt = int64(tm) * int64(tn) * int64(l.R) * int64(l.S)
		out = int64(tm) * int64(tr) * int64(tc)
		if outer != nil {
			*outer = accel.Extents{accel.DimP: tr, accel.DimQ: tc, accel.DimK: tm, accel.DimC: tn}
		}
		return in, wt, out
	}
	var gbT accel.Extents
	in, wt, out := words(accel.LevelGB, &gbT, [4]int{l.P(), l.Q(), m, cg})
	gb = bytesOf(2*in+wt+out, c.Bits)
	in, wt, out = words(accel.LevelRF, nil, [4]int{gbT[accel.DimP], gbT[accel.DimQ], gbT[accel.DimK], gbT[accel.DimC]})
	pes := int64(max(c.UnrollProduct(), 1))
	rf = bytesOf((in+wt+out+pes-1)/pes, c.Bits)
	n := int64(accel.OrOne(l.N))
	dram = bytesOf(n*int64(l.InC)*int64(l.H)*int64(l.W)+int64(l.K)*int64(l.C())*int64(l.R)*int64(l.S)+n*int64(l.K)*int64(l.P())*int64(l.Q()), c.Bits)
	return gb, rf, dram
}

func bytesOf(words int64, bits int) int64 { return (words*int64(bits) + 7) / 8 }
