package accel

import (
	"bytes"
	"fmt"
	"io"
)

// ExportFile is one file of an export to another tool's formats.
type ExportFile struct {
	Name string
	Data []byte
}

// Export is what TimeloopExport and ScaleSimExport produce: the files, in a
// fixed order, and a CSV table with one row per exported layer saying
// which files describe it.
type Export struct {
	Files []ExportFile
	Table []byte
}

// ChunksFor returns, for every layer of net, the sub-accelerator of d that
// runs it: the chunk named chunk for all of them when chunk is not empty,
// else the chunk d's assignment gives each layer.
func ChunksFor(d *Design, net *Network, chunk string) ([]*SubAccel, error) {
	chunks := make([]*SubAccel, len(net.Layers))
	if chunk != "" {
		for i := range d.Chunks {
			if d.Chunks[i].Name == chunk {
				for j := range chunks {
					chunks[j] = &d.Chunks[i]
				}
				return chunks, nil
			}
		}
		return nil, fmt.Errorf("accel: design %q has no chunk %q", d.Name, chunk)
	}
	plan, err := Plan(d, net, FPGACorrected)
	if err != nil {
		return nil, err
	}
	for i, ci := range plan {
		if ci < 0 {
			return nil, fmt.Errorf("accel: design %q runs no chunk for layer %q; name one", d.Name, net.Layers[i].Name)
		}
		chunks[i] = &d.Chunks[ci]
	}
	return chunks, nil
}

// PresetChunk is the single array of a platform preset with dataflow df:
// its rows × cols PEs, 16-bit words, its global buffer and, on an ASIC,
// Eyeriss' 0.5 KB of scratchpads per PE.
func PresetChunk(p Platform, df Dataflow) *SubAccel {
	c := &SubAccel{Name: p.Name, Rows: p.Rows, Cols: p.Cols, Dataflow: df, Bits: 16, GBBytes: int64(p.GlobalBufferBytes)}
	if p.Target == ASIC {
		c.RFBytes = 512
	}
	return c
}

// TimeloopExport maps every layer of net (or only the one named layer) on
// its chunk with the mapper and returns, per chunk, Timeloop's
// architecture (arch-CHUNK.yaml) and, per layer, the problem
// (LAYER.prob.yaml), the mapping (LAYER.map.yaml) and the mapping printout
// with tile sizes (LAYER.map.txt) that `dian eval -timeloop-map` reads.
func TimeloopExport(net *Network, chunks []*SubAccel, table *EnergyTable, opt MapperOptions, layer string) (*Export, error) {
	out := &Export{}
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
		res, err := MapLayer(l.Layer, c, table, opt)
		if err != nil {
			return nil, fmt.Errorf("accel: layer %q on chunk %q: %w", l.Name, c.Name, err)
		}
		base := FileSafe(l.Name)
		archFile := "arch-" + FileSafe(c.Name) + ".yaml"
		files := []struct {
			name  string
			write func(io.Writer) error
		}{
			{base + ".prob.yaml", func(w io.Writer) error { return WriteTimeloopProblem(w, res.Problem) }},
			{base + ".map.yaml", func(w io.Writer) error { return WriteTimeloopMapYAML(w, res.Problem, res.Mapping) }},
			{base + ".map.txt", func(w io.Writer) error { return WriteTimeloopMapTxt(w, res.Problem, res.Mapping, &res.Stats) }},
			{archFile, func(w io.Writer) error { return WriteTimeloopArch(w, res.Arch) }},
		}
		for _, f := range files {
			if written[f.name] {
				continue
			}
			var b bytes.Buffer
			if err := f.write(&b); err != nil {
				return nil, fmt.Errorf("accel: %s: %w", f.name, err)
			}
			out.Files = append(out.Files, ExportFile{Name: f.name, Data: b.Bytes()})
			written[f.name] = true
		}
		fmt.Fprintf(&csv, "%s,%s,%s,%d,%.3f,%d,%s,%s,%s,%s\n", l.Name, c.Name, c.Dataflow, res.Cycles, res.EnergyPJ,
			res.Stats.ComputeInstances, files[0].name, files[1].name, files[2].name, archFile)
	}
	if !found {
		return nil, fmt.Errorf("accel: network %q has no layer %q", net.Name, layer)
	}
	out.Table = csv.Bytes()
	return out, nil
}

// ScaleSimExport returns, per chunk that runs an exported layer, a
// SCALE-Sim config (scale-CHUNK.cfg: the chunk's array, dataflow and global
// buffer split into the three SRAMs, CALC mode; see SystolicArrayOf) and a
// topology with the chunk's layers (topology-CHUNK.csv, written so that
// SCALE-Sim runs exactly what EvaluateLayer costs; see
// MarshalScaleSimTopology). `dian eval -scalesim-config -topology` reads
// them back.
func ScaleSimExport(net *Network, chunks []*SubAccel, layer string) (*Export, error) {
	var order []*SubAccel // chunks in first-use order
	layers := map[*SubAccel][]Layer{}
	var csv bytes.Buffer
	csv.WriteString("layer,chunk,config,topology\n")
	cfgName := func(c *SubAccel) string { return "scale-" + FileSafe(c.Name) + ".cfg" }
	topoName := func(c *SubAccel) string { return "topology-" + FileSafe(c.Name) + ".csv" }
	for i := range net.Layers {
		l := &net.Layers[i]
		if layer != "" && l.Name != layer {
			continue
		}
		c := chunks[i]
		if _, seen := layers[c]; !seen {
			order = append(order, c)
		}
		layers[c] = append(layers[c], l.Layer)
		fmt.Fprintf(&csv, "%s,%s,%s,%s\n", l.Name, c.Name, cfgName(c), topoName(c))
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("accel: network %q has no layer %q", net.Name, layer)
	}
	out := &Export{Table: csv.Bytes()}
	for _, c := range order {
		a, err := SystolicArrayOf(c)
		if err != nil {
			return nil, fmt.Errorf("%w (SCALE-Sim models os, ws and is arrays)", err)
		}
		topo, err := MarshalScaleSimTopology(layers[c])
		if err != nil {
			return nil, err
		}
		// No TopologyCsvLoc: SCALE-Sim v2 looks it up in the wrong section
		// and fails; its -t flag names the topology instead.
		cfg := &ScaleSimConfig{RunName: FileSafe(c.Name), Array: a, FilterOffset: 10000000, OfmapOffset: 20000000}
		out.Files = append(out.Files, ExportFile{Name: cfgName(c), Data: cfg.Marshal()}, ExportFile{Name: topoName(c), Data: topo})
	}
	return out, nil
}

// FileSafe maps a layer or chunk name to a file name: letters, digits,
// '.', '-' and '_' stay, anything else becomes '_'.
func FileSafe(s string) string {
	out := []byte(s)
	for i, c := range out {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			out[i] = '_'
		}
	}
	if len(out) == 0 {
		return "layer"
	}
	return string(out)
}
