package search

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
)

// Hardware is the accelerator side of a co-search on one platform: its
// design space, the cost model, and the network currently being costed.
// Cost evaluations reuse scratch space, so a search loop does not allocate.
type Hardware struct {
	Platform  accel.Platform
	Space     *accel.Space
	Mode      accel.FPGAMode
	Objective string // fps, latency, energy or edp
	// Model names the cost model: "fpga-chunk" (Auto-NBA's chunked
	// pipeline), "dna" (DNA's Eyeriss-style estimator, for the ASIC) or
	// "systolic" (SCALE-Sim's definitions).
	Model string

	net    *accel.Network
	plan   []int
	nest   []accel.DNALoop
	design accel.Design
	cost   accel.NetworkCost
}

// NewHardware returns the hardware side for a platform preset, cost-model
// mode ("faithful" or "corrected") and objective.
func NewHardware(platform, model, objective string) (*Hardware, error) {
	p, err := accel.Preset(platform)
	if err != nil {
		return nil, err
	}
	mode, err := accel.ParseFPGAMode(model)
	if err != nil {
		return nil, err
	}
	var space *accel.Space
	kind := "fpga-chunk"
	switch p.Target {
	case accel.FPGA:
		// Our inputs are at most 14×14 after the stem, so CIFAR's tile lists
		// (chunks for maps of at least 16 and smaller) fit them.
		space, err = accel.AutoNBASpace("cifar", []int{8}, platform)
	case accel.ASIC:
		kind = "dna"
		space, err = accel.GenericSpace(asicTemplate(p), asicChoices)
	case accel.Systolic:
		kind = "systolic"
		space, err = accel.GenericSpace(systolicTemplate(p), accel.ChunkChoices{
			Dataflows: []accel.Dataflow{accel.OutputStationary, accel.WeightStationary, accel.InputStationary}})
	default:
		err = fmt.Errorf("search: platform %q has target %q, which the co-search does not know", platform, p.Target)
	}
	if err != nil {
		return nil, err
	}
	switch objective {
	case "fps", "latency", "energy", "edp":
	default:
		return nil, fmt.Errorf("search: unknown objective %q (accepted: fps, latency, energy, edp)", objective)
	}
	return &Hardware{Platform: p, Space: space, Mode: mode, Objective: objective, Model: kind}, nil
}

// asicTemplate is one PE array with the platform's shape and global
// buffer, 16-bit words and Eyeriss' 0.5 KB register file per PE, running
// every layer (the DNA estimator costs layers one after another).
func asicTemplate(p accel.Platform) accel.Design {
	return accel.Design{Name: p.Name + "-dna", Platform: p.Name, Assign: accel.AssignExplicit, Pad: true,
		Chunks: []accel.SubAccel{{Name: "array", Rows: p.Rows, Cols: p.Cols, Dataflow: accel.RowStationary, Bits: 16,
			RFBytes: 512, GBBytes: int64(p.GlobalBufferBytes)}}}
}

// asicChoices are the DNA-style options for the ASIC's array: the
// dataflow, global-buffer and register tiles, the spatial unrolling and
// the loop orders, sized for the supernet's layers (at most 192 channels,
// 14×14 maps).
var asicChoices = accel.ChunkChoices{
	Dataflows: []accel.Dataflow{accel.RowStationary, accel.WeightStationary, accel.OutputStationary, accel.InputStationary},
	GBTile: [accel.NumDims][]int{
		accel.DimK: {64, 32, 16, 8}, accel.DimC: {64, 32, 16, 8}, accel.DimP: {14, 7, 4}, accel.DimQ: {14, 7, 4}},
	RFTile: [accel.NumDims][]int{accel.DimK: {16, 8, 4, 2, 1}, accel.DimC: {8, 4, 2, 1}},
	Unroll: [accel.NumDims][]int{accel.DimK: {16, 8, 4, 2, 1}, accel.DimC: {8, 4, 2, 1}, accel.DimP: {14, 7, 4, 2, 1}},
	Orders: []accel.LoopOrder{
		accel.DefaultLoopOrder,
		{accel.DimN, accel.DimC, accel.DimK, accel.DimP, accel.DimQ, accel.DimR, accel.DimS},
		{accel.DimN, accel.DimP, accel.DimQ, accel.DimK, accel.DimC, accel.DimR, accel.DimS},
	},
}

