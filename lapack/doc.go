// Package lapack is the one place in physml that knows which LAPACK is
// linked. It offers the few decompositions that principal component analysis
// and the randomized SVD need, on row-major float64 slices:
//
//   - EigSym: all eigenvalues and eigenvectors of a symmetric matrix;
//   - EigSymTop: the k largest of them;
//   - SVD: the thin singular value decomposition A = U Σ Vᵀ;
//   - QR: the orthonormal factor Q of a thin QR factorisation.
//
// # Backends
//
// Built with -tags netlib, the functions call the fast LAPACK drivers of
// OpenBLAS through gonum's LAPACKE bindings (gonum.org/v1/netlib/lapack/lapacke):
// divide-and-conquer Dsyevd for all eigenpairs, the MRRR driver Dsyevr for the
// top k, Dsytrd, Dsterf and Dormtr for all eigenvalues with the top k
// vectors, divide-and-conquer Dgesdd for the SVD, and Dgeqrf/Dorgqr for QR. The
// package links -llapacke -lopenblas itself. Built without the tag, it uses
// gonum's pure-Go LAPACK (Dsyev, Dgesvd, Dgeqrf/Dorgqr). In both builds
// importing it installs the implementation into gonum's global lapack64
// (UseBackendGlobals), so gonum/mat uses the same backend — a program's own
// mat decompositions included; UseGonumGlobals gives lapack64 gonum's own
// implementation back.
//
// # Ordering and signs
//
// The two builds give the same results within rounding. Eigenvalues and
// singular values are returned in descending order. Eigenvectors and
// singular vectors are only defined up to sign, so both builds apply one
// deterministic convention: in each eigenvector, and in each right singular
// vector (row of Vᵀ), the entry of largest magnitude is positive (the first
// such entry when several tie); the matching left singular vector (column of
// U) is flipped with it. This is the convention of scikit-learn's svd_flip
// with u_based_decision=False, and it makes PCA components comparable across
// solvers.
//
// # Errors
//
// Shape errors are programmer errors and panic with a message that names the
// sizes. A decomposition that does not converge returns false.
package lapack
