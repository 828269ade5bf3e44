package scalesim

import (
	"bytes"
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/systolic"
)

// Export returns, per chunk that runs an exported layer, a
// SCALE-Sim config (scale-CHUNK.cfg: the chunk's array, dataflow and global
// buffer split into the three SRAMs, CALC mode; see systolic.ArrayOf) and a
// topology with the chunk's layers (topology-CHUNK.csv, written so that
// SCALE-Sim runs exactly what EvaluateLayer costs; see
// MarshalTopology). `dian eval -scalesim-config -topology` reads
// them back.
func Export(net *accel.Network, chunks []*accel.SubAccel, layer string) (*accel.Export, error) {
	var order []*accel.SubAccel // chunks in first-use order
	layers := map[*accel.SubAccel][]accel.Layer{}
	var csv bytes.Buffer
	csv.WriteString("layer,chunk,cycles,scalesim_total_cycles,config,topology\n")
	cfgName := func(c *accel.SubAccel) string { return "scale-" + accel.FileSafe(c.Name) + ".cfg" }
	topoName := func(c *accel.SubAccel) string { return "topology-" + accel.FileSafe(c.Name) + ".csv" }
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
		a, err := systolic.ArrayOf(c)
		if err != nil {
			return nil, fmt.Errorf("%w (SCALE-Sim models os, ws and is arrays)", err)
		}
		st, err := a.EvaluateLayer(l.Layer)
		if err != nil {
			return nil, fmt.Errorf("scalesim: layer %q: %w", l.Name, err)
		}
		fmt.Fprintf(&csv, "%s,%s,%d,%d,%s,%s\n", l.Name, c.Name, st.Cycles, st.TotalCycles, cfgName(c), topoName(c))
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("scalesim: network %q has no layer %q", net.Name, layer)
	}
	out := &accel.Export{Table: csv.Bytes()}
	for _, c := range order {
		a, err := systolic.ArrayOf(c)
		if err != nil {
			return nil, fmt.Errorf("%w (SCALE-Sim models os, ws and is arrays)", err)
		}
		topo, err := MarshalTopology(layers[c])
		if err != nil {
			return nil, err
		}
		// No TopologyCsvLoc: SCALE-Sim v2 looks it up in the wrong section
		// and fails; its -t flag names the topology instead.
		cfg := &Config{RunName: accel.FileSafe(c.Name), Array: a, FilterOffset: 10000000, OfmapOffset: 20000000}
		out.Files = append(out.Files, accel.ExportFile{Name: cfgName(c), Data: cfg.Marshal()}, accel.ExportFile{Name: topoName(c), Data: topo})
	}
	out.Files = append([]accel.ExportFile{{Name: "README.md", Data: []byte(readme)}}, out.Files...)
	return out, nil
}

// readme tells whoever opens an export what the files are, how to run
// SCALE-Sim on them and what to compare.
const readme = `# SCALE-Sim files written by DIAN Explorer

For every systolic sub-accelerator: scale-CHUNK.cfg (its array, dataflow
and buffers, SCALE-Sim v2's config) and topology-CHUNK.csv (the layers it
runs, in SCALE-Sim's topology form). README.csv lists, per layer, the
chunk that runs it, the cycles dian's search costed it with (the
per-layer table's and the accelerator view's figure, counted from 1) and
the Total Cycles SCALE-Sim reports for it, which counts each run's cycles
from 0 and so is smaller by one per run (a depthwise layer runs once per
channel).

Run SCALE-Sim v2 on a chunk:

    python3 -m scalesim.scale -c scale-CHUNK.cfg -t topology-CHUNK.csv -p OUT

and compare its COMPUTE_REPORT.csv (Total Cycles per layer) and
BANDWIDTH_REPORT.csv with what dian computes from the same files:

    dian eval -scalesim-config scale-CHUNK.cfg -topology topology-CHUNK.csv
`
