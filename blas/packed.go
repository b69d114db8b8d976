package blas

import (
	"fmt"

	"github.com/physml/physml/internal/gemm"
)

// PackedB holds the matrix op(B) of products C = alpha·op(A)·op(B) + beta·C
// that reuse it with many A, such as a recurrent layer's weights at every
// step of a sequence. Where physml's own kernels compute the products (the
// pure-Go build on AVX2 and FMA, Kernels() == "avx2-fma"), Pack lays op(B)
// out for them once, which Gemm does in every call; elsewhere it keeps a
// reference to B. Either way GemmPacked gives Gemm's numbers. Pack again
// after B changes.
type PackedB[T Float] struct {
	tB     Transpose
	k, n   int
	b      []T
	ldb    int
	packed bool
	p32    gemm.PackedB[float32]
	p64    gemm.PackedB[float64]
}

// Pack takes op(B), k×n: B (k×n) for NoTrans or Bᵀ (B n×k) for Trans,
// row-major with leading dimension ldb. It reuses p's memory.
func (p *PackedB[T]) Pack(tB Transpose, k, n int, b []T, ldb int) {
	rows, cols := k, n
	if tB == Trans {
		rows, cols = n, k
	} else if tB != NoTrans {
		panic(fmt.Sprintf("blas: PackedB.Pack: transpose %v", tB))
	}
	switch {
	case k < 0 || n < 0:
		panic(fmt.Sprintf("blas: PackedB.Pack: k = %d, n = %d", k, n))
	case ldb < max(1, cols):
		panic(fmt.Sprintf("blas: PackedB.Pack: leading dimension %d of B, want ≥ %d", ldb, max(1, cols)))
	case rows > 0 && cols > 0 && len(b) < (rows-1)*ldb+cols:
		panic(fmt.Sprintf("blas: PackedB.Pack: B of %d values, want %d", len(b), (rows-1)*ldb+cols))
	}
	p.tB, p.k, p.n, p.b, p.ldb = tB, k, n, b, ldb
	p.packed = Kernels() == "avx2-fma"
	if !p.packed {
		return
	}
	if Is32[T]() {
		p.p32.Pack(tB == Trans, k, n, f32(b), ldb)
	} else {
		p.p64.Pack(tB == Trans, k, n, f64(b), ldb)
	}
}

// GemmPacked computes C = alpha·op(A)·op(B) + beta·C for the op(B) of
// b.Pack (k×n), op(A) m×k and C m×n, as Gemm does.
func GemmPacked[T Float](tA Transpose, m int, alpha T, a []T, lda int, b *PackedB[T], beta T, c []T, ldc int) {
	if !b.packed {
		Gemm(tA, b.tB, m, b.n, b.k, alpha, a, lda, b.b, b.ldb, beta, c, ldc)
		return
	}
	rows, cols := m, b.k
	if tA == Trans {
		rows, cols = b.k, m
	} else if tA != NoTrans {
		panic(fmt.Sprintf("blas: GemmPacked: transpose %v", tA))
	}
	switch {
	case m < 0:
		panic(fmt.Sprintf("blas: GemmPacked: m = %d", m))
	case lda < max(1, cols):
		panic(fmt.Sprintf("blas: GemmPacked: leading dimension %d of A, want ≥ %d", lda, max(1, cols)))
	case ldc < max(1, b.n):
		panic(fmt.Sprintf("blas: GemmPacked: leading dimension %d of C, want ≥ %d", ldc, max(1, b.n)))
	case rows > 0 && cols > 0 && len(a) < (rows-1)*lda+cols:
		panic(fmt.Sprintf("blas: GemmPacked: A of %d values, want %d", len(a), (rows-1)*lda+cols))
	case m > 0 && b.n > 0 && len(c) < (m-1)*ldc+b.n:
		panic(fmt.Sprintf("blas: GemmPacked: C of %d values, want %d", len(c), (m-1)*ldc+b.n))
	}
	if m == 0 || b.n == 0 {
		return
	}
	if Is32[T]() {
		gemm.GemmPacked(tA == Trans, m, float32(alpha), f32(a), lda, &b.p32, float32(beta), f32(c), ldc)
		return
	}
	gemm.GemmPacked(tA == Trans, m, float64(alpha), f64(a), lda, &b.p64, float64(beta), f64(c), ldc)
}
