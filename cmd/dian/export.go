package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
)

func init() {
	register(command{name: "export", summary: "write a design and network in Timeloop's or SCALE-Sim's formats", run: runExport})
}

const exportUsage = `  dian export -format timeloop (-design FILE.json [-chunk NAME] | -preset NAME [-dataflow ws|os|is|rs])
              -net FILE.json [-layer NAME] [-tech 45nm|65nm|eyeriss] [-objective edp|energy|cycles] -out DIR
  dian export -format scalesim ...`

// exportOptions are the flags of dian export; every format reads the ones
// it needs.
type exportOptions struct {
	Design    string // our design JSON
	Chunk     string // the chunk of Design to use (default: the layer's)
	Preset    string // a platform preset instead of a design
	Dataflow  string // with Preset
	Net       string // our network JSON
	Layer     string // one layer of Net (default: all)
	Tech      string // energy table
	Objective string // mapper objective
	Out       string // output directory
}

func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", stderr)
	format := fs.String("format", "", "output `format`: timeloop or scalesim")
	var o exportOptions
	fs.StringVar(&o.Design, "design", "", "design `FILE.json` (our format)")
	fs.StringVar(&o.Chunk, "chunk", "", "chunk `NAME` of the design (default: the chunk that runs each layer)")
	fs.StringVar(&o.Preset, "preset", "", "platform preset `NAME` instead of a design ("+strings.Join(accel.PresetNames(), ", ")+")")
	fs.StringVar(&o.Dataflow, "dataflow", "", "with -preset: dataflow template ws, os, is or rs (default rs on an ASIC, ws otherwise)")
	fs.StringVar(&o.Net, "net", "", "network `FILE.json` (our format)")
	fs.StringVar(&o.Layer, "layer", "", "export one layer `NAME` (default: every layer)")
	fs.StringVar(&o.Tech, "tech", "", "energy table: 45nm, 65nm or eyeriss (default: the platform's node, else 45nm)")
	fs.StringVar(&o.Objective, "objective", "edp", "mapper objective: edp, energy or cycles")
	fs.StringVar(&o.Out, "out", "", "output `DIR` (created if missing)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage:\n%s\n\nflags:\n", exportUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch *format {
	case "timeloop":
		return exportTimeloop(o, stdout)
	case "scalesim":
		return exportScaleSim(o, stdout)
	case "":
		return fmt.Errorf("%w: -format is required (timeloop or scalesim)\n%s", errUsage, exportUsage)
	}
	return fmt.Errorf("%w: -format %q; accepted timeloop, scalesim", errUsage, *format)
}

// exportHardware resolves the sub-accelerator for each layer of net.
func exportHardware(o exportOptions, net *accel.Network) ([]*accel.SubAccel, accel.Platform, error) {
	chunks := make([]*accel.SubAccel, len(net.Layers))
	switch {
	case (o.Design == "") == (o.Preset == ""):
		return nil, accel.Platform{}, fmt.Errorf("%w: give exactly one of -design and -preset", errUsage)
	case o.Preset != "":
		p, err := accel.Preset(o.Preset)
		if err != nil {
			return nil, p, err
		}
		df := accel.WeightStationary
		if p.Target == accel.ASIC {
			df = accel.RowStationary
		}
		if o.Dataflow != "" {
			if df, err = accel.ParseDataflow(o.Dataflow); err != nil {
				return nil, p, fmt.Errorf("%w: -dataflow: %v", errUsage, err)
			}
		}
		c := &accel.SubAccel{Name: p.Name, Rows: p.Rows, Cols: p.Cols, Dataflow: df, Bits: 16, GBBytes: int64(p.GlobalBufferBytes)}
		if p.Target == accel.ASIC {
			c.RFBytes = 512 // Eyeriss: 0.5 KB of scratchpads per PE
		}
		for i := range chunks {
			chunks[i] = c
		}
		return chunks, p, nil
	}
	if o.Dataflow != "" {
		return nil, accel.Platform{}, fmt.Errorf("%w: -dataflow goes with -preset; a design names each chunk's dataflow", errUsage)
	}
	d, err := accel.ReadDesignFile(o.Design)
	if err != nil {
		return nil, accel.Platform{}, err
	}
	var p accel.Platform
	if d.Platform != "" {
		if p, err = accel.Preset(d.Platform); err != nil {
			return nil, p, fmt.Errorf("%s: %w", o.Design, err)
		}
	}
	if o.Chunk != "" {
		for i := range d.Chunks {
			if d.Chunks[i].Name == o.Chunk {
				for j := range chunks {
					chunks[j] = &d.Chunks[i]
				}
				return chunks, p, nil
			}
		}
		return nil, p, fmt.Errorf("%w: -chunk %q: design %s has no such chunk", errUsage, o.Chunk, o.Design)
	}
	plan, err := accel.Plan(d, net, accel.FPGACorrected)
	if err != nil {
		return nil, p, err
	}
	for i, ci := range plan {
		if ci < 0 {
			return nil, p, fmt.Errorf("design %s runs no chunk for layer %q; pick one with -chunk", o.Design, net.Layers[i].Name)
		}
		chunks[i] = &d.Chunks[ci]
	}
	return chunks, p, nil
}

