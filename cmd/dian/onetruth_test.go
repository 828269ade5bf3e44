package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/viz"
)

// A layer of a found design has one mapping and one figure per model. On
// every platform, for every layer of a search's result:
//
//   - the accelerator view shows the search model's cycles, the per-layer
//     row's (the page's table prints that row);
//   - the view's mapping fits the design's array;
//   - the Timeloop export carries the view's mapping and its loop-nest
//     cycles and energy, and `dian eval -timeloop-map` reads the exported
//     files back to the same figures;
//   - on a systolic array, the view's SCALE-Sim schedule, the SCALE-Sim
//     export's table and `dian eval -scalesim-config` reading the exported
//     files give the search's cycles (SCALE-Sim's Total Cycles count each
//     run from 0, one fewer per run).
func TestOneTruthPerLayer(t *testing.T) {
	for _, p := range accel.Presets() {
		t.Run(p.Name, func(t *testing.T) {
			r := searchJSON(t, "dataset=digits8&seed=1&platform="+p.Name)
			dir := t.TempDir()
			design, network := filepath.Join(dir, "design.json"), filepath.Join(dir, "network.json")
			writeJSON(t, design, r.Accelerator)
			writeJSON(t, network, map[string]any{"name": "result", "layers": r.Network.Layers})

			tl := exportTable(t, "timeloop", design, network, filepath.Join(dir, "timeloop"))
			var ss map[string]map[string]string
			if p.Target == accel.Systolic {
				ss = exportTable(t, "scalesim", design, network, filepath.Join(dir, "scalesim"))
			}
			v := viz.NewAccelView(p)
			if err := v.ShowResult(&r); err != nil {
				t.Fatal(err)
			}
			for i, lc := range r.Layers {
				if err := v.SelectLayer(i); err != nil {
					t.Fatal(err)
				}
				st := v.State()
				if st.Error != "" {
					t.Fatalf("%s: the view cannot play it: %s", lc.Layer, st.Error)
				}
				if st.SearchCycles != lc.Cycles || st.SearchModel != accel.CostModelTitle(p.Target) {
					t.Errorf("%s: the view shows %s %v cycles; the result's row says %s %v", lc.Layer, st.SearchModel, st.SearchCycles, accel.CostModelTitle(p.Target), lc.Cycles)
				}
				if st.BusyRows > st.Rows || st.BusyCols > st.Cols {
					t.Errorf("%s: the mapping keeps %d × %d PEs busy on a %d × %d array", lc.Layer, st.BusyRows, st.BusyCols, st.Rows, st.Cols)
				}
				row := tl[lc.Layer]
				want := map[string]string{"mapping": st.Mapping, "loopnest_cycles": fmt.Sprint(st.NestCycles),
					"compute_cycles": fmt.Sprint(st.Cycles), "energy_pj": fmt.Sprintf("%.3f", st.EnergyPJ)}
				for k, w := range want {
					if row[k] != w {
						t.Errorf("%s: Timeloop export's %s is %q; the view shows %q", lc.Layer, k, row[k], w)
					}
				}
				var eo, ee bytes.Buffer
				out := filepath.Join(dir, "timeloop")
				args := []string{"eval", "-timeloop-map", filepath.Join(out, row["map_txt"]), "-problem", filepath.Join(out, row["problem"]), "-arch", filepath.Join(out, row["arch"])}
				if code := run(args, &eo, &ee); code != 0 {
					t.Fatalf("%s: eval exit %d: %s", lc.Layer, code, ee.String())
				}
				if got := eo.String(); !strings.Contains(got, fmt.Sprintf("\ncycles,%d\nenergy_pj,%s\n", st.NestCycles, want["energy_pj"])) {
					t.Errorf("%s: dian eval reads the export back as\n%s\nthe view shows %d cycles, %s pJ", lc.Layer, got, st.NestCycles, want["energy_pj"])
				}
				// With -platform, the same files are costed with the
				// search's own model, as the chunk they describe.
				eo.Reset()
				if code := run(append(args, "-platform", p.Name), &eo, &ee); code != 0 {
					t.Fatalf("%s: eval -platform exit %d: %s", lc.Layer, code, ee.String())
				}
				f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
				wantSearch := fmt.Sprintf("search_model,%s\nsearch_cycles,%s\nsearch_energy,%s\n", accel.CostModelTitle(p.Target), f(lc.Cycles), f(lc.EnergySum))
				if got := eo.String(); !strings.Contains(got, wantSearch) {
					t.Errorf("%s: dian eval -platform reads the export back as\n%s\nthe search's row says\n%s", lc.Layer, got[strings.Index(got, "search_model"):], wantSearch)
				}
				if ss == nil {
					continue
				}
				sys := v.Prep.Systolic
				if sys == nil {
					t.Fatalf("%s: no SCALE-Sim schedule on a systolic array", lc.Layer)
				}
				if float64(sys.Cycles()) != lc.Cycles || ss[lc.Layer]["cycles"] != fmt.Sprint(sys.Cycles()) {
					t.Errorf("%s: SCALE-Sim schedule %d cycles, result %v, SCALE-Sim export %s", lc.Layer, sys.Cycles(), lc.Cycles, ss[lc.Layer]["cycles"])
				}
				total, _ := strconv.ParseInt(ss[lc.Layer]["scalesim_total_cycles"], 10, 64)
				if runs := int64(sys.Runs); total != sys.Cycles()-runs {
					t.Errorf("%s: SCALE-Sim Total Cycles %d; %d cycles over %d runs counted from 0 make %d", lc.Layer, total, sys.Cycles(), runs, sys.Cycles()-runs)
				}
			}
			if ss != nil {
				checkScaleSimReadBack(t, filepath.Join(dir, "scalesim"), ss)
			}
		})
	}
}

