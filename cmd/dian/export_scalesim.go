package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dian-explorer/dian/core/accel"
)

// exportScaleSim writes, into o.Out, per chunk that runs a chosen layer a
// SCALE-Sim config (scale-CHUNK.cfg: the chunk's array, dataflow and
// global buffer split into the three SRAMs, CALC mode; see
// accel.SystolicArrayOf) and a topology with the chunk's layers
// (topology-CHUNK.csv, written so SCALE-Sim runs exactly what
// accel.EvaluateLayer costs; see accel.MarshalScaleSimTopology). It prints
// one CSV row per layer: layer, chunk, config, topology.
// `dian eval -scalesim-config scale-CHUNK.cfg -topology topology-CHUNK.csv`
// reads them back.
func exportScaleSim(o exportOptions, stdout io.Writer) error {
	if o.Net == "" || o.Out == "" {
		return fmt.Errorf("%w: -format scalesim needs -net and -out\n%s", errUsage, exportUsage)
	}
	if o.Tech != "" {
		return fmt.Errorf("%w: -tech applies to -format timeloop only (SCALE-Sim reports no energy)", errUsage)
	}
	net, err := accel.ReadNetworkFile(o.Net)
	if err != nil {
		return err
	}
	chunks, _, err := exportHardware(o, net)
	if err != nil {
		return err
	}
	var order []*accel.SubAccel // chunks in first-use order
	layers := map[*accel.SubAccel][]accel.Layer{}
	var rows bytes.Buffer
	rows.WriteString("layer,chunk,config,topology\n")
	for i := range net.Layers {
		l := &net.Layers[i]
		if o.Layer != "" && l.Name != o.Layer {
			continue
		}
		c := chunks[i]
		if _, seen := layers[c]; !seen {
			order = append(order, c)
		}
		layers[c] = append(layers[c], l.Layer)
		fmt.Fprintf(&rows, "%s,%s,%s,%s\n", l.Name, c.Name, scaleSimCfgName(c), scaleSimTopoName(c))
	}
	if len(order) == 0 {
		return fmt.Errorf("%w: -layer %q: network %s has no such layer", errUsage, o.Layer, o.Net)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}
	for _, c := range order {
		a, err := accel.SystolicArrayOf(c)
		if err != nil {
			return fmt.Errorf("%w (SCALE-Sim models os, ws and is arrays; with -preset pick one with -dataflow)", err)
		}
		topo, err := accel.MarshalScaleSimTopology(layers[c])
		if err != nil {
			return err
		}
		// No TopologyCsvLoc: SCALE-Sim v2 looks it up in the wrong section
		// and fails; its -t flag names the topology instead.
		cfg := &accel.ScaleSimConfig{RunName: fileSafe(c.Name), Array: a, FilterOffset: 10000000, OfmapOffset: 20000000}
		if err := os.WriteFile(filepath.Join(o.Out, scaleSimCfgName(c)), cfg.Marshal(), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(o.Out, scaleSimTopoName(c)), topo, 0o644); err != nil {
			return err
		}
	}
	_, err = stdout.Write(rows.Bytes())
	return err
}

func scaleSimCfgName(c *accel.SubAccel) string  { return "scale-" + fileSafe(c.Name) + ".cfg" }
func scaleSimTopoName(c *accel.SubAccel) string { return "topology-" + fileSafe(c.Name) + ".csv" }
