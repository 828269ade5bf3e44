package accel

import (
	"fmt"
	"math"
	"testing"
)

func TestAreaTableScaled(t *testing.T) {
	ref := AccelergyAreaTable()
	for _, nm := range []int{65, 45, 28, 40} {
		s := ref.Scaled(nm)
		f := float64(nm) / 40 * float64(nm) / 40
		for _, c := range []struct {
			what      string
			got, want float64
		}{
			{"MACArea(8)", s.MACArea(8), ref.MACArea(8) * f},
			{"MACArea(16)", s.MACArea(16), ref.MACArea(16) * f},
			{"RFArea(4096)", s.RFArea(4096), ref.RFArea(4096) * f},
			{"SRAMArea(884736)", s.SRAMArea(884736), ref.SRAMArea(884736) * f},
		} {
			if math.Abs(c.got-c.want) > 1e-12*c.want {
				t.Errorf("Scaled(%d).%s = %v, want (%d/40)² × %v = %v", nm, c.what, c.got, nm, c.want/f, c.want)
			}
		}
		if s.NodeNM != nm || s.RefNodeNM != 40 || s.Source != ref.Source {
			t.Errorf("Scaled(%d): node %d, ref node %d, source changed %v", nm, s.NodeNM, s.RefNodeNM, s.Source != ref.Source)
		}
	}
	if ref.Scaled(0) != ref || ref.Scaled(-5) != ref {
		t.Error("Scaled(0) or Scaled(-5) changed the table")
	}
	if got, want := ref.MACArea(16), 4*ref.MACArea(8); got != want {
		t.Errorf("MACArea(16) = %v, want (16/8)² × MACArea(8) = %v", got, want)
	}
	if ref.MACArea(0) != 0 {
		t.Errorf("MACArea(0) = %v, want 0", ref.MACArea(0))
	}
}

func TestAreaTableFor(t *testing.T) {
	for _, name := range PresetNames() {
		p, _ := Preset(name)
		tab, ok := AreaTableFor(p)
		switch {
		case p.Target == FPGA && ok:
			t.Errorf("%s: an FPGA has an area table", name)
		case p.Target != FPGA && !ok:
			t.Errorf("%s: no area table on a %s target", name, p.Target)
		case ok && p.TechNM > 0 && tab.NodeNM != p.TechNM:
			t.Errorf("%s: table at %d nm, platform at %d nm", name, tab.NodeNM, p.TechNM)
		case ok && p.TechNM == 0 && tab.NodeNM != 40:
			t.Errorf("%s: no node given, table at %d nm; want the reference 40 nm", name, tab.NodeNM)
		}
		if p.AreaBudgetMM2 != 0 {
			t.Errorf("%s: area budget %g mm²; no preset has a sourced one", name, p.AreaBudgetMM2)
		}
	}
}

