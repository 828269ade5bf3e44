// Package onnx reads the layers of a convolutional network from an ONNX
// model (the file PyTorch's torch.onnx.export writes), so dian can cost a
// network people already have: Conv (grouped and depthwise included),
// Gemm and MatMul become layers; BatchNormalization, Relu, Clip, Add,
// pooling, Flatten and Reshape carry the shapes between them. Anything
// else is an error naming the node.
//
// The wire format is read with google.golang.org/protobuf's protowire,
// field by field, without generated code: only what the layers need is
// kept (names, shapes, attributes, a Reshape's target), weights are
// skipped, and every count and length is bounded before it is used.
package onnx
