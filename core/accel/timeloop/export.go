package timeloop

import (
	"bytes"
	"fmt"
	"io"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// ExportOptions say how Export maps a network's layers.
type ExportOptions struct {
	// Platform sizes the buffers a chunk leaves unbounded
	// (accel.BoundedChunk).
	Platform accel.Platform
	// Pad lets a design's tiles be padded (accel.Design.Pad).
	Pad    bool
	Table  *loopnest.EnergyTable
	Mapper loopnest.MapperOptions
	// Layer, when not empty, exports only the layer of that name.
	Layer string
	// SearchCycles, when set, are the search's own figures for the
	// network's layers (one per layer, from the model SearchModel names),
	// written beside the loop-nest model's so the two can be compared.
	SearchModel  string
	SearchCycles []float64
}

// Export runs every layer of net (or only o.Layer) on its chunk as
// loopnest.RunLayer does (the chunk's own tiling where it has one, else
// the mapper) and returns, per chunk, Timeloop's architecture
// (arch-CHUNK.yaml) and, per layer, the problem (LAYER.prob.yaml), the
// mapping (LAYER.map.yaml) and the mapping printout with tile sizes
// (LAYER.map.txt) that `dian eval -timeloop-map` reads. Its table has one
// row per layer with the loop-nest model's figures for that mapping: the
// accelerator view shows the same.
func Export(net *accel.Network, chunks []*accel.SubAccel, o ExportOptions) (*accel.Export, error) {
	out := &accel.Export{}
	var csv bytes.Buffer
	if o.SearchCycles != nil && len(o.SearchCycles) != len(net.Layers) {
		return nil, fmt.Errorf("timeloop: %d search figures for %d layers", len(o.SearchCycles), len(net.Layers))
	}
	csv.WriteString("layer,chunk,dataflow,mapping,loopnest_cycles,compute_cycles,energy_pj,pes_used,problem,map_yaml,map_txt,arch")
	if o.SearchCycles != nil {
		csv.WriteString(",search_model,search_cycles")
	}
	csv.WriteString("\n")
	written := map[string]bool{}
	found := false
	for i := range net.Layers {
		l := &net.Layers[i]
		if o.Layer != "" && l.Name != o.Layer {
			continue
		}
		found = true
		var scratch accel.SubAccel
		c := chunks[i].At(l, &scratch)
		res, err := loopnest.RunLayer(o.Platform, l.Layer, c, o.Pad, o.Table, o.Mapper)
		if err != nil {
			return nil, fmt.Errorf("timeloop: layer %q on chunk %q: %w", l.Name, c.Name, err)
		}
		base := accel.FileSafe(l.Name)
		archFile := "arch-" + accel.FileSafe(c.Name) + ".yaml"
		files := []struct {
			name  string
			write func(io.Writer) error
		}{
			{base + ".prob.yaml", func(w io.Writer) error { return WriteProblem(w, res.Problem) }},
			{base + ".map.yaml", func(w io.Writer) error { return WriteMapYAML(w, res.Problem, res.Mapping) }},
			{base + ".map.txt", func(w io.Writer) error { return WriteMapTxt(w, res.Problem, res.Mapping, &res.Stats) }},
			{archFile, func(w io.Writer) error { return WriteArch(w, res.Arch) }},
		}
		for _, f := range files {
			if written[f.name] {
				continue
			}
			var b bytes.Buffer
			if err := f.write(&b); err != nil {
				return nil, fmt.Errorf("timeloop: %s: %w", f.name, err)
			}
			out.Files = append(out.Files, accel.ExportFile{Name: f.name, Data: b.Bytes()})
			written[f.name] = true
		}
		fmt.Fprintf(&csv, "%s,%s,%s,%s,%d,%d,%.3f,%d,%s,%s,%s,%s", l.Name, c.Name, c.Dataflow, res.Source, res.Cycles, res.Stats.Cycles, res.EnergyPJ,
			res.Stats.ComputeInstances, files[0].name, files[1].name, files[2].name, archFile)
		if o.SearchCycles != nil {
			fmt.Fprintf(&csv, ",%s,%.0f", o.SearchModel, o.SearchCycles[i])
		}
		csv.WriteString("\n")
	}
	if !found {
		return nil, fmt.Errorf("timeloop: network %q has no layer %q", net.Name, o.Layer)
	}
	out.Table = csv.Bytes()
	out.Files = append([]accel.ExportFile{{Name: "README.md", Data: []byte(readme)}}, out.Files...)
	return out, nil
}

// readme tells whoever opens an export what the files are, how to run
// Timeloop on them and what to compare.
const readme = `# Timeloop files written by DIAN Explorer

For every layer: LAYER.prob.yaml (the problem, Timeloop v0.4, [Dim, Coef]
projection terms), LAYER.map.yaml (its mapping), LAYER.map.txt (the same
mapping as Timeloop prints it, with tile sizes); for every
sub-accelerator, arch-CHUNK.yaml (its architecture, with each
component's energy per access as explicit attributes; buffers the design
leaves unbounded, as an FPGA chunk does, get the platform's default
sizes, and FPGAs are priced with 45 nm figures).

The mapping is the one DIAN Explorer's accelerator view animates: the
design's own tiling, unrolling and loop orders where it has them
(mapping = design in README.csv), else the one dian's mapper chose
(mapping = mapper, e.g. on a systolic array, whose schedule SCALE-Sim's
rules fix).

README.csv lists, per layer, the loop-nest model's predictions under that
mapping: loopnest_cycles (with the buffers' bandwidth), compute_cycles
(one MAC per PE per cycle: the view's walk), energy_pj, and the PEs it
keeps busy. The search itself costed the design with the platform's own
model (FPGA chunk model, DNA estimator or SCALE-Sim), whose cycles are in
the page's per-layer table and in search_cycles here when the page wrote
this export; the two models count different things (pipelined chunk
latency, DNA's 3-cycle MACs and transfer latencies, systolic fill and
drain), so their figures differ.

Run Timeloop's model on a layer (Timeloop v0.4 or later; the files need no
Accelergy, the energies are in the architecture):

    timeloop-model arch-CHUNK.yaml LAYER.prob.yaml LAYER.map.yaml

and compare its stats (timeloop-model.stats.txt: cycles, energy, reads,
fills and updates per level) with README.csv. dian reproduces its own
numbers from the same files, as it reproduces Timeloop's on Timeloop's
published designs:

    dian eval -timeloop-map LAYER.map.txt -problem LAYER.prob.yaml -arch arch-CHUNK.yaml
`
