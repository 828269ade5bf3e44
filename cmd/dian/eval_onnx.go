package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/dian-explorer/dian/core/accel/onnx"
)

// onnxResult is what `dian eval -onnx MODEL.onnx -platform NAME -json`
// prints: the network's layers as read, each mapped onto the preset's PE
// array by the loop-nest mapper (as `dian export -format timeloop -preset`
// maps them), and the totals.
type onnxResult struct {
	Model    string      `json:"model"`
	Network  string      `json:"network"`
	Platform string      `json:"platform"`
	Dataflow string      `json:"dataflow"`
	Array    string      `json:"array"`
	MACs     int64       `json:"macs"`      // all layers, per inference
	Cycles   int64       `json:"cycles"`    // layer after layer on the one array
	EnergyPJ float64     `json:"energy_pj"` // with the preset's energy table
	Layers   []onnxLayer `json:"layers"`
}

type onnxLayer struct {
	Name      string  `json:"name"`
	Role      string  `json:"role"`
	Shape     string  `json:"shape"` // N×C×H×W → K, R×S / stride, groups
	Depthwise bool    `json:"depthwise"`
	MACs      int64   `json:"macs"`
	Cycles    int64   `json:"cycles"`
	EnergyPJ  float64 `json:"energy_pj"`
	PEsUsed   int64   `json:"pes_used"`
}

// maxONNXFile bounds the model file eval reads.
const maxONNXFile = onnx.MaxModelBytes

func evalONNX(path, platform, dataflow, objective, tech string, asJSON bool, stdout io.Writer) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Size() > maxONNXFile {
		return fmt.Errorf("%s: %d bytes; at most %d are read", path, fi.Size(), maxONNXFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	net, err := onnx.Read(path, b)
	if err != nil {
		return err
	}
	pm, err := newPresetMapper(platform, dataflow, objective, tech)
	if err != nil {
		return err
	}
	c := pm.chunk
	out := onnxResult{Model: path, Network: net.Name, Platform: pm.plat.Name, Dataflow: fmt.Sprint(c.Dataflow), Array: fmt.Sprintf("%d×%d", c.Rows, c.Cols)}
	for _, l := range net.Layers {
		res, err := pm.mapLayer(l.Layer)
		if err != nil {
			return fmt.Errorf("%s: layer %s on %s: %w", path, l.Name, pm.plat.Name, err)
		}
		sh, _ := l.Stride()
		out.Layers = append(out.Layers, onnxLayer{Name: l.Name, Role: string(l.RoleOrBody()), Depthwise: l.Depthwise(),
			Shape: fmt.Sprintf("%d×%d×%d×%d → %d, %d×%d/%d, groups %d", l.N, l.InC, l.H, l.W, l.K, l.R, l.S, sh, l.G()),
			MACs:  l.MACs(), Cycles: res.Cycles, EnergyPJ: res.EnergyPJ, PEsUsed: res.Stats.ComputeInstances})
		out.MACs += l.MACs()
		out.Cycles += res.Cycles
		out.EnergyPJ += res.EnergyPJ
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "network %s (%s): %d layers, %d MACs, on %s (%s array, %s): %d cycles, %.1f pJ\n\n",
		out.Network, path, len(out.Layers), out.MACs, out.Platform, out.Array, out.Dataflow, out.Cycles, out.EnergyPJ)
	fmt.Fprintf(stdout, "%-24s %-5s %12s %10s %14s %5s  %s\n", "layer", "role", "macs", "cycles", "energy_pj", "PEs", "shape")
	for _, l := range out.Layers {
		fmt.Fprintf(stdout, "%-24s %-5s %12d %10d %14.1f %5d  %s\n", l.Name, l.Role, l.MACs, l.Cycles, l.EnergyPJ, l.PEsUsed, l.Shape)
	}
	return nil
}
