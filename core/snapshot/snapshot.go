package snapshot

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/vmihailenco/msgpack/v5"
)

// Magic opens every snapshot; Version is the format version this build writes
// and the only one it reads.
const (
	Magic   = "DIANSNAP"
	Version = 1
)

// Kinds of snapshot used by DIAN. The container accepts any non-empty kind.
const (
	KindSupernet     = "supernet"      // warmed-up supernet weights
	KindSearchState  = "search-state"  // a search that can be resumed
	KindSearchResult = "search-result" // a finished search
)

// Bounds on what Encode writes and Decode accepts. Decode checks each one
// before it allocates anything sized by the input.
const (
	MaxSize           = 64 << 20      // bytes in an encoded snapshot
	MaxStringLen      = 4096          // bytes in Kind, Dataset, Config, Build
	MaxTensors        = 4096          // tensors in a snapshot
	MaxNameLen        = 256           // bytes in a tensor name
	MaxRank           = 8             // dimensions of a tensor
	MaxTensorElements = MaxSize / 4   // float32 values in one tensor
	MaxEpochs         = math.MaxInt32 // largest Epochs value
)

// Errors returned by Decode, ReadFile, Encode and Lookup wrap one of these, so
// callers can tell the classes apart with errors.Is. ErrMalformed is a msgpack
// structure Encode would never write; ErrInvalid is content that breaks a rule
// of Snapshot or Tensor; ErrMismatch is a valid snapshot made for another
// kind, dataset or configuration than Expect names (or, from Lookup, a missing
// tensor or another shape).
var (
	ErrNotSnapshot = errors.New("snapshot: not a DIAN snapshot (wrong magic)")
	ErrTruncated   = errors.New("snapshot: truncated")
	ErrCorrupted   = errors.New("snapshot: corrupted")
	ErrOversized   = errors.New("snapshot: oversized")
	ErrVersion     = errors.New("snapshot: unsupported format version")
	ErrMalformed   = errors.New("snapshot: malformed")
	ErrMismatch    = errors.New("snapshot: does not match")
	ErrInvalid     = errors.New("snapshot: invalid") // breaks a rule of Snapshot or Tensor (empty name, ...)
)

// Snapshot is the decoded content of a snapshot file.
type Snapshot struct {
	Kind    string // what this is: KindSupernet, KindSearchState, ...; must not be empty
	Dataset string // dataset key the weights were trained on, e.g. "mnist14"

	// Config is the canonical string of the configuration the tensors belong
	// to, e.g. the share fragment keys that shape the supernet. The file also
	// records its hash (ConfigHash), so a loader can refuse a snapshot made for
	// another configuration.
	Config string

	Seed   uint64 // seed of the run that produced the snapshot
	Epochs int    // training epochs done (warm-up epochs for a supernet), 0..MaxEpochs

	// Build names the producing build. It is part of the bytes: keep it stable
	// (a release version, not a commit hash) if regenerated files must match.
	Build string

	Tensors []Tensor // in the producer's order; names are unique
	Payload []byte   // opaque msgpack owned by the producer; empty decodes as nil
}

// Tensor is a named, row-major float32 array: the value at index (i0, i1, ...)
// is Data[((i0*Shape[1] + i1)*Shape[2] + ...)]. A scalar has an empty (nil)
// Shape and one value. Batch-norm running statistics are tensors like any other.
type Tensor struct {
	Name  string
	Shape []int // each dimension ≥ 1, at most MaxRank of them
	Data  []float32
}

// Expect names what a loader is prepared to accept. An empty field accepts
// anything; set every field you rely on.
type Expect struct {
	Kind    string
	Dataset string
	Config  string // compared with Snapshot.Config, reported with both hashes
}

// ConfigHash returns the hex SHA-256 of a configuration string, the hash a
// snapshot records beside its Config.
func ConfigHash(config string) string {
	sum := sha256.Sum256([]byte(config))
	return hex.EncodeToString(sum[:])
}

