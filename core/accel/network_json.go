package accel

import (
	"encoding/json"
	"fmt"
	"os"
)

// The JSON form of a network. Example (testdata/net_cifar_tiny.json is a
// full one):
//
//	{
//	  "name": "tiny",
//	  "layers": [
//	    {"name": "stem", "role": "stem", "in_c": 3, "k": 16, "h": 32, "w": 32, "r": 3, "s": 3, "pad": 1, "bits": 32},
//	    {"name": "b0.pw1", "block": "b0", "in_c": 16, "k": 48, "h": 32, "w": 32, "r": 1, "s": 1, "bits": 8},
//	    {"name": "b0.dw", "block": "b0", "in_c": 48, "k": 48, "h": 32, "w": 32, "r": 3, "s": 3, "pad": 1, "groups": 48, "bits": 8},
//	    {"name": "b0.pw2", "block": "b0", "in_c": 48, "k": 16, "h": 32, "w": 32, "r": 1, "s": 1, "bits": 8}
//	  ]
//	}
//
// h, w are the input size; stride and pad apply to both axes (0 stride
// means 1); n (batch) and groups default to 1; role is one of body (the
// default), stem, head, skip, fc; bits 0 means "the chunk's".
type networkJSON struct {
	Name    string          `json:"name"`
	Layers  []layerJSON     `json:"layers"`
	Comment json.RawMessage `json:"comment,omitempty"`
}

type layerJSON struct {
	Name   string `json:"name"`
	Role   string `json:"role,omitempty"`
	Block  string `json:"block,omitempty"`
	Bits   int    `json:"bits,omitempty"`
	N      int    `json:"n,omitempty"`
	InC    int    `json:"in_c"`
	K      int    `json:"k"`
	H      int    `json:"h"`
	W      int    `json:"w"`
	R      int    `json:"r"`
	S      int    `json:"s"`
	Stride *int   `json:"stride,omitempty"` // nil: 1; a written 0 is an error
	Pad    int    `json:"pad,omitempty"`
	Groups int    `json:"groups,omitempty"`
}

// MarshalJSON encodes the network in the documented JSON form. Layers with
// different vertical and horizontal strides or paddings cannot be written.
func (n *Network) MarshalJSON() ([]byte, error) {
	nj := networkJSON{Name: n.Name, Layers: make([]layerJSON, 0, len(n.Layers))}
	for i := range n.Layers {
		l := &n.Layers[i]
		if l.StrideH != l.StrideW || l.PadH != l.PadW {
			return nil, fmt.Errorf("accel: layer %q: the JSON form takes one stride and one pad for both axes", l.Name)
		}
		role := string(l.Role)
		if l.Role == RoleBody {
			role = ""
		}
		nj.Layers = append(nj.Layers, layerJSON{
			Name: l.Name, Role: role, Block: l.Block, Bits: l.Bits, N: l.N,
			InC: l.InC, K: l.K, H: l.H, W: l.W, R: l.R, S: l.S,
			Stride: strideJSON(l.StrideH), Pad: l.PadH, Groups: l.Groups,
		})
	}
	return json.Marshal(nj)
}

// strideJSON is the stride as the JSON form writes it: left out when unset.
func strideJSON(s int) *int {
	if s == 0 {
		return nil
	}
	return &s
}

// DecodeNetwork decodes and validates a network from its JSON form. file
// names the input in errors, which also give the line and field, e.g.
// "accel: net.json: line 4: layers[1]: field k: 0 is not accepted (...)".
func DecodeNetwork(data []byte, file string) (*Network, error) {
	var nj networkJSON
	if err := decodeJSONStrict(data, &nj); err != nil {
		return nil, jsonFileError(file, data, err)
	}
	if len(nj.Layers) == 0 {
		return nil, fmt.Errorf("accel: %s: field layers: missing or empty; a network needs at least one layer", file)
	}
	lines := jsonElementLines(data, "layers")
	net := &Network{Name: nj.Name, Layers: make([]NetworkLayer, len(nj.Layers))}
	seen := make(map[string]int, len(nj.Layers))
	for i, lj := range nj.Layers {
		line := 1
		if i < len(lines) {
			line = lines[i]
		}
		stride := 0 // unset: 1
		if lj.Stride != nil {
			if stride = *lj.Stride; stride < 1 {
				return nil, fmt.Errorf("accel: %s: line %d: layers[%d]: field stride: %d is not accepted (integer in [1, %d]; leave it out for 1)", file, line, i, stride, MaxKernel)
			}
		}
		nl := NetworkLayer{
			Layer: Layer{Name: lj.Name, N: lj.N, InC: lj.InC, K: lj.K, H: lj.H, W: lj.W, R: lj.R, S: lj.S,
				StrideH: stride, StrideW: stride, PadH: lj.Pad, PadW: lj.Pad, Groups: lj.Groups},
			Role: Role(lj.Role), Block: lj.Block, Bits: lj.Bits,
		}
		if err := nl.validateLimits(); err != nil {
			return nil, fmt.Errorf("accel: %s: line %d: layers[%d]: %w", file, line, i, err)
		}
		if j, dup := seen[nl.Name]; dup {
			return nil, fmt.Errorf("accel: %s: line %d: layers[%d]: field name: %q already used by layers[%d]", file, line, i, nl.Name, j)
		}
		seen[nl.Name] = i
		net.Layers[i] = nl
	}
	return net, nil
}

// ReadNetworkFile reads and decodes a network file.
func ReadNetworkFile(path string) (*Network, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("accel: %w", err)
	}
	return DecodeNetwork(data, path)
}
