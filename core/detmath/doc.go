// Package detmath holds the elementary functions whose results must be the
// same bits on every platform the co-search runs on: amd64 (with or
// without GOAMD64=v3), arm64 and WebAssembly.
//
// The standard library's math.Exp uses assembly on amd64 that differs from
// its portable code by 1–2 ulp, and on arm64 the compiler fuses the
// multiply-adds of math.Log and math.Log2 into single operations. Here
// every product that feeds a sum is rounded explicitly (a conversion, which
// the Go specification says prevents fusion), so Exp, Log and Log2 give
// the same bits everywhere. Tests compare Log with math.Log where that is
// portable, and CI runs them under arm64 emulation.
package detmath
