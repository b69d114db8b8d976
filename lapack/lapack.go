package lapack

import (
	"fmt"
	"math"
	"slices"

	gonumlapack "gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// UseGonumGlobals gives gonum's lapack64 back gonum's own pure-Go
// implementation, undoing what importing this package does in the netlib
// build (it installs OpenBLAS's LAPACK, so that gonum/mat's decompositions
// run on physml's backend). physml's own LAPACK calls do not go through
// lapack64. UseBackendGlobals installs the backend again.
func UseGonumGlobals() { lapack64.Use(gonumlapack.Implementation{}) }

// workspaceQuery, passed as a workspace length (lwork, liwork), asks a LAPACK
// routine for the optimal workspace size instead of running it.
const workspaceQuery = -1

// Backend names the linked LAPACK: "openblas" (OpenBLAS through LAPACKE) or
// "gonum".
func Backend() string { return backendName }

// EigSym computes all eigenvalues and eigenvectors of the symmetric n×n
// row-major matrix a (leading dimension lda; only the upper triangle is read).
// a is overwritten. On return values[0] ≥ values[1] ≥ … ≥ values[n-1] and
// column j of the n×n row-major matrix vectors (leading dimension ldv) is the
// unit eigenvector of values[j], with the sign convention of the package
// documentation: A·V = V·Λ. It reports false if the algorithm did not
// converge.
func EigSym(n int, a []float64, lda int, values, vectors []float64, ldv int) bool {
	checkMatrix("EigSym", "a", n, n, a, lda)
	checkLen("EigSym", "values", values, n)
	checkMatrix("EigSym", "vectors", n, n, vectors, ldv)
	if n == 0 {
		return true
	}
	if !fullEigenpairs(n, n, a, lda, values, vectors, ldv) {
		return false
	}
	flipColumns(n, n, vectors, ldv)
	return true
}

// fullEigenpairs computes every eigenpair of a (eigSym) and stores the
// eigenvalues in descending order and the eigenvectors of the k largest in
// the columns of vectors, unsigned.
func fullEigenpairs(n, k int, a []float64, lda int, values, vectors []float64, ldv int) bool {
	if !eigSym(n, a, lda, values) {
		return false
	}
	// a holds the eigenvectors in columns for ascending eigenvalues: reverse.
	slices.Reverse(values[:n])
	for i := 0; i < n; i++ {
		for j := 0; j < k; j++ {
			vectors[i*ldv+j] = a[i*lda+n-1-j]
		}
	}
	return true
}

// EigSymValues computes all eigenvalues of the symmetric n×n row-major
// matrix a (only the upper triangle is read; a is overwritten), without
// eigenvectors: values[0] ≥ … ≥ values[n-1]. It reports false if the
// algorithm did not converge.
func EigSymValues(n int, a []float64, lda int, values []float64) bool {
	checkMatrix("EigSymValues", "a", n, n, a, lda)
	checkLen("EigSymValues", "values", values, n)
	if n == 0 {
		return true
	}
	if !eigSymValues(n, a, lda, values) {
		return false
	}
	slices.Reverse(values[:n])
	return true
}

// EigSymTop computes the k largest eigenvalues of the symmetric n×n row-major
// matrix a (only the upper triangle is read; a is overwritten) and their
// eigenvectors. On return values[0] ≥ … ≥ values[k-1] and column j of the
// n×k row-major matrix vectors (leading dimension ldv ≥ k) is the unit
// eigenvector of values[j], signed as the package documentation says. It
// reports false if the algorithm did not converge.
func EigSymTop(n, k int, a []float64, lda int, values, vectors []float64, ldv int) bool {
	checkMatrix("EigSymTop", "a", n, n, a, lda)
	if k < 0 || k > n {
		panic(fmt.Sprintf("lapack: EigSymTop: k = %d outside [0, n = %d]", k, n))
	}
	checkLen("EigSymTop", "values", values, k)
	checkMatrix("EigSymTop", "vectors", n, k, vectors, ldv)
	if k == 0 {
		return true
	}
	if !eigSymTop(n, k, a, lda, values, vectors, ldv) {
		return false
	}
	flipColumns(n, k, vectors, ldv)
	return true
}

// EigSymSpectrum computes all eigenvalues of the symmetric n×n row-major
// matrix a (only the upper triangle is read; a is overwritten) and the
// eigenvectors of the k largest: values[0] ≥ … ≥ values[n-1], and column
// j of the n×k row-major matrix vectors (leading dimension ldv ≥ k) is the
// unit eigenvector of values[j], signed as the package documentation
// says. This is what PCA needs: its components, and the discarded
// spectrum for the noise variance. For k ≤ n/4 both builds avoid computing
// every eigenvector: one tridiagonal reduction, its eigenvalues, and inverse
// iteration for the k it keeps; for larger k, all eigenpairs. It reports
// false if the algorithm did not converge.
func EigSymSpectrum(n, k int, a []float64, lda int, values, vectors []float64, ldv int) bool {
	checkMatrix("EigSymSpectrum", "a", n, n, a, lda)
	if k < 0 || k > n {
		panic(fmt.Sprintf("lapack: EigSymSpectrum: k = %d outside [0, n = %d]", k, n))
	}
	checkLen("EigSymSpectrum", "values", values, n)
	checkMatrix("EigSymSpectrum", "vectors", n, k, vectors, max(ldv, 1))
	if n == 0 {
		return true
	}
	if !eigSymSpectrum(n, k, a, lda, values, vectors, ldv) {
		return false
	}
	flipColumns(n, k, vectors, ldv)
	return true
}

// SVD computes the thin singular value decomposition A = U Σ Vᵀ of the m×n
// row-major matrix a (overwritten). With r = min(m, n), s receives the r
// singular values in descending order, u the m×r matrix of left singular
// vectors (leading dimension ldu ≥ r) and vt the r×n matrix of right
// singular vectors in its rows (leading dimension ldvt ≥ n), signed as the
// package documentation says. It reports false if the algorithm did not
// converge.
func SVD(m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int) bool {
	r := min(m, n)
	checkMatrix("SVD", "a", m, n, a, lda)
	checkLen("SVD", "s", s, r)
	checkMatrix("SVD", "u", m, r, u, ldu)
	checkMatrix("SVD", "vt", r, n, vt, ldvt)
	if r == 0 {
		return true
	}
	if !svd(m, n, a, lda, s, u, ldu, vt, ldvt) {
		return false
	}
	// Sign convention on the rows of Vᵀ, i.e. the columns of V = (Vᵀ)ᵀ.
	for i := 0; i < r; i++ {
		row := vt[i*ldvt : i*ldvt+n]
		if math.Signbit(row[argMaxAbs(row, n, 1)]) {
			for j := range row {
				row[j] = -row[j]
			}
			for l := 0; l < m; l++ {
				u[l*ldu+i] = -u[l*ldu+i]
			}
		}
	}
	return true
}

// QR overwrites the m×n row-major matrix a (m ≥ n, leading dimension lda)
// with the m×n matrix Q of its thin QR factorisation A = Q R, whose columns
// are orthonormal and span the column space of A.
func QR(m, n int, a []float64, lda int) {
	checkMatrix("QR", "a", m, n, a, lda)
	if m < n {
		panic(fmt.Sprintf("lapack: QR: m = %d < n = %d", m, n))
	}
	if n == 0 {
		return
	}
	qr(m, n, a, lda)
}

// flipColumns makes the first largest-magnitude entry of each column of the
// m×k row-major matrix v positive.
func flipColumns(m, k int, v []float64, ldv int) {
	for j := 0; j < k; j++ {
		if math.Signbit(v[argMaxAbs(v[j:], m, ldv)*ldv+j]) {
			for i := 0; i < m; i++ {
				v[i*ldv+j] = -v[i*ldv+j]
			}
		}
	}
}

// argMaxAbs returns the index i < n of the first largest |x[i·inc]|.
func argMaxAbs(x []float64, n, inc int) int {
	best, bestAbs := 0, -1.0
	for i := 0; i < n; i++ {
		if a := math.Abs(x[i*inc]); a > bestAbs {
			best, bestAbs = i, a
		}
	}
	return best
}

func checkLen(fn, name string, x []float64, n int) {
	if len(x) < n {
		panic(fmt.Sprintf("lapack: %s: len(%s) = %d < %d", fn, name, len(x), n))
	}
}

func checkMatrix(fn, name string, rows, cols int, a []float64, ld int) {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("lapack: %s: %s has negative dimension %d×%d", fn, name, rows, cols))
	}
	if ld < max(1, cols) {
		panic(fmt.Sprintf("lapack: %s: %s is %d×%d but leading dimension is %d", fn, name, rows, cols, ld))
	}
	if rows > 0 && cols > 0 && len(a) < (rows-1)*ld+cols { // an empty matrix needs no elements
		panic(fmt.Sprintf("lapack: %s: %s is %d×%d with leading dimension %d but has only %d elements", fn, name, rows, cols, ld, len(a)))
	}
}
