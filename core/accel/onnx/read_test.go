package onnx

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// expected is testdata/expected.json: each model's MACs as make_models.py
// computed them from the shapes it built, independently of Read.
type expected map[string]struct {
	MACs   int64 `json:"macs"`
	Layers []struct {
		Name string `json:"name"`
		MACs int64  `json:"macs"`
	} `json:"layers"`
}

func readModel(t testing.TB, name string) *accel.Network {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".onnx"))
	if err != nil {
		t.Fatal(err)
	}
	net, err := Read(name+".onnx", b)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// Models written by python3-onnx's helper API (testdata/make_models.py)
// read layer by layer with the MACs their writer computed: asymmetric SAME
// padding, depthwise and pointwise convs, residual Adds, pools in ceil and
// floor mode, Reshape through a Constant, Gemm with transB and MatMul.
func TestReadModelsMACs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want expected
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		net := readModel(t, name)
		if len(net.Layers) != len(w.Layers) {
			t.Fatalf("%s: %d layers, want %d", name, len(net.Layers), len(w.Layers))
		}
		var total int64
		for i, l := range net.Layers {
			if l.Name != w.Layers[i].Name || l.MACs() != w.Layers[i].MACs {
				t.Errorf("%s layer %d: %s with %d MACs, want %s with %d", name, i, l.Name, l.MACs(), w.Layers[i].Name, w.Layers[i].MACs)
			}
			total += l.MACs()
		}
		if total != w.MACs {
			t.Errorf("%s: %d MACs, want %d", name, total, w.MACs)
		}
	}
	net := readModel(t, "mobilenetv2_tiny")
	dw := 0
	for _, l := range net.Layers {
		if l.Depthwise() {
			dw++
		}
	}
	if dw != 6 || net.Layers[0].Role != accel.RoleStem || net.Layers[len(net.Layers)-1].Role != accel.RoleFC {
		t.Errorf("mobilenetv2_tiny: %d depthwise layers (want 6), roles %s … %s", dw, net.Layers[0].Role, net.Layers[len(net.Layers)-1].Role)
	}
}

// Damaged or unsupported models are refused with an error naming the file
// (and the node, when one is at fault).
func TestReadRefuses(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "pools_matmul.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	replace := func(old, new string) []byte {
		return []byte(strings.Replace(string(good), old, new, 1))
	}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "no graph"},
		{"truncated", good[:len(good)/2], "malformed"},
		{"garbage", []byte{0xff, 0xff, 0xff}, "malformed"},
		// Same-length renames keep the protobuf lengths valid.
		{"unknown op", replace("AveragePool", "AveragePoox"), `node "pool2" (AveragePoox): operator AveragePoox is not supported`},
		{"unknown input", replace("\n\x02p1", "\n\x02q1"), `input "q1" has no known shape`},
	}
	for _, c := range cases {
		_, err := Read("m.onnx", c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "m.onnx: ") {
			t.Errorf("%s: %v; want an error naming m.onnx and containing %q", c.name, err, c.want)
		}
	}
}

// Read never panics; what it accepts is a valid network.
func FuzzReadONNX(f *testing.F) {
	for _, name := range []string{"mobilenetv2_tiny", "pools_matmul"} {
		b, err := os.ReadFile(filepath.Join("testdata", name+".onnx"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		net, err := Read("f.onnx", b)
		if err != nil {
			return
		}
		if err := net.Validate(); err != nil || len(net.Layers) == 0 {
			t.Fatalf("accepted an invalid network: %v", err)
		}
	})
}
