package accel

import (
	"bytes"
	"fmt"
)

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
