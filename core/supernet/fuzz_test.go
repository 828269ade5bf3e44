package supernet

import (
	"slices"
	"strings"
	"testing"
)

// FuzzParsePath: a path from a result file or a link either parses or is
// refused with an error; what parses names one op per block and prints
// back to itself.
func FuzzParsePath(f *testing.F) {
	space, err := NewSpace(14, 14, 1, 10, "fbnet-g2", "tiny")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"k3_e1 k3_e3 skip k5_e6 k3_e1_g2", "skip,skip,skip,skip,skip", "", "k3_e1", strings.Repeat(" ,", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s, space)
		if err != nil {
			return
		}
		if len(p) != len(space.Blocks) {
			t.Fatalf("%q: %d ops for %d blocks", s, len(p), len(space.Blocks))
		}
		names := make([]string, len(p))
		for i, j := range p {
			names[i] = space.Ops[j].Name
		}
		q, err := ParsePath(strings.Join(names, " "), space)
		if err != nil || !slices.Equal(p, q) {
			t.Fatalf("%q parsed as %v, which prints as %q and reads back as %v (%v)", s, p, names, q, err)
		}
	})
}
