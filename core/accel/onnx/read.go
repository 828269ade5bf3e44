package onnx

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Bounds on what Read accepts; each is checked before anything sized by
// the input is allocated.
const (
	MaxModelBytes = 256 << 20 // an .onnx file (weights included)
	maxNodes      = 1 << 14   // nodes in the graph
	maxDims       = 8         // dimensions of a tensor or shape
	maxList       = 64        // ints in an attribute list
	maxNameLen    = 4096      // bytes in a name
	maxDepth      = 8         // nested messages followed
)

// The protobuf field numbers of the ONNX messages read (onnx.proto3).
const (
	modelIRVersion = 1
	modelOpset     = 8
	modelGraph     = 7

	opsetDomain  = 1
	opsetVersion = 2

	graphNode        = 1
	graphName        = 2
	graphInitializer = 5
	graphInput       = 11
	graphOutput      = 12

	nodeInput     = 1
	nodeOutput    = 2
	nodeName      = 3
	nodeOpType    = 4
	nodeAttribute = 5
	nodeDomain    = 7

	attrName   = 1
	attrF      = 2
	attrI      = 3
	attrS      = 4
	attrT      = 5
	attrFloats = 7
	attrInts   = 8

	tensorDims = 1
	tensorType = 2
	tensorName = 8

	tensorInt64Data = 7
	tensorRawData   = 9
	tensorInt64     = 7 // TensorProto.INT64

	valueName   = 1
	valueType   = 2
	typeTensor  = 1
	tensorShape = 2
	shapeDim    = 1
	dimValue    = 1
)

// model is the part of a ModelProto Read uses.
type model struct {
	irVersion int64
	opset     int64 // the default domain's opset version (0: none given)
	graph     graph
}

type graph struct {
	name         string
	nodes        []node
	initializers map[string]tensor
	inputs       []valueInfo
	outputs      []string
}

type node struct {
	name, opType, domain string
	inputs, outputs      []string
	attrs                map[string]attr
}

type attr struct {
	i    int64
	f    float32
	s    string
	ints []int64
	t    tensor // a tensor attribute (Constant's value)
	hasT bool
}

// tensor is what Read keeps of a TensorProto: its dims and, for a small
// int64 tensor (a shape), its values.
type tensor struct {
	dims, ints []int64
}

type valueInfo struct {
	name string
	dims []int64 // -1 for a symbolic dimension
}

// errMalformed is the class of every wire-format error: bytes that are not
// an ONNX model as protobuf encodes it.
var errMalformed = errors.New("onnx: malformed model")

// wireErr wraps errMalformed with what was being read.
func wireErr(what string, err error) error {
	if err == nil {
		return fmt.Errorf("%w: %s", errMalformed, what)
	}
	return fmt.Errorf("%w: %s: %v", errMalformed, what, err)
}

// fields walks the fields of one message, calling f with each field's
// number, wire type and, for length-delimited fields, its bytes (v for
// varints and fixed ints).
func fields(b []byte, what string, f func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return wireErr(what, protowire.ParseError(n))
		}
		b = b[n:]
		var v uint64
		var data []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(b)
			v = uint64(x)
		case protowire.Fixed64Type:
			v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			data, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return wireErr(what, protowire.ParseError(n))
		}
		b = b[n:]
		if err := f(num, typ, v, data); err != nil {
			return err
		}
	}
	return nil
}

func checkName(s []byte, what string) (string, error) {
	if len(s) > maxNameLen {
		return "", wireErr(fmt.Sprintf("%s of %d bytes (at most %d)", what, len(s), maxNameLen), nil)
	}
	return string(s), nil
}

// int64s reads a repeated int64 field, packed or not, appending to dst.
func int64s(dst []int64, typ protowire.Type, v uint64, data []byte, limit int, what string) ([]int64, error) {
	if typ == protowire.VarintType {
		if len(dst) >= limit {
			return nil, wireErr(fmt.Sprintf("%s: more than %d values", what, limit), nil)
		}
		return append(dst, int64(v)), nil
	}
	if typ != protowire.BytesType {
		return nil, wireErr(what+": wrong wire type", nil)
	}
	for len(data) > 0 {
		x, n := protowire.ConsumeVarint(data)
		if n < 0 {
			return nil, wireErr(what, protowire.ParseError(n))
		}
		if len(dst) >= limit {
			return nil, wireErr(fmt.Sprintf("%s: more than %d values", what, limit), nil)
		}
		dst = append(dst, int64(x))
		data = data[n:]
	}
	return dst, nil
}

