package costmodel

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/dna"
	"github.com/dian-explorer/dian/core/accel/fpga"
	"github.com/dian-explorer/dian/core/accel/systolic"
)

// Model names a network-level cost model.
type Model string

// The cost models, by the kind of target they cost.
const (
	FPGAChunk Model = "fpga-chunk" // Auto-NBA's chunked pipeline (package fpga)
	DNA       Model = "dna"        // DNA's Eyeriss-style estimator (package dna)
	Systolic  Model = "systolic"   // SCALE-Sim's systolic array (package systolic)
)

// Models lists every model, in the order For's targets are declared.
func Models() []Model { return []Model{FPGAChunk, DNA, Systolic} }

// For returns the model that costs designs of platform p: the FPGA chunk
// model on an FPGA, the DNA estimator on an ASIC and the SCALE-Sim model on
// a systolic array.
func For(p accel.Platform) (Model, error) {
	switch p.Target {
	case accel.FPGA:
		return FPGAChunk, nil
	case accel.ASIC:
		return DNA, nil
	case accel.Systolic:
		return Systolic, nil
	}
	return "", fmt.Errorf("costmodel: platform %q has target %q, which no cost model knows", p.Name, p.Target)
}

// Parse returns the model with the given name.
func Parse(s string) (Model, error) {
	for _, m := range Models() {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("costmodel: model %q is not one of fpga-chunk, dna, systolic", s)
}

// Evaluate validates d and net and costs net on d and p with model m (mode
// applies to the FPGA chunk model only). It returns an error when the
// design cannot run the network; broken budgets come back as
// Feasible = false with Violations.
func Evaluate(m Model, d *accel.Design, net *accel.Network, p accel.Platform, mode accel.Mode) (*accel.NetworkCost, error) {
	switch m {
	case FPGAChunk:
		return fpga.Evaluate(d, net, p, mode)
	case DNA:
		return dna.Evaluate(d, net, p)
	case Systolic:
		return systolic.Evaluate(d, net, p)
	}
	return nil, fmt.Errorf("costmodel: model %q is not one of fpga-chunk, dna, systolic", m)
}

// Evaluator costs one network on many designs that share their chunk
// names and layer lists (the points of one design space) with one model,
// reusing its scratch space: the search's inner loop. It skips validation,
// so the designs must be valid (a Space's points are, by construction).
type Evaluator struct {
	Model    Model
	Platform accel.Platform
	Mode     accel.Mode

	net  *accel.Network
	plan []int
	nest []dna.Loop
}

// NewEvaluator returns an evaluator for platform p's model.
func NewEvaluator(p accel.Platform, mode accel.Mode) (*Evaluator, error) {
	m, err := For(p)
	if err != nil {
		return nil, err
	}
	return &Evaluator{Model: m, Platform: p, Mode: mode}, nil
}

// Bind sets the network that EvaluateInto costs, planning which chunk of
// template runs each layer (the plan holds for every design with the
// template's chunk names and layer lists).
func (e *Evaluator) Bind(template *accel.Design, net *accel.Network) error {
	plan, err := accel.Plan(template, net, e.Mode)
	if err != nil {
		return err
	}
	e.net, e.plan = net, plan
	return nil
}

// EvaluateInto costs the bound network on d, writing into dst and reusing
// its storage.
func (e *Evaluator) EvaluateInto(dst *accel.NetworkCost, d *accel.Design) error {
	return e.EvaluatePlanInto(dst, d, e.plan)
}

// EvaluatePlanInto is EvaluateInto with another plan (one chunk index per
// layer of the bound network, as accel.Plan writes): a searched pipeline
// places the layers anew at every point (accel.PlacePipeline).
func (e *Evaluator) EvaluatePlanInto(dst *accel.NetworkCost, d *accel.Design, plan []int) error {
	if e.net == nil {
		return fmt.Errorf("costmodel: EvaluateInto before Bind")
	}
	var err error
	switch e.Model {
	case DNA:
		e.nest, err = dna.EvaluatePlan(dst, d, e.net, e.Platform, plan, e.nest)
	case Systolic:
		err = systolic.EvaluateInto(dst, d, e.net, e.Platform)
	default:
		err = fpga.EvaluatePlan(dst, d, e.net, e.Platform, e.Mode, plan)
	}
	return err
}
