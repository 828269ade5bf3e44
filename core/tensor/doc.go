// Package tensor holds dense float32 tensors and the hand-written kernels the
// trainer runs on: a cache-blocked SGEMM, im2col/col2im for convolutions, a
// direct depthwise convolution, max pooling and global average pooling.
//
// # Layout
//
// Images are NHWC: element (n, h, w, c) of a tensor with shape [N, H, W, C]
// is Data[((n*H+h)*W+w)*C+c]. With channels innermost, a 1×1 convolution is a
// plain matrix product of the [N·H·W, C] input with a [C, Cout] weight, and a
// depthwise convolution's inner loop runs over contiguous channels.
// Convolution weights are HWIO: [KH, KW, Cin/groups, Cout].
//
// # Determinism
//
// Every kernel sums in one fixed order that does not depend on blocking, CPU
// or GOARCH, and every product that feeds an addition is wrapped in an
// explicit float32(...) conversion so that compilers targeting CPUs with FMA
// (GOAMD64=v3, arm64) cannot fuse it. Results are therefore bit-identical on
// amd64, arm64 and wasm. The blocked GEMM even gives the same bits as the
// naive i-k-j loop, because each element of C is accumulated along k in
// increasing order, one rounded product at a time.
//
// # Allocation
//
// Kernels write into caller-provided slices (dst first) and never allocate;
// Tensor.Resize reuses its backing array when it is large enough, so a
// training loop allocates only on its first step.
package tensor
