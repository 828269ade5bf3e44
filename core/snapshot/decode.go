package snapshot

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// envelope is the canonical start of every snapshot, in every version: a
// four-element msgpack array whose first element is the magic string.
var envelope = []byte("\x94\xa8" + Magic)

// bodyFields is the number of fields in a version-1 body.
const bodyFields = 9

// minTensorBytes is the smallest encoding of a tensor: array header, a
// one-byte name, an empty shape and a bin of one float32 (1+2+1+2+4).
const minTensorBytes = 10

// Decode decodes a snapshot and checks it against want. It checks, in this
// order: the size (ErrOversized), the magic (ErrNotSnapshot), the format
// version (ErrVersion), the framing (ErrTruncated, ErrMalformed), the
// checksum (ErrCorrupted), then the body field by field (ErrMalformed,
// ErrOversized); the kind, dataset and configuration are compared with want
// (ErrMismatch) before any tensor is decoded. Nothing is returned unless
// everything checks out.
//
// Decode never panics and never allocates more than 16 bytes per input byte
// plus 64 KiB (FuzzDecode checks this). The worst case is a body made of
// thousands of tiny tensors, each costing a Tensor header, a name and a data
// slice: about 8 bytes per input byte. A snapshot of real weights costs about
// one byte per input byte. The returned snapshot shares no memory with data.
func Decode(data []byte, want Expect) (*Snapshot, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrOversized, len(data), MaxSize)
	}
	if !bytes.HasPrefix(data, envelope) {
		if bytes.HasPrefix(envelope, data) {
			return nil, fmt.Errorf("%w: %d bytes, shorter than the magic", ErrTruncated, len(data))
		}
		return nil, fmt.Errorf("%w: starts with %q, want %q", ErrNotSnapshot,
			data[:min(len(data), len(envelope))], envelope)
	}
	r := newReader(data, ErrTruncated)
	r.skip(len(envelope))
	if v := r.uint("format version"); r.err == nil && v != Version {
		return nil, fmt.Errorf("%w %d; this build reads version %d", ErrVersion, v, Version)
	}
	sumAt := r.pos() + 2 // after the bin8 header
	stored := r.bin("checksum", sha256.Size)
	if r.err == nil && len(stored) != sha256.Size {
		r.failf(ErrMalformed, "checksum", "%d bytes, want %d", len(stored), sha256.Size)
	}
	body := r.bin("body", MaxSize)
	if r.err == nil && r.rd.Len() > 0 {
		r.failf(ErrMalformed, "file", "%d unexpected bytes after the body", r.rd.Len())
	}
	if r.err != nil {
		return nil, r.err
	}
	if sum := checksum(data, sumAt); !bytes.Equal(sum[:], stored) {
		return nil, fmt.Errorf("%w: checksum mismatch: stored %x…, computed %x…", ErrCorrupted, stored[:8], sum[:8])
	}
	return decodeBody(body, want)
}

// decodeBody decodes a version-1 body whose checksum has been verified.
func decodeBody(body []byte, want Expect) (*Snapshot, error) {
	// The body's length is known to be right, so running out of it inside a
	// field is a malformed body, not a truncated file.
	r := newReader(body, ErrMalformed)
	if n := r.arrayLen("body"); r.err == nil && n != bodyFields {
		r.failf(ErrMalformed, "body", "%d fields, want %d", n, bodyFields)
	}
	s := new(Snapshot)
	s.Kind = r.str("kind", MaxStringLen)
	if r.err == nil && s.Kind == "" {
		r.failf(ErrInvalid, "kind", "empty")
	}
	s.Dataset = r.str("dataset", MaxStringLen)
	s.Config = r.str("config", MaxStringLen)
	hash := r.bin("config hash", sha256.Size)
	if sum := sha256.Sum256([]byte(s.Config)); r.err == nil && !bytes.Equal(hash, sum[:]) {
		r.failf(ErrMalformed, "config hash", "does not match the config string")
	}
	s.Seed = r.uint("seed")
	if e := r.uint("epochs"); e <= MaxEpochs {
		s.Epochs = int(e)
	} else {
		r.failf(ErrInvalid, "epochs", "%d, limit %d", e, MaxEpochs)
	}
	s.Build = r.str("build", MaxStringLen)
	if r.err != nil {
		return nil, r.err
	}
	if err := want.check(s); err != nil {
		return nil, err
	}

	n := r.arrayLen("tensors")
	switch {
	case r.err != nil:
	case n > MaxTensors:
		r.failf(ErrOversized, "tensors", "%d tensors, limit %d", n, MaxTensors)
	case n*minTensorBytes > r.rd.Len():
		r.failf(ErrMalformed, "tensors", "%d declared, but only %d bytes remain", n, r.rd.Len())
	case n > 0:
		s.Tensors = make([]Tensor, n)
	}
	for i := range s.Tensors {
		if r.tensor(i, &s.Tensors[i]); r.err != nil {
			break
		}
	}
	if r.err == nil {
		r.err = checkUnique(s.Tensors)
	}
	if p := r.bin("payload", MaxSize); len(p) > 0 {
		s.Payload = bytes.Clone(p)
	}
	if r.err == nil && r.rd.Len() > 0 {
		r.failf(ErrMalformed, "body", "%d unexpected bytes after the payload", r.rd.Len())
	}
	if r.err != nil {
		return nil, r.err
	}
	return s, nil
}

