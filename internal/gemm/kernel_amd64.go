//go:build !purego

package gemm

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// available: the kernels need AVX2 and FMA (Intel since Haswell, AMD since
// Excavator) and an operating system that saves the YMM registers, which
// cpu.X86.HasAVX reports.
var available = cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernel64 and kernel32 are written in kernel_amd64.s.

//go:noescape
func kernel64(k int, a, b *float64, alpha, beta float64, c *float64, ldc int)

//go:noescape
func kernel32(k int, a, b *float32, alpha, beta float32, c *float32, ldc int)

// copyRows64 copies 64 bytes from each of rows rows of src, stride bytes
// apart, to dst, one after the other.
//
//go:noescape
func copyRows64(dst, src unsafe.Pointer, rows, stride int)

// transpose32 packs eight float32 rows of src, ld bytes apart, transposed:
// for each of blocks blocks of eight columns, column 8b+i of the rows goes to
// dst + (8b+i)·dstStride. transpose64 does the same for four float64 rows
// and blocks of four columns.
//
//go:noescape
func transpose32(dst, src unsafe.Pointer, ld, blocks, dstStride int)

//go:noescape
func transpose64(dst, src unsafe.Pointer, ld, blocks, dstStride int)
