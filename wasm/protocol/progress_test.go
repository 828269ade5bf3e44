package protocol

import (
	"strings"
	"testing"
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
			if out[i][j] != float32(in[i][j]) {
				t.Errorf("probs[%d][%d] = %v, want %v", i, j, out[i][j], in[i][j])
			}
		}
	}
	p.Probs = p.Probs[:5]
	if _, err := p.DecodeProbs(); err == nil || !strings.Contains(err.Error(), "2×3") {
		t.Errorf("truncated probabilities: err = %v", err)
	}
}