// Lookup returns the data of the tensor with the given name after checking
// that its shape is exactly shape; a loader calls it once per parameter.
func (s *Snapshot) Lookup(name string, shape ...int) ([]float32, error) {
	for i := range s.Tensors {
		t := &s.Tensors[i]
		if t.Name != name {
			continue
		}
		if !slices.Equal(t.Shape, shape) {
			return nil, fmt.Errorf("%w: tensor %q has shape %v, want %v", ErrMismatch, name, t.Shape, shape)
		}
		return t.Data, nil
	}
	return nil, fmt.Errorf("%w: no tensor %q among %d tensors", ErrMismatch, name, len(s.Tensors))
}

// ReadFile reads and decodes the snapshot in the named file. It refuses a
// file larger than MaxSize before reading it, and every error names the file.
func ReadFile(name string, want Expect) (*Snapshot, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if fi.Size() > MaxSize {
		return nil, fmt.Errorf("%s: %w: %d bytes, limit %d", name, ErrOversized, fi.Size(), MaxSize)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	s, err := Decode(data, want)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// Encode returns the canonical encoding of s: the same snapshot always gives
// the same bytes, on every platform. It refuses (ErrInvalid, ErrOversized) a
// snapshot that Decode would refuse.
func Encode(s *Snapshot) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	body, err := encodeBody(s)
	if err != nil {
		return nil, err
	}
	w := &appendWriter{b: make([]byte, 0, len(body)+64)}
	e := msgpack.NewEncoder(w)
	// appendWriter never fails, so neither do these calls.
	_ = e.EncodeArrayLen(4)
	_ = e.EncodeString(Magic)
	_ = e.EncodeUint(Version)
	_ = e.EncodeBytesLen(sha256.Size)
	sumAt := len(w.b)
	w.b = append(w.b, make([]byte, sha256.Size)...)
	_ = e.EncodeBytes(body)
	if len(w.b) > MaxSize {
		return nil, fmt.Errorf("%w: encoding is %d bytes, limit %d", ErrOversized, len(w.b), MaxSize)
	}
	sum := checksum(w.b, sumAt)
	copy(w.b[sumAt:], sum[:])
	return w.b, nil
}

// encodeBody writes the version-1 body; see the package documentation.
func encodeBody(s *Snapshot) ([]byte, error) {
	size := 128 + len(s.Kind) + len(s.Dataset) + len(s.Config) + len(s.Build) + len(s.Payload)
	for _, t := range s.Tensors {
		size += 16 + len(t.Name) + 9*len(t.Shape) + 4*len(t.Data)
	}
	if size > 2*MaxSize { // hopeless; do not allocate it
		return nil, fmt.Errorf("%w: about %d bytes, limit %d", ErrOversized, size, MaxSize)
	}
	w := &appendWriter{b: make([]byte, 0, size)}
	e := msgpack.NewEncoder(w)
	hash := sha256.Sum256([]byte(s.Config))
	// appendWriter never fails, so neither do these calls.
	_ = e.EncodeArrayLen(9)
	_ = e.EncodeString(s.Kind)
	_ = e.EncodeString(s.Dataset)
	_ = e.EncodeString(s.Config)
	_ = e.EncodeBytes(hash[:])
	_ = e.EncodeUint(s.Seed)
	_ = e.EncodeUint(uint64(s.Epochs))
	_ = e.EncodeString(s.Build)
	_ = e.EncodeArrayLen(len(s.Tensors))
	for _, t := range s.Tensors {
		_ = e.EncodeArrayLen(3)
		_ = e.EncodeString(t.Name)
		_ = e.EncodeArrayLen(len(t.Shape))
		for _, d := range t.Shape {
			_ = e.EncodeUint(uint64(d))
		}
		_ = e.EncodeBytesLen(4 * len(t.Data))
		w.b = appendFloat32s(w.b, t.Data)
	}
	_ = e.EncodeBytesLen(len(s.Payload))
	w.b = append(w.b, s.Payload...)
	return w.b, nil
}

// check applies the rules Decode enforces, so that Encode never writes a file
// Decode refuses.
func (s *Snapshot) check() error {
	if s.Kind == "" {
		return fmt.Errorf("%w: kind: empty", ErrInvalid)
	}
	for _, f := range [...]struct{ name, v string }{
		{"kind", s.Kind}, {"dataset", s.Dataset}, {"config", s.Config}, {"build", s.Build},
	} {
		if len(f.v) > MaxStringLen {
			return fmt.Errorf("%w: %s: %d bytes, limit %d", ErrOversized, f.name, len(f.v), MaxStringLen)
		}
	}
	if s.Epochs < 0 || s.Epochs > MaxEpochs {
		return fmt.Errorf("%w: epochs: %d outside [0, %d]", ErrInvalid, s.Epochs, MaxEpochs)
	}
	if len(s.Tensors) > MaxTensors {
		return fmt.Errorf("%w: %d tensors, limit %d", ErrOversized, len(s.Tensors), MaxTensors)
	}
	for i, t := range s.Tensors {
		if err := checkName(i, t.Name); err != nil {
			return err
		}
		if len(t.Shape) > MaxRank {
			return fmt.Errorf("%w: tensors[%d] shape: rank %d, limit %d", ErrOversized, i, len(t.Shape), MaxRank)
		}
		n := 1
		for _, d := range t.Shape {
			if err := checkDim(i, t.Name, d, n); err != nil {
				return err
			}
			n *= d
		}
		if len(t.Data) != n {
			return fmt.Errorf("%w: tensors[%d] data: %d float32, but shape %v holds %d",
				ErrInvalid, i, len(t.Data), t.Shape, n)
		}
	}
	return checkUnique(s.Tensors)
}

// checkName applies the rules for the name of tensor i.
func checkName(i int, name string) error {
	if name == "" {
		return fmt.Errorf("%w: tensors[%d] name: empty", ErrInvalid, i)
	}
	if len(name) > MaxNameLen {
		return fmt.Errorf("%w: tensors[%d] name: %d bytes, limit %d", ErrOversized, i, len(name), MaxNameLen)
	}
	return nil
}

// checkDim checks one dimension d of tensor i, given the product n of the
// dimensions before it.
func checkDim(i int, name string, d, n int) error {
	if d < 1 {
		return fmt.Errorf("%w: tensors[%d] %q shape: dimension %d, want ≥ 1", ErrInvalid, i, name, d)
	}
	if d > MaxTensorElements || n*d > MaxTensorElements { // n ≤ MaxTensorElements, so n*d cannot overflow
		return fmt.Errorf("%w: tensors[%d] %q shape: more than %d values", ErrOversized, i, name, MaxTensorElements)
	}
	return nil
}

// checkUnique reports the first tensor name used twice.
func checkUnique(ts []Tensor) error {
	names := make([]string, len(ts))
	for i := range ts {
		names[i] = ts[i].Name
	}
	slices.Sort(names)
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			return fmt.Errorf("%w: tensor name %q used twice", ErrInvalid, names[i])
		}
	}
	return nil
}

// checksum is the SHA-256 of data with the 32 bytes at sumAt left out.
func checksum(data []byte, sumAt int) [sha256.Size]byte {
	h := sha256.New()
	h.Write(data[:sumAt])
	h.Write(data[sumAt+sha256.Size:])
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// appendFloat32s appends the little-endian bytes of x to b.
func appendFloat32s(b []byte, x []float32) []byte {
	n := len(b)
	b = slices.Grow(b, 4*len(x))[:n+4*len(x)]
	dst := b[n:]
	for i, v := range x {
		binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(v))
	}
	return b
}

// float32sFrom decodes little-endian float32 values from b, which holds
// exactly 4*len(dst) bytes. The explicit byte order keeps it portable.
func float32sFrom(dst []float32, b []byte) {
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

// appendWriter is an io.Writer (and io.ByteWriter, so msgpack writes to it
// directly) that appends to a slice.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

func (w *appendWriter) WriteByte(c byte) error {
	w.b = append(w.b, c)
	return nil
}
