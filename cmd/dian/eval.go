package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/costmodel"
)

func init() {
	register(command{name: "eval", summary: "evaluate a design on a network, a Timeloop mapping or a SCALE-Sim topology", run: runEval})
}

// evalUsage lists the three modes; exactly one is chosen per call.
const evalUsage = `exactly one mode per call:
  dian eval -design FILE.json -net FILE.json [-model auto|faithful|corrected|dna|systolic] [-json]
  dian eval -problem FILE.yaml -platform NAME [-dataflow DF] [-objective edp|energy|cycles] [-tech 45nm|65nm] [-json]
  dian eval -onnx MODEL.onnx -platform NAME [-dataflow DF] [-objective …] [-tech …] [-json]
  dian eval -timeloop-map FILE.map.txt -problem FILE.yaml [-arch FILE.yaml [-ert ERT.yaml] [-platform NAME [-model M]]]
  dian eval -scalesim-config FILE.cfg -topology FILE.csv`

// runEval parses the flags of every mode and dispatches to the one chosen.
// The Timeloop and SCALE-Sim modes live in eval_timeloop.go and
// eval_scalesim.go; this file owns the flags and the dispatch only.
func runEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", stderr)
	design := fs.String("design", "", "design `FILE.json` (our format; with -net)")
	net := fs.String("net", "", "network `FILE.json` (our format; with -design)")
	asJSON := fs.Bool("json", false, "with -design: print JSON instead of CSV")
	model := fs.String("model", "auto", "with -design, or -timeloop-map and -platform: cost `model`: auto (the platform's, as the co-search costs it: the corrected FPGA chunk model on an FPGA, DNA's estimator on an ASIC, the systolic model on a systolic array), faithful (Auto-NBA's FPGA chunk model as published), corrected (its fixed version), dna or systolic")
	scaleCfg := fs.String("scalesim-config", "", "SCALE-Sim config `FILE.cfg` (with -topology)")
	topology := fs.String("topology", "", "SCALE-Sim topology `FILE.csv` (with -scalesim-config)")
	tlMap := fs.String("timeloop-map", "", "Timeloop mapping printout `FILE.map.txt` (with -problem)")
	problem := fs.String("problem", "", "Timeloop problem `FILE.yaml` (with -timeloop-map)")
	arch := fs.String("arch", "", "Timeloop architecture `FILE.yaml` (optional, for energy)")
	ert := fs.String("ert", "", "Accelergy's energy reference table `ERT.yaml` (with -arch: prices every component)")
	onnxPath := fs.String("onnx", "", "an ONNX `MODEL.onnx` (with -platform): cost every layer on the preset")
	platform := fs.String("platform", "", "with -problem alone or -onnx: map the layers onto this preset's PE array (dian presets lists them); with -timeloop-map and -arch: also cost the mapping with this preset's search model (-model)")
	dataflow := fs.String("dataflow", "", "with -platform: the array's dataflow (default: the preset's; rs, ws, os, is)")
	objective := fs.String("objective", "edp", "with -platform: what the mapper minimises (edp, energy, cycles)")
	tech := fs.String("tech", "", "with -platform: the energy table (45nm, 65nm; default: the preset's)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: dian eval [flags]\n%s\n\nflags:\n", evalUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}

	ourMode := *design != "" || *net != ""
	onnxMode := *onnxPath != ""
	problemMode := *platform != "" && !onnxMode && *tlMap == ""
	tlMode := !problemMode && (*tlMap != "" || *problem != "" || *arch != "" || *ert != "")
	ssMode := *scaleCfg != "" || *topology != ""
	modes := 0
	for _, m := range []bool{ourMode, onnxMode, problemMode, tlMode, ssMode} {
		if m {
			modes++
		}
	}
	if modes != 1 {
		return fmt.Errorf("%w: %s", errUsage, evalUsage)
	}
	modeSet := false
	fs.Visit(func(f *flag.Flag) { modeSet = modeSet || f.Name == "model" })
	if modeSet && !ourMode && !(tlMode && *platform != "") {
		return fmt.Errorf("%w: -model applies to -design/-net, or to -timeloop-map with -platform", errUsage)
	}
	if *asJSON && !ourMode && !problemMode && !onnxMode {
		return fmt.Errorf("%w: -json applies to -design/-net, -problem/-platform and -onnx", errUsage)
	}
	mapperFlag := false
	fs.Visit(func(f *flag.Flag) {
		mapperFlag = mapperFlag || f.Name == "dataflow" || f.Name == "objective" || f.Name == "tech"
	})
	if mapperFlag && !problemMode && !onnxMode {
		return fmt.Errorf("%w: -dataflow, -objective and -tech go with -platform (and -problem or -onnx)", errUsage)
	}
	switch {
	case onnxMode:
		if *platform == "" || *problem != "" || *tlMap != "" || *arch != "" || *ert != "" {
			return fmt.Errorf("%w: -onnx takes -platform (and no Timeloop files)", errUsage)
		}
		return evalONNX(*onnxPath, *platform, *dataflow, *objective, *tech, *asJSON, stdout)
	case problemMode:
		if *problem == "" || *tlMap != "" || *arch != "" || *ert != "" {
			return fmt.Errorf("%w: -platform maps one -problem file (without -timeloop-map, -arch or -ert)", errUsage)
		}
		return evalProblem(*problem, *platform, *dataflow, *objective, *tech, *asJSON, stdout)
	case ssMode:
		if *scaleCfg == "" || *topology == "" {
			return fmt.Errorf("%w: -scalesim-config and -topology go together", errUsage)
		}
		return evalScaleSim(*scaleCfg, *topology, stdout)
	case tlMode:
		if *tlMap == "" || *problem == "" {
			return fmt.Errorf("%w: -timeloop-map needs -problem (and optionally -arch); -problem alone needs -platform", errUsage)
		}
		if *ert != "" && *arch == "" {
			return fmt.Errorf("%w: -ert prices the components of -arch", errUsage)
		}
		if *platform != "" && *arch == "" {
			return fmt.Errorf("%w: -timeloop-map with -platform needs -arch (the PE array and buffers the preset's model costs)", errUsage)
		}
		var sm *searchModel
		if *platform != "" {
			p, err := accel.Preset(*platform)
			if err != nil {
				return fmt.Errorf("%w: %v", errUsage, err)
			}
			if err := checkModelName(*model); err != nil {
				return err
			}
			m, mode, err := costModel(*model, p)
			if err != nil {
				return fmt.Errorf("%w: %v", errUsage, err)
			}
			sm = &searchModel{platform: p, model: m, mode: mode}
		}
		return evalTimeloop(*tlMap, *problem, *arch, *ert, sm, stdout)
	default:
		if *design == "" || *net == "" {
			return fmt.Errorf("%w: -design and -net go together", errUsage)
		}
		if err := checkModelName(*model); err != nil {
			return err
		}
		return evalDesign(*design, *net, *model, *asJSON, stdout)
	}
}

