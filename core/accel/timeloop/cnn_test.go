package timeloop

import (
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/accel/timeloop/tlyaml"
)

// The two published CNN designs (testdata/cnn), read from the files as
// published, with the mapping Timeloop's mapper chose: the loop-nest model's
// reads, fills and updates per level and data space, cycles and energy (with
// Accelergy's ERT) against Timeloop's stats: every count equal to
// Timeloop's, and the energy within 1 % (the model has no leakage).
func TestPublishedCNNDesigns(t *testing.T) {
	total, matched := 0, 0
	for _, design := range []string{"eyeriss_like", "simple_output_stationary"} {
		t.Run(design, func(t *testing.T) {
			dir := filepath.Join("testdata", "cnn", design)
			f := &tlyaml.Files{Include: tlyaml.FromDisk}
			pf := filepath.Join(dir, "parsed-processed-input.yaml")
			p, err := f.Problem(pf, readFile(t, pf))
			if err != nil {
				t.Fatal(err)
			}
			a, err := f.Arch("arch.yaml", readFile(t, filepath.Join(dir, "arch.yaml")))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.ERT("ERT.yaml", readFile(t, filepath.Join(dir, "timeloop-mapper.ERT.yaml")), a); err != nil {
				t.Fatal(err)
			}
			tm, err := ReadMapTxt("map.txt", readFile(t, filepath.Join(dir, "timeloop-mapper.map.txt")), p)
			if err != nil {
				t.Fatal(err)
			}
			ref := parseStats(t, readFile(t, filepath.Join(dir, "timeloop-mapper.stats.txt")))
			st, err := loopnest.Evaluate(p, tm.Mapping)
			if err != nil {
				t.Fatal(err)
			}
			if st.MACs != ref.computes {
				t.Errorf("MACs %d, Timeloop %d", st.MACs, ref.computes)
			}
			if c := a.Cycles(p, st); c != ref.cycles {
				t.Errorf("cycles %d, Timeloop %d", c, ref.cycles)
			}
			for _, ls := range st.Levels {
				rl := ref.levels[ls.Name]
				for d, ds := range p.DataSpaces {
					s := ls.DS[d]
					if !s.Kept || rl == nil || rl.ds[ds.Name] == nil {
						continue
					}
					r := rl.ds[ds.Name]
					for _, c := range []struct {
						what      string
						got, want int64
					}{{"reads", s.Reads, r.reads}, {"fills", s.Fills, r.fills}, {"updates", s.Updates, r.updates}} {
						total++
						if c.got == c.want {
							matched++
							continue
						}
						miss := fmt.Sprintf("%s %s %s %d, Timeloop %d (%+.1f %%)", ls.Name, ds.Name, c.what, c.got, c.want, 100*float64(c.got-c.want)/float64(max(1, c.want)))
						t.Error(miss)
					}
				}
			}
			var eb loopnest.EnergyBreakdown
			if err := a.Energy(p, st, &eb); err != nil {
				t.Fatal(err)
			}
			want := ref.fJPerMAC["Total"] * float64(ref.computes) / 1000
			t.Logf("energy %.0f pJ, Timeloop %.0f pJ (%+.2f %%)", eb.TotalPJ, want, 100*(eb.TotalPJ-want)/want)
			if math.Abs(eb.TotalPJ-want) > 0.01*want {
				t.Errorf("energy %.0f pJ is more than 1 %% from Timeloop's %.0f pJ", eb.TotalPJ, want)
			}
		})
	}
	t.Logf("%d of %d reads/fills/updates entries equal Timeloop's", matched, total)
}