// check compares what a snapshot was made for with what the caller expects.
func (w Expect) check(s *Snapshot) error {
	switch {
	case w.Kind != "" && s.Kind != w.Kind:
		return fmt.Errorf("%w: kind is %q, want %q", ErrMismatch, s.Kind, w.Kind)
	case w.Dataset != "" && s.Dataset != w.Dataset:
		return fmt.Errorf("%w: dataset is %q, want %q", ErrMismatch, s.Dataset, w.Dataset)
	case w.Config != "" && s.Config != w.Config:
		return fmt.Errorf("%w: configuration is %q (sha256 %.12s…), want %q (sha256 %.12s…)",
			ErrMismatch, s.Config, ConfigHash(s.Config), w.Config, ConfigHash(w.Config))
	}
	return nil
}

// tensor decodes tensor i into t, checking each length before allocating.
func (r *reader) tensor(i int, t *Tensor) {
	r.tensorIndex = i
	defer func() { r.tensorIndex = -1 }()
	if n := r.arrayLen("fields"); r.err == nil && n != 3 {
		r.failf(ErrMalformed, "fields", "%d, want 3 (name, shape, data)", n)
	}
	t.Name = r.str("name", MaxNameLen)
	if r.err == nil {
		r.err = checkName(i, t.Name)
	}
	rank := r.arrayLen("shape")
	if r.err == nil && rank > MaxRank {
		r.failf(ErrOversized, "shape", "rank %d, limit %d", rank, MaxRank)
	}
	if r.err != nil {
		return
	}
	if rank > 0 {
		t.Shape = make([]int, rank)
	}
	n := 1
	for j := range t.Shape {
		d := r.uint("dimension")
		if r.err != nil {
			return
		}
		// Clamping keeps the conversion exact and the error the same.
		if r.err = checkDim(i, t.Name, int(min(d, MaxTensorElements+1)), n); r.err != nil {
			return
		}
		t.Shape[j] = int(d)
		n *= int(d)
	}
	b := r.bin("data", 4*MaxTensorElements)
	if r.err == nil && len(b) != 4*n {
		r.failf(ErrInvalid, "data", "%d bytes, but shape %v holds %d float32 (%d bytes)", len(b), t.Shape, n, 4*n)
	}
	if r.err != nil {
		return
	}
	t.Data = make([]float32, n)
	float32sFrom(t.Data, b)
}

// reader decodes msgpack values from a buffer held in memory. Because it knows
// how many bytes remain, every declared length is checked against them (and
// against a bound) before anything is allocated; and it insists on the
// shortest encoding of every header, so that whatever Decode accepts re-encodes
// to the same bytes. The first error sticks: later reads return zero values,
// so a decoding function can check r.err once at its end.
type reader struct {
	buf   []byte
	rd    bytes.Reader
	dec   *msgpack.Decoder
	short error // the error class for running out of data
	err   error

	// tensorIndex is the index of the tensor being decoded, or -1; errors
	// name it, without building a name for every field that decodes fine.
	tensorIndex int
}

func newReader(buf []byte, short error) *reader {
	r := &reader{buf: buf, short: short, tensorIndex: -1}
	r.rd.Reset(buf)
	// bytes.Reader is an io.ByteScanner, so the decoder reads it directly,
	// without a buffer of its own, and r.pos stays exact.
	r.dec = msgpack.NewDecoder(&r.rd)
	return r
}

func (r *reader) pos() int { return len(r.buf) - r.rd.Len() }

