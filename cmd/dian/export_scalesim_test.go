package main

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/systolic"
)

// Export the example network for the 16×16 systolic preset in each
// dataflow, read the files back with `dian eval -scalesim-config`, and get
// what the systolic model says of the network's layers, summed per layer.
func TestExportScaleSimRoundTrip(t *testing.T) {
	net, err := accel.ReadNetworkFile(exampleNet)
	if err != nil {
		t.Fatal(err)
	}
	for _, df := range []string{"ws", "os", "is"} {
		out := t.TempDir()
		var so, se bytes.Buffer
		args := []string{"export", "-format", "scalesim", "-preset", "systolic16", "-dataflow", df, "-net", exampleNet, "-out", out}
		if code := run(args, &so, &se); code != 0 {
			t.Fatalf("%s: exit %d: %s", df, code, se.String())
		}
		rows := csvByLayer(t, so.Bytes())
		if len(rows) != len(net.Layers) {
			t.Fatalf("%s: export printed %d rows for %d layers", df, len(rows), len(net.Layers))
		}
		first := rows[net.Layers[0].Name]
		var eo, ee bytes.Buffer
		if code := run([]string{"eval", "-scalesim-config", filepath.Join(out, first["config"]), "-topology", filepath.Join(out, first["topology"])}, &eo, &ee); code != 0 {
			t.Fatalf("%s: eval exit %d: %s", df, code, ee.String())
		}
		got, err := csv.NewReader(&eo).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// Sum SCALE-Sim's rows back onto our layers: a layer's rows are the
		// ones whose name starts with its (sanitised) name.
		p, _ := accel.Preset("systolic16")
		d, _ := accel.ParseDataflow(df)
		a, err := systolic.ArrayOf(&accel.SubAccel{Name: "s", Rows: p.Rows, Cols: p.Cols, Dataflow: d, Bits: 16})
		if err != nil {
			t.Fatal(err)
		}
		next := 1
		for _, l := range net.Layers {
			st, err := a.EvaluateLayer(l.Layer)
			if err != nil {
				t.Fatal(err)
			}
			var sum [8]int64
			for ; next < len(got) && strings.HasPrefix(got[next][0], l.Name); next++ {
				for k := range sum {
					if k == 1 {
						continue // utilisation is a ratio, not summed
					}
					v, _ := strconv.ParseInt(got[next][k+1], 10, 64)
					sum[k] += v
				}
			}
			want := [8]int64{st.TotalCycles, 0, st.SRAMIfmapReads, st.SRAMFilterReads, st.SRAMOfmapWrites, st.DRAMIfmapReads, st.DRAMFilterReads, st.DRAMOfmapWrites}
			if sum != want {
				t.Errorf("%s layer %s: SCALE-Sim rows of the export sum to %v, EvaluateLayer %v", df, l.Name, sum, want)
			}
		}
		if next != len(got) {
			t.Errorf("%s: %d SCALE-Sim rows not matched to a layer", df, len(got)-next)
		}
	}
}

func TestExportScaleSimRejectsRowStationary(t *testing.T) {
	var so, se bytes.Buffer
	code := run([]string{"export", "-format", "scalesim", "-preset", "eyeriss", "-net", exampleNet, "-out", t.TempDir()}, &so, &se)
	if code != 1 || !strings.Contains(se.String(), "rs") || !strings.Contains(se.String(), "-dataflow") {
		t.Errorf("export of a row-stationary preset: exit %d, stderr %q; want an error naming rs and -dataflow", code, se.String())
	}
}
