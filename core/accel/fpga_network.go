package accel

import (
	"errors"
	"fmt"
	"strconv"
)

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

	Energy    FPGAEnergy `json:"energy"` // per level and operand, in 16-bit-MAC units
	EnergySum float64    `json:"energy_total"`
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

// AutoNBAChunkName returns the chunk Auto-NBA assigns a layer to:
// "{a|dwa}{0|1}q{bits}", 0 when the output map is at least bigThreshold
// (16 on CIFAR, 28 on ImageNet).
func AutoNBAChunkName(l *NetworkLayer, bigThreshold int) string {
	name := "a"
	if l.Depthwise() {
		name = "dwa"
	}
	if l.P() >= bigThreshold {
		name += "0"
	} else {
		name += "1"
	}
	return name + "q" + strconv.Itoa(l.Bits)
}

// Plan returns, for every layer of net, the index of the chunk of d that
// runs it, or -1 for a layer mode leaves out (the faithful model ignores
// stem, head, skip and fc layers; they need no chunk). The plan depends only
// on the design's chunk names and layer lists, so a search that keeps those
// fixed computes it once and calls EvaluatePlan.
func Plan(d *Design, net *Network, mode FPGAMode) ([]int, error) {
	plan := make([]int, len(net.Layers))
	byName := make(map[string]int, len(d.Chunks))
	for i := range d.Chunks {
		byName[d.Chunks[i].Name] = i
	}
	owner := map[string]int{}
	if d.Assign == "" || d.Assign == AssignExplicit {
		for i := range d.Chunks {
			for _, ln := range d.Chunks[i].Layers {
				if net.Index(ln) < 0 {
					return nil, fmt.Errorf("accel: chunk %q lists layer %q, which network %q does not have", d.Chunks[i].Name, ln, net.Name)
				}
				owner[ln] = i
			}
		}
	}
	for li := range net.Layers {
		l := &net.Layers[li]
		skipped := mode == FPGAFaithful && l.RoleOrBody() != RoleBody
		switch d.Assign {
		case AssignAutoNBACIFAR, AssignAutoNBAImageNet:
			thr := 16
			if d.Assign == AssignAutoNBAImageNet {
				thr = 28
			}
			name := AutoNBAChunkName(l, thr)
			ci, ok := byName[name]
			switch {
			case skipped:
				plan[li] = -1
			case !ok:
				return nil, fmt.Errorf("accel: layer %q goes to chunk %q by rule %s, and design %q has no such chunk", l.Name, name, d.Assign, d.Name)
			default:
				plan[li] = ci
			}
		default:
			ci, ok := owner[l.Name]
			switch {
			case skipped:
				plan[li] = -1
			case !ok:
				return nil, fmt.Errorf("accel: layer %q is not assigned to any chunk of design %q", l.Name, d.Name)
			default:
				plan[li] = ci
			}
		}
	}
	return plan, nil
}

// EvaluateFPGA validates d and net, then costs net on design d and platform
// p with the FPGA chunk model. It returns an error when the design cannot
// run the network (a broken static constraint, a layer without a chunk, a
// dataflow the model lacks); broken budgets and capacities come back as
// Feasible = false with Violations.
func EvaluateFPGA(d *Design, net *Network, p Platform, mode FPGAMode) (*NetworkCost, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if err := d.Validate(p); err != nil {
		list := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			list = j.Unwrap()
		}
		for _, e := range list {
			var ce *ConstraintError
			if !errors.As(e, &ce) || !IsBudget(ce.Constraint) {
				return nil, err
			}
		}
	}
	plan, err := Plan(d, net, mode)
	if err != nil {
		return nil, err
	}
	var nc NetworkCost
	if err := EvaluatePlan(&nc, d, net, p, mode, plan); err != nil {
		return nil, err
	}
	return &nc, nil
}

