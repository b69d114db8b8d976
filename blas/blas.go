package blas

import (
	"fmt"
	"runtime"
	"strconv"
	"unsafe"

	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// Float is the element type of every physml matrix: float32 (the default for
// training, as in PyTorch) or float64 (for gradient checks and PCA).
type Float interface{ ~float32 | ~float64 }

// Transpose says whether a matrix operand is used as stored or transposed.
type Transpose = gblas.Transpose

// Uplo names the triangle of a symmetric matrix that is read or written.
type Uplo = gblas.Uplo

// Transpose and triangle flags, as in gonum's blas package.
const (
	NoTrans = gblas.NoTrans
	Trans   = gblas.Trans
	Upper   = gblas.Upper
	Lower   = gblas.Lower
)

// implementation is what each backend file provides.
type implementation interface {
	gblas.Float32
	gblas.Float64
}

// UseGonumGlobals gives gonum's blas32 and blas64 back gonum's own
// pure-Go implementation, undoing what importing this package does in the
// netlib build, where it installs OpenBLAS so that gonum/mat code runs on
// physml's backend. physml's own BLAS calls do not go through those
// globals, but the gonum/mat products of its decomposition package do and
// become slower. UseBackendGlobals installs the backend again.
func UseGonumGlobals() {
	blas32.Use(gonum.Implementation{})
	blas64.Use(gonum.Implementation{})
}

// Is32 reports whether T is a single-precision type: the one test of the
// element type the packages above share.
func Is32[T Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// f32 and f64 reinterpret a slice of T as the underlying float type without
// copying. They are only called after Is32 has chosen the right one.
func f32[T Float](s []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

func f64[T Float](s []T) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// Backend names the linked BLAS: "openblas" or "gonum".
func Backend() string { return backendName }

// Kernels names what computes the matrix products (GEMM and SYRK):
// "openblas" in the netlib build; in the pure-Go build "avx2-fma" for
// physml's assembly kernels, or "gonum" on machines without AVX2 and FMA,
// other architectures, and with the purego tag.
func Kernels() string { return kernelsName }

// Describe names the backend, its matrix kernels when they are not the
// backend's own, and its threads, in one phrase for a run's header:
// "OpenBLAS 0.3.21 with 2 threads".
func Describe() string {
	if Kernels() != Backend() {
		return fmt.Sprintf("%s (GEMM %s) with %d threads", Backend(), Kernels(), Threads())
	}
	return fmt.Sprintf("%s with %d threads", Backend(), Threads())
}

// Gemm computes C = alpha * op(A) * op(B) + beta * C, where op(A) is m×k,
// op(B) is k×n and C is m×n, all row-major with leading dimensions lda, ldb
// and ldc.
func Gemm[T Float](tA, tB Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if Is32[T]() {
		impl.Sgemm(tA, tB, m, n, k, float32(alpha), f32(a), lda, f32(b), ldb, float32(beta), f32(c), ldc)
		return
	}
	impl.Dgemm(tA, tB, m, n, k, float64(alpha), f64(a), lda, f64(b), ldb, float64(beta), f64(c), ldc)
}

// Gemv computes y = alpha * op(A) * x + beta * y, where A is m×n row-major
// with leading dimension lda, and x and y are strided by incX and incY.
func Gemv[T Float](tA Transpose, m, n int, alpha T, a []T, lda int, x []T, incX int, beta T, y []T, incY int) {
	if Is32[T]() {
		impl.Sgemv(tA, m, n, float32(alpha), f32(a), lda, f32(x), incX, float32(beta), f32(y), incY)
		return
	}
	impl.Dgemv(tA, m, n, float64(alpha), f64(a), lda, f64(x), incX, float64(beta), f64(y), incY)
}

// Syrk computes the symmetric rank-k update C = alpha * A * Aᵀ + beta * C
// (trans == NoTrans, A is n×k) or C = alpha * Aᵀ * A + beta * C
// (trans == Trans, A is k×n). Only the uplo triangle of the n×n matrix C is
// referenced and written; use Symmetrize to fill the other one.
func Syrk[T Float](uplo Uplo, trans Transpose, n, k int, alpha T, a []T, lda int, beta T, c []T, ldc int) {
	if Is32[T]() {
		impl.Ssyrk(uplo, trans, n, k, float32(alpha), f32(a), lda, float32(beta), f32(c), ldc)
		return
	}
	impl.Dsyrk(uplo, trans, n, k, float64(alpha), f64(a), lda, float64(beta), f64(c), ldc)
}

// Symmetrize copies the uplo triangle of the n×n row-major matrix c into the
// other triangle, completing the result of Syrk.
func Symmetrize[T Float](uplo Uplo, n int, c []T, ldc int) {
	for i := range n {
		for j := i + 1; j < n; j++ {
			if uplo == Upper {
				c[j*ldc+i] = c[i*ldc+j]
			} else {
				c[i*ldc+j] = c[j*ldc+i]
			}
		}
	}
}

// Axpy computes y += alpha * x for slices of equal length.
func Axpy[T Float](alpha T, x, y []T) {
	if len(x) != len(y) {
		panic(lengthMismatch("Axpy", len(x), len(y)))
	}
	if len(x) == 0 {
		return
	}
	if Is32[T]() {
		impl.Saxpy(len(x), float32(alpha), f32(x), 1, f32(y), 1)
		return
	}
	impl.Daxpy(len(x), float64(alpha), f64(x), 1, f64(y), 1)
}

// Scal computes x *= alpha.
func Scal[T Float](alpha T, x []T) {
	if len(x) == 0 {
		return
	}
	if Is32[T]() {
		impl.Sscal(len(x), float32(alpha), f32(x), 1)
		return
	}
	impl.Dscal(len(x), float64(alpha), f64(x), 1)
}

// Dot returns the inner product Σ x[i]·y[i] of slices of equal length.
func Dot[T Float](x, y []T) T {
	if len(x) != len(y) {
		panic(lengthMismatch("Dot", len(x), len(y)))
	}
	if len(x) == 0 {
		return 0
	}
	if Is32[T]() {
		return T(impl.Sdot(len(x), f32(x), 1, f32(y), 1))
	}
	return T(impl.Ddot(len(x), f64(x), 1, f64(y), 1))
}

// Nrm2 returns the Euclidean norm √(Σ x[i]²), computed without overflow.
func Nrm2[T Float](x []T) T {
	if len(x) == 0 {
		return 0
	}
	if Is32[T]() {
		return T(impl.Snrm2(len(x), f32(x), 1))
	}
	return T(impl.Dnrm2(len(x), f64(x), 1))
}

// clampThreads bounds a thread count to [1, runtime.NumCPU()].
func clampThreads(n int) int {
	return max(1, min(n, runtime.NumCPU()))
}

func lengthMismatch(fn string, nx, ny int) string {
	return "blas: " + fn + ": length mismatch: len(x) = " + strconv.Itoa(nx) + ", len(y) = " + strconv.Itoa(ny)
}
