package onnx

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Element types of the tensors Graph writes (TensorProto.DataType).
const (
	Float32 = 1
	Uint8   = 2
	Int64   = 7
)

// Graph is an ONNX graph to write: nodes in topological order, their
// weights as initializers, and the typed inputs and outputs.
type Graph struct {
	Name         string
	Nodes        []Node
	Initializers []Tensor
	Inputs       []Value
	Outputs      []Value
}

// Node is one operator application.
type Node struct {
	Op, Name string
	In, Out  []string
	Attrs    []Attr
}

// Attr is a node attribute: an int, a float or a list of ints (the first
// of them that is set, in that order of Kind).
type Attr struct {
	Name  string
	Kind  int // AttrInt, AttrFloat or AttrInts
	Int   int64
	Float float32
	Ints  []int64
}

// Attribute kinds (AttributeProto.AttributeType).
const (
	AttrFloat = 1
	AttrInt   = 2
	AttrInts  = 7
)

// Tensor is an initializer: float32 data (as raw little-endian bytes) or
// int64 data.
type Tensor struct {
	Name  string
	Dims  []int64
	Float []float32
	Int64 []int64
}

// Value is a graph input or output; a dimension of -1 is the symbolic
// batch "N".
type Value struct {
	Name string
	Elem int // Float32, Uint8, ...
	Dims []int64
}

// Encode writes g as an ONNX model (IR version 8) importing the default
// domain at opset.
func (g *Graph) Encode(producer string, opset int64) []byte {
	var graph []byte
	for _, n := range g.Nodes {
		graph = protowire.AppendTag(graph, graphNode, protowire.BytesType)
		graph = protowire.AppendBytes(graph, encodeNode(&n))
	}
	graph = appendString(graph, graphName, g.Name)
	for _, t := range g.Initializers {
		graph = protowire.AppendTag(graph, graphInitializer, protowire.BytesType)
		graph = protowire.AppendBytes(graph, encodeTensor(&t))
	}
	for _, v := range g.Inputs {
		graph = protowire.AppendTag(graph, graphInput, protowire.BytesType)
		graph = protowire.AppendBytes(graph, encodeValue(&v))
	}
	for _, v := range g.Outputs {
		graph = protowire.AppendTag(graph, graphOutput, protowire.BytesType)
		graph = protowire.AppendBytes(graph, encodeValue(&v))
	}
	var m []byte
	m = protowire.AppendTag(m, modelIRVersion, protowire.VarintType)
	m = protowire.AppendVarint(m, 8)
	m = appendString(m, 2, producer) // producer_name
	m = protowire.AppendTag(m, modelGraph, protowire.BytesType)
	m = protowire.AppendBytes(m, graph)
	var op []byte
	op = appendString(op, opsetDomain, "")
	op = protowire.AppendTag(op, opsetVersion, protowire.VarintType)
	op = protowire.AppendVarint(op, uint64(opset))
	m = protowire.AppendTag(m, modelOpset, protowire.BytesType)
	return protowire.AppendBytes(m, op)
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendInts(b []byte, num protowire.Number, v []int64) []byte {
	var packed []byte
	for _, x := range v {
		packed = protowire.AppendVarint(packed, uint64(x))
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, packed)
}

func encodeNode(n *Node) []byte {
	var b []byte
	for _, in := range n.In {
		b = appendString(b, nodeInput, in)
	}
	for _, out := range n.Out {
		b = appendString(b, nodeOutput, out)
	}
	b = appendString(b, nodeName, n.Name)
	b = appendString(b, nodeOpType, n.Op)
	for _, a := range n.Attrs {
		var ab []byte
		ab = appendString(ab, attrName, a.Name)
		switch a.Kind {
		case AttrFloat:
			ab = protowire.AppendTag(ab, attrF, protowire.Fixed32Type)
			ab = protowire.AppendFixed32(ab, math.Float32bits(a.Float))
		case AttrInt:
			ab = protowire.AppendTag(ab, attrI, protowire.VarintType)
			ab = protowire.AppendVarint(ab, uint64(a.Int))
		case AttrInts:
			ab = appendInts(ab, attrInts, a.Ints)
		}
		ab = protowire.AppendTag(ab, 20, protowire.VarintType) // type
		ab = protowire.AppendVarint(ab, uint64(a.Kind))
		b = protowire.AppendTag(b, nodeAttribute, protowire.BytesType)
		b = protowire.AppendBytes(b, ab)
	}
	return b
}

func encodeTensor(t *Tensor) []byte {
	var b []byte
	b = appendInts(b, tensorDims, t.Dims)
	b = protowire.AppendTag(b, tensorType, protowire.VarintType)
	if t.Int64 != nil {
		b = protowire.AppendVarint(b, Int64)
		b = appendInts(b, tensorInt64Data, t.Int64)
	} else {
		b = protowire.AppendVarint(b, Float32)
	}
	b = appendString(b, tensorName, t.Name)
	if t.Int64 == nil {
		raw := make([]byte, 4*len(t.Float))
		for i, f := range t.Float {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(f))
		}
		b = protowire.AppendTag(b, tensorRawData, protowire.BytesType)
		b = protowire.AppendBytes(b, raw)
	}
	return b
}

func encodeValue(v *Value) []byte {
	var shape []byte
	for _, d := range v.Dims {
		var dim []byte
		if d < 0 {
			dim = appendString(dim, 2, "N") // dim_param
		} else {
			dim = protowire.AppendTag(dim, dimValue, protowire.VarintType)
			dim = protowire.AppendVarint(dim, uint64(d))
		}
		shape = protowire.AppendTag(shape, shapeDim, protowire.BytesType)
		shape = protowire.AppendBytes(shape, dim)
	}
	var tt []byte
	tt = protowire.AppendTag(tt, 1, protowire.VarintType) // elem_type
	tt = protowire.AppendVarint(tt, uint64(v.Elem))
	tt = protowire.AppendTag(tt, tensorShape, protowire.BytesType)
	tt = protowire.AppendBytes(tt, shape)
	var typ []byte
	typ = protowire.AppendTag(typ, typeTensor, protowire.BytesType)
	typ = protowire.AppendBytes(typ, tt)
	var b []byte
	b = appendString(b, valueName, v.Name)
	b = protowire.AppendTag(b, valueType, protowire.BytesType)
	return protowire.AppendBytes(b, typ)
}
