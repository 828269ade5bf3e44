// Package nn builds trainable networks from layers with a forward and a
// backward pass, on top of package tensor's NHWC kernels.
//
// A Layer maps an input tensor to an output tensor it owns (valid until its
// next Forward) and, given the gradient of the loss with respect to that
// output, returns the gradient with respect to its input while accumulating
// the gradients of its parameters. Containers (Sequential, Residual, Mix) are
// layers too, so any network built from them gets its backward pass for
// free; a Mix is the weighted sum of branches that a differentiable
// architecture search needs, and it also returns the gradient with respect
// to the mixing weights.
//
// Every layer allocates its buffers on the first step and reuses them while
// the batch shape stays the same, so a training step in steady state does
// not allocate. All arithmetic is single-threaded, in a fixed order, with
// products wrapped in explicit conversions (no FMA) and a pure-Go exp: a seed
// gives the same weights bit for bit on amd64 (any GOAMD64 level), arm64 and
// wasm.
package nn
