package snapshot_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"runtime"
	"strconv"
	"testing"

	"github.com/dian-explorer/dian/core/snapshot"
)

// Decode allocates at most allocPerByte bytes per input byte plus allocSlack
// (the bound stated in Decode's documentation; the slack covers the decoder,
// the hash and error messages).
const (
	allocPerByte = 16
	allocSlack   = 64 << 10
)

// classes are the sentinels every Decode error must match one of.
var classes = []error{
	snapshot.ErrNotSnapshot, snapshot.ErrTruncated, snapshot.ErrCorrupted, snapshot.ErrOversized,
	snapshot.ErrVersion, snapshot.ErrMalformed, snapshot.ErrMismatch, snapshot.ErrInvalid,
}

// reseal fixes the checksum of data when its framing allows, so that the
// fuzzer, which cannot forge SHA-256, reaches the body decoder too.
func reseal(data []byte) []byte {
	const sumAt = 13 // envelope (10 bytes), version as a fixint (1), bin8 header (2)
	if len(data) < sumAt+sha256.Size || !bytes.HasPrefix(data, []byte("\x94\xa8"+snapshot.Magic)) ||
		data[11] != 0xc4 || data[12] != sha256.Size {
		return nil
	}
	b := bytes.Clone(data)
	h := sha256.New()
	h.Write(b[:sumAt])
	h.Write(b[sumAt+sha256.Size:])
	copy(b[sumAt:], h.Sum(nil))
	return b
}

// decodeChecked decodes data and checks the properties every input must have:
// no panic, allocation within the bound, an error of a known class, and, for
// what decodes, an encoding identical to the input.
func decodeChecked(t *testing.T, data []byte) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := snapshot.Decode(data, snapshot.Expect{})
	runtime.ReadMemStats(&after)
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(allocPerByte*len(data)+allocSlack); got > limit {
		t.Fatalf("Decode(%d bytes) allocated %d bytes, bound %d", len(data), got, limit)
	}
	if err != nil {
		for _, class := range classes {
			if errors.Is(err, class) {
				return
			}
		}
		t.Fatalf("Decode error %q matches no sentinel", err)
	}
	b, err := snapshot.Encode(s)
	if err != nil {
		t.Fatalf("Encode(Decode(data)): %v", err)
	}
	if !bytes.Equal(b, data) {
		t.Fatalf("Encode(Decode(data)) differs from data:\n% x\n% x", b, data)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []*snapshot.Snapshot{&small, randomSnapshot(3, 5)} {
		b, err := snapshot.Encode(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, tt := range decodeErrorTests(f) {
		if len(tt.data) < 1<<20 {
			f.Add(tt.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeChecked(t, data)
		if b := reseal(data); b != nil {
			decodeChecked(t, b)
		}
	})
}

// TestDecodeAllocBound checks the allocation bound on the inputs that come
// closest to it, which a fuzzer is unlikely to build: a body full of minimal
// scalar tensors, and of rank-8 tensors of one value.
func TestDecodeAllocBound(t *testing.T) {
	scalars := make([]any, snapshot.MaxTensors)
	ranked := make([]any, snapshot.MaxTensors)
	for i := range scalars {
		name := string([]byte{byte('a' + i/256), byte(i)})
		scalars[i] = []any{name, []int{}, le(1)}
		ranked[i] = []any{name, []int{1, 1, 1, 1, 1, 1, 1, 1}, le(1)}
	}
	big, err := snapshot.Encode(sample1MB())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"4096 scalars", seal(t, 1, pack(t, with(7, scalars)))},
		{"4096 rank-8 tensors", seal(t, 1, pack(t, with(7, ranked)))},
		{"1 MB of weights", big},
	} {
		decodeChecked(t, tt.data)
		allocs := testing.AllocsPerRun(3, func() { _, _ = snapshot.Decode(tt.data, snapshot.Expect{}) })
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _ = snapshot.Decode(tt.data, snapshot.Expect{})
		runtime.ReadMemStats(&after)
		t.Logf("%s: %d bytes in, %d bytes allocated (%.2f per byte) in %.0f allocations",
			tt.name, len(tt.data), after.TotalAlloc-before.TotalAlloc,
			float64(after.TotalAlloc-before.TotalAlloc)/float64(len(tt.data)), allocs)
	}
}

// sample1MB is about 1 MB of weights shaped like a small supernet: 16 conv
// kernels of 32×32×4×4 with batch-norm statistics.
func sample1MB() *snapshot.Snapshot {
	s := randomSnapshot(7, 0)
	s.Kind = snapshot.KindSupernet
	for i := range 16 {
		w := make([]float32, 32*32*4*4)
		for j := range w {
			w[j] = float32(j%97) / 97
		}
		mean, vari := make([]float32, 32), make([]float32, 32)
		p := "block" + strconv.Itoa(i)
		s.Tensors = append(s.Tensors,
			snapshot.Tensor{Name: p + ".conv.w", Shape: []int{32, 32, 4, 4}, Data: w},
			snapshot.Tensor{Name: p + ".bn.mean", Shape: []int{32}, Data: mean},
			snapshot.Tensor{Name: p + ".bn.var", Shape: []int{32}, Data: vari})
	}
	return s
}
