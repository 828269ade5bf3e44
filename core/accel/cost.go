package accel

import (
	"fmt"
)

// Operand is one of a layer's three tensors.
type Operand uint8

// The operands.
const (
	OpInput Operand = iota
	OpWeight
	OpOutput
	NumOperands
)

var operandNames = [NumOperands]string{"input", "weight", "output"}

// String returns input, weight or output.
func (o Operand) String() string {
	if o < NumOperands {
		return operandNames[o]
	}
	return fmt.Sprintf("Operand(%d)", uint8(o))
}

// Energy is a breakdown of energy by memory level and operand, plus the
// arithmetic. The FPGA chunk model of Auto-NBA defines no energy; we derive
// one from the access counts the model implies and Eyeriss' normalised unit
// costs (per 16-bit word: DRAM 200, buffer 6, register 1; a 16-bit MAC 1).
// Word costs scale with bits/16 and a q-bit MAC with the DNA simulator's
// 4-bit-unit model, (⌈q/4⌉/68 + ⌈q/4⌉²/17) / (4/68 + 16/17). Units are
// therefore "16-bit MACs": divide by nothing, multiply by a technology's pJ
// per 16-bit MAC to get pJ.
type Energy struct {
	DRAM   [NumOperands]float64 `json:"dram"`
	Buffer [NumOperands]float64 `json:"buffer"`
	RF     [NumOperands]float64 `json:"rf"`
	MAC    float64              `json:"mac"`
}

// Total returns the sum of every part, in a fixed order.
func (e *Energy) Total() float64 {
	// Each part is converted explicitly: the models store products in
	// these fields, and a product the compiler forwarded from its store
	// could otherwise fuse into the sum (docs/ARCHITECTURE.md, Determinism).
	t := 0.0
	for o := OpInput; o < NumOperands; o++ {
		t += float64(e.DRAM[o])
	}
	for o := OpInput; o < NumOperands; o++ {
		t += float64(e.Buffer[o])
	}
	for o := OpInput; o < NumOperands; o++ {
		t += float64(e.RF[o])
	}
	return t + float64(e.MAC)
}

// add accumulates f into e.
func (e *Energy) Add(f *Energy) {
	for o := OpInput; o < NumOperands; o++ {
		e.DRAM[o] += f.DRAM[o]
		e.Buffer[o] += f.Buffer[o]
		e.RF[o] += f.RF[o]
	}
	e.MAC += f.MAC
}

// MACEnergy is the energy of a q-bit MAC relative to a 16-bit one, built
// from 4-bit adders and multipliers as in the DNA simulator
// (docs/METHOD.md §4.4): (⌈q/4⌉/68 + ⌈q/4⌉²/17) / (4/68 + 16/17).
func MACEnergy(q int) float64 {
	a := float64((q + 3) / 4)
	return (a/68 + float64(a*a)/17) / (4.0/68 + 16.0/17)
}

// MACEnergyRatio is the energy of a q-bit MAC relative to a ref-bit one.
func MACEnergyRatio(q, ref int) float64 { return MACEnergy(q) / MACEnergy(ref) }

// LayerCost is what one layer costs on one chunk.
type LayerCost struct {
	Layer     string `json:"layer"`
	Chunk     int    `json:"chunk"` // index into the design's chunks, -1 when not modelled
	Depthwise bool   `json:"depthwise"`
	// Modelled is false for the layers the faithful model leaves out
	// (stem, head, skip, fc): their costs are zero.
	Modelled bool `json:"modelled"`

	Cycles        float64 `json:"cycles"`
	ComputeCycles float64 `json:"compute_cycles"` // cycles the array computes (inside max(compute, load))
	// PipelineCycles is the layer's share of the network's hardware
	// penalty: its cycles in faithful mode (Auto-NBA sums block latencies),
	// its cycles when its chunk is the pipeline bottleneck and 0 otherwise in
	// corrected mode (the derivative of the bottleneck with respect to the
	// layer's cycles).
	PipelineCycles float64 `json:"pipeline_cycles"`
	MACs           int64   `json:"macs"`
	DSP            float64 `json:"dsp"`
	BRAM18         int     `json:"bram18"`
	// DRAMWords counts words moved between DRAM and the on-chip buffers.
	DRAMWords [NumOperands]float64 `json:"dram_words"`
	Energy    Energy               `json:"energy"`
	EnergySum float64              `json:"energy_total"`
	// WBits and ABits are the widths of the layer's weights and input
	// activations after a precision search (equal: Auto-NBA searches one
	// width per op); absent without one.
	WBits int `json:"w_bits,omitempty"`
	ABits int `json:"a_bits,omitempty"`
}

