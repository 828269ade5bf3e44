package accel

import "fmt"

// Mode selects how the FPGA chunk model treats the gaps of the original.
type Mode uint8

const (
	// Faithful reproduces Auto-NBA's analytical_prediction.py: stride
	// ignored in the input tile, real-valued (unpadded) trip counts, no
	// weight buffers in BRAM for channel-parallel chunks, stem/head/skip/fc
	// layers not costed, per-block penalty = Σ layer cycles, DSP = unrolled
	// MACs × bits/16.
	//
	// The original's lowering quirks (a skip block not consuming its
	// bit-width, the expansion conv costed at the output resolution, 192
	// instead of 184 channels in stage 6, skip convs dropped) live in how a
	// supernet is turned into a Network, not here: a Network says exactly
	// which layers exist. The later variant's DSP packing by bit-width
	// (docs/METHOD.md §3.7) is not modelled; both modes use bits/16.
	Faithful Mode = iota
	// Corrected fixes those: strided input halos, tiles clipped to the
	// layer and trip counts rounded up (padding), per-dimension padding of
	// the unrolled compute, weight buffers counted in BRAM, every layer
	// costed, a bottleneck-aware pipeline penalty, DSP = the whole array.
	Corrected
)

// String returns "faithful" or "corrected".
func (m Mode) String() string {
	if m == Faithful {
		return "faithful"
	}
	return "corrected"
}

// ParseMode returns the mode named "faithful" or "corrected".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "faithful":
		return Faithful, nil
	case "corrected":
		return Corrected, nil
	}
	return 0, fmt.Errorf("accel: FPGA model mode %q is not one of faithful, corrected", s)
}
