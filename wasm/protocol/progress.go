package protocol

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Progress is a search event as the worker posts it to the page (and the
// page hands it to the accelerator view). It mirrors search.Event without
// importing the search, so the page binary stays free of the trainer.
// Probabilities travel as raw little-endian float32 bytes, not as msgpack
// arrays of floats (see ../shared/reference/platform-notes.md §7).
type Progress struct {
	Type  string `msgpack:"type"` // "progress"
	ID    int64  `msgpack:"id"`   // the search request's id
	Phase string `msgpack:"phase"`
	Step  int    `msgpack:"step"`
	Steps int    `msgpack:"steps"`
	Epoch int    `msgpack:"epoch"`

	LossWeights float64 `msgpack:"lossW"`
	LossArch    float64 `msgpack:"lossA"`
	Accuracy    float64 `msgpack:"acc"`
	Tau         float64 `msgpack:"tau"`
	Lambda      float64 `msgpack:"lambda"`

	// Probs is softmax(α): Blocks rows of Ops float32 values, row-major.
	Blocks int    `msgpack:"blocks"`
	Ops    int    `msgpack:"ops"`
	Probs  []byte `msgpack:"probs"`

	Path []string `msgpack:"path"`

	// The best accelerator so far for the current network (HasHW false
	// before the first one).
	HasHW     bool    `msgpack:"hasHW"`
	FPS       float64 `msgpack:"fps"`
	LatencyMs float64 `msgpack:"latencyMs"`
	Energy    float64 `msgpack:"energy"`
	EDP       float64 `msgpack:"edp"`
	DSP       float64 `msgpack:"dsp"`
	BRAM18    int     `msgpack:"bram18"`
}

// EncodeProbs packs a blocks × ops matrix as little-endian float32 bytes.
func EncodeProbs(probs [][]float64) (blocks, ops int, b []byte) {
	if len(probs) == 0 {
		return 0, 0, nil
	}
	blocks, ops = len(probs), len(probs[0])
	b = make([]byte, 0, 4*blocks*ops)
	for _, row := range probs {
		for _, p := range row {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(p)))
		}
	}
	return blocks, ops, b
}

// DecodeProbs unpacks Probs into rows, checking the size it declares.
func (p *Progress) DecodeProbs() ([][]float32, error) {
	if p.Blocks < 0 || p.Ops < 0 || p.Blocks > 1024 || p.Ops > 1024 || len(p.Probs) != 4*p.Blocks*p.Ops {
		return nil, fmt.Errorf("protocol: probabilities of %d bytes do not hold %d×%d float32 values", len(p.Probs), p.Blocks, p.Ops)
	}
	rows := make([][]float32, p.Blocks)
	for i := range rows {
		rows[i] = make([]float32, p.Ops)
		for j := range rows[i] {
			rows[i][j] = math.Float32frombits(binary.LittleEndian.Uint32(p.Probs[4*(i*p.Ops+j):]))
		}
	}
	return rows, nil
}
