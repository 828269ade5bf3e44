package timeloop

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel/timeloop/tlyaml"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
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
	tab := accel.AccelergyAreaTable()
	for _, c := range tutorialCases {
		stats := filepath.Join(c.ref, "timeloop-model.stats.txt")
		refs := parseStatsAreas(t, c.path(stats), readFile(t, c.path(stats)))
		a, err := tlyaml.ReadArch(c.arch, readFile(t, c.path(c.arch)))
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
				got, err = loopnest.ComputeArea(tab, &a.MAC)
			} else if l := a.Level(r.component); l != nil {
				got, err = loopnest.LevelArea(tab, l)
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
	one := filepath.Join("testdata", "tutorial", "00-model-conv1d-1level", "ref-output", "timeloop-model.stats.txt")
	two := filepath.Join("testdata", "tutorial", "01-model-conv1d-2level", "ref-output", "ws", "timeloop-model.stats.txt")
	return get(one, "MACC"), get(one, "Buffer"), get(two, "MainMemory")
}

func TestAccelergyAreaTableMatchesFiles(t *testing.T) {
	mac, rf, sram := refComponents(t)
	tab := accel.AccelergyAreaTable()
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
	p, err := accel.Preset("eyeriss")
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := accel.AreaTableFor(p)
	c := accel.PresetChunk(p, accel.RowStationary) // 12 × 14 PEs, 16-bit words, 0.5 KB RF per PE, 108 KB GB
	got := tab.SubAccelArea(c)
	f := 65.0 / 40 * 65.0 / 40
	want := accel.AreaBreakdown{
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
