package report

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/dian-explorer/dian/core/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// CompactVersion is the format version of Compact.
const CompactVersion = 1

// MaxCompactBytes bounds the text of a compact result (the result= value
// of a link; core/share holds links to it).
const MaxCompactBytes = 8 << 10

// Bounds of a compact result, far above any real one, so a hostile link
// cannot make the page build a huge table.
const (
	maxCompactOps    = 64
	maxCompactChunks = 64
	maxCompactText   = 64
)

// Compact is the summary of a search's result that a link carries
// (the result= key), so whoever opens the link sees what it found before
// re-running it: the network, the headline metrics and the accelerator's
// chunks. It travels as MessagePack, then unpadded base64url.
type Compact struct {
	Version int      `msgpack:"v"`
	Build   string   `msgpack:"build"` // the build that computed it
	Ops     []string `msgpack:"ops"`   // op per block
	// Bits is each block's width after a precision search (absent in
	// links without one, and in every link made before it existed).
	Bits []int `msgpack:"bits,omitempty"`
	MACs int64 `msgpack:"macs"`
	// The headline numbers, inlined: acc, fps, latencyMs, energy, edp,
	// dsp, bram18, area, feasible.
	Metrics `msgpack:",inline"`
	// Chunks describes each sub-accelerator as "name rows×cols dataflow".
	Chunks []string `msgpack:"chunks"`
}

// CompactOf summarises a result for a link.
func CompactOf(r *Result) Compact {
	c := Compact{Build: r.Timing.Build, Ops: r.Network.Ops, Bits: r.Network.Bits, MACs: r.Network.MACs, Metrics: r.Metrics}
	if d := r.Accelerator; d != nil {
		for _, ch := range d.Chunks {
			c.Chunks = append(c.Chunks, fmt.Sprintf("%s %d×%d %s", ch.Name, ch.Rows, ch.Cols, ch.Dataflow))
		}
	}
	return c
}

// EncodeCompact returns the result= value for c; it fails when the text
// would exceed MaxCompactBytes.
func EncodeCompact(c Compact) (string, error) {
	c.Version = CompactVersion
	if err := c.check(); err != nil {
		return "", err
	}
	b, err := msgpack.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("protocol: encoding the compact result: %w", err)
	}
	s := base64.RawURLEncoding.EncodeToString(b)
	if len(s) > MaxCompactBytes {
		return "", fmt.Errorf("protocol: the compact result takes %d bytes, more than a link carries (%d)", len(s), MaxCompactBytes)
	}
	return s, nil
}

// DecodeCompact reads a result= value. Its errors say what is wrong in
// words a person reading the link can act on.
func DecodeCompact(s string) (Compact, error) {
	var c Compact
	if len(s) > MaxCompactBytes {
		return c, fmt.Errorf("%d bytes is more than the %d a link carries", len(s), MaxCompactBytes)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, errors.New("not unpadded base64url text")
	}
	if err := wire.Unmarshal(b, &c); err != nil {
		return Compact{}, fmt.Errorf("not a compact result: %v", err)
	}
	if c.Version != CompactVersion {
		return Compact{}, fmt.Errorf("compact result version %d is not supported; this build reads %d", c.Version, CompactVersion)
	}
	if err := c.check(); err != nil {
		return Compact{}, err
	}
	return c, nil
}

func (c Compact) check() error {
	if len(c.Ops) > maxCompactOps || len(c.Chunks) > maxCompactChunks {
		return fmt.Errorf("%d ops and %d chunks exceed the limits (%d, %d)", len(c.Ops), len(c.Chunks), maxCompactOps, maxCompactChunks)
	}
	if len(c.Bits) > 0 && len(c.Bits) != len(c.Ops) {
		return fmt.Errorf("%d bit-widths for %d ops", len(c.Bits), len(c.Ops))
	}
	for _, b := range c.Bits {
		if b < 0 || b > 32 {
			return fmt.Errorf("bit-width %d outside 0..32", b)
		}
	}
	for _, s := range append([]string{c.Build}, append(c.Ops, c.Chunks...)...) {
		if len(s) > maxCompactText || strings.ContainsAny(s, "\x00\n") {
			return fmt.Errorf("text %.20q is longer than %d bytes or holds control characters", s, maxCompactText)
		}
	}
	return nil
}
