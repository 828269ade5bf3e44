package loopnest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

func TestArchAreaErrors(t *testing.T) {
	tab := accel.AccelergyAreaTable()
	for _, l := range []ArchLevel{
		{Name: "X", Class: "eDRAM", Depth: 8, Width: 8},
		{Name: "Y", Class: "SRAM", Depth: 0, Width: 64},
	} {
		if _, err := LevelArea(tab, &l); err == nil || !strings.Contains(err.Error(), strconv.Quote(l.Name)) {
			t.Errorf("LevelArea(%s %s) error %v, want one naming the level", l.Class, l.Name, err)
		}
	}
	if _, err := ComputeArea(tab, &ArchCompute{Name: "M", Instances: 4}); err == nil || !strings.Contains(err.Error(), "width") {
		t.Errorf("ComputeArea without width: error %v", err)
	}
}
