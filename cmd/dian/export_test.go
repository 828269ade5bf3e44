package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// Export a layer's mapping for the Eyeriss preset, read the files back with
// `dian eval -timeloop-map ... -arch`, and get the mapper's own counts.
func TestExportTimeloopRoundTrip(t *testing.T) {
	out := t.TempDir()
	var so, se bytes.Buffer
	args := []string{"export", "-format", "timeloop", "-preset", "eyeriss", "-net", exampleNet, "-out", out}
	if code := run(args, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	rows := csvByLayer(t, so.Bytes())
	net, err := accel.ReadNetworkFile(exampleNet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(net.Layers) {
		t.Fatalf("%d rows for %d layers", len(rows), len(net.Layers))
	}
	p, _ := accel.Preset("eyeriss")
	chunk := &accel.SubAccel{Name: "eyeriss", Rows: p.Rows, Cols: p.Cols, Dataflow: accel.RowStationary, Bits: 16, RFBytes: 512, GBBytes: int64(p.GlobalBufferBytes)}
	for _, l := range net.Layers {
		row := rows[l.Name]
		res, err := loopnest.MapLayer(l.Layer, chunk, loopnest.DNA65, loopnest.MapperOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		want.WriteString(timeloopHeader + "\n")
		for li := len(res.Stats.Levels) - 1; li >= 0; li-- {
			ls := res.Stats.Levels[li]
			for d, ds := range res.Problem.DataSpaces {
				if s := ls.DS[d]; s.Kept {
					fmt.Fprintf(&want, "%s,%s,%d,%d,%d,%d\n", ls.Name, ds.Name, ls.Instances, s.Reads, s.Fills, s.Updates)
				}
			}
		}
		fmt.Fprintf(&want, "cycles,%d\nenergy_pj,%.3f\n", res.Cycles, res.EnergyPJ)
		var eo, ee bytes.Buffer
		eargs := []string{"eval", "-timeloop-map", filepath.Join(out, row["map_txt"]), "-problem", filepath.Join(out, row["problem"]), "-arch", filepath.Join(out, row["arch"])}
		if code := run(eargs, &eo, &ee); code != 0 {
			t.Fatalf("%s: eval exit %d: %s", l.Name, code, ee.String())
		}
		got, _, _ := strings.Cut(eo.String(), "fj_per_compute,")
		if got != want.String() {
			t.Errorf("%s: eval of the export gives\n%s\nthe mapper says\n%s", l.Name, got, want.String())
		}
	}
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export"}, "-format is required"},
		{[]string{"export", "-format", "onnx"}, "accepted timeloop, scalesim"},
		{[]string{"export", "-format", "timeloop", "-preset", "eyeriss", "-out", dir}, "needs -net and -out"},
		{[]string{"export", "-format", "timeloop", "-preset", "tpu", "-net", exampleNet, "-out", dir}, `"tpu"`},
		{[]string{"export", "-format", "timeloop", "-preset", "eyeriss", "-design", exampleDesign, "-net", exampleNet, "-out", dir}, "exactly one of -design and -preset"},
		{[]string{"export", "-format", "timeloop", "-preset", "eyeriss", "-net", exampleNet, "-layer", "nope", "-out", dir}, `-layer "nope"`},
		{[]string{"export", "-format", "timeloop", "-preset", "eyeriss", "-net", exampleNet, "-tech", "7nm", "-out", dir}, "7nm"},
	} {
		var so, se bytes.Buffer
		if code := run(c.args, &so, &se); code == 0 || !strings.Contains(se.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want an error containing %q", c.args, code, se.String(), c.want)
		}
	}
}

func TestExportTimeloopDesign(t *testing.T) {
	out := t.TempDir()
	var so, se bytes.Buffer
	args := []string{"export", "-format", "timeloop", "-design", exampleDesign, "-net", exampleNet, "-layer", "b1.pw2", "-out", out}
	if code := run(args, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	if !strings.Contains(so.String(), "b1.pw2,a0q8,ws,") {
		t.Errorf("output %q does not map b1.pw2 on chunk a0q8 (ws): its 16×16 output map is at the threshold", so.String())
	}
}
