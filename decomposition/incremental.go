package decomposition

import (
	"errors"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// IncrementalPCA fits a PCA from data given in chunks, for data that does
// not fit in memory or is spread over workers. It keeps the Moments of the
// data (count, mean and co-moment matrix M = Σ (x − μ)(x − μ)ᵀ) and merges
// those of each chunk, or of another IncrementalPCA, by Chan, Golub and
// LeVeque's pairwise update (see Moments).
//
// The result equals the batch PCA with the CovarianceEigen solver up to
// rounding — unlike scikit-learn's IncrementalPCA, which approximates. It
// needs p×p memory for p features.
type IncrementalPCA struct {
	// Options of the PCA that PCA() returns (NComponents, VarianceFraction,
	// Whiten); the solver is always CovarianceEigen.
	Options PCA

	moments Moments
}

// PartialFit adds the rows of X to the statistics.
func (ip *IncrementalPCA) PartialFit(X mat.Matrix) error {
	return ip.moments.Add(X)
}

// Merge adds the statistics of other (fitted on other data) to ip, so that a
// fit can be split across workers.
func (ip *IncrementalPCA) Merge(other *IncrementalPCA) error { return ip.moments.Merge(&other.moments) }

// AddMoments adds moments gathered elsewhere — by a Beam pipeline, another
// process — to the statistics.
func (ip *IncrementalPCA) AddMoments(m *Moments) error { return ip.moments.Merge(m) }

// NSamples returns the number of samples seen.
func (ip *IncrementalPCA) NSamples() int { return ip.moments.n }

// PCA returns the PCA fitted to all samples seen so far.
func (ip *IncrementalPCA) PCA() (*PCA, error) {
	m := &ip.moments
	if m.n == 0 {
		return nil, errors.New("decomposition: IncrementalPCA has seen no data")
	}
	pca := ip.Options
	pca.Solver = CovarianceEigen
	if err := pca.fit(view{n: m.n, p: m.p}, slices.Clone(m.mean), slices.Clone(m.comoment)); err != nil {
		return nil, err
	}
	return &pca, nil
}
