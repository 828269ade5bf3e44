package main

import (
	"fmt"
	"io"

	"github.com/dian-explorer/dian/core/accel"
)

func init() {
	register(command{name: "presets", summary: "list the built-in hardware platforms", run: runPresets})
}

func runPresets(args []string, stdout, stderr io.Writer) error {
	if err := parseFlags(newFlagSet("presets", stderr), args); err != nil {
		return err
	}
	for _, p := range accel.Presets() {
		fmt.Fprintf(stdout, "%-11s %-28s %3d×%-3d PEs  %s\n", p.Name, p.Title, p.Rows, p.Cols, p.Target)
	}
	return nil
}
