package accel

// Energy per access of the systolic network model, in MAC units: Eyeriss'
// normalised costs (DRAM 200 : buffer 6 : MAC 1).
const (
	systolicDRAMEnergy = 200
	systolicSRAMEnergy = 6
)

// EvaluateSystolic costs net on the single systolic array of d with
// SCALE-Sim's definitions, writing into dst and reusing its layer rows:
// layers run one after another, so latency and throughput come from the
// sum of their cycles; energy counts SRAM and DRAM accesses and MACs.
// Grouped layers run group by group. The area is the array's MACs and SRAM
// (NetworkCost.SetArea).
func EvaluateSystolic(dst *NetworkCost, d *Design, net *Network, p Platform) error {
	chunk := &d.Chunks[0]
	arr, err := SystolicArrayOf(chunk)
	if err != nil {
		return err
	}
	layers := dst.Layers[:0]
	*dst = NetworkCost{Design: d.Name, Network: net.Name, Platform: p.Name, Model: "systolic", ClockMHz: p.ClockMHz,
		Batch: 1, Bottleneck: 0, Feasible: true, Layers: layers}
	for i := range net.Layers {
		l := &net.Layers[i]
		st, err := arr.EvaluateLayer(l.Layer)
		if err != nil {
			return err
		}
		sram := float64(st.SRAMIfmapReads + st.SRAMFilterReads + st.SRAMOfmapWrites)
		dram := float64(st.DRAMIfmapReads + st.DRAMFilterReads + st.DRAMOfmapWrites)
		energy := systolicSRAMEnergy*sram + systolicDRAMEnergy*dram + float64(st.MACs)
		cycles := float64(st.Cycles)
		dst.Layers = append(dst.Layers, LayerCost{Layer: l.Name, Chunk: 0, Modelled: true, Cycles: cycles,
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
