package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/accel/timeloop"
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

// hardware is what a layer runs on in an export: its sub-accelerator
// (chunks[i] for layer i), the platform, and whether the design lets its
// tiles be padded.
type hardware struct {
	chunks   []*accel.SubAccel
	platform accel.Platform
	pad      bool
	design   bool // the chunks come from a design, not a bare preset
}

// exportHardware resolves the sub-accelerator for each layer of net.
func exportHardware(o exportOptions, net *accel.Network) (hardware, error) {
	switch {
	case (o.Design == "") == (o.Preset == ""):
		return hardware{}, fmt.Errorf("%w: give exactly one of -design and -preset", errUsage)
	case o.Preset != "":
		p, err := accel.Preset(o.Preset)
		if err != nil {
			return hardware{}, err
		}
		df := accel.WeightStationary
		if p.Target == accel.ASIC {
			df = accel.RowStationary
		}
		if o.Dataflow != "" {
			if df, err = accel.ParseDataflow(o.Dataflow); err != nil {
				return hardware{}, fmt.Errorf("%w: -dataflow: %v", errUsage, err)
			}
		}
		c := accel.PresetChunk(p, df)
		chunks := make([]*accel.SubAccel, len(net.Layers))
		for i := range chunks {
			chunks[i] = c
		}
		return hardware{chunks: chunks, platform: p}, nil
	}
	if o.Dataflow != "" {
		return hardware{}, fmt.Errorf("%w: -dataflow goes with -preset; a design names each chunk's dataflow", errUsage)
	}
	d, err := accel.ReadDesignFile(o.Design)
	if err != nil {
		return hardware{}, err
	}
	var p accel.Platform
	if d.Platform != "" {
		if p, err = accel.Preset(d.Platform); err != nil {
			return hardware{}, fmt.Errorf("%s: %w", o.Design, err)
		}
	}
	chunks, err := accel.ChunksFor(d, net, o.Chunk)
	if err != nil {
		if o.Chunk != "" {
			return hardware{}, fmt.Errorf("%w: -chunk %q: design %s has no such chunk", errUsage, o.Chunk, o.Design)
		}
		return hardware{}, fmt.Errorf("%s: %w (pick a chunk with -chunk)", o.Design, err)
	}
	return hardware{chunks: chunks, platform: p, pad: d.Pad, design: true}, nil
}

// exportTimeloop runs each chosen layer as the page does (a design's own
// tiling where it has one, else the mapper) and writes, into o.Out,
// Timeloop's files (see timeloop.Export), printing one CSV row per layer.
func exportTimeloop(o exportOptions, stdout io.Writer) error {
	if o.Net == "" || o.Out == "" {
		return fmt.Errorf("%w: -format timeloop needs -net and -out\n%s", errUsage, exportUsage)
	}
	net, err := accel.ReadNetworkFile(o.Net)
	if err != nil {
		return err
	}
	obj, err := loopnest.ParseObjective(o.Objective)
	if err != nil {
		return fmt.Errorf("%w: -objective: %v", errUsage, err)
	}
	hw, err := exportHardware(o, net)
	if err != nil {
		return err
	}
	table, err := energyTable(o.Tech, hw.platform)
	if err != nil {
		return err
	}
	if o.Layer != "" && net.Index(o.Layer) < 0 {
		return fmt.Errorf("%w: -layer %q: network %s has no such layer", errUsage, o.Layer, o.Net)
	}
	// A design's layers without a tiling of their own are mapped with the
	// page's bounds, so the files match the page's view and download.
	opt := loopnest.MapperOptions{Objective: obj}
	if hw.design {
		opt = loopnest.DesignMapperOptions
		opt.Objective = obj
	}
	ex, err := timeloop.Export(net, hw.chunks, timeloop.ExportOptions{Platform: hw.platform, Pad: hw.pad, Table: table, Mapper: opt, Layer: o.Layer})
	if err != nil {
		return err
	}
	return writeExport(o.Out, ex, stdout)
}

// writeExport writes an export's files into dir and its table to stdout.
func writeExport(dir string, ex *accel.Export, stdout io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range ex.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	_, err := stdout.Write(ex.Table)
	return err
}