// The mapping Timeloop's mapper wrote as map.yaml (factors "C1 M8", type
// "datatype", fan-out levels inter_<container>_spatial) reads as the same
// nest as its map.txt printout: every count equal.
func TestPublishedMapYAMLEqualsMapTxt(t *testing.T) {
	for _, design := range []string{"eyeriss_like", "simple_output_stationary"} {
		dir := filepath.Join("testdata", "cnn", design)
		f := &tlyaml.Files{}
		p, err := f.Problem("problem", readFile(t, filepath.Join(dir, "parsed-processed-input.yaml")))
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.Arch("arch", readFile(t, filepath.Join(dir, "arch.yaml")))
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.Map("map.yaml", readFile(t, filepath.Join(dir, "timeloop-mapper.map.yaml")), p, a)
		if err != nil {
			t.Fatal(err)
		}
		tm, err := ReadMapTxt("map.txt", readFile(t, filepath.Join(dir, "timeloop-mapper.map.txt")), p)
		if err != nil {
			t.Fatal(err)
		}
		fromYAML, err := loopnest.Evaluate(p, m)
		if err != nil {
			t.Fatal(err)
		}
		fromTxt, err := loopnest.Evaluate(p, tm.Mapping)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromYAML, fromTxt) {
			t.Errorf("%s: map.yaml gives\n%+v\nmap.txt\n%+v\n(nests:\n%s\n%s)", design, fromYAML, fromTxt, m.String(p), tm.Mapping.String(p))
		}
	}
}

// The architecture Timeloop writes back (parsed-processed-input.yaml, a
// v0.3-style tree of subtrees and local components with instance ranges
// and inter_*_spatial fan-out levels) reads as the published v0.4 file
// does: the same storage levels and instances, and the same cycles and
// energy for Timeloop's mapping.
func TestPublishedArchV3ReadsAsV4(t *testing.T) {
	for _, design := range []string{"eyeriss_like", "simple_output_stationary"} {
		dir := filepath.Join("testdata", "cnn", design)
		f := &tlyaml.Files{}
		processed := readFile(t, filepath.Join(dir, "parsed-processed-input.yaml"))
		p, err := f.Problem("problem", processed)
		if err != nil {
			t.Fatal(err)
		}
		v3, err := f.Arch("parsed-processed-input.yaml", processed)
		if err != nil {
			t.Fatal(err)
		}
		v4, err := f.Arch("arch.yaml", readFile(t, filepath.Join(dir, "arch.yaml")))
		if err != nil {
			t.Fatal(err)
		}
		type level struct {
			name, class      string
			instances        int
			depth            int64
			width, wordWidth int
		}
		levels := func(a *loopnest.Arch) (out []level) {
			for _, l := range a.Levels {
				out = append(out, level{l.Name, l.Class, l.Instances, l.Depth, l.Width, l.DataWidth})
			}
			return append(out, level{a.MAC.Name, a.MAC.Class, a.MAC.Instances, 0, 0, 0})
		}
		if !reflect.DeepEqual(levels(v3), levels(v4)) {
			t.Errorf("%s: the v0.3 tree reads as\n%+v\nthe v0.4 file as\n%+v", design, levels(v3), levels(v4))
			continue
		}
		ert := readFile(t, filepath.Join(dir, "timeloop-mapper.ERT.yaml"))
		tm, err := ReadMapTxt("map.txt", readFile(t, filepath.Join(dir, "timeloop-mapper.map.txt")), p)
		if err != nil {
			t.Fatal(err)
		}
		st, err := loopnest.Evaluate(p, tm.Mapping)
		if err != nil {
			t.Fatal(err)
		}
		var e3, e4 loopnest.EnergyBreakdown
		for _, c := range []struct {
			a *loopnest.Arch
			e *loopnest.EnergyBreakdown
		}{{v3, &e3}, {v4, &e4}} {
			if err := f.ERT("ERT", ert, c.a); err != nil {
				t.Fatal(err)
			}
			if err := c.a.Energy(p, st, c.e); err != nil {
				t.Fatal(err)
			}
		}
		if v3.Cycles(p, st) != v4.Cycles(p, st) || e3.TotalPJ != e4.TotalPJ {
			t.Errorf("%s: cycles %d vs %d, energy %g vs %g pJ", design, v3.Cycles(p, st), v4.Cycles(p, st), e3.TotalPJ, e4.TotalPJ)
		}
	}
}