func parseModel(b []byte) (*model, error) {
	if len(b) > MaxModelBytes {
		return nil, fmt.Errorf("onnx: a model of %d bytes; at most %d are read", len(b), MaxModelBytes)
	}
	m := &model{graph: graph{initializers: map[string]tensor{}}}
	sawGraph := false
	err := fields(b, "model", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch {
		case num == modelIRVersion && typ == protowire.VarintType:
			m.irVersion = int64(v)
		case num == modelOpset && typ == protowire.BytesType:
			var domain string
			var version int64
			err := fields(data, "opset_import", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
				switch {
				case num == opsetDomain && typ == protowire.BytesType:
					domain = string(data)
				case num == opsetVersion && typ == protowire.VarintType:
					version = int64(v)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if domain == "" || domain == "ai.onnx" {
				m.opset = version
			}
		case num == modelGraph && typ == protowire.BytesType:
			sawGraph = true
			return parseGraph(data, &m.graph)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !sawGraph {
		return nil, wireErr("no graph", nil)
	}
	return m, nil
}

func parseGraph(b []byte, g *graph) error {
	return fields(b, "graph", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case graphName:
			s, err := checkName(data, "graph name")
			g.name = s
			return err
		case graphNode:
			if len(g.nodes) >= maxNodes {
				return wireErr(fmt.Sprintf("more than %d nodes", maxNodes), nil)
			}
			n, err := parseNode(data)
			if err != nil {
				return err
			}
			g.nodes = append(g.nodes, n)
		case graphInitializer:
			name, dims, ints, err := parseTensor(data)
			if err != nil {
				return err
			}
			if len(g.initializers) >= maxNodes*4 {
				return wireErr("too many initializers", nil)
			}
			g.initializers[name] = tensor{dims: dims, ints: ints}
		case graphInput:
			vi, err := parseValueInfo(data)
			if err != nil {
				return err
			}
			if len(g.inputs) >= maxNodes {
				return wireErr("too many graph inputs", nil)
			}
			g.inputs = append(g.inputs, vi)
		case graphOutput:
			vi, err := parseValueInfo(data)
			if err != nil {
				return err
			}
			if len(g.outputs) < maxNodes {
				g.outputs = append(g.outputs, vi.name)
			}
		}
		return nil
	})
}

func parseNode(b []byte) (node, error) {
	n := node{attrs: map[string]attr{}}
	err := fields(b, "node", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		if typ != protowire.BytesType {
			return nil
		}
		var err error
		var s string
		switch num {
		case nodeInput, nodeOutput:
			if s, err = checkName(data, "a node's input or output name"); err != nil {
				return err
			}
			if len(n.inputs)+len(n.outputs) >= maxList {
				return wireErr("a node with too many inputs or outputs", nil)
			}
			if num == nodeInput {
				n.inputs = append(n.inputs, s)
			} else {
				n.outputs = append(n.outputs, s)
			}
		case nodeName:
			n.name, err = checkName(data, "node name")
		case nodeOpType:
			n.opType, err = checkName(data, "op_type")
		case nodeDomain:
			n.domain, err = checkName(data, "domain")
		case nodeAttribute:
			var name string
			var a attr
			name, a, err = parseAttr(data)
			if err == nil {
				if len(n.attrs) >= maxList {
					return wireErr("a node with too many attributes", nil)
				}
				n.attrs[name] = a
			}
		}
		return err
	})
	return n, err
}

func parseAttr(b []byte) (string, attr, error) {
	var name string
	var a attr
	err := fields(b, "attribute", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		var err error
		switch {
		case num == attrName && typ == protowire.BytesType:
			name, err = checkName(data, "attribute name")
		case num == attrI && typ == protowire.VarintType:
			a.i = int64(v)
		case num == attrF && typ == protowire.Fixed32Type:
			a.f = math.Float32frombits(uint32(v))
		case num == attrS && typ == protowire.BytesType:
			a.s, err = checkName(data, "attribute string")
		case num == attrInts:
			a.ints, err = int64s(a.ints, typ, v, data, maxList, "attribute ints")
		case num == attrT && typ == protowire.BytesType:
			_, a.t.dims, a.t.ints, err = parseTensor(data)
			a.hasT = true
		}
		return err
	})
	return name, a, err
}

// parseTensor reads a TensorProto's name, dims and, for a small int64
// tensor (a shape), its values; weights' data is skipped, never copied.
func parseTensor(b []byte) (name string, dims, ints []int64, err error) {
	var elem int64
	var raw []byte
	err = fields(b, "tensor", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		var err error
		switch {
		case num == tensorName && typ == protowire.BytesType:
			name, err = checkName(data, "tensor name")
		case num == tensorDims:
			dims, err = int64s(dims, typ, v, data, maxDims, "tensor dims")
		case num == tensorType && typ == protowire.VarintType:
			elem = int64(v)
		case num == tensorInt64Data:
			ints, err = int64s(ints, typ, v, data, maxList, "tensor int64_data")
		case num == tensorRawData && typ == protowire.BytesType:
			raw = data
		}
		return err
	})
	if err == nil && elem == tensorInt64 && ints == nil && len(raw) > 0 && len(raw)%8 == 0 && len(raw)/8 <= maxList {
		for i := 0; i < len(raw); i += 8 {
			var x int64
			for k := 7; k >= 0; k-- {
				x = x<<8 | int64(raw[i+k])
			}
			ints = append(ints, x)
		}
	}
	return name, dims, ints, err
}

func parseValueInfo(b []byte) (valueInfo, error) {
	var vi valueInfo
	err := fields(b, "value_info", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case valueName:
			s, err := checkName(data, "value name")
			vi.name = s
			return err
		case valueType:
			return fields(data, "type", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
				if num != typeTensor || typ != protowire.BytesType {
					return nil
				}
				return fields(data, "tensor type", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
					if num != tensorShape || typ != protowire.BytesType {
						return nil
					}
					return fields(data, "shape", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
						if num != shapeDim || typ != protowire.BytesType {
							return nil
						}
						if len(vi.dims) >= maxDims {
							return wireErr(fmt.Sprintf("a shape of more than %d dimensions", maxDims), nil)
						}
						d := int64(-1)
						err := fields(data, "dimension", func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
							if num == dimValue && typ == protowire.VarintType {
								d = int64(v)
							}
							return nil
						})
						vi.dims = append(vi.dims, d)
						return err
					})
				})
			})
		}
		return nil
	})
	return vi, err
}
