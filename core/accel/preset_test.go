package accel

import (
	"strings"
	"testing"
)

func TestPresets(t *testing.T) {
	tests := []struct {
		name       string
		pes        int
		dsp, bram  int
		target     Target
		bufferSize int
	}{
		{"zc706", 256, 900, 700, FPGA, 0},
		{"ultra96", 144, 360, 432, FPGA, 0},
		{"eyeriss", 168, 0, 0, ASIC, 108 * 1024},
		{"systolic16", 256, 0, 0, Systolic, 0},
	}
	for _, tt := range tests {
		p, err := Preset(tt.name)
		if err != nil {
			t.Fatalf("Preset(%q): %v", tt.name, err)
		}
		if p.PEs() != tt.pes || p.DSP != tt.dsp || p.BRAM18 != tt.bram || p.Target != tt.target || p.GlobalBufferBytes != tt.bufferSize {
			t.Errorf("Preset(%q) = %+v, want %d PEs, %d DSP, %d BRAM18, target %s, buffer %d",
				tt.name, p, tt.pes, tt.dsp, tt.bram, tt.target, tt.bufferSize)
		}
	}
	if got := PresetNames()[0]; got != DefaultPreset {
		t.Errorf("first preset is %q, want the default %q", got, DefaultPreset)
	}
}

func TestPresetUnknown(t *testing.T) {
	_, err := Preset("tpu")
	if err == nil || !strings.Contains(err.Error(), `"tpu"`) || !strings.Contains(err.Error(), "zc706") {
		t.Fatalf("Preset(tpu) error = %v, want one naming the key and the accepted values", err)
	}
}