// ChunkCost sums one chunk's layers. A chunk is sized for its worst layer,
// so its DSP and BRAM18 are maxima over its layers, its cycles a sum.
type ChunkCost struct {
	Name   string  `json:"name"`
	Layers int     `json:"layers"`
	Cycles float64 `json:"cycles"`
	DSP    float64 `json:"dsp"`
	BRAM18 int     `json:"bram18"`
}

// NetworkCost is a network's cost on a design: totals, one row per chunk and
// one per layer. Both the search and the UI show it; its JSON form is what
// `dian eval -json` prints.
type NetworkCost struct {
	Design   string  `json:"design"`
	Network  string  `json:"network"`
	Platform string  `json:"platform"`
	Model    string  `json:"model"` // e.g. "fpga-chunk/faithful"
	ClockMHz float64 `json:"clock_mhz"`
	Batch    int     `json:"batch"` // images per pass (the largest layer N)

	// Cycles is Σ layer cycles: one batch through every layer in turn.
	Cycles    float64 `json:"cycles"`
	LatencyMs float64 `json:"latency_ms"` // Cycles at the clock
	// BottleneckCycles is the slowest chunk's cycles; chunks work on
	// consecutive batches concurrently, so it sets the throughput.
	BottleneckCycles float64 `json:"bottleneck_cycles"`
	Bottleneck       int     `json:"bottleneck_chunk"` // chunk index, -1 when nothing is modelled
	FPS              float64 `json:"fps"`              // Batch · clock / BottleneckCycles

	Energy    Energy  `json:"energy"` // per level and operand, in 16-bit-MAC units
	EnergySum float64 `json:"energy_total"`
	// EDP is EnergySum × LatencyMs/1000 (16-bit-MAC units × seconds).
	EDP float64 `json:"edp"`

	DSP    float64 `json:"dsp"`    // Σ over chunks
	BRAM18 int     `json:"bram18"` // Σ over chunks
	// AreaMM2 is the silicon area of the chunks that run a layer (PE arrays
	// and global buffers, see AreaTable.SubAccelArea) on ASIC and systolic
	// platforms; AreaParts splits it into MACs, register files and global
	// buffers. Both are 0 on an FPGA, which spends DSP and BRAM18 instead.
	AreaMM2   float64       `json:"area_mm2"`
	AreaParts AreaBreakdown `json:"area_parts"`

	// Feasible is false when a budget is broken; Violations say which.
	Feasible   bool     `json:"feasible"`
	Violations []string `json:"violations,omitempty"`

	Chunks []ChunkCost `json:"chunks"`
	Layers []LayerCost `json:"layers"`
}

// reset clears dst for a new evaluation, keeping its slices' storage, and
// returns them emptied, with one chunk row per chunk of d.
func (dst *NetworkCost) Reset(d *Design, net *Network, p Platform, model string) ([]LayerCost, []ChunkCost, []string) {
	layers, chunks, viol := dst.Layers[:0], dst.Chunks[:0], dst.Violations[:0]
	*dst = NetworkCost{Design: d.Name, Network: net.Name, Platform: p.Name, Model: model, ClockMHz: p.ClockMHz, Bottleneck: -1, Batch: 1}
	for i := range d.Chunks {
		chunks = append(chunks, ChunkCost{Name: d.Chunks[i].Name})
	}
	return layers, chunks, viol
}

// finish fills the totals that follow from the energy and latency, and the
// area, checks the platform budgets and stores the rows. Violations stays
// empty (not nil) when feasible, so its storage is reused.
func (dst *NetworkCost) Finish(d *Design, p Platform, layers []LayerCost, chunks []ChunkCost, viol []string) {
	dst.EnergySum = dst.Energy.Total()
	dst.EDP = dst.EnergySum * dst.LatencyMs / 1e3
	for _, v := range budgetViolations(d, p, chunks, dst.DSP, dst.BRAM18) {
		viol = append(viol, v.Error())
	}
	dst.Feasible = len(viol) == 0
	dst.Layers, dst.Chunks, dst.Violations = layers, chunks, viol
	dst.SetArea(d, p)
}

// BlockPenalties writes into dst[i] the sum of PipelineCycles over the
// layers of net whose Block is blocks[i]: Auto-NBA's per-block latency L_b in
// faithful mode, its bottleneck-aware version in corrected mode. c must be
// net's cost; dst must have len(blocks) entries.
func (c *NetworkCost) BlockPenalties(net *Network, blocks []string, dst []float64) {
	for i := range dst {
		dst[i] = 0
	}
	for li := range c.Layers {
		b := net.Layers[li].Block
		for i := range blocks {
			if blocks[i] == b {
				dst[i] += c.Layers[li].PipelineCycles
			}
		}
	}
}
