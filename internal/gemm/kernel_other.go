//go:build !amd64 || purego

package gemm

import "unsafe"

// No assembly kernels for this architecture (or the purego tag asks for
// none): Available reports false and package blas keeps gonum's GEMM.
var available = false

func kernel64(k int, a, b *float64, alpha, beta float64, c *float64, ldc int) {
	panic("gemm: no kernel on this architecture")
}

func kernel32(k int, a, b *float32, alpha, beta float32, c *float32, ldc int) {
	panic("gemm: no kernel on this architecture")
}

func copyRows64(dst, src unsafe.Pointer, rows, stride int) {
	panic("gemm: no kernel on this architecture")
}

func transpose32(dst, src unsafe.Pointer, ld, blocks, dstStride int) {
	panic("gemm: no kernel on this architecture")
}

func transpose64(dst, src unsafe.Pointer, ld, blocks, dstStride int) {
	panic("gemm: no kernel on this architecture")
}
