package accel

import (
	"os"
	"reflect"
	"testing"
)

// FuzzDecodeDesign: any input decodes or errors, never panics; whatever
// decodes re-encodes to a design that decodes to the same value and can be
// evaluated without panicking.
func FuzzDecodeDesign(f *testing.F) {
	seed, _ := os.ReadFile("testdata/design_autonba_cifar.json")
	f.Add(seed)
	for _, b := range badDesigns {
		f.Add([]byte(b.in))
	}
	net, err := ReadNetworkFile("testdata/net_cifar_tiny.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := DecodeDesign(data, "fuzz.json")
		if err != nil {
			return
		}
		out, err := d.MarshalJSON()
		if err != nil {
			t.Fatalf("decoded design does not encode: %v", err)
		}
		d2, err := DecodeDesign(out, "re-encoded")
		if err != nil {
			t.Fatalf("re-encoded design does not decode: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatalf("decode∘encode changed the design:\n%+v\n%+v", d, d2)
		}
		p, _ := Preset(d.Platform)
		for _, mode := range fpgaModes {
			EvaluateFPGA(d, net, p, mode) // errors are fine, panics are not
		}
		EvaluateDNA(d, net, p)
	})
}

// FuzzDecodeNetwork: any input decodes or errors; whatever decodes
// round-trips and evaluates on a one-chunk design without panicking.
func FuzzDecodeNetwork(f *testing.F) {
	seed, _ := os.ReadFile("testdata/net_cifar_tiny.json")
	f.Add(seed)
	for _, b := range badNetworks {
		f.Add([]byte(b.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		net, err := DecodeNetwork(data, "fuzz.json")
		if err != nil {
			return
		}
		out, err := net.MarshalJSON()
		if err != nil {
			t.Fatalf("decoded network does not encode: %v", err)
		}
		net2, err := DecodeNetwork(out, "re-encoded")
		if err != nil || !reflect.DeepEqual(net, net2) {
			t.Fatalf("decode∘encode: %v\n%s", err, out)
		}
		c := SubAccel{Name: "all", Rows: 4, Cols: 4, Bits: 8, Dataflow: WeightStationary, Unroll: Extents{DimK: 4, DimC: 4}}
		c.Tiles[LevelGB] = Extents{DimP: 8, DimQ: 8, DimK: 16, DimC: 16}
		c.Tiles[LevelRF] = Extents{DimP: 8, DimQ: 8, DimK: 4, DimC: 4}
		for i := range net.Layers {
			c.Layers = append(c.Layers, net.Layers[i].Name)
		}
		d := &Design{Name: "fuzz", Chunks: []SubAccel{c}}
		p, _ := Preset("zc706")
		for _, mode := range fpgaModes {
			nc, err := EvaluateFPGA(d, net, p, mode)
			if err != nil {
				t.Fatalf("%s: %v", mode, err)
			}
			if mode == FPGACorrected {
				if nc, err = EvaluateDNA(d, net, p); err != nil {
					t.Fatalf("dna: %v", err)
				}
			}
			for _, lc := range nc.Layers {
				if lc.Cycles < 0 || lc.Cycles != lc.Cycles {
					t.Fatalf("%s: layer %s has %v cycles", mode, lc.Layer, lc.Cycles)
				}
			}
		}
	})
}
