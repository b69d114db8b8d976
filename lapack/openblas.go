//go:build netlib

package lapack

/*
#cgo LDFLAGS: -llapacke -lopenblas
*/
import "C"

import (
	"fmt"

	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/netlib/lapack/lapacke"
	"gonum.org/v1/netlib/lapack/netlib"
)

const backendName = "openblas"

func init() { UseBackendGlobals() }

// UseBackendGlobals installs the linked backend — here OpenBLAS's LAPACK —
// into gonum's lapack64, which gonum/mat's decompositions call, as
// importing this package does.
func UseBackendGlobals() { lapack64.Use(netlib.Implementation{}) }

// eigSym runs the divide-and-conquer driver Dsyevd: eigenvalues ascending in
// w, eigenvectors in the columns of a.
func eigSym(n int, a []float64, lda int, w []float64) bool { return dsyevd('V', n, a, lda, w) }

// eigSymValues runs Dsyevd for the eigenvalues alone (ascending in w): a
// tridiagonal reduction and the root-free QR iteration Dsterf.
func eigSymValues(n int, a []float64, lda int, w []float64) bool { return dsyevd('N', n, a, lda, w) }

// dsyevd runs Dsyevd with jobz 'V' (vectors too) or 'N' (values only),
// after a workspace query.
func dsyevd(jobz byte, n int, a []float64, lda int, w []float64) bool {
	work := []float64{0}
	iwork := []int32{0}
	if !lapacke.Dsyevd(jobz, 'U', n, a, lda, w, work, workspaceQuery, iwork, workspaceQuery) {
		return false
	}
	lwork, liwork := int(work[0]), int(iwork[0])
	work = make([]float64, lwork)
	iwork = make([]int32, liwork)
	return lapacke.Dsyevd(jobz, 'U', n, a, lda, w, work, lwork, iwork, liwork)
}

// sytrd reduces the upper triangle of a to the tridiagonal T = Qᵀ A Q
// (Dsytrd): diagonal d, off-diagonal e, Q's reflectors in a and tau.
func sytrd(n int, a []float64, lda int, d, e, tau []float64) bool {
	size := []float64{0}
	if !lapacke.Dsytrd('U', n, a, lda, d, e, tau, size, workspaceQuery) {
		return false
	}
	work := make([]float64, max(int(size[0]), 1))
	return lapacke.Dsytrd('U', n, a, lda, d, e, tau, work, len(work))
}

// sterf overwrites d with the eigenvalues (ascending) of the tridiagonal
// matrix of d and e (Dsterf; e is destroyed).
func sterf(d, e []float64) bool { return lapacke.Dsterf(len(d), d, e) }

// ormtr sets the n×k matrix x (leading dimension k) to Q·x, with Q the
// reflectors sytrd left in a and tau (Dormtr).
func ormtr(n, k int, a []float64, lda int, tau, x []float64) bool {
	size := []float64{0}
	if !lapacke.Dormtr('L', 'U', 'N', n, k, a, lda, tau, x, k, size, workspaceQuery) {
		return false
	}
	work := make([]float64, max(int(size[0]), 1))
	return lapacke.Dormtr('L', 'U', 'N', n, k, a, lda, tau, x, k, work, len(work))
}

// eigSymTop runs the MRRR driver Dsyevr for eigenvalues n-k+1 … n (1-based,
// ascending) and stores them in descending order.
func eigSymTop(n, k int, a []float64, lda int, values, vectors []float64, ldv int) bool {
	w := make([]float64, n)
	z := make([]float64, n*k)
	found := []int32{0}
	isuppz := make([]int32, 2*k)
	work := []float64{0}
	iwork := []int32{0}
	if !lapacke.Dsyevr('V', 'I', 'U', n, a, lda, 0, 0, n-k+1, n, 0, found, w, z, k, isuppz, work, workspaceQuery, iwork, workspaceQuery) {
		return false
	}
	lwork, liwork := int(work[0]), int(iwork[0])
	work = make([]float64, lwork)
	iwork = make([]int32, liwork)
	if !lapacke.Dsyevr('V', 'I', 'U', n, a, lda, 0, 0, n-k+1, n, 0, found, w, z, k, isuppz, work, lwork, iwork, liwork) {
		return false
	}
	if int(found[0]) != k {
		panic(fmt.Sprintf("lapack: Dsyevr found %d eigenvalues, want %d", found[0], k))
	}
	for j := 0; j < k; j++ {
		values[j] = w[k-1-j]
		for i := 0; i < n; i++ {
			vectors[i*ldv+j] = z[i*k+k-1-j]
		}
	}
	return true
}

// svd runs the divide-and-conquer driver Dgesdd for the thin SVD.
func svd(m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int) bool {
	iwork := make([]int32, 8*min(m, n))
	work := []float64{0}
	if !lapacke.Dgesdd('S', m, n, a, lda, s, u, ldu, vt, ldvt, work, workspaceQuery, iwork) {
		return false
	}
	lwork := int(work[0])
	work = make([]float64, lwork)
	return lapacke.Dgesdd('S', m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork)
}

// qr runs Dgeqrf then Dorgqr, with one workspace sized for both.
func qr(m, n int, a []float64, lda int) {
	tau := make([]float64, n)
	sizes := []float64{0, 0}
	lapacke.Dgeqrf(m, n, a, lda, tau, sizes[:1], workspaceQuery)
	lapacke.Dorgqr(m, n, n, a, lda, tau, sizes[1:], workspaceQuery)
	work := make([]float64, max(int(sizes[0]), int(sizes[1]), n))
	if !lapacke.Dgeqrf(m, n, a, lda, tau, work, len(work)) {
		panic("lapack: Dgeqrf failed")
	}
	if !lapacke.Dorgqr(m, n, n, a, lda, tau, work, len(work)) {
		panic("lapack: Dorgqr failed")
	}
}
