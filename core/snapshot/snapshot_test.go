package snapshot_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/snapshot"
	"github.com/vmihailenco/msgpack/v5"
)

// The helpers below build files from the format described in doc.go with the
// msgpack library and crypto/sha256 directly, independently of Encode, so the
// tests check the documented format and not just that Decode undoes Encode.

// pack is the msgpack encoding of v, with the shortest integer forms.
func pack(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := msgpack.NewEncoder(&buf)
	e.UseCompactInts(true)
	if err := e.Encode(v); err != nil {
		t.Fatalf("pack(%v): %v", v, err)
	}
	return buf.Bytes()
}

// seal wraps a body in the envelope: [magic, version, checksum, body], the
// checksum being SHA-256 of the file without its 32 bytes.
func seal(t testing.TB, version uint64, body []byte) []byte {
	t.Helper()
	zero := make([]byte, sha256.Size)
	file := pack(t, []any{snapshot.Magic, version, zero, body})
	at := bytes.Index(file, zero) // the first 32 zero bytes are the checksum
	h := sha256.New()
	h.Write(file[:at])
	h.Write(file[at+sha256.Size:])
	copy(file[at:], h.Sum(nil))
	return file
}

// le is the little-endian float32 encoding of xs.
func le(xs ...float32) []byte {
	b := make([]byte, 0, 4*len(xs))
	for _, x := range xs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func hashOf(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// small is a snapshot with a scalar, a vector and a 4-D tensor, and fields is
// its version-1 body, field by field.
var small = snapshot.Snapshot{
	Kind:    snapshot.KindSupernet,
	Dataset: "mnist14",
	Config:  "blocks=4&ops=fbnet",
	Seed:    300,
	Epochs:  5,
	Build:   "dian test",
	Tensors: []snapshot.Tensor{
		{Name: "scale", Shape: nil, Data: []float32{0.5}},
		{Name: "stem.bn.mean", Shape: []int{3}, Data: []float32{1, -2, 3.25}},
		{Name: "stem.conv.w", Shape: []int{3, 1, 1, 2}, Data: []float32{1, 2, 3, 4, 5, 6}},
	},
	Payload: []byte{0x91, 0x01}, // msgpack [1]
}

func smallFields() []any {
	return []any{
		"supernet", "mnist14", "blocks=4&ops=fbnet", hashOf("blocks=4&ops=fbnet"),
		uint64(300), 5, "dian test",
		[]any{
			[]any{"scale", []int{}, le(0.5)},
			[]any{"stem.bn.mean", []int{3}, le(1, -2, 3.25)},
			[]any{"stem.conv.w", []int{3, 1, 1, 2}, le(1, 2, 3, 4, 5, 6)},
		},
		[]byte{0x91, 0x01},
	}
}

// with returns smallFields with field i replaced by v.
func with(i int, v any) []any {
	f := smallFields()
	f[i] = v
	return f
}

// TestFormat checks Encode and Decode against a file built from the
// documented format.
func TestFormat(t *testing.T) {
	file := seal(t, snapshot.Version, pack(t, smallFields()))
	got, err := snapshot.Encode(&small)
	if err != nil {
		t.Fatalf("Encode(small): %v", err)
	}
	if !bytes.Equal(got, file) {
		t.Errorf("Encode(small) =\n% x\nwant\n% x", got, file)
	}
	s, err := snapshot.Decode(file, snapshot.Expect{})
	if err != nil {
		t.Fatalf("Decode(file): %v", err)
	}
	assertEqual(t, s, &small)
}

// assertEqual compares snapshots, float32 values bit for bit.
func assertEqual(t *testing.T, got, want *snapshot.Snapshot) {
	t.Helper()
	if got.Kind != want.Kind || got.Dataset != want.Dataset || got.Config != want.Config ||
		got.Seed != want.Seed || got.Epochs != want.Epochs || got.Build != want.Build {
		t.Errorf("header = %q %q %q %d %d %q, want %q %q %q %d %d %q",
			got.Kind, got.Dataset, got.Config, got.Seed, got.Epochs, got.Build,
			want.Kind, want.Dataset, want.Config, want.Seed, want.Epochs, want.Build)
	}
	if !bytes.Equal(got.Payload, want.Payload) {
		t.Errorf("payload = %x, want %x", got.Payload, want.Payload)
	}
	if len(got.Tensors) != len(want.Tensors) {
		t.Fatalf("%d tensors, want %d", len(got.Tensors), len(want.Tensors))
	}
	for i, g := range got.Tensors {
		w := want.Tensors[i]
		if g.Name != w.Name || !slices.Equal(g.Shape, w.Shape) || len(g.Data) != len(w.Data) {
			t.Errorf("tensors[%d] = %q %v (%d values), want %q %v (%d values)",
				i, g.Name, g.Shape, len(g.Data), w.Name, w.Shape, len(w.Data))
			continue
		}
		for j := range g.Data {
			if math.Float32bits(g.Data[j]) != math.Float32bits(w.Data[j]) {
				t.Errorf("tensors[%d] %q data[%d] = %v, want %v", i, g.Name, j, g.Data[j], w.Data[j])
				break
			}
		}
	}
}

// randomSnapshot has n tensors of random shapes and values, including the
// float32 values that are easiest to mangle: ±0, ±Inf, NaN payloads,
// subnormals.
func randomSnapshot(seed uint64, n int) *snapshot.Snapshot {
	rng := rand.New(rand.NewPCG(seed, 1))
	special := []float32{
		0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00001), math.Float32frombits(0xffbfffff), // quiet and signalling NaN
		math.SmallestNonzeroFloat32, -math.MaxFloat32,
	}
	s := &snapshot.Snapshot{
		Kind: snapshot.KindSearchState, Dataset: "fashion28", Config: "v=1&dataset=fashion28",
		Seed: rng.Uint64(), Epochs: rng.IntN(100), Build: "dian v0.1.0",
		Payload: []byte("opaque state"),
	}
	for i := range n {
		shape := make([]int, rng.IntN(snapshot.MaxRank+1))
		size := 1
		for j := range shape {
			shape[j] = 1 + rng.IntN(4)
			size *= shape[j]
		}
		data := make([]float32, size)
		for j := range data {
			if rng.IntN(4) == 0 {
				data[j] = special[rng.IntN(len(special))]
			} else {
				data[j] = float32(rng.NormFloat64())
			}
		}
		if len(shape) == 0 {
			shape = nil
		}
		s.Tensors = append(s.Tensors, snapshot.Tensor{Name: "t" + strings.Repeat("x", i), Shape: shape, Data: data})
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	for seed := range uint64(5) {
		s := randomSnapshot(seed, int(seed)*7)
		if seed == 0 {
			s.Payload = nil
		}
		b, err := snapshot.Encode(s)
		if err != nil {
			t.Fatalf("seed %d: Encode: %v", seed, err)
		}
		got, err := snapshot.Decode(b, snapshot.Expect{Kind: s.Kind, Dataset: s.Dataset, Config: s.Config})
		if err != nil {
			t.Fatalf("seed %d: Decode: %v", seed, err)
		}
		assertEqual(t, got, s)
		again, err := snapshot.Encode(got)
		if err != nil {
			t.Fatalf("seed %d: Encode(Decode(b)): %v", seed, err)
		}
		if !bytes.Equal(again, b) {
			t.Errorf("seed %d: Encode(Decode(b)) differs from b", seed)
		}
	}
}

// TestDecodeCopies checks that the decoded snapshot does not alias the input.
func TestDecodeCopies(t *testing.T) {
	b, err := snapshot.Encode(&small)
	if err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Decode(b, snapshot.Expect{})
	if err != nil {
		t.Fatal(err)
	}
	clear(b)
	assertEqual(t, s, &small)
}

func TestEmptyPayloadIsCanonical(t *testing.T) {
	a, b := small, small
	a.Payload, b.Payload = nil, []byte{}
	ea, err1 := snapshot.Encode(&a)
	eb, err2 := snapshot.Encode(&b)
	if err1 != nil || err2 != nil || !bytes.Equal(ea, eb) {
		t.Errorf("Encode with nil and empty payload: %v, %v, equal %v", err1, err2, bytes.Equal(ea, eb))
	}
}

// decodeErrorTests: each class of bad input, the sentinel it must match and
// a piece of the message that says what is wrong.
func decodeErrorTests(t testing.TB) []struct {
	name string
	data []byte
	want snapshot.Expect
	is   error
	text string
} {
	valid := seal(t, 1, pack(t, smallFields()))
	body := pack(t, smallFields())
	flip := func(at int) []byte {
		b := bytes.Clone(valid)
		b[at] ^= 0x10
		return b
	}
	sealed := func(fields []any) []byte { return seal(t, 1, pack(t, fields)) }
	tensor := func(name string, shape any, data any) []any {
		return with(7, []any{[]any{name, shape, data}})
	}
	long := strings.Repeat("n", snapshot.MaxNameLen+1)
	raw := func(b ...byte) msgpack.RawMessage { return b }

	return []struct {
		name string
		data []byte
		want snapshot.Expect
		is   error
		text string
	}{
		// Truncated: every prefix class.
		{"empty", nil, snapshot.Expect{}, snapshot.ErrTruncated, "0 bytes, shorter than the magic"},
		{"half magic", valid[:5], snapshot.Expect{}, snapshot.ErrTruncated, "5 bytes, shorter than the magic"},
		{"no version", valid[:10], snapshot.Expect{}, snapshot.ErrTruncated, "format version: data ends before it"},
		{"in checksum", valid[:20], snapshot.Expect{}, snapshot.ErrTruncated, "checksum: 32 bytes declared, 7 present"},
		{"in body header", valid[:46], snapshot.Expect{}, snapshot.ErrTruncated, "body: data ends inside its header"},
		{"last byte missing", valid[:len(valid)-1], snapshot.Expect{}, snapshot.ErrTruncated,
			"body: " + strconv.Itoa(len(body)) + " bytes declared, " + strconv.Itoa(len(body)-1) + " present"},

		// Corrupted: one flipped bit anywhere the framing survives.
		{"flipped tensor bit", flip(len(valid) - 5), snapshot.Expect{}, snapshot.ErrCorrupted, "checksum mismatch"},
		{"flipped kind bit", flip(49), snapshot.Expect{}, snapshot.ErrCorrupted, "checksum mismatch"},
		{"flipped checksum bit", flip(20), snapshot.Expect{}, snapshot.ErrCorrupted, "checksum mismatch"},

		// Oversized, before anything is read.
		{"too big", make([]byte, snapshot.MaxSize+1), snapshot.Expect{}, snapshot.ErrOversized,
			"67108865 bytes, limit 67108864"},

		// Not a snapshot.
		{"json", []byte(`{"kind": "supernet"}`), snapshot.Expect{}, snapshot.ErrNotSnapshot, `starts with "{\"kind\": \""`},
		{"other magic", pack(t, []any{"DIANSNAQ", 1}), snapshot.Expect{}, snapshot.ErrNotSnapshot, `want "\x94\xa8DIANSNAP"`},

		// Versions.
		{"version 2", seal(t, 2, body), snapshot.Expect{}, snapshot.ErrVersion,
			"unsupported format version 2; this build reads version 1"},
		{"version 0", seal(t, 0, body), snapshot.Expect{}, snapshot.ErrVersion, "version 0; this build reads version 1"},

		// Made for something else.
		{"kind", valid, snapshot.Expect{Kind: snapshot.KindSearchResult}, snapshot.ErrMismatch,
			`kind is "supernet", want "search-result"`},
		{"dataset", valid, snapshot.Expect{Kind: "supernet", Dataset: "fashion14"}, snapshot.ErrMismatch,
			`dataset is "mnist14", want "fashion14"`},
		{"config", valid, snapshot.Expect{Dataset: "mnist14", Config: "blocks=5&ops=fbnet"}, snapshot.ErrMismatch,
			`configuration is "blocks=4&ops=fbnet" (sha256 ` + snapshot.ConfigHash("blocks=4&ops=fbnet")[:12] +
				`…), want "blocks=5&ops=fbnet" (sha256 ` + snapshot.ConfigHash("blocks=5&ops=fbnet")[:12] + "…)"},

		// Framing that Encode never writes.
		{"trailing byte", append(bytes.Clone(valid), 0), snapshot.Expect{}, snapshot.ErrMalformed,
			"file: 1 unexpected bytes after the body"},
		{"short checksum", pack(t, []any{"DIANSNAP", 1, make([]byte, 31), body}), snapshot.Expect{}, snapshot.ErrMalformed,
			"checksum: 31 bytes, want 32"},
		{"version as string", pack(t, []any{"DIANSNAP", "1", make([]byte, 32), body}), snapshot.Expect{}, snapshot.ErrMalformed,
			"format version: msgpack code 0xa1, want an unsigned integer"},

		// Bodies with a valid checksum that break the body's rules.
		{"body not an array", seal(t, 1, pack(t, "body")), snapshot.Expect{}, snapshot.ErrMalformed,
			"body: msgpack code 0xa4, want an array"},
		{"8 fields", sealed(smallFields()[:8]), snapshot.Expect{}, snapshot.ErrMalformed, "body: 8 fields, want 9"},
		{"kind is a number", sealed(with(0, 7)), snapshot.Expect{}, snapshot.ErrMalformed,
			"kind: msgpack code 0x07, want a string"},
		{"empty kind", sealed(with(0, "")), snapshot.Expect{}, snapshot.ErrInvalid, "kind: empty"},
		{"long dataset", sealed(with(1, strings.Repeat("d", snapshot.MaxStringLen+1))), snapshot.Expect{},
			snapshot.ErrOversized, "dataset: 4097 bytes, limit 4096"},
		{"wrong config hash", sealed(with(3, hashOf("other"))), snapshot.Expect{}, snapshot.ErrMalformed,
			"config hash: does not match the config string"},
		{"negative seed", sealed(with(4, -1)), snapshot.Expect{}, snapshot.ErrMalformed,
			"seed: msgpack code 0xff, want an unsigned integer"},
		{"non-canonical seed", sealed(with(4, raw(0xcf, 0, 0, 0, 0, 0, 0, 1, 0x2c))), snapshot.Expect{},
			snapshot.ErrMalformed, "seed: non-canonical msgpack encoding of 300"},
		{"epochs too large", sealed(with(5, uint64(1)<<40)), snapshot.Expect{}, snapshot.ErrInvalid,
			"epochs: 1099511627776, limit 2147483647"},
		{"too many tensors", sealed(with(7, raw(0xdc, 0x10, 0x01))), snapshot.Expect{}, snapshot.ErrOversized,
			"tensors: 4097 tensors, limit 4096"},
		{"tensor count beyond the body", sealed(with(7, raw(0xdc, 0x01, 0x00))), snapshot.Expect{}, snapshot.ErrMalformed,
			"tensors: 256 declared, but only 4 bytes remain"},
		{"tensor with 2 fields", sealed(with(7, []any{[]any{"weights", []int{1}}})), snapshot.Expect{}, snapshot.ErrMalformed,
			"tensors[0] fields: 2, want 3 (name, shape, data)"},
		{"empty name", sealed(tensor("", []int{1}, le(1))), snapshot.Expect{}, snapshot.ErrInvalid,
			"tensors[0] name: empty"},
		{"long name", sealed(tensor(long, []int{1}, le(1))), snapshot.Expect{}, snapshot.ErrOversized,
			"tensors[0] name: 257 bytes, limit 256"},
		{"rank 9", sealed(tensor("w", []int{1, 1, 1, 1, 1, 1, 1, 1, 1}, le(1))), snapshot.Expect{}, snapshot.ErrOversized,
			"tensors[0] shape: rank 9, limit 8"},
		{"dimension 0", sealed(tensor("w", []int{2, 0}, le())), snapshot.Expect{}, snapshot.ErrInvalid,
			`tensors[0] "w" shape: dimension 0, want ≥ 1`},
		{"too many values", sealed(tensor("w", []int{1 << 16, 1 << 16}, le())), snapshot.Expect{}, snapshot.ErrOversized,
			`tensors[0] "w" shape: more than 16777216 values`},
		{"data too short", sealed(tensor("w", []int{3}, le(1, 2))), snapshot.Expect{}, snapshot.ErrInvalid,
			"tensors[0] data: 8 bytes, but shape [3] holds 3 float32 (12 bytes)"},
		{"data as array", sealed(tensor("w", []int{1}, []float32{1})), snapshot.Expect{}, snapshot.ErrMalformed,
			"tensors[0] data: msgpack code 0x91, want a bin"},
		{"data beyond the body", sealed(tensor("w", []int{1}, raw(0xc5, 0x10, 0x00))), snapshot.Expect{}, snapshot.ErrMalformed,
			"tensors[0] data: 4096 bytes declared, 4 present"},
		{"duplicate names", sealed(with(7, []any{[]any{"w", []int{1}, le(1)}, []any{"w", []int{1}, le(2)}})),
			snapshot.Expect{}, snapshot.ErrInvalid, `tensor name "w" used twice`},
		{"payload as string", sealed(with(8, "state")), snapshot.Expect{}, snapshot.ErrMalformed,
			"payload: msgpack code 0xa5, want a bin"},
		{"bytes after the payload", seal(t, 1, append(pack(t, smallFields()), 0xc0)), snapshot.Expect{},
			snapshot.ErrMalformed, "body: 1 unexpected bytes after the payload"},
		{"body ends early", seal(t, 1, pack(t, smallFields())[:20]), snapshot.Expect{}, snapshot.ErrMalformed,
			"config: 18 bytes declared, 1 present"},
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range decodeErrorTests(t) {
		s, err := snapshot.Decode(tt.data, tt.want)
		if err == nil {
			t.Errorf("%s: Decode = %v, nil; want an error", tt.name, s)
			continue
		}
		if s != nil {
			t.Errorf("%s: Decode returned a snapshot with its error %v", tt.name, err)
		}
		if !errors.Is(err, tt.is) {
			t.Errorf("%s: Decode error %q is not %q", tt.name, err, tt.is)
		}
		if !strings.Contains(err.Error(), tt.text) {
			t.Errorf("%s: Decode error %q does not say %q", tt.name, err, tt.text)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	tensors := func(ts ...snapshot.Tensor) snapshot.Snapshot {
		s := small
		s.Tensors = ts
		return s
	}
	many := make([]snapshot.Tensor, snapshot.MaxTensors+1)
	for i := range many {
		many[i] = snapshot.Tensor{Name: strconv.Itoa(i), Data: []float32{0}}
	}
	noKind, negEpochs, longConfig := small, small, small
	noKind.Kind = ""
	negEpochs.Epochs = -1
	longConfig.Config = strings.Repeat("c", snapshot.MaxStringLen+1)
	bigPayload := small
	bigPayload.Payload = make([]byte, snapshot.MaxSize)

	tests := []struct {
		name string
		s    snapshot.Snapshot
		is   error
		text string
	}{
		{"no kind", noKind, snapshot.ErrInvalid, "kind: empty"},
		{"negative epochs", negEpochs, snapshot.ErrInvalid, "epochs: -1 outside [0, 2147483647]"},
		{"long config", longConfig, snapshot.ErrOversized, "config: 4097 bytes, limit 4096"},
		{"big payload", bigPayload, snapshot.ErrOversized, "limit 67108864"},
		{"too many tensors", tensors(many...), snapshot.ErrOversized, "4097 tensors, limit 4096"},
		{"empty name", tensors(snapshot.Tensor{Data: []float32{1}}), snapshot.ErrInvalid, "tensors[0] name: empty"},
		{"rank 9", tensors(snapshot.Tensor{Name: "w", Shape: make([]int, 9)}), snapshot.ErrOversized,
			"tensors[0] shape: rank 9, limit 8"},
		{"dimension 0", tensors(snapshot.Tensor{Name: "w", Shape: []int{0}}), snapshot.ErrInvalid,
			`tensors[0] "w" shape: dimension 0, want ≥ 1`},
		{"negative dimension", tensors(snapshot.Tensor{Name: "w", Shape: []int{-2, -2}, Data: make([]float32, 4)}),
			snapshot.ErrInvalid, `dimension -2, want ≥ 1`},
		{"shape and data disagree", tensors(snapshot.Tensor{Name: "w", Shape: []int{2, 2}, Data: make([]float32, 3)}),
			snapshot.ErrInvalid, "tensors[0] data: 3 float32, but shape [2 2] holds 4"},
		{"duplicate", tensors(snapshot.Tensor{Name: "w", Data: []float32{1}}, snapshot.Tensor{Name: "w", Data: []float32{2}}),
			snapshot.ErrInvalid, `tensor name "w" used twice`},
	}
	for _, tt := range tests {
		b, err := snapshot.Encode(&tt.s)
		if err == nil {
			t.Errorf("%s: Encode = %d bytes, nil; want an error", tt.name, len(b))
			continue
		}
		if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.text) {
			t.Errorf("%s: Encode error %q, want %q containing %q", tt.name, err, tt.is, tt.text)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name  string
		shape []int
		want  []float32
		text  string
	}{
		{"scale", nil, []float32{0.5}, ""},
		{"stem.bn.mean", []int{3}, []float32{1, -2, 3.25}, ""},
		{"stem.bn.mean", []int{1, 3}, nil, `tensor "stem.bn.mean" has shape [3], want [1 3]`},
		{"stem.bn.var", []int{3}, nil, `no tensor "stem.bn.var" among 3 tensors`},
	}
	for _, tt := range tests {
		got, err := small.Lookup(tt.name, tt.shape...)
		switch {
		case tt.text == "" && (err != nil || !slices.Equal(got, tt.want)):
			t.Errorf("Lookup(%q, %v) = %v, %v; want %v", tt.name, tt.shape, got, err, tt.want)
		case tt.text != "" && (err == nil || !errors.Is(err, snapshot.ErrMismatch) || !strings.Contains(err.Error(), tt.text)):
			t.Errorf("Lookup(%q, %v) error = %v; want ErrMismatch saying %q", tt.name, tt.shape, err, tt.text)
		}
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	b, err := snapshot.Encode(&small)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "mnist14.msgpack")
	bad := filepath.Join(dir, "cut.msgpack")
	if err := os.WriteFile(good, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, b[:len(b)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.ReadFile(good, snapshot.Expect{Kind: "supernet", Dataset: "mnist14"})
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", good, err)
	}
	assertEqual(t, s, &small)

	_, err = snapshot.ReadFile(bad, snapshot.Expect{})
	if !errors.Is(err, snapshot.ErrTruncated) || !strings.HasPrefix(err.Error(), bad+": snapshot: truncated") {
		t.Errorf("ReadFile(cut file) error = %v, want it to name the file and say truncated", err)
	}
	if _, err := snapshot.ReadFile(filepath.Join(dir, "missing"), snapshot.Expect{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile(missing) error = %v, want os.ErrNotExist", err)
	}
}