// exportTimeloop maps each chosen layer with the mapper and writes, into
// o.Out, Timeloop's architecture file for its chunk (arch-CHUNK.yaml) and
// per layer the problem (LAYER.prob.yaml), the mapping (LAYER.map.yaml)
// and the mapping printout with tile sizes (LAYER.map.txt), which
// `dian eval -timeloop-map` reads back. It prints one CSV row per layer.
func exportTimeloop(o exportOptions, stdout io.Writer) error {
	if o.Net == "" || o.Out == "" {
		return fmt.Errorf("%w: -format timeloop needs -net and -out\n%s", errUsage, exportUsage)
	}
	net, err := accel.ReadNetworkFile(o.Net)
	if err != nil {
		return err
	}
	obj, err := accel.ParseObjective(o.Objective)
	if err != nil {
		return fmt.Errorf("%w: -objective: %v", errUsage, err)
	}
	chunks, plat, err := exportHardware(o, net)
	if err != nil {
		return err
	}
	tech := o.Tech
	if tech == "" {
		tech = "45nm"
		if plat.TechNM == 65 {
			tech = "65nm"
		}
	}
	table, err := accel.EnergyTableFor(tech)
	if err != nil {
		return fmt.Errorf("%w: -tech: %v", errUsage, err)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}
	var csv bytes.Buffer
	csv.WriteString("layer,chunk,dataflow,cycles,energy_pj,pes_used,problem,mapping,map_txt,arch\n")
	found := false
	written := map[string]bool{}
	for i := range net.Layers {
		l := &net.Layers[i]
		if o.Layer != "" && l.Name != o.Layer {
			continue
		}
		found = true
		c := chunks[i]
		res, err := accel.MapLayer(l.Layer, c, table, accel.MapperOptions{Objective: obj})
		if err != nil {
			return fmt.Errorf("layer %q on chunk %q: %w", l.Name, c.Name, err)
		}
		base := fileSafe(l.Name)
		archFile := "arch-" + fileSafe(c.Name) + ".yaml"
		files := []struct {
			name  string
			write func(io.Writer) error
		}{
			{base + ".prob.yaml", func(w io.Writer) error { return accel.WriteTimeloopProblem(w, res.Problem) }},
			{base + ".map.yaml", func(w io.Writer) error { return accel.WriteTimeloopMapYAML(w, res.Problem, res.Mapping) }},
			{base + ".map.txt", func(w io.Writer) error {
				return accel.WriteTimeloopMapTxt(w, res.Problem, res.Mapping, &res.Stats)
			}},
			{archFile, func(w io.Writer) error { return accel.WriteTimeloopArch(w, res.Arch) }},
		}
		for _, f := range files {
			if f.name == archFile && written[archFile] {
				continue
			}
			if err := writeFile(filepath.Join(o.Out, f.name), f.write); err != nil {
				return err
			}
		}
		written[archFile] = true
		fmt.Fprintf(&csv, "%s,%s,%s,%d,%.3f,%d,%s,%s,%s,%s\n", l.Name, c.Name, c.Dataflow, res.Cycles, res.EnergyPJ,
			res.Stats.ComputeInstances, files[0].name, files[1].name, files[2].name, archFile)
	}
	if !found {
		return fmt.Errorf("%w: -layer %q: network %s has no such layer", errUsage, o.Layer, o.Net)
	}
	_, err = stdout.Write(csv.Bytes())
	return err
}

func writeFile(path string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// fileSafe maps a layer or chunk name to a file name.
func fileSafe(s string) string {
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
