package main

import (
	"errors"
	"io"
)

// Temporary stand-ins for the export formats other files implement. Each
// stub is deleted by the engineer who adds the real function.

// stub: replaced by export_scalesim.go
func exportScaleSim(o exportOptions, stdout io.Writer) error {
	return errors.New("-format scalesim: not implemented yet")
}
