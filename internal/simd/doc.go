// Package simd holds element-wise float32 loops of the layers written in Go
// assembly for amd64 with AVX2, for the pure-Go build (the netlib build has
// C kernels for them, internal/kernels): Adam's step, the binary
// cross-entropy with its gradient and the LSTM cell's backward step. Each performs the operations of the Go
// loop it stands for in nn, in the same order and without fused
// multiply-adds, so its results are that loop's to the bit; it works on
// whole blocks of eight values and leaves the rest to the Go loop.
//
// Available reports whether this machine runs them.
package simd
