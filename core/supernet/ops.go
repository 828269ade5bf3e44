package supernet

import (
	"fmt"
	"strings"
)

// Op is a candidate operation of a searchable block.
type Op struct {
	Name   string // e.g. "k3_e6", "k5_e1_g2", "skip"
	Kernel int    // depthwise kernel size (0 for skip)
	Expand int    // expansion ratio of the inverted residual (0 for skip)
	Groups int    // groups of the two pointwise convolutions (1 or 2)
}

// IsSkip reports whether the op is the identity (or its projection).
func (o Op) IsSkip() bool { return o.Kernel == 0 }

// FBNet's candidate ops, in the authors' order.
var (
	opK3E1   = Op{"k3_e1", 3, 1, 1}
	opK3E1G2 = Op{"k3_e1_g2", 3, 1, 2}
	opK3E3   = Op{"k3_e3", 3, 3, 1}
	opK3E6   = Op{"k3_e6", 3, 6, 1}
	opK5E1   = Op{"k5_e1", 5, 1, 1}
	opK5E1G2 = Op{"k5_e1_g2", 5, 1, 2}
	opK5E3   = Op{"k5_e3", 5, 3, 1}
	opK5E6   = Op{"k5_e6", 5, 6, 1}
	opSkip   = Op{Name: "skip"}
)

// OpSet returns the candidate ops of an op-set key: "fbnet" (MBConv k3/k5
// × e1/e3/e6 and skip) or "fbnet-g2" (those plus the group-2 variants, the
// nine ops of FBNet and Auto-NBA).
func OpSet(key string) ([]Op, error) {
	switch key {
	case "fbnet":
		return []Op{opK3E1, opK3E3, opK3E6, opK5E1, opK5E3, opK5E6, opSkip}, nil
	case "fbnet-g2":
		return []Op{opK3E1, opK3E1G2, opK3E3, opK3E6, opK5E1, opK5E1G2, opK5E3, opK5E6, opSkip}, nil
	}
	return nil, fmt.Errorf("supernet: unknown op set %q (accepted: fbnet, fbnet-g2)", key)
}

// OpNames returns the names of ops, for messages and tables.
func OpNames(ops []Op) string {
	names := make([]string, len(ops))
	for i, o := range ops {
		names[i] = o.Name
	}
	return strings.Join(names, ", ")
}
