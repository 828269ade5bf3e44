package main

import (
	"fmt"
	"io"
)

func init() {
	register(command{name: "eval", summary: "evaluate a design on a network, a Timeloop mapping or a SCALE-Sim topology", run: runEval})
}

// evalUsage lists the three modes; exactly one is chosen per call.
const evalUsage = `exactly one mode per call:
  dian eval -design FILE.json -net FILE.json [-json]
  dian eval -timeloop-map FILE.map.txt -problem FILE.yaml [-arch FILE.yaml]
  dian eval -scalesim-config FILE.cfg -topology FILE.csv`

// runEval parses the flags of every mode and dispatches to the one chosen.
// The Timeloop and SCALE-Sim modes live in eval_timeloop.go and
// eval_scalesim.go; this file owns the flags and the dispatch only.
func runEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", stderr)
	design := fs.String("design", "", "design `FILE.json` (our format; with -net)")
	net := fs.String("net", "", "network `FILE.json` (our format; with -design)")
	asJSON := fs.Bool("json", false, "with -design: print JSON instead of CSV")
	scaleCfg := fs.String("scalesim-config", "", "SCALE-Sim config `FILE.cfg` (with -topology)")
	topology := fs.String("topology", "", "SCALE-Sim topology `FILE.csv` (with -scalesim-config)")
	tlMap := fs.String("timeloop-map", "", "Timeloop mapping printout `FILE.map.txt` (with -problem)")
	problem := fs.String("problem", "", "Timeloop problem `FILE.yaml` (with -timeloop-map)")
	arch := fs.String("arch", "", "Timeloop architecture `FILE.yaml` (optional, for energy)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: dian eval [flags]\n%s\n\nflags:\n", evalUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}

	ourMode := *design != "" || *net != ""
	tlMode := *tlMap != "" || *problem != "" || *arch != ""
	ssMode := *scaleCfg != "" || *topology != ""
	modes := 0
	for _, m := range []bool{ourMode, tlMode, ssMode} {
		if m {
			modes++
		}
	}
	if modes != 1 {
		return fmt.Errorf("%w: %s", errUsage, evalUsage)
	}
	if *asJSON && !ourMode {
		return fmt.Errorf("%w: -json applies to -design/-net only", errUsage)
	}
	switch {
	case ssMode:
		if *scaleCfg == "" || *topology == "" {
			return fmt.Errorf("%w: -scalesim-config and -topology go together", errUsage)
		}
		return evalScaleSim(*scaleCfg, *topology, stdout)
	case tlMode:
		if *tlMap == "" || *problem == "" {
			return fmt.Errorf("%w: -timeloop-map needs -problem (and optionally -arch)", errUsage)
		}
		return evalTimeloop(*tlMap, *problem, *arch, stdout)
	default:
		if *design == "" || *net == "" {
			return fmt.Errorf("%w: -design and -net go together", errUsage)
		}
		return evalDesign(*design, *net, *asJSON, stdout)
	}
}

// evalDesign evaluates our own design and network files with the FPGA chunk
// model and prints the per-layer table and totals.
func evalDesign(designPath, netPath string, asJSON bool, stdout io.Writer) error {
	return fmt.Errorf("-design/-net: not implemented yet")
}