func (r *reader) skip(n int) { _, _ = r.rd.Seek(int64(n), io.SeekCurrent) }

func (r *reader) failf(class error, what, format string, args ...any) {
	if r.err != nil {
		return
	}
	if r.tensorIndex >= 0 {
		what = fmt.Sprintf("tensors[%d] %s", r.tensorIndex, what)
	}
	r.err = fmt.Errorf("%w: %s: %s", class, what, fmt.Sprintf(format, args...))
}

// family describes one kind of msgpack header: which codes start it, how to
// read its value (a length, or the integer itself), and how many bytes its
// shortest encoding takes.
type family struct {
	name     string
	accepts  func(c byte) bool
	read     func(d *msgpack.Decoder) (uint64, error)
	shortest func(v uint64) int
}

var (
	arrayHeader = family{"an array",
		func(c byte) bool { return msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32 },
		func(d *msgpack.Decoder) (uint64, error) { n, err := d.DecodeArrayLen(); return uint64(n), err },
		func(v uint64) int { return sizeFor(v, 15, 0, 3, 5) },
	}
	uintHeader = family{"an unsigned integer",
		func(c byte) bool {
			return c <= msgpcode.PosFixedNumHigh || (c >= msgpcode.Uint8 && c <= msgpcode.Uint64)
		},
		func(d *msgpack.Decoder) (uint64, error) { return d.DecodeUint64() },
		func(v uint64) int {
			if v > math.MaxUint32 {
				return 9
			}
			return sizeFor(v, 127, 2, 3, 5)
		},
	}
	strHeader = family{"a string",
		msgpcode.IsString,
		func(d *msgpack.Decoder) (uint64, error) { n, err := d.DecodeBytesLen(); return uint64(n), err },
		func(v uint64) int { return sizeFor(v, 31, 2, 3, 5) },
	}
	binHeader = family{"a bin",
		msgpcode.IsBin,
		func(d *msgpack.Decoder) (uint64, error) { n, err := d.DecodeBytesLen(); return uint64(n), err },
		func(v uint64) int { return sizeFor(v, 0, 2, 3, 5) },
	}
)

// sizeFor is the size of the shortest msgpack header for v, given the largest
// value held in the code byte itself (fixmax, or 0 if none; bin has no fixed
// form) and the sizes of the 8-, 16- and 32-bit forms (size8 0 if none).
func sizeFor(v uint64, fixmax uint64, size8, size16, size32 int) int {
	switch {
	case fixmax > 0 && v <= fixmax:
		return 1
	case size8 > 0 && v <= math.MaxUint8:
		return size8
	case v <= math.MaxUint16:
		return size16
	}
	return size32
}

// header reads one header of family f and returns its value.
func (r *reader) header(what string, f family) uint64 {
	if r.err != nil {
		return 0
	}
	start := r.pos()
	if start == len(r.buf) {
		r.failf(r.short, what, "data ends before it")
		return 0
	}
	if c := r.buf[start]; !f.accepts(c) {
		r.failf(ErrMalformed, what, "msgpack code 0x%02x, want %s", c, f.name)
		return 0
	}
	v, err := f.read(r.dec)
	switch {
	case err != nil: // the code was right, so the data ended inside the header
		r.failf(r.short, what, "data ends inside its header")
	case r.pos()-start != f.shortest(v):
		r.failf(ErrMalformed, what, "non-canonical msgpack encoding of %d", v)
	}
	return v
}

func (r *reader) arrayLen(what string) int { return int(r.header(what, arrayHeader)) }

func (r *reader) uint(what string) uint64 { return r.header(what, uintHeader) }

func (r *reader) str(what string, max int) string { return string(r.raw(what, strHeader, max)) }

func (r *reader) bin(what string, max int) []byte { return r.raw(what, binHeader, max) }

// raw reads a string or bin header and returns the bytes it covers, without
// copying them.
func (r *reader) raw(what string, f family, max int) []byte {
	n := r.header(what, f)
	if r.err != nil {
		return nil
	}
	if left := r.rd.Len(); n > uint64(left) {
		r.failf(r.short, what, "%d bytes declared, %d present", n, left)
		return nil
	}
	if n > uint64(max) {
		r.failf(ErrOversized, what, "%d bytes, limit %d", n, max)
		return nil
	}
	start := r.pos()
	r.skip(int(n))
	return r.buf[start : start+int(n) : start+int(n)]
}