// evalDesign evaluates our own design and network files with the chosen
// model (auto, faithful, corrected, dna, systolic; see costModel) and
// prints the per-layer table and totals: as JSON (the NetworkCost)
// with asJSON, else as CSV in three blocks separated by a blank line — one
// row per layer ending with a "total" row, one row per chunk, and
// metric,value rows (with the area on ASIC and systolic platforms).
func evalDesign(designPath, netPath, model string, asJSON bool, stdout io.Writer) error {
	d, err := accel.ReadDesignFile(designPath)
	if err != nil {
		return err
	}
	net, err := accel.ReadNetworkFile(netPath)
	if err != nil {
		return err
	}
	p, err := accel.Preset(d.Platform)
	if err != nil {
		return fmt.Errorf("%s: %w", designPath, err)
	}
	m, mode, err := costModel(model, p)
	if err != nil {
		return err
	}
	cost, err := costmodel.Evaluate(m, d, net, p, mode)
	if err != nil {
		return fmt.Errorf("evaluating %s on %s: %w", netPath, designPath, err)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cost)
	}
	return writeCostCSV(stdout, d, p, cost)
}

// costModel resolves a -model value on platform p: auto is the platform's
// model with the corrected mode, as the co-search costs designs (its URL
// key model= picks the mode, corrected by default).
func costModel(name string, p accel.Platform) (costmodel.Model, accel.Mode, error) {
	switch name {
	case "auto":
		m, err := costmodel.For(p)
		return m, accel.Corrected, err
	case "faithful", "corrected":
		mode, err := accel.ParseMode(name)
		return costmodel.FPGAChunk, mode, err
	}
	m, err := costmodel.Parse(name)
	return m, accel.Corrected, err
}

