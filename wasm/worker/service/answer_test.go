package service

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/wasm/protocol"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/vmihailenco/msgpack/v5"
)

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAnswerPing(t *testing.T) {
	reply := Answer(mustMarshal(t, map[string]any{"type": "ping", "id": 41}))
	var pong protocol.Pong
	if err := msgpack.Unmarshal(reply, &pong); err != nil {
		t.Fatalf("decoding the reply: %v", err)
	}
	if pong.Type != "pong" || pong.ID != 41 {
		t.Fatalf("reply = %+v, want a pong with id 41", pong)
	}
	if len(pong.Platforms) != len(accel.Presets()) || pong.Platforms[0].Name != accel.DefaultPreset {
		t.Errorf("pong lists %+v, want every preset, default first", pong.Platforms)
	}
	if pong.Platforms[0].Rows*pong.Platforms[0].Cols == 0 {
		t.Errorf("default platform has no PE array: %+v", pong.Platforms[0])
	}
}

func TestAnswerBadInput(t *testing.T) {
	tests := []struct {
		name   string
		msg    []byte
		wantID int64
		want   string
	}{
		{"unknown type", mustMarshal(t, map[string]any{"type": "launch", "id": 3}), 3, `unknown message type "launch"`},
		{"no type", mustMarshal(t, map[string]any{"id": 4}), 4, `no "type"`},
		{"not a map", mustMarshal(t, []int{1, 2}), 0, "not a msgpack map"},
		{"truncated", mustMarshal(t, map[string]any{"type": "ping"})[:5], 0, "not a msgpack map"},
		{"empty", nil, 0, "not a msgpack map"},
		{"too large", bytes.Repeat([]byte{0xc0}, protocol.MaxMessageBytes+1), 0, "exceeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e protocol.Error
			if err := msgpack.Unmarshal(Answer(tt.msg), &e); err != nil {
				t.Fatalf("decoding the reply: %v", err)
			}
			if e.Type != "error" || e.ID != tt.wantID || !strings.Contains(e.Message, tt.want) {
				t.Errorf("reply = %+v, want an error for id %d containing %q", e, tt.wantID, tt.want)
			}
		})
	}
}

func FuzzAnswer(f *testing.F) {
	f.Add(mustMarshal(f, map[string]any{"type": "ping", "id": 1}))
	f.Add([]byte{0x81, 0xa4, 't', 'y', 'p', 'e'})
	f.Add([]byte{0xdf, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, msg []byte) {
		var env struct {
			Type string `msgpack:"type"`
		}
		if err := msgpack.Unmarshal(Answer(msg), &env); err != nil || (!slices.Contains([]string{"pong", "keys", "parsed", "error"}, env.Type)) {
			t.Fatalf("Answer(%x) gave a reply of type %q (%v)", msg, env.Type, err)
		}
	})
}
