package report

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

var sampleCompact = Compact{Build: "build d55d7f81aecb", Ops: []string{"k3_e1", "skip", "k5_e6"}, MACs: 123456,
	Metrics: Metrics{Accuracy: 0.8583333333333333, FPS: 30680.25, LatencyMs: 0.0326, Energy: 7.237e6, EDP: 343.5,
		DSP: 48, BRAM18: 168, Feasible: true},
	Chunks: []string{"a0q8 1×1 os", "a1q8 4×16 ws"}}

func TestCompactRoundTrip(t *testing.T) {
	s, err := EncodeCompact(sampleCompact)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) > 400 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		t.Errorf("EncodeCompact = %d bytes %q, want short base64url", len(s), s)
	}
	back, err := DecodeCompact(s)
	want := sampleCompact
	want.Version = CompactVersion
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Errorf("DecodeCompact(EncodeCompact(c)) = %+v, %v; want %+v", back, err, want)
	}
}

func TestDecodeCompactErrors(t *testing.T) {
	huge := sampleCompact
	huge.Ops = make([]string, maxCompactOps+1)
	if _, err := EncodeCompact(huge); err == nil {
		t.Errorf("EncodeCompact accepted %d ops", len(huge.Ops))
	}
	future, _ := EncodeCompact(sampleCompact)
	tests := []struct{ in, want string }{
		{"AAAA", "not a compact result"},
		{"a*b", "base64url"},
		{strings.Repeat("A", MaxCompactBytes+1), "more than"},
		{mustCompactVersion(t, 2), "version 2 is not supported"},
		{future[:len(future)/2], "not a compact result"},
	}
	for _, tt := range tests {
		if _, err := DecodeCompact(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("DecodeCompact(%.20q) = %v, want an error with %q", tt.in, err, tt.want)
		}
	}
}

func mustCompactVersion(t *testing.T, v int) string {
	c := sampleCompact
	c.Version = v
	b, err := msgpack.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return encodeRaw(b)
}

func FuzzDecodeCompact(f *testing.F) {
	s, _ := EncodeCompact(sampleCompact)
	f.Add(s)
	f.Add("")
	f.Add("gaF2AQ")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := DecodeCompact(s)
		if err != nil {
			return
		}
		again, err := EncodeCompact(c)
		if err != nil {
			t.Fatalf("a decoded compact result does not encode: %v", err)
		}
		back, err := DecodeCompact(again)
		if err != nil || !reflect.DeepEqual(back, c) {
			t.Fatalf("decode∘encode changed %+v into %+v (%v)", c, back, err)
		}
	})
}

func encodeRaw(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
