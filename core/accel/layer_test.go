package accel

import "testing"

func TestLayerShapes(t *testing.T) {
	tests := []struct {
		name string
		l    Layer
		p, q int
		macs int64
	}{
		{"3x3 same", Layer{N: 1, InC: 8, K: 16, H: 14, W: 14, R: 3, S: 3, PadH: 1, PadW: 1}, 14, 14, 16 * 8 * 14 * 14 * 9},
		{"depthwise stride 2", Layer{N: 1, InC: 8, K: 8, H: 28, W: 28, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, Groups: 8}, 14, 14, 8 * 14 * 14 * 9},
		{"fc", Layer{N: 32, InC: 32, K: 10, H: 1, W: 1, R: 1, S: 1}, 1, 1, 32 * 320},
		{"alexnet conv1", Layer{N: 1, InC: 3, K: 96, H: 227, W: 227, R: 11, S: 11, StrideH: 4, StrideW: 4}, 55, 55, 96 * 3 * 55 * 55 * 121},
	}
	for _, tt := range tests {
		if err := tt.l.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", tt.name, err)
		}
		if tt.l.P() != tt.p || tt.l.Q() != tt.q || tt.l.MACs() != tt.macs {
			t.Errorf("%s: P, Q, MACs = %d, %d, %d; want %d, %d, %d", tt.name, tt.l.P(), tt.l.Q(), tt.l.MACs(), tt.p, tt.q, tt.macs)
		}
	}
}

func TestLayerValidateRejects(t *testing.T) {
	bad := []Layer{
		{InC: 0, K: 1, H: 1, W: 1, R: 1, S: 1},
		{InC: 6, K: 6, H: 4, W: 4, R: 1, S: 1, Groups: 4},
		{InC: 1, K: 1, H: 2, W: 2, R: 3, S: 3},
		{InC: 1, K: 1, H: 2, W: 2, R: 1, S: 1, StrideH: -1},
	}
	for i, l := range bad {
		if err := l.Validate(); err == nil {
			t.Errorf("case %d: Validate(%+v) = nil, want an error", i, l)
		}
	}
}