// TestSubAccelAreaProperties: area grows with PEs, bits, register file and
// global buffer, and the parts of a design sum to its total.
func TestSubAccelAreaProperties(t *testing.T) {
	tab := AccelergyAreaTable().Scaled(65)
	base := eyerissArray()
	a0 := tab.SubAccelArea(&base)
	for _, c := range []struct {
		name   string
		change func(*SubAccel)
		part   func(AreaBreakdown) float64
	}{
		{"more rows", func(c *SubAccel) { c.Rows++ }, func(a AreaBreakdown) float64 { return a.MACMM2 }},
		{"more cols", func(c *SubAccel) { c.Cols *= 2 }, func(a AreaBreakdown) float64 { return a.RFMM2 }},
		{"wider words", func(c *SubAccel) { c.Bits = 32 }, func(a AreaBreakdown) float64 { return a.MACMM2 }},
		{"bigger RF", func(c *SubAccel) { c.RFBytes++ }, func(a AreaBreakdown) float64 { return a.RFMM2 }},
		{"bigger GB", func(c *SubAccel) { c.GBBytes += 1024 }, func(a AreaBreakdown) float64 { return a.GBMM2 }},
	} {
		c2 := base
		c.change(&c2)
		a1 := tab.SubAccelArea(&c2)
		if !(c.part(a1) > c.part(a0)) || !(a1.Total() > a0.Total()) {
			t.Errorf("%s: area %v → %v, want the part and the total to grow", c.name, a0, a1)
		}
	}
	d := &Design{Name: "two", Chunks: []SubAccel{base, {Name: "sys", Rows: 16, Cols: 16, Bits: 8, GBBytes: 3 << 16}}}
	sum := tab.DesignArea(d)
	p0, p1 := tab.SubAccelArea(&d.Chunks[0]), tab.SubAccelArea(&d.Chunks[1])
	if math.Abs(sum.Total()-(p0.Total()+p1.Total())) > 1e-12*sum.Total() || sum.MACMM2 != p0.MACMM2+p1.MACMM2 {
		t.Errorf("DesignArea = %v, chunks %v + %v", sum, p0, p1)
	}
	if zero := tab.SubAccelArea(&SubAccel{Rows: 4, Cols: 4, Bits: 8}); zero.RFMM2 != 0 || zero.GBMM2 != 0 || zero.MACMM2 <= 0 {
		t.Errorf("unsized buffers: %v, want RF and GB 0, MACs > 0", zero)
	}
}

func TestNetworkCostArea(t *testing.T) {
	d := &Design{Name: "two", Chunks: []SubAccel{eyerissArray(), {Name: "idle", Rows: 4, Cols: 4, Bits: 8, GBBytes: 1 << 20}}}
	p, _ := Preset("eyeriss")
	tab, _ := AreaTableFor(p)
	used := tab.SubAccelArea(&d.Chunks[0])
	all := tab.DesignArea(d)
	for _, c := range []struct {
		name     string
		p        Platform
		chunks   []ChunkCost
		want     AreaBreakdown
		feasible bool
	}{
		{"unused chunk not built", p, []ChunkCost{{Layers: 3}, {Layers: 0}}, used, true},
		{"no chunk rows: all chunks", p, nil, all, true},
		{"FPGA: no area", Platform{Name: "f", Target: FPGA, TechNM: 65}, []ChunkCost{{Layers: 1}, {Layers: 1}}, AreaBreakdown{}, true},
		{"at the budget", withBudget(p, used.Total()), []ChunkCost{{Layers: 3}, {Layers: 0}}, used, true},
		{"over budget", withBudget(p, used.Total()/2), []ChunkCost{{Layers: 3}, {Layers: 0}}, used, false},
	} {
		nc := NetworkCost{Feasible: true, Chunks: c.chunks, Violations: []string{}}
		nc.SetArea(d, c.p)
		if nc.AreaParts != c.want || nc.AreaMM2 != c.want.Total() {
			t.Errorf("%s: area %v = %v mm², want %v", c.name, nc.AreaParts, nc.AreaMM2, c.want)
		}
		if nc.Feasible != c.feasible || len(nc.Violations) != map[bool]int{true: 0, false: 1}[c.feasible] {
			t.Errorf("%s: feasible %v, violations %q; want feasible %v", c.name, nc.Feasible, nc.Violations, c.feasible)
		}
		if !c.feasible {
			want := fmt.Sprintf(`accel: design "two" breaks area-budget: area %.4g mm² exceeds budget %g mm² on eyeriss`, used.Total(), used.Total()/2)
			if nc.Violations[0] != want {
				t.Errorf("%s: violation %q, want %q", c.name, nc.Violations[0], want)
			}
		}
	}
}

func withBudget(p Platform, mm2 float64) Platform {
	p.AreaBudgetMM2 = mm2
	return p
}

// eyerissArray is the Eyeriss preset's array as the co-search builds it:
// 12 × 14 PEs, 16-bit words, 0.5 KB of register file per PE and the 108 KB
// global buffer.
func eyerissArray() SubAccel {
	return SubAccel{Name: "array", Rows: 12, Cols: 14, Dataflow: RowStationary, Bits: 16, RFBytes: 512, GBBytes: 108 * 1024}
}
