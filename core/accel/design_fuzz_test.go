package accel

import (
	"os"
	"reflect"
	"testing"
)

// FuzzDecodeDesign: any input decodes or errors, never panics; whatever
// decodes re-encodes to a design that decodes to the same value. (The cost
// models' fuzz targets, in package costmodel, evaluate what decodes.)
func FuzzDecodeDesign(f *testing.F) {
	seed, _ := os.ReadFile("testdata/design_autonba_cifar.json")
	f.Add(seed)
	for _, b := range badDesigns {
		f.Add([]byte(b.in))
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
	})
}

// FuzzDecodeNetwork: any input decodes or errors; whatever decodes
// round-trips.
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
	})
}