// systolicTemplate is the platform's systolic array with 64 KB of SRAM per
// operand; the search picks its dataflow.
func systolicTemplate(p accel.Platform) accel.Design {
	return accel.Design{Name: p.Name, Platform: p.Name, Assign: accel.AssignExplicit, Pad: true,
		Chunks: []accel.SubAccel{{Name: "array", Rows: p.Rows, Cols: p.Cols, Dataflow: accel.OutputStationary, Bits: 8,
			GBBytes: 3 * 64 * 1024}}}
}

// Bind sets the network that Eval costs.
func (h *Hardware) Bind(net *accel.Network) error {
	if h.Model != "fpga-chunk" { // one array runs every layer
		names := make([]string, len(net.Layers))
		for i, l := range net.Layers {
			names[i] = l.Name
		}
		h.Space.Template.Chunks[0].Layers = names
	}
	plan, err := accel.Plan(&h.Space.Template, net, h.Mode)
	if err != nil {
		return fmt.Errorf("search: planning %s on the %s space: %w", net.Name, h.Platform.Name, err)
	}
	h.net, h.plan = net, plan
	return nil
}

// Eval is a CostFunc for the bound network: the objective's cost of the
// design at choice (bottleneck cycles for fps, so lower is better).
func (h *Hardware) Eval(choice []int) (float64, bool) {
	if err := h.Space.Decode(choice, &h.design); err != nil {
		return 0, false
	}
	var err error
	switch h.Model {
	case "dna":
		h.nest, err = accel.EvaluateDNAPlan(&h.cost, &h.design, h.net, h.Platform, h.plan, h.nest)
	case "systolic":
		err = accel.EvaluateSystolic(&h.cost, &h.design, h.net, h.Platform)
	default:
		err = accel.EvaluatePlan(&h.cost, &h.design, h.net, h.Platform, h.Mode, h.plan)
	}
	if err != nil || !h.cost.Feasible {
		return 0, false
	}
	c := objectiveCost(&h.cost, h.Objective)
	return c, c > 0
}

// objectiveCost is the quantity an engine minimises.
func objectiveCost(c *accel.NetworkCost, objective string) float64 {
	switch objective {
	case "latency":
		return c.LatencyMs
	case "energy":
		return c.EnergySum
	case "edp":
		return c.EDP
	}
	return c.BottleneckCycles // fps: throughput is set by the slowest chunk
}

// Evaluate returns the design at choice and its full cost on the bound
// network (copies the caller may keep).
func (h *Hardware) Evaluate(choice []int) (*accel.Design, *accel.NetworkCost, error) {
	d := &accel.Design{}
	if err := h.Space.Decode(choice, d); err != nil {
		return nil, nil, err
	}
	var c *accel.NetworkCost
	var err error
	switch h.Model {
	case "dna":
		c, err = accel.EvaluateDNA(d, h.net, h.Platform)
	case "systolic":
		c = &accel.NetworkCost{}
		err = accel.EvaluateSystolic(c, d, h.net, h.Platform)
	default:
		c, err = accel.EvaluateFPGA(d, h.net, h.Platform, h.Mode)
	}
	if err != nil {
		return nil, nil, err
	}
	return d, c, nil
}

// BlockCosts returns, per searched block, the share of the objective the
// block's layers cause on the design at choice: the penalty each block's
// sampled op receives. Time uses each layer's PipelineCycles (its cycles in
// faithful mode, as Auto-NBA sums block latencies; in corrected mode only
// layers on the bottleneck chunk count, since only they limit throughput).
// EDP = E·T moves by E·dT + T·dE, so a block's share is the mean of its
// shares of time and of energy.
func (h *Hardware) BlockCosts(choice []int, blocks []string) ([]float64, error) {
	_, c, err := h.Evaluate(choice)
	if err != nil {
		return nil, err
	}
	var timeTotal, energyTotal float64
	for _, l := range c.Layers {
		timeTotal += l.PipelineCycles
		energyTotal += l.EnergySum
	}
	out := make([]float64, len(blocks))
	for li, l := range c.Layers {
		bi := indexOf(blocks, h.net.Layers[li].Block)
		if bi < 0 {
			continue
		}
		t, e := fraction(l.PipelineCycles, timeTotal), fraction(l.EnergySum, energyTotal)
		switch h.Objective {
		case "energy":
			out[bi] += e
		case "edp":
			out[bi] += (t + e) / 2
		default:
			out[bi] += t
		}
	}
	return out, nil
}

func fraction(part, total float64) float64 {
	if total <= 0 {
		return 0
	}
	return part / total
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}