// checkModelName accepts the -model flag's values.
func checkModelName(model string) error {
	switch model {
	case "auto", "faithful", "corrected", "dna", "systolic":
		return nil
	}
	return fmt.Errorf("%w: -model %q is not one of auto, faithful, corrected, dna, systolic", errUsage, model)
}

// costLayerHeader is the header of the per-layer CSV block.
var costLayerHeader = []string{"layer", "chunk", "depthwise", "modelled", "cycles", "compute_cycles", "pipeline_cycles",
	"macs", "dsp", "bram18", "dram_input_words", "dram_weight_words", "dram_output_words", "energy"}

// writeCostCSV writes the three blocks. On a platform with an area model
// (ASIC, systolic) the metric block adds the area in mm², its parts and the
// node the area table was scaled to; FPGA costs have no area rows.
func writeCostCSV(w io.Writer, d *accel.Design, p accel.Platform, c *accel.NetworkCost) error {
	cw := csv.NewWriter(w)
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	cw.Write(costLayerHeader)
	var total accel.LayerCost
	for _, l := range c.Layers {
		chunk := ""
		if l.Chunk >= 0 {
			chunk = d.Chunks[l.Chunk].Name
		}
		cw.Write([]string{l.Layer, chunk, strconv.FormatBool(l.Depthwise), strconv.FormatBool(l.Modelled),
			f(l.Cycles), f(l.ComputeCycles), f(l.PipelineCycles), strconv.FormatInt(l.MACs, 10), f(l.DSP), strconv.Itoa(l.BRAM18),
			f(l.DRAMWords[accel.OpInput]), f(l.DRAMWords[accel.OpWeight]), f(l.DRAMWords[accel.OpOutput]), f(l.EnergySum)})
		total.Cycles += l.Cycles
		total.ComputeCycles += l.ComputeCycles
		total.PipelineCycles += l.PipelineCycles
		total.MACs += l.MACs
		for o := range total.DRAMWords {
			total.DRAMWords[o] += l.DRAMWords[o]
		}
		total.EnergySum += l.EnergySum
	}
	cw.Write([]string{"total", "", "", "", f(total.Cycles), f(total.ComputeCycles), f(total.PipelineCycles),
		strconv.FormatInt(total.MACs, 10), f(c.DSP), strconv.Itoa(c.BRAM18),
		f(total.DRAMWords[accel.OpInput]), f(total.DRAMWords[accel.OpWeight]), f(total.DRAMWords[accel.OpOutput]), f(c.EnergySum)})
	cw.Flush()
	fmt.Fprintln(w)
	cw.Write([]string{"chunk", "layers", "cycles", "dsp", "bram18"})
	for _, ch := range c.Chunks {
		cw.Write([]string{ch.Name, strconv.Itoa(ch.Layers), f(ch.Cycles), f(ch.DSP), strconv.Itoa(ch.BRAM18)})
	}
	cw.Flush()
	fmt.Fprintln(w)
	bottleneck := ""
	if c.Bottleneck >= 0 {
		bottleneck = c.Chunks[c.Bottleneck].Name
	}
	cw.Write([]string{"metric", "value"})
	for _, kv := range [][2]string{
		{"model", c.Model}, {"platform", c.Platform}, {"batch", strconv.Itoa(c.Batch)},
		{"cycles", f(c.Cycles)}, {"latency_ms", f(c.LatencyMs)},
		{"bottleneck_chunk", bottleneck}, {"bottleneck_cycles", f(c.BottleneckCycles)}, {"fps", f(c.FPS)},
		{"energy", f(c.EnergySum)}, {"edp", f(c.EDP)}, {"dsp", f(c.DSP)}, {"bram18", strconv.Itoa(c.BRAM18)},
	} {
		cw.Write(kv[:])
	}
	if t, ok := accel.AreaTableFor(p); ok {
		for _, kv := range [][2]string{
			{"area_mm2", f(c.AreaMM2)}, {"area_mac_mm2", f(c.AreaParts.MACMM2)},
			{"area_rf_mm2", f(c.AreaParts.RFMM2)}, {"area_gb_mm2", f(c.AreaParts.GBMM2)},
			{"area_node_nm", strconv.Itoa(t.NodeNM)},
		} {
			cw.Write(kv[:])
		}
	}
	cw.Write([]string{"feasible", strconv.FormatBool(c.Feasible)})
	for _, v := range c.Violations {
		cw.Write([]string{"violation", v})
	}
	cw.Flush()
	return cw.Error()
}
