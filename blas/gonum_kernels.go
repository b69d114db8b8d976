//go:build !netlib

package blas

import (
	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/physml/physml/internal/gemm"
)

// goKernels is gonum's BLAS with physml's assembly GEMM and SYRK
// (internal/gemm) in place of gonum's, which reach about a fifth of
// OpenBLAS. It is used on machines that run those kernels (amd64 with AVX2
// and FMA); the arguments are checked as gonum checks them, with gonum's
// panic messages.
type goKernels struct{ gonum.Implementation }

// newImplementation returns the pure-Go BLAS for this machine.
func newImplementation() implementation {
	if gemm.Available() {
		return goKernels{}
	}
	return gonum.Implementation{}
}

var kernelsName = map[bool]string{true: "avx2-fma", false: "gonum"}[gemm.Available()]

// Dgemm computes C = alpha·op(A)·op(B) + beta·C.
func (goKernels) Dgemm(tA, tB gblas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if checkGemm(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c)) {
		gemm.Gemm(tA != gblas.NoTrans, tB != gblas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C.
func (goKernels) Sgemm(tA, tB gblas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if checkGemm(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c)) {
		gemm.Gemm(tA != gblas.NoTrans, tB != gblas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// Dsyrk computes a triangle of C = alpha·op(A)·op(A)ᵀ + beta·C.
func (goKernels) Dsyrk(ul gblas.Uplo, t gblas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	if checkSyrk(ul, t, n, k, lda, ldc, len(a), len(c)) {
		gemm.Syrk(ul == gblas.Upper, t != gblas.NoTrans, n, k, alpha, a, lda, beta, c, ldc)
	}
}

// Ssyrk computes a triangle of C = alpha·op(A)·op(A)ᵀ + beta·C.
func (goKernels) Ssyrk(ul gblas.Uplo, t gblas.Transpose, n, k int, alpha float32, a []float32, lda int, beta float32, c []float32, ldc int) {
	if checkSyrk(ul, t, n, k, lda, ldc, len(a), len(c)) {
		gemm.Syrk(ul == gblas.Upper, t != gblas.NoTrans, n, k, alpha, a, lda, beta, c, ldc)
	}
}

// Panic messages of gonum's BLAS.
const (
	badTranspose = "blas: illegal transpose"
	badUplo      = "blas: illegal triangle"
	mLT0         = "blas: m < 0"
	nLT0         = "blas: n < 0"
	kLT0         = "blas: k < 0"
	badLdA       = "blas: bad leading dimension of A"
	badLdB       = "blas: bad leading dimension of B"
	badLdC       = "blas: bad leading dimension of C"
	shortA       = "blas: insufficient length of a"
	shortB       = "blas: insufficient length of b"
	shortC       = "blas: insufficient length of c"
)

func validTranspose(t gblas.Transpose) bool {
	return t == gblas.NoTrans || t == gblas.Trans || t == gblas.ConjTrans
}

// checkGemm panics on arguments gonum's Dgemm refuses and reports whether
// there is anything to compute.
func checkGemm(tA, tB gblas.Transpose, m, n, k, lda, ldb, ldc, lenA, lenB, lenC int) bool {
	if !validTranspose(tA) || !validTranspose(tB) {
		panic(badTranspose)
	}
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	rowsA, colsA := m, k
	if tA != gblas.NoTrans {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if tB != gblas.NoTrans {
		rowsB, colsB = n, k
	}
	if lda < max(1, colsA) {
		panic(badLdA)
	}
	if ldb < max(1, colsB) {
		panic(badLdB)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return false
	}
	if lenA < lda*(rowsA-1)+colsA {
		panic(shortA)
	}
	if lenB < ldb*(rowsB-1)+colsB {
		panic(shortB)
	}
	if lenC < ldc*(m-1)+n {
		panic(shortC)
	}
	return true
}

// checkSyrk panics on arguments gonum's Dsyrk refuses and reports whether
// there is anything to compute.
func checkSyrk(ul gblas.Uplo, t gblas.Transpose, n, k, lda, ldc, lenA, lenC int) bool {
	if ul != gblas.Upper && ul != gblas.Lower {
		panic(badUplo)
	}
	if !validTranspose(t) {
		panic(badTranspose)
	}
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	rowsA, colsA := n, k
	if t != gblas.NoTrans {
		rowsA, colsA = k, n
	}
	if lda < max(1, colsA) {
		panic(badLdA)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if n == 0 {
		return false
	}
	if lenA < lda*(rowsA-1)+colsA {
		panic(shortA)
	}
	if lenC < ldc*(n-1)+n {
		panic(shortC)
	}
	return true
}
