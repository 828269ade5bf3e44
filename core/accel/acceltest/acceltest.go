// Package acceltest holds fixtures shared by the tests of the accelerator
// packages: the example design and network files, and a way to name a
// point of a design space by its decisions.
package acceltest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// Testdata returns the path of a file in core/accel/testdata, wherever the
// calling test runs.
func Testdata(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", name)
}

// ReadTestdata returns the bytes of a file in core/accel/testdata.
func ReadTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(Testdata(name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Examples returns the example files: Auto-NBA's CIFAR design
// (design_autonba_cifar.json), a tiny CIFAR network (net_cifar_tiny.json)
// and the design's platform.
func Examples(t testing.TB) (*accel.Design, *accel.Network, accel.Platform) {
	t.Helper()
	d, err := accel.DecodeDesign(ReadTestdata(t, "design_autonba_cifar.json"), "design_autonba_cifar.json")
	if err != nil {
		t.Fatal(err)
	}
	net, err := accel.DecodeNetwork(ReadTestdata(t, "net_cifar_tiny.json"), "net_cifar_tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := accel.Preset(d.Platform)
	if err != nil {
		t.Fatal(err)
	}
	return d, net, p
}

// PointWith returns the point of s whose named decisions take the given
// option values and every other decision its last option.
func PointWith(t testing.TB, s *accel.Space, values map[string]int) []int {
	t.Helper()
	choice := make([]int, len(s.Decisions))
	for i, d := range s.Decisions {
		choice[i] = len(d.Options) - 1
		if v, ok := values[d.Name]; ok {
			found := false
			for j, o := range d.Options {
				if o == v {
					choice[i], found = j, true
				}
			}
			if !found {
				t.Fatalf("%s has no option %d", d.Name, v)
			}
		}
	}
	return choice
}
