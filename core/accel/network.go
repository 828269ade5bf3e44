package accel

import (
	"fmt"
)

// Role says what part of a network a layer belongs to. Auto-NBA's FPGA model
// costs only the searched blocks' layers (RoleBody); the stem, the head, the
// classifier and the 1×1 convs inside "skip" blocks cost nothing there, and
// the corrected model charges them.
type Role string

// The layer layerRoles.
const (
	RoleBody Role = "body" // a layer of a searched block (the default)
	RoleStem Role = "stem" // the first convolution
	RoleHead Role = "head" // the last 1×1 convolution before pooling
	RoleSkip Role = "skip" // the 1×1 conv of a skip block that changes shape
	RoleFC   Role = "fc"   // the classifier
)

var layerRoles = []Role{RoleBody, RoleStem, RoleHead, RoleSkip, RoleFC}

// NetworkLayer is a Layer with what the chunk models need beyond its shape.
type NetworkLayer struct {
	Layer
	// Role is RoleBody when empty.
	Role Role
	// Block names the searched block the layer belongs to ("" outside
	// blocks); the co-search sums per-block costs with it.
	Block string
	// Bits is the layer's bit-width (0: the chunk's). Auto-NBA's rule uses it
	// to pick a chunk; the chunk's own Bits is what the layer runs at.
	Bits int
}

// RoleOrBody returns the layer's role, RoleBody when unset.
func (l *NetworkLayer) RoleOrBody() Role {
	if l.Role == "" {
		return RoleBody
	}
	return l.Role
}

// Depthwise reports whether the layer is a depthwise convolution: one input
// channel per group and more than one group.
func (l *Layer) Depthwise() bool { return l.G() > 1 && l.C() == 1 }

// Network is an ordered list of layers with unique names.
type Network struct {
	Name   string
	Layers []NetworkLayer
}

// Index returns the position of the named layer, or -1.
func (n *Network) Index(name string) int {
	for i := range n.Layers {
		if n.Layers[i].Name == name {
			return i
		}
	}
	return -1
}

// Limits on layer sizes accepted from files.
const (
	MaxLayerSide    = 1 << 16 // H, W
	MaxChannels     = 1 << 20 // InC, K
	MaxKernel       = 1 << 10 // R, S, strides, padding
	MaxBatch        = 1 << 16
	maxLayerMACsLog = 62 // MACs must stay below 2^62
)

// Validate checks every layer's shape, the limits above and name uniqueness.
func (n *Network) Validate() error {
	if len(n.Layers) == 0 {
		return fmt.Errorf("accel: network %q has no layers", n.Name)
	}
	seen := make(map[string]int, len(n.Layers))
	for i := range n.Layers {
		l := &n.Layers[i]
		if err := l.validateLimits(); err != nil {
			return fmt.Errorf("accel: layers[%d]: %w", i, err)
		}
		if j, dup := seen[l.Name]; dup {
			return fmt.Errorf("accel: layers[%d]: name %q already used by layers[%d]", i, l.Name, j)
		}
		seen[l.Name] = i
	}
	return nil
}

// layerFieldError names a field, the value found and what is accepted.
type layerFieldError struct {
	Field  string
	Value  any
	Accept string
}

func (e *layerFieldError) Error() string {
	return fmt.Sprintf("field %s: %v is not accepted (%s)", e.Field, e.Value, e.Accept)
}

func (l *NetworkLayer) validateLimits() error {
	if l.Name == "" {
		return &layerFieldError{"name", `""`, "a non-empty, unique name"}
	}
	checks := []struct {
		field    string
		v        int
		min, max int
	}{
		{"n", l.N, 0, MaxBatch},
		{"in_c", l.InC, 1, MaxChannels},
		{"k", l.K, 1, MaxChannels},
		{"h", l.H, 1, MaxLayerSide},
		{"w", l.W, 1, MaxLayerSide},
		{"r", l.R, 1, MaxKernel},
		{"s", l.S, 1, MaxKernel},
		{"stride", l.StrideH, 0, MaxKernel},
		{"stride", l.StrideW, 0, MaxKernel},
		{"pad", l.PadH, 0, MaxKernel},
		{"pad", l.PadW, 0, MaxKernel},
		{"groups", l.Groups, 0, MaxChannels},
		{"bits", l.Bits, 0, MaxBits},
	}
	for _, c := range checks {
		if c.v < c.min || c.v > c.max {
			return &layerFieldError{c.field, c.v, fmt.Sprintf("integer in [%d, %d]", c.min, c.max)}
		}
	}
	ok := false
	for _, r := range layerRoles {
		ok = ok || l.RoleOrBody() == r
	}
	if !ok {
		return &layerFieldError{"role", fmt.Sprintf("%q", l.Role), "one of body, stem, head, skip, fc"}
	}
	if err := l.Layer.Validate(); err != nil {
		return err
	}
	// Every extent is below 2^20, so the product of seven stays exact in
	// float64 long enough to compare with the limit.
	macs := 1.0
	for d := Dim(0); d < NumDims; d++ {
		macs *= float64(l.Extent(d))
	}
	if macs >= float64(int64(1)<<maxLayerMACsLog) {
		return fmt.Errorf("layer %q: %.3g MACs exceed the limit 2^%d", l.Name, macs, maxLayerMACsLog)
	}
	return nil
}
