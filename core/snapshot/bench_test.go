package snapshot_test

import (
	"testing"

	"github.com/dian-explorer/dian/core/snapshot"
)

// The benchmarks report MB/s of encoded snapshot (b.SetBytes).

func BenchmarkEncode1MB(b *testing.B) {
	s := sample1MB()
	enc, err := snapshot.Encode(s)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := snapshot.Encode(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode1MB(b *testing.B) {
	enc, err := snapshot.Encode(sample1MB())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := snapshot.Decode(enc, snapshot.Expect{Kind: snapshot.KindSupernet}); err != nil {
			b.Fatal(err)
		}
	}
}
