package dna

import (
	"fmt"
	"math"

	"github.com/dian-explorer/dian/core/accel"
)

// HardwareFor returns the DNA estimator's platform for chunk c on p:
// the FPGA engine's clocks on an FPGA, the ASIC engine's elsewhere, with the
// chunk's PEs and buffers (0 bytes: unbounded).
func HardwareFor(p accel.Platform, c *accel.SubAccel) Hardware {
	var hw Hardware
	if p.Target == accel.FPGA {
		hw = FPGA(c.PEs(), c.RFBytes*8, c.GBBytes*8)
	} else {
		hw = ASIC(c.PEs(), c.RFBytes*8, c.GBBytes*8)
	}
	return hw
}

// nocOrder is the order NoC loops are listed in (they are spatial, so it
// does not change any count).
var nocOrder = [accel.NumDims]accel.Dim{accel.DimS, accel.DimR, accel.DimC, accel.DimK, accel.DimQ, accel.DimP, accel.DimN}

// Nest appends to dst[:0] the loop nest (innermost first) on which chunk
// c runs one group of layer l, translated as DNA's tiling_translation does:
// per dimension, the spatial unroll u is the NoC factor, the compute tile
// over u the RF factor, the GB tile over the compute tile the GB factor and
// the rest the DRAM factor, each rounded up (padding) and clipped to the
// layer. Loops of factor 1 are left out; each level's loops follow the
// chunk's loop order there (DefaultLoopOrder when unset).
func Nest(dst []Loop, l *accel.Layer, c *accel.SubAccel) []Loop {
	dst = dst[:0]
	var rf, noc, gb, dram accel.Extents
	dw := l.Depthwise()
	for d := accel.Dim(0); d < accel.NumDims; d++ {
		ext := l.Extent(d)
		if d == accel.DimK && !dw {
			ext = l.K / l.G()
		}
		if d == accel.DimC && dw {
			ext = 1
		}
		u := min(accel.OrOne(c.Unroll[d]), ext)
		gbExt := min(accel.ResolveTile(c.Tiles[accel.LevelGB][d], ext), ext)
		rfExt := min(accel.ResolveTile(c.Tiles[accel.LevelRF][d], gbExt), gbExt)
		noc[d] = u
		rf[d] = accel.CeilDiv(rfExt, u)
		gb[d] = accel.CeilDiv(gbExt, rf[d]*u)
		dram[d] = accel.CeilDiv(ext, gb[d]*rf[d]*u)
	}
	temporal := func(level Level, o accel.LoopOrder, f *accel.Extents) {
		o = o.Resolve()
		for i := int(accel.NumDims) - 1; i >= 0; i-- { // the order is outermost first
			if d := o[i]; f[d] > 1 {
				dst = append(dst, Loop{Dim: d, Level: level, Factor: f[d]})
			}
		}
	}
	temporal(RF, c.Order[accel.LevelRF], &rf)
	for _, d := range nocOrder {
		if noc[d] > 1 {
			dst = append(dst, Loop{Dim: d, Level: NoC, Factor: noc[d]})
		}
	}
	temporal(GB, c.Order[accel.LevelGB], &gb)
	temporal(DRAM, c.Order[accel.LevelDRAM], &dram)
	return dst
}

// EvalLayer costs layer l on chunk c with the DNA estimator and hw
// (from HardwareFor), writing into dst. nest is scratch space for the
// loop nest, returned for reuse. A mapping that needs more PEs, RF or GB
// than hw has comes back as an error; dst still holds its costs.
//
// Cycles are the estimator's serialised latency at the PE clock; grouped
// layers run their groups one after another. Energy maps onto the
// levels as DRAM = DRAM→GB, buffer = GB→NoC, RF = NoC→RF + RF→ALU.
func EvalLayer(dst *accel.LayerCost, l *accel.Layer, c *accel.SubAccel, hw *Hardware, nest []Loop) ([]Loop, error) {
	*dst = accel.LayerCost{Layer: l.Name, Chunk: dst.Chunk, Modelled: true, MACs: l.MACs(), Depthwise: l.Depthwise()}
	nest = Nest(nest, l, c)
	var markers [6]Marker
	placeMarkers(nest, &markers, dst.Depthwise)
	sh, _ := l.Stride()
	r, err := eval(hw, nest, markers[:], sh, c.Bits, dst.Depthwise)
	g := 1.0
	if !dst.Depthwise {
		g = float64(l.G())
	}
	w := float64(c.Bits)
	dst.Cycles = float64(g*r.LatencyS) * hw.ClockPE
	dst.PipelineCycles = dst.Cycles
	dst.ComputeCycles = math.Ceil(float64(dst.MACs)/float64(max(r.PEs, 1))) * 3 // 3-cycle MACs, all PEs busy
	e := &dst.Energy
	for o := accel.OpInput; o < accel.NumOperands; o++ {
		e.DRAM[o] = g * r.DRAMGB[o]
		e.Buffer[o] = g * r.GBNoC[o]
		e.RF[o] = g * (r.NoCRF[o] + r.RFALU[o])
		if hw.Energy.DRAMToGB > 0 {
			dst.DRAMWords[o] = e.DRAM[o] / float64(hw.Energy.DRAMToGB*w)
		}
	}
	e.MAC = g * r.MAC
	dst.EnergySum = e.Total()
	return nest, err
}