// EvaluatePlan is EvaluateFPGA with a precomputed plan and without the
// validation (a Space's points are valid by construction), writing into dst
// and reusing its slices, so a search loop does not allocate unless a budget
// is broken.
func EvaluatePlan(dst *NetworkCost, d *Design, net *Network, p Platform, mode FPGAMode, plan []int) error {
	if len(plan) != len(net.Layers) {
		return fmt.Errorf("accel: plan has %d entries for %d layers", len(plan), len(net.Layers))
	}
	model := "fpga-chunk/corrected"
	if mode == FPGAFaithful {
		model = "fpga-chunk/faithful"
	}
	layers, chunks, viol := dst.reset(d, net, p, model)
	for li := range net.Layers {
		l := &net.Layers[li]
		dst.Batch = max(dst.Batch, orOne(l.N))
		layers = append(layers, LayerCost{Layer: l.Name, Chunk: plan[li]})
		lc := &layers[li]
		ci := plan[li]
		if ci < 0 {
			lc.MACs = l.MACs()
			lc.Depthwise = l.Depthwise()
			continue
		}
		if ci >= len(d.Chunks) {
			return fmt.Errorf("accel: plan sends layer %q to chunk %d of %d", l.Name, ci, len(d.Chunks))
		}
		c := &d.Chunks[ci]
		if err := EvalFPGALayer(lc, &l.Layer, c, mode); err != nil {
			return fmt.Errorf("accel: layer %q: %w", l.Name, err)
		}
		ch := &chunks[ci]
		ch.Layers++
		ch.Cycles += lc.Cycles
		ch.DSP = max(ch.DSP, lc.DSP)
		ch.BRAM18 = max(ch.BRAM18, lc.BRAM18)
		dst.Cycles += lc.Cycles
		dst.Energy.add(&lc.Energy)
		if c.GBBytes > 0 || c.RFBytes > 0 || c.DRAMBytes > 0 {
			gbNeed, rfNeed, dramNeed := footprintBytes(l, c)
			where := fmt.Sprintf("chunk %q layer %q", c.Name, l.Name)
			if c.GBBytes > 0 && gbNeed > c.GBBytes {
				viol = append(viol, newViolation(CstGBCapacity, where, "gb tiles need %d B > gb_bytes %d", gbNeed, c.GBBytes).Error())
			}
			if c.RFBytes > 0 && rfNeed > c.RFBytes {
				viol = append(viol, newViolation(CstRFCapacity, where, "rf tiles need %d B per PE > rf_bytes %d", rfNeed, c.RFBytes).Error())
			}
			if c.DRAMBytes > 0 && dramNeed > c.DRAMBytes {
				viol = append(viol, newViolation(CstDRAMCapacity, where, "the layer's tensors need %d B > dram_bytes %d", dramNeed, c.DRAMBytes).Error())
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
		if mode == FPGAFaithful || lc.Chunk == dst.Bottleneck {
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
	dst.finish(d, p, layers, chunks, viol)
	return nil
}

// reset clears dst for a new evaluation, keeping its slices' storage, and
// returns them emptied, with one chunk row per chunk of d.
func (dst *NetworkCost) reset(d *Design, net *Network, p Platform, model string) ([]LayerCost, []ChunkCost, []string) {
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
func (dst *NetworkCost) finish(d *Design, p Platform, layers []LayerCost, chunks []ChunkCost, viol []string) {
	dst.EnergySum = dst.Energy.Total()
	dst.EDP = dst.EnergySum * dst.LatencyMs / 1e3
	viol = appendBudgetViolations(viol, d, chunks, p, dst.DSP, dst.BRAM18)
	dst.Feasible = len(viol) == 0
	dst.Layers, dst.Chunks, dst.Violations = layers, chunks, viol
	dst.SetArea(d, p)
}

// footprintBytes returns the bytes one layer needs on chunk c at each
// level: in the global buffer, a double-buffered input tile with its halo,
// the weight tile and the output tile; in each PE's register file, its share
// of the compute tile's three operands; in DRAM, the whole layer's input,
// weights and output.
func footprintBytes(l *NetworkLayer, c *SubAccel) (gb, rf, dram int64) {
	g := l.G()
	m, cg := l.K/g, l.C()
	if l.Depthwise() {
		m, cg = l.K, 1
	}
	sh, sw := l.Stride()
	words := func(lv MemLevel, outer *Extents, next [4]int) (in, wt, out int64) {
		t := &c.Tiles[lv]
		tr := min(resolveTile(t[DimP], next[0]), next[0])
		tc := min(resolveTile(t[DimQ], next[1]), next[1])
		tm := min(resolveTile(t[DimK], next[2]), next[2])
		tn := min(resolveTile(t[DimC], next[3]), next[3])
		ch := int64(tn)
		if l.Depthwise() {
			ch = int64(tm)
		}
		in = ch * int64((tr-1)*sh+l.R) * int64((tc-1)*sw+l.S)
		wt = int64(tm) * int64(tn) * int64(l.R) * int64(l.S)
		out = int64(tm) * int64(tr) * int64(tc)
		if outer != nil {
			*outer = Extents{DimP: tr, DimQ: tc, DimK: tm, DimC: tn}
		}
		return in, wt, out
	}
	var gbT Extents
	in, wt, out := words(LevelGB, &gbT, [4]int{l.P(), l.Q(), m, cg})
	gb = bytesOf(2*in+wt+out, c.Bits)
	in, wt, out = words(LevelRF, nil, [4]int{gbT[DimP], gbT[DimQ], gbT[DimK], gbT[DimC]})
	pes := int64(max(c.UnrollProduct(), 1))
	rf = bytesOf((in+wt+out+pes-1)/pes, c.Bits)
	n := int64(orOne(l.N))
	dram = bytesOf(n*int64(l.InC)*int64(l.H)*int64(l.W)+int64(l.K)*int64(l.C())*int64(l.R)*int64(l.S)+n*int64(l.K)*int64(l.P())*int64(l.Q()), c.Bits)
	return gb, rf, dram
}

func bytesOf(words int64, bits int) int64 { return (words*int64(bits) + 7) / 8 }

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

// appendBudgetViolations checks the platform budgets against the chunks
// that run at least one layer: DSP and BRAM18 on an FPGA, PEs and global
// buffer elsewhere (the area budget is SetArea's, which finish calls next).
func appendBudgetViolations(viol []string, d *Design, chunks []ChunkCost, p Platform, dsp float64, bram int) []string {
	switch p.Target {
	case FPGA:
		if p.DSP > 0 && dsp > float64(p.DSP) {
			viol = append(viol, newViolation(CstDSPBudget, "design "+strconv.Quote(d.Name), "Σ DSP = %g > %d on %s", dsp, p.DSP, p.Name).Error())
		}
		if p.BRAM18 > 0 && bram > p.BRAM18 {
			viol = append(viol, newViolation(CstBRAMBudget, "design "+strconv.Quote(d.Name), "Σ BRAM18 = %d > %d on %s", bram, p.BRAM18, p.Name).Error())
		}
	default:
		pes := 0
		for i := range d.Chunks {
			if chunks[i].Layers > 0 {
				pes += d.Chunks[i].PEs()
			}
		}
		if p.PEs() > 0 && pes > p.PEs() {
			viol = append(viol, newViolation(CstPEBudget, "design "+strconv.Quote(d.Name), "Σ PEs = %d > %d on %s", pes, p.PEs(), p.Name).Error())
		}
		var gb int64
		for i := range d.Chunks {
			if chunks[i].Layers > 0 {
				gb += d.Chunks[i].GBBytes
			}
		}
		if p.GlobalBufferBytes > 0 && gb > int64(p.GlobalBufferBytes) {
			viol = append(viol, newViolation(CstGBBudget, "design "+strconv.Quote(d.Name), "Σ global buffer = %d B > %d B on %s", gb, p.GlobalBufferBytes, p.Name).Error())
		}
	}
	return viol
}
