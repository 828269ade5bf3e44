package timeloop

import (
	"bytes"
	"fmt"
	"io"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// Export maps every layer of net (or only the one named layer) on
// its chunk with the mapper and returns, per chunk, Timeloop's
// architecture (arch-CHUNK.yaml) and, per layer, the problem
// (LAYER.prob.yaml), the mapping (LAYER.map.yaml) and the mapping printout
// with tile sizes (LAYER.map.txt) that `dian eval -timeloop-map` reads.
func Export(net *accel.Network, chunks []*accel.SubAccel, table *loopnest.EnergyTable, opt loopnest.MapperOptions, layer string) (*accel.Export, error) {
	out := &accel.Export{}
	var csv bytes.Buffer
	csv.WriteString("layer,chunk,dataflow,cycles,energy_pj,pes_used,problem,mapping,map_txt,arch\n")
	written := map[string]bool{}
	found := false
	for i := range net.Layers {
		l := &net.Layers[i]
		if layer != "" && l.Name != layer {
			continue
		}
		found = true
		c := chunks[i]
		res, err := loopnest.MapLayer(l.Layer, c, table, opt)
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
		fmt.Fprintf(&csv, "%s,%s,%s,%d,%.3f,%d,%s,%s,%s,%s\n", l.Name, c.Name, c.Dataflow, res.Cycles, res.EnergyPJ,
			res.Stats.ComputeInstances, files[0].name, files[1].name, files[2].name, archFile)
	}
	if !found {
		return nil, fmt.Errorf("timeloop: network %q has no layer %q", net.Name, layer)
	}
	out.Table = csv.Bytes()
	out.Files = append([]accel.ExportFile{{Name: "README.md", Data: []byte(readme)}}, out.Files...)
	return out, nil
}

// readme tells whoever opens an export what the files are, how to run
// Timeloop on them and what to compare.
const readme = `# Timeloop files written by DIAN Explorer

For every layer: LAYER.prob.yaml (the problem, Timeloop v0.4, [Dim, Coef]
projection terms), LAYER.map.yaml (the mapping dian's loop-nest mapper
chose), LAYER.map.txt (the same mapping as Timeloop prints it, with tile
sizes); for every sub-accelerator, arch-CHUNK.yaml (its architecture, with
each component's energy per access as explicit attributes).

README.csv lists, per layer, the loop-nest model's predictions: cycles
and energy (pJ) under that mapping, and the PEs it keeps busy.

Run Timeloop's model on a layer (Timeloop v0.4 or later; the files need no
Accelergy, the energies are in the architecture):

    timeloop-model arch-CHUNK.yaml LAYER.prob.yaml LAYER.map.yaml

and compare its stats (timeloop-model.stats.txt: cycles, energy, reads,
fills and updates per level) with README.csv. dian reproduces its own
numbers from the same files, as it reproduces Timeloop's on Timeloop's
published designs:

    dian eval -timeloop-map LAYER.map.txt -problem LAYER.prob.yaml -arch arch-CHUNK.yaml
`
