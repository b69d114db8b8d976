// Package decomposition implements the lecture's principal component
// analysis the way scikit-learn users expect it, on OpenBLAS/LAPACK in the
// netlib build: covariance and correlation matrices, PCA with four solvers
// (sklearn.decomposition.PCA), an incremental PCA whose partial fits merge
// exactly, and principal angles between subspaces.
//
// Data is float64, given as a gonum mat.Matrix whose rows are samples and
// whose columns are features: the lecture's design matrix X ∈ R^{n×p}.
//
// # From the covariance matrix to the components
//
// With the centred data X_c = X − 1μᵀ, the sample covariance is
// C = X_cᵀX_c/(n − ddof), computed as one symmetric rank-k update (Dsyrk).
// Its eigenvectors, sorted by decreasing eigenvalue, are the principal
// directions and the eigenvalues the variances along them. Equivalently, the
// thin SVD X_c = U S Vᵀ gives the directions as the rows of Vᵀ and the
// variances as S²/(n − 1).
//
// # Signs
//
// Components are only defined up to sign. physml makes the entry of largest
// magnitude of each component positive (scikit-learn's svd_flip with
// u_based_decision=False, the default of scikit-learn ≥ 1.5), so every
// solver gives the same components; scikit-learn 1.2 decides by U instead,
// so its components may differ from physml's by a sign per row.
//
// # Errors
//
// Data that cannot be decomposed — NaN or Inf, fewer than two samples, more
// components than min(n, p), a constant column in a correlation, columns
// that do not match the fit — returns an error saying what and where.
package decomposition
