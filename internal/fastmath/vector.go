package fastmath

import (
	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/kernels"
)

// Sigmoid32To sets dst[i] = Sigmoid32(x[i]) and Tanh32To dst[i] =
// Tanh32(x[i]), to the bit, for slices of equal length (dst may be x).
// On amd64 with AVX2 they evaluate eight values at a time in assembly (the
// same operations in the same order, without fused multiply-adds, so the
// results are those of the scalar functions); elsewhere they loop over the
// scalar functions.
func Sigmoid32To(dst, x []float32) { apply("Sigmoid32To", sigmoid8, Sigmoid32, dst, x) }

// Tanh32To sets dst[i] = Tanh32(x[i]); see Sigmoid32To.
func Tanh32To(dst, x []float32) { apply("Tanh32To", tanh8, Tanh32, dst, x) }

// Exp32To sets dst[i] = Exp32(x[i]); see Sigmoid32To.
func Exp32To(dst, x []float32) { apply("Exp32To", exp8, Exp32, dst, x) }

// LogSigmoid32To sets dst[i] = LogSigmoid32(x[i]); see Sigmoid32To.
func LogSigmoid32To(dst, x []float32) { apply("LogSigmoid32To", logSigmoid8, LogSigmoid32, dst, x) }

// apply runs the vector kernel over the whole blocks of eight and the
// scalar function over the rest.
func apply(name string, kernel func(dst, x *float32, blocks int, table *vectorTable), scalar func(float32) float32, dst, x []float32) {
	if len(dst) != len(x) {
		panic("fastmath: " + name + ": slices of different lengths")
	}
	done := 0
	if vectorized {
		done = len(x) &^ 7
		if done > 0 {
			kernel(&dst[0], &x[0], done/8, &table)
		}
	}
	for i := done; i < len(x); i++ {
		dst[i] = scalar(x[i])
	}
}

// SigmoidTo sets dst[i] = Sigmoid(x[i]) for slices of equal length (dst may
// be x); float32 goes through Sigmoid32To.
func SigmoidTo[T ~float32 | ~float64](dst, x []T) {
	if blas.Is32[T]() {
		Sigmoid32To(kernels.Float32s(dst), kernels.Float32s(x))
		return
	}
	if len(dst) != len(x) {
		panic("fastmath: SigmoidTo: slices of different lengths")
	}
	for i, v := range x {
		dst[i] = Sigmoid(v)
	}
}

// TanhTo sets dst[i] = Tanh(x[i]) for slices of equal length (dst may be x);
// float32 goes through Tanh32To.
func TanhTo[T ~float32 | ~float64](dst, x []T) {
	if blas.Is32[T]() {
		Tanh32To(kernels.Float32s(dst), kernels.Float32s(x))
		return
	}
	if len(dst) != len(x) {
		panic("fastmath: TanhTo: slices of different lengths")
	}
	for i, v := range x {
		dst[i] = Tanh(v)
	}
}
