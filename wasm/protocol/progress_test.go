package protocol

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/wire"
	"github.com/vmihailenco/msgpack/v5"
)

func TestProbsRoundTrip(t *testing.T) {
	in := [][]float64{{0.5, 0.25, 0.25}, {0.1, 0.2, 0.7}}
	var p Progress
	p.Blocks, p.Ops, p.Probs = EncodeProbs(in)
	out, err := p.DecodeProbs()
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		for j := range in[i] {
			if out[i][j] != float64(float32(in[i][j])) {
				t.Errorf("probs[%d][%d] = %v, want %v", i, j, out[i][j], in[i][j])
			}
		}
	}
	p.Probs = p.Probs[:5]
	if _, err := p.DecodeProbs(); err == nil || !strings.Contains(err.Error(), "2×3") {
		t.Errorf("truncated probabilities: err = %v", err)
	}
}

// hwDistExample is a two-decision distribution as the worker sends it.
func hwDistExample() Progress {
	var p Progress
	p.SetHWDist(&report.HWDist{Engine: "reinforce", Decisions: []string{"array.dataflow", "array.gb.K"},
		Options: [][]string{{"os", "ws", "is"}, {"64", "32"}},
		Probs:   [][]float64{{0.5, 0.3, 0.2}, {0.9, 0.1}}, Best: []int{0, 1}})
	return p
}

func TestHWDistRoundTrip(t *testing.T) {
	p := hwDistExample()
	raw, err := msgpack.Marshal(&p)
	if err != nil {
		t.Fatal(err)
	}
	var back Progress
	if err := msgpack.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	d, err := back.DecodeHWDist()
	if err != nil {
		t.Fatal(err)
	}
	f := func(v float32) float64 { return float64(v) } // probabilities travel as float32
	want := &report.HWDist{Engine: "reinforce", Decisions: []string{"array.dataflow", "array.gb.K"},
		Options: [][]string{{"os", "ws", "is"}, {"64", "32"}},
		Probs:   [][]float64{{f(0.5), f(0.3), f(0.2)}, {f(0.9), f(0.1)}}, Best: []int{0, 1}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("DecodeHWDist() = %+v, want %+v", d, want)
	}
	// An event without a distribution decodes to nil, and says so compactly.
	var none Progress
	if d, err := none.DecodeHWDist(); d != nil || err != nil {
		t.Errorf("no distribution: DecodeHWDist() = %+v, %v; want nil, nil", d, err)
	}
	rawNone, _ := msgpack.Marshal(&none)
	if bytes.Contains(rawNone, []byte("hwProbs")) {
		t.Error("an event without a distribution still carries its keys")
	}
	// Without a best design.
	p.HWBest = nil
	if d, err := p.DecodeHWDist(); err != nil || d.Best != nil {
		t.Errorf("no best design: %+v, %v", d, err)
	}
}

func TestHWDistRejects(t *testing.T) {
	f32 := func(vs ...float32) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
		return b
	}
	tests := []struct {
		name   string
		change func(p *Progress)
		want   string
	}{
		{"no rows", func(p *Progress) { p.HWRows = nil }, "0 decisions"},
		{"too many decisions", func(p *Progress) { p.HWRows = make([]int, MaxHWDecisions+1) }, "1025 decisions"},
		{"names", func(p *Progress) { p.HWDecisions = p.HWDecisions[:1] }, "1 decision names for 2 rows"},
		{"empty row", func(p *Progress) { p.HWRows[1] = 0 }, `("array.gb.K") has 0 options`},
		{"huge row", func(p *Progress) { p.HWRows[0] = 1 << 30 }, "accepted 1..256"},
		{"negative row", func(p *Progress) { p.HWRows[0] = -3 }, "-3 options"},
		{"labels", func(p *Progress) { p.HWOptions = p.HWOptions[:4] }, "4 option labels"},
		{"truncated", func(p *Progress) { p.HWProbs = p.HWProbs[:19] }, "19 bytes"},
		{"best count", func(p *Progress) { p.HWBest = []int{0} }, "1 best options for 2 decisions"},
		{"best range", func(p *Progress) { p.HWBest = []int{3, 0} }, "best option 3 outside [0, 3)"},
		{"NaN", func(p *Progress) { p.HWProbs = f32(float32(math.NaN()), 0.5, 0.5, 0.9, 0.1) }, "NaN outside [0, 1]"},
		{"negative", func(p *Progress) { p.HWProbs = f32(-0.5, 1, 0.5, 0.9, 0.1) }, "-0.5 outside"},
		{"sum", func(p *Progress) { p.HWProbs = f32(0.5, 0.3, 0.2, 0.5, 0.1) }, `("array.gb.K"): probabilities sum to 0.6,`},
		{"names only", func(p *Progress) { *p = Progress{HWEngine: "random"} }, "0 decisions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := hwDistExample()
			tt.change(&p)
			d, err := p.DecodeHWDist()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "protocol: ") {
				t.Errorf("DecodeHWDist() = %+v, %v; want an error containing %q", d, err, tt.want)
			}
		})
	}
}

// FuzzDecodeProgress: whatever bytes arrive as a progress message, decoding
// them and their probabilities and distribution errors or succeeds, never
// panics, and a distribution that decodes packs again into one that
// decodes equal.
func FuzzDecodeProgress(f *testing.F) {
	ex := hwDistExample()
	ex.Blocks, ex.Ops, ex.Probs = EncodeProbs([][]float64{{0.5, 0.5}})
	f.Add(mustMarshalF(&ex))
	f.Add(mustMarshalF(&Progress{Type: "progress"}))
	f.Add(mustMarshalF(map[string]any{"hwRows": []int{2}, "hwDecisions": []string{"x"}, "hwOptions": []string{"a"}, "hwProbs": []byte{1, 2, 3}}))
	f.Fuzz(func(t *testing.T, msg []byte) {
		var p Progress
		if wire.Unmarshal(msg, &p) != nil { // as the page decodes them
			return
		}
		p.DecodeProbs()
		d, err := p.DecodeHWDist()
		if err != nil || d == nil {
			return
		}
		var q Progress
		q.SetHWDist(d)
		again, err := q.DecodeHWDist()
		if err != nil || !reflect.DeepEqual(again, d) {
			t.Fatalf("re-packed distribution decodes to %+v, %v; want %+v", again, err, d)
		}
	})
}
