package main

import (
	"errors"
	"io"
)

// Temporary stand-ins for the modes other files implement. Each stub is
// deleted by the engineer who adds the real function.

// stub: replaced by eval_scalesim.go
func evalScaleSim(cfgPath, topoPath string, stdout io.Writer) error {
	return errors.New("-scalesim-config: not implemented yet")
}