// Evaluate costs net on design d with the DNA estimator, layer by layer
// on the chunks plan assigns (see Plan; every layer is costed). As in DNA's
// network engine, layers run one after another (no pipeline between
// chunks): Cycles and BottleneckCycles are the sum of the layers' cycles,
// FPS is Batch·clock/Cycles, EDP = Σ energy × Σ latency. Resource overruns
// and budgets make the cost infeasible, with Violations.
func Evaluate(d *accel.Design, net *accel.Network, p accel.Platform) (*accel.NetworkCost, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	plan, err := accel.Plan(d, net, accel.Corrected)
	if err != nil {
		return nil, err
	}
	var nc accel.NetworkCost
	if _, err := EvaluatePlan(&nc, d, net, p, plan, nil); err != nil {
		return nil, err
	}
	return &nc, nil
}

// EvaluatePlan is Evaluate with a precomputed plan and scratch space
// for loop nests (returned for reuse), writing into dst.
func EvaluatePlan(dst *accel.NetworkCost, d *accel.Design, net *accel.Network, p accel.Platform, plan []int, nest []Loop) ([]Loop, error) {
	if len(plan) != len(net.Layers) {
		return nest, fmt.Errorf("dna: plan has %d entries for %d layers", len(plan), len(net.Layers))
	}
	layers, chunks, viol := dst.Reset(d, net, p, "dna-estimator")
	clock := 0.0
	var scratch accel.SubAccel // a scalable chunk at a layer's own width
	for li := range net.Layers {
		l := &net.Layers[li]
		dst.Batch = max(dst.Batch, accel.OrOne(l.N))
		layers = append(layers, accel.LayerCost{Layer: l.Name, Chunk: plan[li]})
		lc := &layers[li]
		ci := plan[li]
		if ci < 0 || ci >= len(d.Chunks) {
			return nest, fmt.Errorf("dna: plan sends layer %q to chunk %d of %d", l.Name, ci, len(d.Chunks))
		}
		c := d.Chunks[ci].At(l, &scratch)
		hw := HardwareFor(p, c)
		clock = hw.ClockPE
		var err error
		if nest, err = EvalLayer(lc, &l.Layer, c, &hw, nest); err != nil {
			viol = append(viol, accel.NewViolation(accel.CstDNAResource, fmt.Sprintf("chunk %q layer %q", c.Name, l.Name), "%v", err).Error())
		}
		if p.Target == accel.FPGA {
			lc.DSP = float64(c.PEs()) // DNA's FPGA engine spends one DSP per PE
		}
		ch := &chunks[ci]
		ch.Layers++
		ch.Cycles += lc.Cycles
		ch.DSP = max(ch.DSP, lc.DSP)
		dst.Cycles += lc.Cycles
		dst.Energy.Add(&lc.Energy)
	}
	for i := range chunks {
		if chunks[i].Layers > 0 {
			dst.DSP += chunks[i].DSP
		}
	}
	dst.ClockMHz = clock / 1e6
	dst.BottleneckCycles = dst.Cycles
	if clock > 0 && dst.Cycles > 0 {
		dst.LatencyMs = dst.Cycles / clock * 1e3
		dst.FPS = float64(dst.Batch) * clock / dst.Cycles
	}
	dst.Finish(d, p, layers, chunks, viol)
	return nest, nil
}
