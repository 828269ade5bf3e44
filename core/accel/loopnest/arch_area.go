package loopnest

import (
	"fmt"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
)

// ComputeArea returns the area of an architecture's MAC units, all
// instances, in µm²: Timeloop's "Area (total)" of the arithmetic level.
func ComputeArea(t accel.AreaTable, m *ArchCompute) (float64, error) {
	if m.Width <= 0 {
		return 0, fmt.Errorf("loopnest: compute %q: no width attribute; the area model needs the operand bits", m.Name)
	}
	return float64(t.MACArea(m.Width) * float64(m.Instances)), nil
}

// LevelArea returns the area of one instance of a storage level, in µm²:
// Timeloop's "Area" line of the level (a regfile or SRAM of Depth × Width
// bits; DRAM is off chip and 0).
func LevelArea(t accel.AreaTable, l *ArchLevel) (float64, error) {
	class := strings.ToLower(l.Class)
	if class == "dram" {
		return 0, nil
	}
	if class != "regfile" && class != "sram" {
		return 0, fmt.Errorf("loopnest: level %q: class %q has no area model (accepted: regfile, SRAM, DRAM)", l.Name, l.Class)
	}
	if l.Depth <= 0 || l.Width <= 0 {
		return 0, fmt.Errorf("loopnest: level %q: depth %d × width %d; the area model needs a bounded size", l.Name, l.Depth, l.Width)
	}
	bits := l.Depth * int64(l.Width)
	if class == "regfile" {
		return t.RFArea(bits), nil
	}
	return t.SRAMArea(bits), nil
}
