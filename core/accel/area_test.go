package accel

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// refArea is one area line of a Timeloop stats file: the component, the
// number as printed (two decimals, um^2) and where it is.
type refArea struct {
	component, printed string
	line               int
}

// parseStatsAreas reads the per-level area lines of timeloop-model.stats.txt:
// "Area (total)" of the arithmetic level and "Area" of each storage level.
// The summary's "Area: 0.00 mm^2" is not one of them: Timeloop sums it at
// spec time (Topology::Spec), and it reads 0 in every tutorial output.
func parseStatsAreas(t *testing.T, name string, src []byte) []refArea {
	t.Helper()
	var out []refArea
	var component string
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		tr := strings.TrimSpace(sc.Text())
		if tr == "Summary Stats" {
			break
		}
		if strings.HasPrefix(tr, "=== ") && strings.HasSuffix(tr, " ===") {
			component = strings.TrimSuffix(strings.TrimPrefix(tr, "=== "), " ===")
			continue
		}
		k, v, ok := strings.Cut(tr, ":")
		if !ok {
			continue
		}
		if k = strings.TrimSpace(k); k != "Area" && k != "Area (total)" {
			continue
		}
		num, unit, _ := strings.Cut(strings.TrimSpace(v), " ")
		if unit != "um^2" || component == "" {
			t.Fatalf("%s:%d: area line %q: want a number in um^2 inside a component section", name, n, tr)
		}
		out = append(out, refArea{component, num, n})
	}
	return out
}

// TestAreaTimeloopTutorial: for every tutorial architecture, the area model
// prints Timeloop's per-component Area lines exactly (to their two
// decimals). The table's values come from three of these lines, so this
// checks the plumbing around them: bits = depth × width from the arch
// file, MAC area × instances for the arithmetic level, per-instance area
// for storage, DRAM at 0, and the same numbers in every exercise.
func TestAreaTimeloopTutorial(t *testing.T) {
	tab := AccelergyAreaTable()
	for _, c := range tutorialCases {
		stats := filepath.Join(c.ref, "timeloop-model.stats.txt")
		refs := parseStatsAreas(t, c.path(stats), readFile(t, c.path(stats)))
		a, err := ReadTimeloopArch(c.arch, readFile(t, c.path(c.arch)))
		if err != nil {
			t.Fatal(err)
		}
		if a.Technology != "40nm" {
			t.Fatalf("%s: technology %q, want the table's 40nm", c.name, a.Technology)
		}
		if len(refs) != len(a.Levels)+1 {
			t.Fatalf("%s: %d area lines for %d components", c.name, len(refs), len(a.Levels)+1)
		}
		for _, r := range refs {
			var got float64
			var err error
			if r.component == a.MAC.Name {
				got, err = a.MAC.Area(tab)
			} else if l := a.Level(r.component); l != nil {
				got, err = l.Area(tab)
			} else {
				t.Fatalf("%s line %d: component %q is not in %s", stats, r.line, r.component, c.arch)
			}
			if err != nil {
				t.Fatalf("%s: %s: %v", c.name, r.component, err)
			}
			if s := fmt.Sprintf("%.2f", got); s != r.printed {
				t.Errorf("%s: area of %s = %s um^2, want %s (%s line %d)", c.name, r.component, s, r.printed, filepath.Join(c.dir, stats), r.line)
			}
		}
	}
}

// refComponents reads the three reference areas back from the stats files
// named in area.go, so the tests below do not retype them.
func refComponents(t *testing.T) (mac, rf, sram float64) {
	t.Helper()
	get := func(path, component string) float64 {
		for _, r := range parseStatsAreas(t, path, readFile(t, path)) {
			if r.component == component {
				v, err := strconv.ParseFloat(r.printed, 64)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
		}
		t.Fatalf("%s: no area for %s", path, component)
		return 0
	}
	one := filepath.Join("testdata", "timeloop", "00-model-conv1d-1level", "ref-output", "timeloop-model.stats.txt")
	two := filepath.Join("testdata", "timeloop", "01-model-conv1d-2level", "ref-output", "ws", "timeloop-model.stats.txt")
	return get(one, "MACC"), get(one, "Buffer"), get(two, "MainMemory")
}

func TestAccelergyAreaTableMatchesFiles(t *testing.T) {
	mac, rf, sram := refComponents(t)
	tab := AccelergyAreaTable()
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"MACArea(8)", tab.MACArea(8), mac},
		{"RFArea(64×8)", tab.RFArea(64 * 8), rf},
		{"SRAMArea(32768×64)", tab.SRAMArea(32768 * 64), sram},
		{"SRAMArea(0)", tab.SRAMArea(0), 0},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if tab.NodeNM != 40 || tab.RefNodeNM != 40 || tab.Source == "" {
		t.Errorf("table node %d (ref %d), source %q; want 40, 40 and a source", tab.NodeNM, tab.RefNodeNM, tab.Source)
	}
}

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

// eyerissArray is the Eyeriss preset's array as the co-search builds it:
// 12 × 14 PEs, 16-bit words, 0.5 KB of register file per PE and the 108 KB
// global buffer.
func eyerissArray() SubAccel {
	return SubAccel{Name: "array", Rows: 12, Cols: 14, Dataflow: RowStationary, Bits: 16, RFBytes: 512, GBBytes: 108 * 1024}
}

// TestEyerissArea checks the Eyeriss preset's array against the formula
// written out from the reference lines: 168 × (MAC·(16/8)² + 4096 RF bits)
// + 884736 SRAM bits, times (65/40)².
//
// For context only (not asserted; the number is from the paper, not from a
// file here): Eyeriss' published 65 nm chip (Chen et al., JSSC 2017) has a
// 3.5 mm × 3.5 mm core for 168 PEs and a 108 KB global buffer, including
// the NoC, control and I/O this model leaves out.
func TestEyerissArea(t *testing.T) {
	mac, rf, sram := refComponents(t)
	p, err := Preset("eyeriss")
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := AreaTableFor(p)
	c := eyerissArray()
	got := tab.SubAccelArea(&c)
	f := 65.0 / 40 * 65.0 / 40
	want := AreaBreakdown{
		MACMM2: 168 * mac * 4 * f / 1e6,
		RFMM2:  168 * rf / 512 * 4096 * f / 1e6,
		GBMM2:  sram / (32768 * 64) * 108 * 1024 * 8 * f / 1e6,
	}
	for _, v := range []struct {
		what      string
		got, want float64
	}{{"MAC", got.MACMM2, want.MACMM2}, {"RF", got.RFMM2, want.RFMM2}, {"GB", got.GBMM2, want.GBMM2}, {"total", got.Total(), want.Total()}} {
		if math.Abs(v.got-v.want) > 1e-12*v.want {
			t.Errorf("Eyeriss %s area = %.6f mm², want %.6f", v.what, v.got, v.want)
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

func TestArchAreaErrors(t *testing.T) {
	tab := AccelergyAreaTable()
	for _, l := range []ArchLevel{
		{Name: "X", Class: "eDRAM", Depth: 8, Width: 8},
		{Name: "Y", Class: "SRAM", Depth: 0, Width: 64},
	} {
		if _, err := l.Area(tab); err == nil || !strings.Contains(err.Error(), strconv.Quote(l.Name)) {
			t.Errorf("ArchLevel.Area(%s %s) error %v, want one naming the level", l.Class, l.Name, err)
		}
	}
	if _, err := (&ArchCompute{Name: "M", Instances: 4}).Area(tab); err == nil || !strings.Contains(err.Error(), "width") {
		t.Errorf("ArchCompute.Area without width: error %v", err)
	}
}
