package costmodel_test

import (
	"os"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/costmodel"
)

// modes are the fidelity modes of the FPGA chunk model (the others ignore
// the mode).
var modes = []accel.Mode{accel.Faithful, accel.Corrected}

// FuzzEvaluateDesign: whatever design decodes evaluates under every model,
// on the platform it names, with an error or a cost, never a panic.
func FuzzEvaluateDesign(f *testing.F) {
	seed, err := os.ReadFile("../testdata/design_autonba_cifar.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	net, err := accel.ReadNetworkFile("../testdata/net_cifar_tiny.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := accel.DecodeDesign(data, "fuzz.json")
		if err != nil {
			return
		}
		p, _ := accel.Preset(d.Platform)
		for _, m := range costmodel.Models() {
			for _, mode := range modes {
				costmodel.Evaluate(m, d, net, p, mode) // errors are fine, panics are not
			}
		}
	})
}

// FuzzEvaluateNetwork: whatever network decodes runs on a one-chunk
// weight-stationary design under every model without an error, and no
// layer costs a negative or NaN number of cycles.
func FuzzEvaluateNetwork(f *testing.F) {
	seed, err := os.ReadFile("../testdata/net_cifar_tiny.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		net, err := accel.DecodeNetwork(data, "fuzz.json")
		if err != nil {
			return
		}
		c := accel.SubAccel{Name: "all", Rows: 4, Cols: 4, Bits: 8, Dataflow: accel.WeightStationary,
			Unroll: accel.Extents{accel.DimK: 4, accel.DimC: 4}}
		c.Tiles[accel.LevelGB] = accel.Extents{accel.DimP: 8, accel.DimQ: 8, accel.DimK: 16, accel.DimC: 16}
		c.Tiles[accel.LevelRF] = accel.Extents{accel.DimP: 8, accel.DimQ: 8, accel.DimK: 4, accel.DimC: 4}
		d := &accel.Design{Name: "fuzz", Chunks: []accel.SubAccel{c}}
		accel.AssignAll(d, net)
		for _, pname := range []string{"zc706", "eyeriss", "systolic16"} {
			p, _ := accel.Preset(pname)
			d.Platform = pname
			m, _ := costmodel.For(p)
			for _, mode := range modes {
				nc, err := costmodel.Evaluate(m, d, net, p, mode)
				if err != nil {
					t.Fatalf("%s %s on %s: %v", m, mode, pname, err)
				}
				for _, lc := range nc.Layers {
					if lc.Cycles < 0 || lc.Cycles != lc.Cycles {
						t.Fatalf("%s %s on %s: layer %s has %v cycles", m, mode, pname, lc.Layer, lc.Cycles)
					}
				}
			}
		}
	})
}
