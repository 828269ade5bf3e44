package search

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/costmodel"
	"github.com/dian-explorer/dian/core/report"
)

// Hardware is the accelerator side of a co-search on one platform: its
// design space (accel.PlatformSpace), the platform's cost model
// (costmodel.For), and the network currently being costed. Cost
// evaluations reuse scratch space, so a search loop does not allocate.
type Hardware struct {
	Platform  accel.Platform
	Space     *accel.Space
	Mode      accel.Mode
	Objective string // fps, latency, energy or edp

	eval   *costmodel.Evaluator
	net    *accel.Network
	design accel.Design
	cost   accel.NetworkCost
	// pipeline is set when the layer-to-chunk allocation is searched
	// (accel.Space.AddPipeline); slots are then the bound network's places
	// and plan each point's allocation.
	pipeline bool
	slots    []accel.PipelineSlot
	plan     []int
}

// NewHardware returns the hardware side for a platform preset, cost-model
// mode ("faithful" or "corrected") and objective. With units (the
// network's stem, blocks and head, in order), the allocation of their
// layers to the chunks of an FPGA's pipeline is searched too; nil keeps
// Auto-NBA's fixed rule. bits are a precision search's widths (nil: none;
// see accel.PlatformSpace).
func NewHardware(platform, model, objective string, units []string, bits []int) (*Hardware, error) {
	p, err := accel.Preset(platform)
	if err != nil {
		return nil, err
	}
	mode, err := accel.ParseMode(model)
	if err != nil {
		return nil, err
	}
	space, err := accel.PlatformSpace(p, bits)
	if err != nil {
		return nil, err
	}
	if units != nil {
		if p.Target != accel.FPGA {
			return nil, fmt.Errorf("search: pipeline=searched places layers on the chunks of an FPGA's pipeline; %s (%s) runs every layer on one array (accepted: pipeline=rule)", p.Name, p.Target)
		}
		if err := space.AddPipeline(units); err != nil {
			return nil, err
		}
	}
	eval, err := costmodel.NewEvaluator(p, mode)
	if err != nil {
		return nil, err
	}
	switch objective {
	case "fps", "latency", "energy", "edp":
	default:
		return nil, fmt.Errorf("search: unknown objective %q (accepted: fps, latency, energy, edp)", objective)
	}
	return &Hardware{Platform: p, Space: space, Mode: mode, Objective: objective, eval: eval, pipeline: units != nil}, nil
}

// Model is the cost model the platform's designs are costed with.
func (h *Hardware) Model() costmodel.Model { return h.eval.Model }

// Bind sets the network that Eval costs.
func (h *Hardware) Bind(net *accel.Network) error {
	accel.AssignAll(&h.Space.Template, net) // a one-array template runs every layer
	if err := h.eval.Bind(&h.Space.Template, net); err != nil {
		return fmt.Errorf("search: planning %s on the %s space: %w", net.Name, h.Platform.Name, err)
	}
	h.net = net
	if h.pipeline {
		slots, err := h.Space.PipelineSlots(net, h.Mode)
		if err != nil {
			return fmt.Errorf("search: placing %s on the %s pipeline: %w", net.Name, h.Platform.Name, err)
		}
		h.slots, h.plan = slots, make([]int, len(net.Layers))
	}
	return nil
}

// Eval is a CostFunc for the bound network: the objective's cost of the
// design at choice (bottleneck cycles for fps, so lower is better).
func (h *Hardware) Eval(choice []int) (float64, bool) {
	if err := h.Space.Decode(choice, &h.design); err != nil {
		return 0, false
	}
	var err error
	if h.pipeline {
		accel.PlacePipeline(h.plan, h.slots, choice)
		err = h.eval.EvaluatePlanInto(&h.cost, &h.design, h.plan)
	} else {
		err = h.eval.EvaluateInto(&h.cost, &h.design)
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
// network (copies the caller may keep), costed as costmodel.Evaluate
// costs it, so the command line's dian eval gives the same numbers.
func (h *Hardware) Evaluate(choice []int) (*accel.Design, *accel.NetworkCost, error) {
	d := &accel.Design{}
	if err := h.Space.Decode(choice, d); err != nil {
		return nil, nil, err
	}
	if h.pipeline {
		// The searched allocation, written out: each chunk lists its
		// layers, so the design costs the same anywhere (dian eval, the
		// page's views and exports).
		plan := make([]int, len(h.net.Layers))
		accel.PlacePipeline(plan, h.slots, choice)
		d.Assign = accel.AssignExplicit
		for i := range d.Chunks {
			d.Chunks[i].Layers = nil
		}
		for li, ci := range plan {
			if ci >= 0 {
				d.Chunks[ci].Layers = append(d.Chunks[ci].Layers, h.net.Layers[li].Name)
			}
		}
	}
	c, err := costmodel.Evaluate(h.eval.Model, d, h.net, h.Platform, h.Mode)
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
			out[bi] += float64((t + e) / 2)
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

// CostNetwork gives a network that was not searched (one read from an
// ONNX file, say) the best accelerator the platform's engine finds in
// evals evaluations (REINFORCE, seeded), and returns it as a result: the
// network's layers, the design, the metrics (no accuracy) and the cost of
// every layer, as a search's result carries them.
func CostNetwork(ctx context.Context, net *accel.Network, platform string, evals int, seed uint64) (*report.Result, error) {
	if evals < 1 || evals > 1_000_000 {
		return nil, fmt.Errorf("search: %d evaluations to cost a network (accepted 1..1000000)", evals)
	}
	hw, err := NewHardware(platform, "corrected", "fps", nil, nil)
	if err != nil {
		return nil, err
	}
	if err := hw.Bind(net); err != nil {
		return nil, err
	}
	eng, err := NewEngine("reinforce", hw.Space, rand.New(rand.NewPCG(seed, 0xc057)))
	if err != nil {
		return nil, err
	}
	t := eng.Search(ctx, evals, hw.Eval)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t.Best == nil {
		return nil, fmt.Errorf("search: no feasible accelerator for %s on %s in %d evaluations", net.Name, platform, evals)
	}
	d, c, err := hw.Evaluate(t.Best)
	if err != nil {
		return nil, err
	}
	res := &report.Result{Accelerator: d, Metrics: report.MetricsOf(c, 0), Layers: c.Layers}
	b, err := net.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var file struct {
		Layers json.RawMessage `json:"layers"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, err
	}
	res.Network.Layers = file.Layers
	for _, l := range net.Layers {
		res.Network.MACs += l.MACs()
		res.Network.Params += int64(l.R*l.S*l.C()) * int64(l.K)
	}
	res.Search.HWEvaluations = t.Evals
	return res, nil
}
