package viz

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/report"
)

// Workload is what the accelerator view shows: the chunks of a design (one
// default chunk for a bare platform), the layers that run on them, and the
// energy table that prices them.
type Workload struct {
	Platform accel.Platform
	Chunks   []accel.SubAccel
	Layers   []LayerSpec
	// Pad lets a design's tiles be padded (accel.Design.Pad).
	Pad bool
	// FromResult is set when the workload came from a search result: each
	// layer then runs with its chunk's own tiling where it has one
	// (loopnest.RunLayer); otherwise the mapper picks the mapping.
	FromResult bool
	Energy     *loopnest.EnergyTable
}

// LayerSpec is one layer of a workload.
type LayerSpec struct {
	Layer accel.Layer
	// Known is false when the result does not give the layer's shape (the
	// view then shows its cost but cannot walk it).
	Known bool
	Chunk int
	// Cost is the result's per-layer cost (nil for a bare platform).
	Cost *accel.LayerCost
}

// DemoLayers are the layers shown before any search has run: a stem and
// one inverted-residual block of the MNIST-sized search space, small
// enough that every cycle can be watched.
var DemoLayers = []accel.Layer{
	{Name: "stem 3×3", N: 1, InC: 1, K: 8, H: 14, W: 14, R: 3, S: 3, PadH: 1, PadW: 1},
	{Name: "b1.pw1 1×1", N: 1, InC: 8, K: 24, H: 14, W: 14, R: 1, S: 1},
	{Name: "b1.dw 3×3 s2", N: 1, InC: 24, K: 24, H: 14, W: 14, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, Groups: 24},
	{Name: "b1.pw2 1×1", N: 1, InC: 24, K: 16, H: 7, W: 7, R: 1, S: 1},
}

// DefaultDataflow is the dataflow a platform's PE array is drawn with
// before a design is chosen: row stationary on the Eyeriss-like ASIC,
// weight stationary on the systolic array, output stationary on FPGAs.
func DefaultDataflow(p accel.Platform) accel.Dataflow {
	switch {
	case p.Target == accel.Systolic:
		return accel.WeightStationary
	case p.Target == accel.ASIC:
		return accel.RowStationary
	}
	return accel.OutputStationary
}

// DefaultChunk is a platform's PE array as one sub-accelerator with the
// given dataflow: 16-bit words and the platform's buffers as
// accel.BoundedChunk sizes them.
func DefaultChunk(p accel.Platform, df accel.Dataflow) accel.SubAccel {
	return accel.BoundedChunk(p, accel.SubAccel{Name: p.Name, Rows: p.Rows, Cols: p.Cols, Dataflow: df, Bits: 16})
}

// PresetWorkload is a platform's default array running DemoLayers.
func PresetWorkload(p accel.Platform, df accel.Dataflow) Workload {
	w := Workload{Platform: p, Chunks: []accel.SubAccel{DefaultChunk(p, df)}, Energy: loopnest.TableFor(p)}
	for _, l := range DemoLayers {
		w.Layers = append(w.Layers, LayerSpec{Layer: l, Known: true})
	}
	return w
}

// ResultWorkload is a result's design running its network.
func ResultWorkload(r *report.Result) (Workload, error) {
	d := r.Accelerator
	if d == nil {
		return Workload{}, report.ErrNoDesign
	}
	if len(d.Chunks) == 0 {
		return Workload{}, fmt.Errorf("viz: the result's design has no chunks")
	}
	p, err := accel.Preset(d.Platform)
	if err != nil {
		p = accel.Platform{Name: d.Platform, Title: d.Platform, Rows: d.Chunks[0].Rows, Cols: d.Chunks[0].Cols}
	}
	w := Workload{Platform: p, Chunks: d.Chunks, Pad: d.Pad, FromResult: true, Energy: loopnest.TableFor(p)}
	shapes := resultShapes(r)
	for i := range r.Layers {
		lc := &r.Layers[i]
		spec := LayerSpec{Layer: accel.Layer{Name: lc.Layer}, Chunk: lc.Chunk, Cost: lc}
		if l, ok := shapes[lc.Layer]; ok && l.MACs() == lc.MACs {
			spec.Layer, spec.Known = l, true
		}
		if spec.Chunk < 0 || spec.Chunk >= len(d.Chunks) {
			spec.Chunk, spec.Known = 0, false // not modelled: no chunk runs it
		}
		w.Layers = append(w.Layers, spec)
	}
	return w, nil
}

// resultShapes returns the shapes of a result's layers by name, from its
// lowered network (Result.Network.Layers); a result without one gives
// none, and its layers show as unknown.
func resultShapes(r *report.Result) map[string]accel.Layer {
	out := map[string]accel.Layer{}
	if len(r.Network.Layers) == 0 {
		return out
	}
	wrapped := append(append([]byte(`{"name":"result","layers":`), r.Network.Layers...), '}')
	if net, err := accel.DecodeNetwork(wrapped, "result.network.layers"); err == nil {
		for _, l := range net.Layers {
			out[l.Name] = l.Layer
		}
	}
	return out
}

// Prepared is a layer ready to animate: its walk, the arch it runs on and
// the model's energy for it.
type Prepared struct {
	Anim   *LayerAnim
	Arch   *loopnest.Arch
	Chunk  *accel.SubAccel
	Energy loopnest.EnergyBreakdown
	// Run is the loop-nest model's figures for the layer (RunLayer): the
	// same as the Timeloop export's. The walk's counters end on the
	// stepwise count (LayerAnim.Model), which differs from Timeloop's only
	// where sliding windows overlap.
	Run *loopnest.LayerRun
	// Source says where the mapping came from: "mapper" or "design".
	Source string
	// Systolic is the layer's SCALE-Sim schedule when the chunk is a
	// systolic array running os, ws or is (nil otherwise): the
	// operands' skewed paths through the array, cycle by cycle.
	Systolic *SystolicSchedule
}

// Prepare maps layer i on its chunk and sets up its walk. This is the one
// expensive step of the view; it runs when a layer is chosen.
func (w *Workload) Prepare(i int) (*Prepared, error) {
	if i < 0 || i >= len(w.Layers) {
		return nil, fmt.Errorf("viz: layer %d of %d", i, len(w.Layers))
	}
	spec := w.Layers[i]
	if !spec.Known {
		return nil, fmt.Errorf("viz: the result does not give the shape of layer %q", spec.Layer.Name)
	}
	c := &w.Chunks[spec.Chunk]
	// A bare platform's chunk has no tiling, so RunLayer maps it.
	run, err := loopnest.RunLayer(w.Platform, spec.Layer, c, w.Pad, w.Energy, loopnest.DesignMapperOptions)
	if err != nil {
		return nil, err
	}
	a, err := NewLayerAnim(run.Problem, run.Mapping)
	if err != nil {
		return nil, err
	}
	pr := &Prepared{Anim: a, Arch: run.Arch, Chunk: c, Run: run, Energy: run.Energy, Source: run.Source}
	if w.Platform.Target == accel.Systolic && c.Dataflow != accel.RowStationary {
		if pr.Systolic, err = NewSystolicSchedule(spec.Layer, c); err != nil {
			return nil, err
		}
	}
	return pr, nil
}
