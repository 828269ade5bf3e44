// Package snapshot reads and writes DIAN's binary files: pretrained supernet
// weights, search state and search results. One container serves all three;
// a Kind string says which it is, named float32 tensors carry the weights, and
// an opaque msgpack Payload carries whatever else the producer needs (the
// search stores its state and result there without this package knowing their
// types).
//
// # Guarantees
//
//   - Versioned: the container starts with a magic string and a format
//     version, and Decode refuses versions it does not know.
//   - Bound to what it was made for: the dataset key and the canonical string
//     of the supernet configuration are recorded, and Decode refuses a
//     snapshot made for another dataset or configuration when told what to
//     expect (see Expect).
//   - Checksummed: SHA-256 over every byte except the checksum itself, verified
//     before any field of the body is decoded.
//   - Canonical: Encode is deterministic (fixed field order, msgpack arrays, no
//     maps, shortest msgpack forms), and Decode accepts only canonical input,
//     so Encode(Decode(b)) == b for every b that Decode accepts, and
//     `dian pretrain` regenerates byte-identical files.
//   - Safe on hostile input: every length is checked against the bounds below
//     and against the bytes that remain before anything is allocated, so
//     Decode never panics and allocates at most a small multiple of the input
//     size (see Decode).
//
// Errors say what is wrong and match one of the sentinel errors with
// errors.Is: ErrNotSnapshot, ErrTruncated, ErrCorrupted, ErrOversized,
// ErrVersion, ErrMalformed, ErrMismatch, ErrInvalid.
//
// # Format, version 1
//
// A snapshot is one msgpack array of four elements; this envelope is the same
// in every version, only the body changes:
//
//	[ "DIANSNAP"       str, the magic
//	  1                uint, the format version
//	  checksum         bin, 32 bytes: SHA-256 of the whole file with these 32 bytes left out
//	  body             bin: the msgpack encoding of the array below ]
//
// The version-1 body is an array of nine elements:
//
//	[ kind             str, e.g. "supernet"
//	  dataset          str, e.g. "mnist14"
//	  config           str, canonical configuration string
//	  config hash      bin, 32 bytes: SHA-256 of config
//	  seed             uint
//	  epochs           uint
//	  build            str, the producing build
//	  tensors          array of [name str, shape array of uint, data bin]
//	  payload          bin ]
//
// Tensor data is the little-endian IEEE 754 encoding of the float32 values in
// row-major order, as msgpack bin rather than an array of msgpack floats: the
// latter decodes at about 27 MB/s in WebAssembly. Integers, strings, bins and
// arrays use the shortest msgpack form for their length or value.
package snapshot
