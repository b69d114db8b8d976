//go:build !netlib

package lapack

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
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

// sytrd reduces the upper triangle of a to the tridiagonal T = Qᵀ A Q
// (gonum's Dsytrd): diagonal d, off-diagonal e, Q's reflectors in a and tau.
func sytrd(n int, a []float64, lda int, d, e, tau []float64) bool {
	size := []float64{0}
	impl.Dsytrd(blas.Upper, n, a, lda, d, e, tau, size, workspaceQuery)
	work := make([]float64, max(int(size[0]), 1))
	impl.Dsytrd(blas.Upper, n, a, lda, d, e, tau, work, len(work))
	return true
}

// sterf overwrites d with the eigenvalues (ascending) of the tridiagonal
// matrix of d and e (gonum's Dsterf; e is destroyed).
func sterf(d, e []float64) bool { return impl.Dsterf(len(d), d, e) }

// ormtr sets the n×k matrix x (leading dimension k) to Q·x, with Q =
// H(n−2)⋯H(0) the reflectors sytrd left in a and tau, as LAPACK's Dormtr
// (which gonum lacks): H(i) = I − τᵢvvᵀ with v[i] = 1, v[0:i] in column
// i+1 above the superdiagonal and zero below. It costs 2n²k, against
// Dorgtr's 4n³/3 to form Q and a product.
func ormtr(n, k int, a []float64, lda int, tau, x []float64) bool {
	bi := blas64.Implementation()
	w := make([]float64, k)
	for i := 0; i < n-1; i++ {
		if tau[i] == 0 {
			continue
		}
		sup := a[i*lda+i+1]
		a[i*lda+i+1] = 1
		v := a[i+1:]
		// w = xᵀ v over rows 0…i, then x −= τ v wᵀ.
		bi.Dgemv(blas.Trans, i+1, k, 1, x, k, v, lda, 0, w, 1)
		bi.Dger(i+1, k, -tau[i], v, lda, w, 1, x, k)
		a[i*lda+i+1] = sup
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
	work := make([]float64, (n+qrBlock)*qrBlock)
	if n <= qrBlock {
		impl.Dgeqr2(m, n, a, lda, tau, work)
		impl.Dorg2r(m, n, n, a, lda, tau, work)
		return
	}
	t, rest := work[:qrBlock*qrBlock], work[qrBlock*qrBlock:]
	// A = H₁ H₂ … Hₙ R, a panel of qrBlock columns at a time: each panel
	// is factored by level-2 reflections, and its reflectors, gathered as
	// the block I − V T Vᵀ, update the columns right of it by GEMMs.
	for j := 0; j < n; j += qrBlock {
		jb := min(qrBlock, n-j)
		panel := a[j*lda+j:]
		impl.Dgeqr2(m-j, jb, panel, lda, tau[j:j+jb], rest)
		if j+jb < n {
			impl.Dlarft(glapack.Forward, glapack.ColumnWise, m-j, jb, panel, lda, tau[j:], t, qrBlock)
			impl.Dlarfb(blas.Left, blas.Trans, glapack.Forward, glapack.ColumnWise, m-j, n-j-jb, jb,
				panel, lda, t, qrBlock, panel[jb:], lda, rest, qrBlock)
		}
	}
	// Q = H₁ H₂ … Hₙ applied to the first n columns of the identity, the
	// panels from the last: each block reflector updates the columns
	// right of its panel, then its own columns are formed by level-2
	// reflections.
	last := (n - 1) / qrBlock * qrBlock
	for j := last; j >= 0; j -= qrBlock {
		jb := min(qrBlock, n-j)
		panel := a[j*lda+j:]
		if j+jb < n {
			impl.Dlarft(glapack.Forward, glapack.ColumnWise, m-j, jb, panel, lda, tau[j:], t, qrBlock)
			impl.Dlarfb(blas.Left, blas.NoTrans, glapack.Forward, glapack.ColumnWise, m-j, n-j-jb, jb,
				panel, lda, t, qrBlock, panel[jb:], lda, rest, qrBlock)
		}
		impl.Dorg2r(m-j, jb, jb, panel, lda, tau[j:j+jb], rest)
		for i := 0; i < j; i++ { // rows above the panel: Q's are zero there
			clear(a[i*lda+j : i*lda+j+jb])
		}
	}
}

// qrBlock is the panel width of the blocked QR. gonum's Dgeqrf and Dorgqr
// block only from 128 columns on; below that their level-2 reflections of
// a tall matrix, one column at a time, took 3.2 s of a 5.5 s randomized
// PCA(50) of MNIST (fifteen 60000×60 bases). In panels of 16 the fit
// takes 2.7–3.0 s (8: 2.9–3.3 s, 32: 3.4 s), OpenBLAS's 2.5–3.1 s.
const qrBlock = 16
