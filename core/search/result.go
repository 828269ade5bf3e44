package search

import (
	"encoding/json"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/supernet"
)

// Result is what a search found. Its JSON form is what `dian search -json`
// prints and what the page exposes as window.dianResult: everything in it
// but Timing is the same, byte for byte, for the same configuration.
type Result struct {
	Config      string            `json:"config"` // the full normalised fragment
	Network     NetworkResult     `json:"network"`
	Accelerator *accel.Design     `json:"accelerator"`
	Metrics     Metrics           `json:"metrics"`
	Layers      []accel.LayerCost `json:"layers"`
	Search      SearchSummary     `json:"search"`
	Baselines   []Baseline        `json:"baselines,omitempty"`
	// Timing holds every field that may differ between two runs.
	Timing Timing `json:"timing"`
}

// NetworkResult is the derived network.
type NetworkResult struct {
	Ops    []string      `json:"ops"` // op per block
	Blocks []BlockResult `json:"blocks"`
	MACs   int64         `json:"macs"`   // per image
	Params int64         `json:"params"` // convolution and classifier weights
	// Layers is the lowered network, every layer's shape, in the "layers"
	// form of the network files `dian eval -net` reads.
	Layers json.RawMessage `json:"layers"`
}

// BlockResult is one searched block of the derived network.
type BlockResult struct {
	Name   string `json:"name"`
	Op     string `json:"op"`
	In     int    `json:"in"`
	Out    int    `json:"out"`
	Stride int    `json:"stride"`
	H      int    `json:"h"` // input size
	W      int    `json:"w"`
	MACs   int64  `json:"macs"`
}

// Metrics are the headline numbers of a network on its accelerator.
type Metrics struct {
	Accuracy  float64 `json:"accuracy"` // test accuracy, 0–1
	FPS       float64 `json:"fps"`
	LatencyMs float64 `json:"latency_ms"`
	Energy    float64 `json:"energy"` // model units (16-bit-MAC energies)
	EDP       float64 `json:"edp"`
	DSP       float64 `json:"dsp"`
	BRAM18    int     `json:"bram18"`
	AreaMM2   float64 `json:"area_mm2"`
	Feasible  bool    `json:"feasible"`
}

// SearchSummary describes how the search went.
type SearchSummary struct {
	ArchSteps     int         `json:"arch_steps"`
	HWEvaluations int         `json:"hw_evaluations"`
	FinalLambda   float64     `json:"final_lambda"`
	TargetLo      float64     `json:"target_lo"`
	TargetHi      float64     `json:"target_hi"`
	FinalProbs    [][]float64 `json:"final_probs"`
	// FinalTrace is the best objective cost after each part of the final
	// accelerator search (at most 64 points).
	FinalTrace []float64 `json:"final_trace"`
}

// Baseline is a comparison point run on the same budget and seed.
type Baseline struct {
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Network     []string      `json:"network"`
	Metrics     Metrics       `json:"metrics"`
	Accelerator *accel.Design `json:"accelerator"`
}

// Timing is wall-clock time per phase, in seconds.
type Timing struct {
	// Build names the code that ran (it differs between the native CLI and
	// the browser's worker, not between runs of one build).
	Build           string  `json:"build,omitempty"`
	TotalSeconds    float64 `json:"total_s"`
	WarmupSeconds   float64 `json:"warmup_s"`
	SearchSeconds   float64 `json:"search_s"`
	FinalHWSeconds  float64 `json:"final_hw_s"`
	FinetuneSeconds float64 `json:"finetune_s"`
	BaselineSeconds float64 `json:"baselines_s"`
}

// metricsOf fills the hardware part of Metrics from a cost.
func metricsOf(c *accel.NetworkCost, acc float64) Metrics {
	return Metrics{Accuracy: acc, FPS: c.FPS, LatencyMs: c.LatencyMs, Energy: c.EnergySum, EDP: c.EDP,
		DSP: c.DSP, BRAM18: c.BRAM18, AreaMM2: c.AreaMM2, Feasible: c.Feasible}
}

// networkResult describes path in space.
func networkResult(space supernet.Space, path supernet.Path) NetworkResult {
	nr := NetworkResult{Ops: path.Names(space.Ops)}
	net := space.Network(path, 8)
	if b, err := net.MarshalJSON(); err == nil {
		var file struct {
			Layers json.RawMessage `json:"layers"`
		}
		if json.Unmarshal(b, &file) == nil {
			nr.Layers = file.Layers
		}
	}
	for _, l := range net.Layers {
		nr.MACs += l.MACs()
		nr.Params += int64(l.R*l.S*l.C()) * int64(l.K)
	}
	for bi, b := range space.Blocks {
		br := BlockResult{Name: b.Name, Op: space.Ops[path[bi]].Name, In: b.In, Out: b.Out, Stride: b.Stride, H: b.H, W: b.W}
		for _, l := range net.Layers {
			if l.Block == b.Name {
				br.MACs += l.MACs()
			}
		}
		nr.Blocks = append(nr.Blocks, br)
	}
	return nr
}

func (r *runner) fillResult(res *Result, path supernet.Path, choice []int, acc float64) error {
	res.Network = networkResult(r.space, path)
	res.Metrics.Accuracy = acc
	if choice == nil {
		return nil // no feasible accelerator: metrics stay zero, Feasible false
	}
	if err := r.hw.Bind(r.space.Network(path, 8)); err != nil {
		return err
	}
	d, c, err := r.hw.Evaluate(choice)
	if err != nil {
		return err
	}
	res.Accelerator = d
	res.Metrics = metricsOf(c, acc)
	res.Layers = c.Layers
	return nil
}
