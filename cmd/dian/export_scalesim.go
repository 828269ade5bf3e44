package main

import (
	"fmt"
	"io"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/scalesim"
)

// exportScaleSim writes, into o.Out, per chunk that runs a chosen layer a
// SCALE-Sim config (scale-CHUNK.cfg: the chunk's array, dataflow and
// global buffer split into the three SRAMs, CALC mode; see
// systolic.ArrayOf) and a topology with the chunk's layers
// (topology-CHUNK.csv, written so SCALE-Sim runs exactly what
// accel.EvaluateLayer costs; see scalesim.MarshalTopology). It prints
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
	hw, err := exportHardware(o, net)
	if err != nil {
		return err
	}
	if o.Layer != "" && net.Index(o.Layer) < 0 {
		return fmt.Errorf("%w: -layer %q: network %s has no such layer", errUsage, o.Layer, o.Net)
	}
	ex, err := scalesim.Export(net, hw.chunks, o.Layer)
	if err != nil {
		return fmt.Errorf("%w; with -preset pick one with -dataflow", err)
	}
	return writeExport(o.Out, ex, stdout)
}
