package decomposition

import (
	"errors"
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/blas"
)

// IncrementalPCA fits a PCA from data given in chunks, for data that does
// not fit in memory or is spread over workers. It keeps the sample count,
// the mean and the co-moment matrix M = Σ (x − μ)(x − μ)ᵀ, and merges the
// statistics of each chunk (or of another IncrementalPCA, with Merge) by the
// pairwise update of Chan, Golub and LeVeque:
//
//	n = n_a + n_b,  δ = μ_b − μ_a,  μ = μ_a + δ n_b/n,
//	M = M_a + M_b + δδᵀ n_a n_b/n.
//
// The result equals the batch PCA with the CovarianceEigen solver up to
// rounding — unlike scikit-learn's IncrementalPCA, which approximates. It
// needs p×p memory for p features.
type IncrementalPCA struct {
	// Options of the PCA that PCA() returns (NComponents, VarianceFraction,
	// Whiten); the solver is always CovarianceEigen.
	Options PCA

	n        int
	p        int
	mean     []float64
	comoment []float64 // p×p, full
}

// PartialFit adds the rows of X to the statistics.
func (ip *IncrementalPCA) PartialFit(X mat.Matrix) error {
	v, err := viewOf("X", X)
	if err != nil {
		return err
	}
	if v.n == 0 {
		return nil
	}
	if ip.p != 0 && v.p != ip.p {
		return fmt.Errorf("decomposition: chunk has %d columns, earlier chunks had %d", v.p, ip.p)
	}
	mean, err := v.meanChecked()
	if err != nil {
		return err
	}
	return ip.merge(v.n, v.p, mean, v.comoment(mean))
}

// Merge adds the statistics of other (fitted on other data) to ip, so that a
// fit can be split across workers.
func (ip *IncrementalPCA) Merge(other *IncrementalPCA) error {
	if other.n == 0 {
		return nil
	}
	if ip.p != 0 && other.p != ip.p {
		return fmt.Errorf("decomposition: merging statistics of %d features into %d", other.p, ip.p)
	}
	return ip.merge(other.n, other.p, slices.Clone(other.mean), slices.Clone(other.comoment))
}

func (ip *IncrementalPCA) merge(nb, p int, meanB, mB []float64) error {
	if ip.n == 0 {
		ip.n, ip.p, ip.mean, ip.comoment = nb, p, meanB, mB
		return nil
	}
	na := ip.n
	n := na + nb
	delta := make([]float64, p)
	copy(delta, meanB)
	blas.Axpy(-1, ip.mean, delta)
	blas.Axpy(float64(nb)/float64(n), delta, ip.mean)
	blas.Axpy(1, mB, ip.comoment)
	// M += δδᵀ n_a n_b / n, a rank-1 update.
	blas.Gemm(blas.NoTrans, blas.NoTrans, p, p, 1, float64(na)*float64(nb)/float64(n), delta, 1, delta, p, 1, ip.comoment, p)
	ip.n = n
	return nil
}

// NSamples returns the number of samples seen.
func (ip *IncrementalPCA) NSamples() int { return ip.n }

// PCA returns the PCA fitted to all samples seen so far.
func (ip *IncrementalPCA) PCA() (*PCA, error) {
	if ip.n == 0 {
		return nil, errors.New("decomposition: IncrementalPCA has seen no data")
	}
	pca := ip.Options
	pca.Solver = CovarianceEigen
	if err := pca.fit(view{n: ip.n, p: ip.p}, slices.Clone(ip.mean), slices.Clone(ip.comoment)); err != nil {
		return nil, err
	}
	return &pca, nil
}
