package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
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
	Ops []string `json:"ops"` // op per block
	// Bits is each block's bit-width after a precision search (0 for a
	// skip block); absent without one (every layer 8 bits).
	Bits   []int         `json:"bits,omitempty"`
	Blocks []BlockResult `json:"blocks"`
	MACs   int64         `json:"macs"`   // per image
	Params int64         `json:"params"` // convolution and classifier weights
	// Layers is the lowered network, every layer's shape, in the "layers"
	// form of the network files `dian eval -net` reads.
	Layers json.RawMessage `json:"layers"`
}

// DescribeNetwork writes ops one per block, each followed by its width
// when bits are given ("k3_e6/4b skip k5_e3/8b"), separated by spaces.
func DescribeNetwork(ops []string, bits []int) string {
	var b strings.Builder
	for i, o := range ops {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(o)
		if i < len(bits) && bits[i] > 0 {
			fmt.Fprintf(&b, "/%db", bits[i])
		}
	}
	return b.String()
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

// Metrics are the headline numbers of a network on its accelerator. The
// msgpack keys are those of a link's compact result (protocol), whose
// format they must keep.
type Metrics struct {
	Accuracy  float64 `json:"accuracy" msgpack:"acc"` // test accuracy, 0–1
	FPS       float64 `json:"fps" msgpack:"fps"`
	LatencyMs float64 `json:"latency_ms" msgpack:"latencyMs"`
	Energy    float64 `json:"energy" msgpack:"energy"` // model units (16-bit-MAC energies)
	EDP       float64 `json:"edp" msgpack:"edp"`
	DSP       float64 `json:"dsp" msgpack:"dsp"`
	BRAM18    int     `json:"bram18" msgpack:"bram18"`
	AreaMM2   float64 `json:"area_mm2" msgpack:"area"`
	Feasible  bool    `json:"feasible" msgpack:"feasible"`
}

// MetricsOf returns the headline numbers of cost c, with accuracy acc.
func MetricsOf(c *accel.NetworkCost, acc float64) Metrics {
	return Metrics{Accuracy: acc, FPS: c.FPS, LatencyMs: c.LatencyMs, Energy: c.EnergySum, EDP: c.EDP,
		DSP: c.DSP, BRAM18: c.BRAM18, AreaMM2: c.AreaMM2, Feasible: c.Feasible}
}

// SearchSummary describes how the search went.
type SearchSummary struct {
	// SearchImages is how many training images the bi-level search ran
	// on: searchset, or the whole training set when that is smaller
	// (digits8 has 1,437).
	SearchImages int `json:"search_images"`
	ArchSteps    int `json:"arch_steps"`
	// TrainSteps and HWEvaluations are what the run spent: minibatch
	// gradient steps (warm-up, search, fine-tuning) and designs the cost
	// model evaluated. Every method of a comparison spends the same.
	TrainSteps    int         `json:"train_steps"`
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
	Bits        []int         `json:"bits,omitempty"` // per block, after a precision search
	Metrics     Metrics       `json:"metrics"`
	Accelerator *accel.Design `json:"accelerator"`
	// TrainSteps and HWEvaluations are what it spent (SearchSummary's).
	TrainSteps    int `json:"train_steps"`
	HWEvaluations int `json:"hw_evaluations"`
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

// MaxResultBytes bounds the JSON ParseResult reads: a real result is tens
// of kilobytes.
const MaxResultBytes = 8 << 20

// ParseResult decodes a result's JSON form, validating its designs (see
// accel.Design.UnmarshalJSON). Unknown fields are ignored, so a result
// written by a newer build still shows.
func ParseResult(data []byte) (*Result, error) {
	if len(data) > MaxResultBytes {
		return nil, fmt.Errorf("report: a result of %d bytes; at most %d are read", len(data), MaxResultBytes)
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("report: search result: %w", err)
	}
	return &r, nil
}

// ErrNoDesign is returned for a result without an accelerator (no feasible
// design was found).
var ErrNoDesign = errors.New("report: the result has no accelerator design")
