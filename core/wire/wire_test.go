package wire

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func TestCheckAcceptsWhatMsgpackWrites(t *testing.T) {
	for _, v := range []any{
		nil, true, false, 0, 127, -32, -33, 255, 1 << 15, 1 << 31, int64(-1) << 40, uint64(1) << 63,
		float32(1.5), 2.25, "", "ab", strings.Repeat("x", 40), strings.Repeat("y", 300), strings.Repeat("z", 70000),
		[]byte{1, 2, 3}, make([]byte, 300), make([]byte, 70000),
		[]any{}, []any{1, "a", []any{2.5, nil}}, make([]any, 20), make([]any, 70000),
		map[string]any{"type": "search", "id": 3, "probs": [][]float64{{0.5, 0.5}, {1}}},
		msgpack.RawMessage{0xd4, 1, 2}, // fixext 1
	} {
		b, err := msgpack.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(b, MaxDepth); err != nil {
			t.Errorf("%T %.40v: %v", v, v, err)
		}
	}
	for _, ext := range [][]byte{
		{0xc7, 2, 5, 0, 0}, {0xc8, 0, 1, 5, 0}, {0xc9, 0, 0, 0, 1, 5, 0}, // ext 8/16/32
		{0xd5, 1, 0, 0}, {0xd6, 1, 0, 0, 0, 0}, {0xd7, 1, 0, 0, 0, 0, 0, 0, 0, 0}, {0xd8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	} {
		if err := Check(ext, MaxDepth); err != nil {
			t.Errorf("% x: %v", ext, err)
		}
	}
}

func TestCheckRefuses(t *testing.T) {
	deep := append(bytes.Repeat([]byte{0x91}, MaxDepth+1), 0xc0)
	for _, tt := range []struct {
		name, msg string
		b         []byte
	}{
		{"empty", "ends inside a value", nil},
		{"str 32 claiming 4 GB", "declares 4294967295 bytes", []byte{0xdb, 0xff, 0xff, 0xff, 0xff, 'a'}},
		{"bin 32 claiming 2 GB", "declares 2147483648 bytes", []byte{0xc6, 0x80, 0, 0, 0}},
		{"array 32 of a billion", "declares 1000000000 elements", []byte{0xdd, 0x3b, 0x9a, 0xca, 0x00, 0xc0}},
		{"map 16 short of pairs", "declares 4 elements", []byte{0xde, 0, 2, 0xc0}},
		{"fixstr cut short", "declares 3 bytes", []byte{0xa3, 'a'}},
		{"length cut short", "inside a length", []byte{0xda, 0}},
		{"float cut short", "declares 8 bytes", []byte{0xcb, 0, 0}},
		{"array missing elements", "declares 2 elements", []byte{0x92, 0xc0}},
		{"nested array missing elements", "ends inside a value", []byte{0x92, 0x91, 0xc0}},
		{"reserved byte", "0xc1 starts no", []byte{0x91, 0xc1}},
		{"trailing bytes", "2 bytes follow", []byte{0xc0, 0xc0, 0xc0}},
		{"too deep", "nest more than 32 deep", deep},
		// The message that grew the pooled decoder to 6 GB (see doc.go).
		{"issue 17's message", "declares", []byte("\x82\xa4typ3\f\xc6\x8c\xbb0b\f0\xa4e00\xa400000")},
	} {
		err := Check(tt.b, MaxDepth)
		var we *Error
		if !errors.As(err, &we) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: Check = %v, want an *Error saying %q", tt.name, err, tt.msg)
		}
	}
	if err := Check(deep[1:], MaxDepth); err != nil {
		t.Errorf("nesting exactly %d deep: %v", MaxDepth, err)
	}
}

// A bad message costs no more than its size: the 24-byte message whose
// bin header declares 2.4 GB (40 of them grew a heap to 6.1 GB through
// msgpack's pooled decoder), refused 1,000 times, allocates under 200 KB
// in all (its error messages).
func TestUnmarshalBoundsAllocation(t *testing.T) {
	msg := []byte("\x82\xa4typ3\f\xc6\x8c\xbb0b\f0\xa4e00\xa400000")
	var v map[string]any
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 1000 {
		if Unmarshal(msg, &v) == nil {
			t.Fatal("accepted")
		}
	}
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 200<<10 {
		t.Errorf("1,000 refused messages allocated %d bytes", d)
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, v := range []any{map[string]any{"type": "ping", "id": 1}, []any{1, "a", []float64{0.5}}, "x"} {
		b, _ := msgpack.Marshal(v)
		f.Add(b)
	}
	f.Add([]byte("\x82\xa4typ3\f\xc6\x8c\xbb0b\f0\xa4e00\xa400000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		if err := Unmarshal(b, &v); err != nil {
			return
		}
		// What is accepted re-encodes to a message Check accepts.
		again, err := msgpack.Marshal(v)
		if err != nil {
			t.Fatalf("re-encoding %v: %v", v, err)
		}
		if err := Check(again, MaxDepth); err != nil {
			t.Fatalf("re-encoded % x: %v", again, err)
		}
	})
}
