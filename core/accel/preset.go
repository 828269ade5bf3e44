package accel

import (
	"fmt"
	"strings"
)

// Target says what kind of hardware a platform is; it decides which budgets
// apply (DSP and BRAM18 on FPGAs, PEs and area on ASICs).
type Target string

// The hardware targets.
const (
	FPGA     Target = "fpga"
	ASIC     Target = "asic"
	Systolic Target = "systolic"
)

// CostModelTitle names, for people, the model the search costs a
// target's designs with (costmodel.For picks it): the figures of a
// result's per-layer rows come from it.
func CostModelTitle(t Target) string {
	switch t {
	case FPGA:
		return "FPGA chunk model"
	case ASIC:
		return "DNA estimator"
	case Systolic:
		return "SCALE-Sim model"
	}
	return "cost model"
}

// Platform is a named hardware budget a design must fit in, with the default
// PE array drawn for it before any search has run.
type Platform struct {
	Name   string // short key used in URLs and on the command line, e.g. "zc706"
	Title  string // human-readable name
	Target Target

	ClockMHz float64

	// FPGA budgets (zero on other targets).
	DSP    int
	BRAM18 int

	// Default PE array (rows × cols) shown for the platform.
	Rows, Cols int

	// On-chip global buffer in bytes (zero when the platform leaves it open).
	GlobalBufferBytes int
	// TechNM is the process node of an ASIC, used to pick an energy table
	// and to scale the area table (AreaTableFor); 0 leaves the node open.
	TechNM int
	// AreaBudgetMM2 bounds the silicon area of a design on an ASIC or
	// systolic platform (NetworkCost.AreaMM2); 0 means no budget. No preset
	// sets one: the papers give no area budget to hold a design to.
	AreaBudgetMM2 float64
}

// PEs returns the number of processing elements in the default array.
func (p Platform) PEs() int { return p.Rows * p.Cols }

// presets lists the built-in platforms in the order the UI shows them.
// The first is the default.
var presets = []Platform{
	{Name: "zc706", Title: "Xilinx ZC706 (FPGA)", Target: FPGA, ClockMHz: 200,
		DSP: 900, BRAM18: 700, Rows: 16, Cols: 16},
	{Name: "ultra96", Title: "Avnet Ultra96 (FPGA)", Target: FPGA, ClockMHz: 200,
		DSP: 360, BRAM18: 432, Rows: 12, Cols: 12},
	{Name: "eyeriss", Title: "Eyeriss-like ASIC (65 nm)", Target: ASIC, ClockMHz: 200,
		Rows: 12, Cols: 14, GlobalBufferBytes: 108 * 1024, TechNM: 65},
	{Name: "systolic16", Title: "16×16 systolic array", Target: Systolic, ClockMHz: 200,
		Rows: 16, Cols: 16},
}

// DefaultPreset is the name of the platform used when none is given.
const DefaultPreset = "zc706"

// Presets returns a copy of the built-in platforms, default first.
func Presets() []Platform {
	return append([]Platform(nil), presets...)
}

// PresetNames returns the keys of the built-in platforms, default first.
func PresetNames() []string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.Name
	}
	return names
}

// Preset returns the built-in platform with the given key.
func Preset(name string) (Platform, error) {
	for _, p := range presets {
		if p.Name == name {
			return p, nil
		}
	}
	return Platform{}, fmt.Errorf("accel: unknown platform %q (accepted: %s)", name, strings.Join(PresetNames(), ", "))
}
