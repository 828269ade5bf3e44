package systolic

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
)

// Energy per access of the systolic network model, in MAC units: Eyeriss'
// normalised costs (DRAM 200 : buffer 6 : MAC 1).
const (
	dramEnergy = 200
	sramEnergy = 6
)

// Evaluate validates d and net, then costs net on the systolic array of d,
// a design of exactly one chunk (see EvaluateInto). Broken budgets come
// back as Feasible = false with Violations; anything else that stops the
// design from running the network is an error.
func Evaluate(d *accel.Design, net *accel.Network, p accel.Platform) (*accel.NetworkCost, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if err := accel.CheckRunnable(d, p); err != nil {
		return nil, err
	}
	if len(d.Chunks) != 1 {
		return nil, fmt.Errorf("systolic: design %q has %d chunks; the systolic model runs one array", d.Name, len(d.Chunks))
	}
	var nc accel.NetworkCost
	if err := EvaluateInto(&nc, d, net, p); err != nil {
		return nil, err
	}
	return &nc, nil
}

// EvaluateInto costs net on the single systolic array of d (its first
// chunk) with SCALE-Sim's definitions, without validating, writing into
// dst and reusing its layer rows: layers run one after another, so latency
// and throughput come from the sum of their cycles; energy counts SRAM and
// DRAM accesses and MACs. Grouped layers run group by group. The area is
// the array's MACs and SRAM (NetworkCost.SetArea).
func EvaluateInto(dst *accel.NetworkCost, d *accel.Design, net *accel.Network, p accel.Platform) error {
	chunk := &d.Chunks[0]
	arr, err := ArrayOf(chunk)
	if err != nil {
		return err
	}
	layers := dst.Layers[:0]
	*dst = accel.NetworkCost{Design: d.Name, Network: net.Name, Platform: p.Name, Model: "systolic", ClockMHz: p.ClockMHz,
		Batch: 1, Bottleneck: 0, Feasible: true, Layers: layers}
	for i := range net.Layers {
		l := &net.Layers[i]
		st, err := arr.EvaluateLayer(l.Layer)
		if err != nil {
			return err
		}
		sram := float64(st.SRAMIfmapReads + st.SRAMFilterReads + st.SRAMOfmapWrites)
		dram := float64(st.DRAMIfmapReads + st.DRAMFilterReads + st.DRAMOfmapWrites)
		energy := float64(sramEnergy*sram) + float64(dramEnergy*dram) + float64(st.MACs)
		if w := chunk.WidthFor(l); w != chunk.Bits {
			// A narrower layer on a scalable array: accesses move words of
			// its width, its MACs cost the 4-bit-unit model's share.
			words := float64(w) / float64(chunk.Bits)
			energy = float64(sramEnergy*float64(sram*words)) + float64(dramEnergy*float64(dram*words)) +
				float64(float64(st.MACs)*accel.MACEnergyRatio(w, chunk.Bits))
		}
		cycles := float64(st.Cycles)
		dst.Layers = append(dst.Layers, accel.LayerCost{Layer: l.Name, Chunk: 0, Modelled: true, Cycles: cycles,
			ComputeCycles: cycles, PipelineCycles: cycles, MACs: st.MACs, EnergySum: energy})
		dst.Cycles += cycles
		dst.EnergySum += energy
	}
	dst.BottleneckCycles = dst.Cycles
	dst.LatencyMs = dst.Cycles / (p.ClockMHz * 1e3)
	if dst.Cycles > 0 {
		dst.FPS = p.ClockMHz * 1e6 / dst.Cycles
	}
	dst.EDP = dst.EnergySum * dst.LatencyMs / 1000
	dst.SetArea(d, p)
	return nil
}
