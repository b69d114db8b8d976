//go:build !netlib

package lapack

import (
	"gonum.org/v1/gonum/blas"
	glapack "gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"
)

const backendName = "gonum"

var impl = gonum.Implementation{}

func init() { UseBackendGlobals() }

// UseBackendGlobals installs the linked backend — here gonum's own — into
// gonum's lapack64, which gonum/mat's decompositions call, as importing this
// package does.
func UseBackendGlobals() { lapack64.Use(impl) }

// eigSym runs gonum's Dsyev: eigenvalues ascending in w, eigenvectors in the
// columns of a.
func eigSym(n int, a []float64, lda int, w []float64) bool {
	return dsyev(glapack.EVCompute, n, a, lda, w)
}

// eigSymValues runs gonum's Dsyev for the eigenvalues alone (ascending).
func eigSymValues(n int, a []float64, lda int, w []float64) bool {
	return dsyev(glapack.EVNone, n, a, lda, w)
}

// dsyev runs gonum's Dsyev with or without eigenvectors, after a
// workspace query.
func dsyev(job glapack.EVJob, n int, a []float64, lda int, w []float64) bool {
	work := []float64{0}
	impl.Dsyev(job, blas.Upper, n, a, lda, w, work, workspaceQuery)
	work = make([]float64, int(work[0]))
	return impl.Dsyev(job, blas.Upper, n, a, lda, w, work, len(work))
}

// eigSymTop computes all eigenpairs with Dsyev (gonum has no partial
// symmetric eigensolver) and keeps the k largest in descending order.
func eigSymTop(n, k int, a []float64, lda int, values, vectors []float64, ldv int) bool {
	w := make([]float64, n)
	if !eigSym(n, a, lda, w) {
		return false
	}
	for j := 0; j < k; j++ {
		values[j] = w[n-1-j]
		for i := 0; i < n; i++ {
			vectors[i*ldv+j] = a[i*lda+n-1-j]
		}
	}
	return true
}

// svd runs gonum's Dgesvd for the thin SVD.
func svd(m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int) bool {
	work := []float64{0}
	impl.Dgesvd(glapack.SVDStore, glapack.SVDStore, m, n, a, lda, s, u, ldu, vt, ldvt, work, workspaceQuery)
	work = make([]float64, int(work[0]))
	return impl.Dgesvd(glapack.SVDStore, glapack.SVDStore, m, n, a, lda, s, u, ldu, vt, ldvt, work, len(work))
}

// qr runs Dgeqrf then Dorgqr, with one workspace sized for both.
func qr(m, n int, a []float64, lda int) {
	tau := make([]float64, n)
	sizes := []float64{0, 0}
	impl.Dgeqrf(m, n, a, lda, tau, sizes[:1], workspaceQuery)
	impl.Dorgqr(m, n, n, a, lda, tau, sizes[1:], workspaceQuery)
	work := make([]float64, max(int(sizes[0]), int(sizes[1]), n))
	impl.Dgeqrf(m, n, a, lda, tau, work, len(work))
	impl.Dorgqr(m, n, n, a, lda, tau, work, len(work))
}