// checkScaleSimReadBack runs `dian eval -scalesim-config -topology` on
// every exported chunk and checks each layer's Total Cycles against the
// export's table (a layer SCALE-Sim runs once per channel is summed).
func checkScaleSimReadBack(t *testing.T, dir string, table map[string]map[string]string) {
	t.Helper()
	got := map[string]int64{}
	seen := map[string]bool{}
	for _, row := range table {
		if seen[row["config"]] {
			continue
		}
		seen[row["config"]] = true
		var so, se bytes.Buffer
		if code := run([]string{"eval", "-scalesim-config", filepath.Join(dir, row["config"]), "-topology", filepath.Join(dir, row["topology"])}, &so, &se); code != 0 {
			t.Fatalf("eval exit %d: %s", code, se.String())
		}
		rows, err := csv.NewReader(&so).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[1:] {
			n, _ := strconv.ParseInt(r[1], 10, 64)
			got[runSuffix.ReplaceAllString(r[0], "")] += n
		}
	}
	for name, row := range table {
		if want := row["scalesim_total_cycles"]; fmt.Sprint(got[name]) != want {
			t.Errorf("%s: dian eval reads the SCALE-Sim export back as %d Total Cycles; the export says %s", name, got[name], want)
		}
	}
}

// runSuffix is what a layer's name carries in SCALE-Sim's rows for its
// images and groups (MarshalTopology) and depthwise channels (SCALE-Sim).
var runSuffix = regexp.MustCompile(`(_n[0-9]+)?(_DPChannel_[0-9]+|_g[0-9]+)?$`)

// exportTable runs `dian export -format F` on a result's design and
// network and returns its table by layer.
func exportTable(t *testing.T, format, design, network, out string) map[string]map[string]string {
	t.Helper()
	var so, se bytes.Buffer
	if code := run([]string{"export", "-format", format, "-design", design, "-net", network, "-out", out}, &so, &se); code != 0 {
		t.Fatalf("export %s exit %d: %s", format, code, se.String())
	}
	return csvByLayer(t, so.Bytes())
}

// csvByLayer reads a CSV with a header and a "layer" column into rows by
// layer, each a map from column name to value.
func csvByLayer(t *testing.T, data []byte) map[string]map[string]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("table %q: %v", data, err)
	}
	out := map[string]map[string]string{}
	for _, r := range rows[1:] {
		m := map[string]string{}
		for j, k := range rows[0] {
			m[k] = r[j]
		}
		out[m["layer"]] = m
	}
	return out
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
