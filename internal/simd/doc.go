// Package simd holds element-wise float32 loops of the layers written in Go
// assembly for amd64 with AVX2: Adam's step and the activations' backward
// steps in both builds, and for the pure-Go build (the netlib build has C
// kernels for them, internal/kernels) the binary cross-entropy with its
// gradient and the LSTM cell's backward step. Each performs the operations
// of the Go loop it stands for, in the same order and without fused
// multiply-adds, so its results are that loop's to the bit; it works on
// whole blocks of eight values and leaves the rest to the Go loop.
//
// Available reports whether this machine runs them.
package simd

// Activation names an element-wise non-linearity for ActivationBackward8.
type Activation int

// The activations ActivationBackward8 knows.
const (
	ReLU Activation = iota + 1
	Sigmoid
	Tanh
)
