package decomposition

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/lapack"
)

// Solver selects how PCA finds the components.
type Solver int

const (
	// Auto picks CovarianceEigen when n ≥ p (the covariance is the smaller
	// matrix, and it is the fastest when n ≫ p) and FullSVD otherwise.
	Auto Solver = iota
	// CovarianceEigen forms C = X_cᵀX_c/(n−1) with Dsyrk and takes its
	// eigen-decomposition (every eigenvalue and the top k vectors from one
	// tridiagonal reduction, or all pairs): the lecture's derivation.
	CovarianceEigen
	// FullSVD takes the thin SVD of the centred data (Dgesdd), as
	// scikit-learn's svd_solver="full".
	FullSVD
	// RandomizedSVD is the randomized range finder of Halko, Martinsson and
	// Tropp with oversampling and power iterations, seeded, as
	// scikit-learn's svd_solver="randomized".
	RandomizedSVD
)

// String names the solver as the command's --solver flag does.
func (s Solver) String() string {
	switch s {
	case Auto:
		return "auto"
	case CovarianceEigen:
		return "covariance"
	case FullSVD:
		return "svd"
	case RandomizedSVD:
		return "randomized"
	}
	return fmt.Sprintf("Solver(%d)", int(s))
}

// ParseSolver parses "auto", "covariance", "svd" or "randomized".
func ParseSolver(s string) (Solver, error) {
	for _, v := range []Solver{Auto, CovarianceEigen, FullSVD, RandomizedSVD} {
		if v.String() == s {
			return v, nil
		}
	}
	return 0, fmt.Errorf("solver %q: want auto, covariance, svd or randomized", s)
}

// PCA is principal component analysis with scikit-learn's model
// (sklearn.decomposition.PCA). Set the options, call Fit, then read what it
// learned (the embedded PCAFit: pca.Components, pca.ExplainedVariance, …)
// or call Transform.
type PCA struct {
	// NComponents is the number of components to keep; 0 keeps
	// min(n, p) unless VarianceFraction is set.
	NComponents int
	// VarianceFraction in (0, 1) keeps the smallest number of components
	// whose cumulative explained-variance ratio exceeds it, as
	// n_components=0.95 does in scikit-learn. It needs the whole spectrum,
	// so it uses CovarianceEigen or FullSVD.
	VarianceFraction float64
	// Whiten scales the transformed data to unit variance per component.
	Whiten bool
	Solver Solver
	// Randomized solver settings: Oversamples extra random vectors (default
	// 10), PowerIterations (default as scikit-learn: 7 when k < 0.1·min(n,p),
	// else 4) and the Seed of the Gaussian test matrix.
	Oversamples, PowerIterations int
	Seed                         uint64

	// PCAFit is what Fit learned; Fit replaces it whole.
	PCAFit
}

// PCAFit is the fitted model of a PCA, under scikit-learn's attribute names.
type PCAFit struct {
	Components             *mat.Dense // k×p, unit rows, by decreasing variance
	ExplainedVariance      []float64  // variance along each component (ddof 1)
	ExplainedVarianceRatio []float64  // ExplainedVariance / total variance
	SingularValues         []float64  // singular values of the centred data
	Mean                   []float64  // per-feature mean of the training data
	NoiseVariance          float64    // mean variance of the discarded directions (probabilistic PCA)
	NSamples, NFeatures    int
	UsedSolver             Solver // the solver Fit ran (Auto resolved)
}

// Fit computes the principal components of X (rows are samples).
func (pca *PCA) Fit(X mat.Matrix) error {
	v, err := viewOf("X", X)
	if err != nil {
		return err
	}
	if v.n < 2 {
		return fmt.Errorf("decomposition: PCA of %d samples: need at least 2", v.n)
	}
	mean, err := v.meanChecked()
	if err != nil {
		return err
	}
	return pca.fit(v, mean, nil)
}

// fit fits the data of v with column means mean. When comom, the co-moment
// X_cᵀX_c, is given (IncrementalPCA), v holds only the dimensions.
func (pca *PCA) fit(v view, mean, comom []float64) error {
	n, p := v.n, v.p
	if n < 2 {
		return fmt.Errorf("decomposition: PCA of %d samples: need at least 2", n)
	}
	r := min(n, p)
	k := pca.NComponents
	if pca.VarianceFraction != 0 {
		if !(pca.VarianceFraction > 0 && pca.VarianceFraction < 1) { // NaN too
			return fmt.Errorf("decomposition: variance fraction %g outside (0, 1)", pca.VarianceFraction)
		}
		if pca.NComponents != 0 {
			return errors.New("decomposition: set either NComponents or VarianceFraction, not both")
		}
	}
	if k < 0 || k > r {
		return fmt.Errorf("decomposition: %d components requested but min(n_samples = %d, n_features = %d) = %d", k, n, p, r)
	}
	full := k == 0 // the whole spectrum is needed
	if full {
		k = r
	}
	solver := pca.Solver
	if comom != nil {
		solver = CovarianceEigen
	}
	if solver == Auto {
		solver = FullSVD
		if n >= p {
			solver = CovarianceEigen
		}
	}
	if solver == RandomizedSVD && pca.VarianceFraction != 0 {
		return errors.New("decomposition: a variance fraction needs the full spectrum: use the covariance or svd solver")
	}

	// The spectrum: the variances along the components (decreasing), the
	// components (row-major) and the total variance (ddof 1).
	var sp spectrum
	var err error
	switch solver {
	case CovarianceEigen:
		kk := k
		if full || pca.VarianceFraction != 0 {
			kk = p
		}
		sp, err = covarianceSpectrum(v, mean, comom, kk)
	case FullSVD:
		sp, err = svdSpectrum(v, mean)
	case RandomizedSVD:
		sp, err = pca.randomizedSpectrum(v, mean, k)
	default:
		return fmt.Errorf("decomposition: unknown solver %v", solver)
	}
	if err != nil {
		return err
	}
	values, vt, total := sp.values, sp.vt, sp.total

	if pca.VarianceFraction != 0 {
		var cum float64
		k = 0
		for k < len(values) {
			cum += values[k] / total
			k++
			if cum > pca.VarianceFraction {
				break
			}
		}
	}
	f := PCAFit{NSamples: n, NFeatures: p, UsedSolver: solver, Mean: mean}
	f.ExplainedVariance = slices.Clone(values[:k])
	f.ExplainedVarianceRatio = make([]float64, k)
	f.SingularValues = make([]float64, k)
	var kept float64
	for j, v := range f.ExplainedVariance {
		f.ExplainedVarianceRatio[j] = v / total
		f.SingularValues[j] = math.Sqrt(v * float64(n-1))
		kept += v
	}
	if pca.Whiten {
		for j, v := range f.ExplainedVariance {
			if !(v > total*1e-14) {
				return fmt.Errorf("decomposition: whitening: component %d has variance %g (zero up to rounding) and cannot be scaled to unit variance; keep fewer components", j+1, v)
			}
		}
	}
	f.Components = mat.NewDense(k, p, slices.Clone(vt[:k*p]))
	if k < r {
		switch {
		case solver == FullSVD || (comom != nil && v.data == nil && len(values) == r):
			// The discarded spectrum is there: σ² is its mean, as
			// scikit-learn computes it.
			f.NoiseVariance = meanOf(values[k:r])
		case sp.all != nil && meanOf(sp.all[k:r]) >= exactNoiseRatio*sp.all[0]:
			// The covariance's eigenvalues carry an absolute error of
			// about ε·λ₁; where σ² ≥ 1e-6·λ₁ their mean is exact to
			// about 1e-12 relative (on MNIST, against the residual of the
			// data: 1e-15 at 50 components, 6e-13 at 600, σ²/λ₁ = 3e-6),
			// and no second pass over the data is needed.
			f.NoiseVariance = meanOf(sp.all[k:r])
		case v.data != nil:
			// A discarded spectrum that small relative to λ₁ would lose
			// digits to that error; the residual of the data does not.
			f.NoiseVariance = v.residual(mean, f.Components.RawMatrix().Data, k) / float64(n-1) / float64(r-k)
		default:
			f.NoiseVariance = max(total-kept, 0) / float64(r-k)
		}
	}
	pca.PCAFit = f // only now: a failed fit leaves the PCA as it was
	return nil
}

// exactNoiseRatio is the smallest σ²/λ₁ at which the noise variance is
// taken from the covariance's discarded eigenvalues (see fit).
const exactNoiseRatio = 1e-6

// meanOf returns the mean of x.
func meanOf(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// spectrum is what a solver gives: the variances along the components,
// decreasing, the components as the rows of vt, and the total variance
// (ddof 1).
type spectrum struct {
	values, vt []float64
	total      float64
	// all is the whole spectrum (r = min(n, p) variances, decreasing)
	// where the solver has it, for the noise variance; nil otherwise.
	all []float64
}

// covarianceSpectrum diagonalises the co-moment matrix X_cᵀX_c (from comom
// when given, IncrementalPCA's, else from the data of v) and keeps its top
// kk eigenpairs; the whole spectrum is kept in all.
func covarianceSpectrum(v view, mean, comom []float64, kk int) (spectrum, error) {
	n, p, r := v.n, v.p, min(v.n, v.p)
	if comom == nil {
		comom = v.comoment(mean)
	}
	var sp spectrum
	for j := 0; j < p; j++ {
		sp.total += comom[j*p+j]
	}
	sp.total /= float64(n - 1)
	if err := checkTotal(sp.total); err != nil {
		return sp, err
	}
	// Every eigenvalue, for the noise variance of the discarded spectrum,
	// and the vectors of the kept components (lapack.EigSymSpectrum: one
	// tridiagonal reduction, the vectors by inverse iteration).
	kk = min(kk, r) // rank ≤ n−1 < p: drop the zero tail
	values, vecs := make([]float64, p), make([]float64, p*kk)
	if !lapack.EigSymSpectrum(p, kk, comom, p, values, vecs, kk) {
		return sp, errors.New("decomposition: symmetric eigensolver did not converge")
	}
	for j := range values[:r] {
		sp.all = append(sp.all, max(values[j], 0)/float64(n-1))
	}
	vt := make([]float64, kk*p)
	for j := 0; j < kk; j++ {
		for i := 0; i < p; i++ {
			vt[j*p+i] = vecs[i*kk+j]
		}
	}
	sp.values, sp.vt = sp.all[:kk], vt
	return sp, nil
}

// svdSpectrum takes the thin SVD of the centred data: the components are
// the right singular vectors, the variances s²/(n−1).
func svdSpectrum(v view, mean []float64) (spectrum, error) {
	n, p, r := v.n, v.p, min(v.n, v.p)
	data := v.centered(mean)
	sp := spectrum{total: sumSquares(data) / float64(n-1)}
	if err := checkTotal(sp.total); err != nil {
		return sp, err
	}
	s, u := make([]float64, r), make([]float64, n*r)
	sp.vt = make([]float64, r*p)
	if !lapack.SVD(n, p, data, p, s, u, r, sp.vt, p) {
		return sp, errors.New("decomposition: SVD did not converge")
	}
	sp.values = make([]float64, r)
	for j, x := range s {
		sp.values[j] = x * x / float64(n-1)
	}
	return sp, nil
}

// randomizedSpectrum approximates the top k singular triplets of the
// centred data (Halko et al.), without forming it.
func (pca *PCA) randomizedSpectrum(v view, mean []float64, k int) (spectrum, error) {
	var sp spectrum
	for i := 0; i < v.n; i++ {
		for j, x := range v.row(i) {
			d := x - mean[j]
			sp.total += d * d
		}
	}
	sp.total /= float64(v.n - 1)
	if err := checkTotal(sp.total); err != nil {
		return sp, err
	}
	s, vt, ok := pca.randomized(v, mean, k)
	if !ok {
		return sp, errors.New("decomposition: randomized SVD: the SVD of the projected data did not converge")
	}
	sp.vt, sp.values = vt, make([]float64, k)
	for j, x := range s {
		sp.values[j] = x * x / float64(v.n-1)
	}
	return sp, nil
}

// checkTotal refuses data whose total variance is zero (nothing to
// decompose) or not finite (the data overflows float64 when squared).
func checkTotal(total float64) error {
	if math.IsNaN(total) || math.IsInf(total, 0) {
		return errors.New("decomposition: the total variance overflows float64 (values too large to square); rescale the data")
	}
	if total == 0 {
		return errors.New("decomposition: the data has zero total variance (every sample is the same): there are no principal components")
	}
	return nil
}

// residual returns ‖X_c − X_c VᵀV‖²_F for the k×p row-major components vt,
// in blocks of rows, without a centred copy of X.
func (v view) residual(mean, vt []float64, k int) float64 {
	p := v.p
	rows := min(blockRows, v.n)
	block := make([]float64, rows*p)
	scores := make([]float64, rows*k)
	var sum float64
	for from := 0; from < v.n; from += blockRows {
		rows := min(blockRows, v.n-from)
		for i := 0; i < rows; i++ {
			v.centerRow(block[i*p:(i+1)*p], from+i, mean)
		}
		b := block[:rows*p]
		blas.Gemm(blas.NoTrans, blas.Trans, rows, k, p, 1, b, p, vt, p, 0, scores, k)
		blas.Gemm(blas.NoTrans, blas.NoTrans, rows, p, k, -1, scores, k, vt, p, 1, b, p)
		sum += sumSquares(b)
	}
	return sum
}

func sumSquares(x []float64) float64 {
	nrm := blas.Nrm2(x)
	return nrm * nrm
}

// randomized returns the top k singular values and right singular vectors
// (k×p, row-major) of the centred data X − 1μᵀ by the randomized range
// finder, without forming the centred matrix: every product with it is a
// product with X corrected by a rank-one term.
func (pca *PCA) randomized(v view, mean []float64, k int) (s, vt []float64, ok bool) {
	n, p, x, ldx := v.n, v.p, v.data, v.stride
	over := pca.Oversamples
	if over <= 0 {
		over = 10
	}
	l := min(k+over, min(n, p))
	iters := pca.PowerIterations
	if iters <= 0 {
		iters = 4
		if float64(k) < 0.1*float64(min(n, p)) {
			iters = 7
		}
	}
	rng := newGaussian(pca.Seed)
	z := make([]float64, p*l) // Ω, then Z = X_cᵀ Q
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	y := make([]float64, n*l)
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	muZ := make([]float64, l)
	// y = X_c z = X z − 1 (μᵀz)
	mulCentered := func() {
		blas.Gemm(blas.NoTrans, blas.NoTrans, n, l, p, 1, x, ldx, z, l, 0, y, l)
		blas.Gemv(blas.Trans, p, l, 1, z, l, mean, 1, 0, muZ, 1)
		blas.Gemm(blas.NoTrans, blas.NoTrans, n, l, 1, -1, ones, 1, muZ, l, 1, y, l)
	}
	// z = X_cᵀ y = Xᵀy − μ (1ᵀy) = Xᵀy: y is always an orthonormal basis Q
	// of a range of X_c, whose columns are orthogonal to 1 (1ᵀX_c = 0).
	mulCenteredT := func() {
		blas.Gemm(blas.Trans, blas.NoTrans, p, l, n, 1, x, ldx, y, l, 0, z, l)
	}
	mulCentered()
	lapack.QR(n, l, y, l)
	for it := 0; it < iters; it++ {
		mulCenteredT()
		lapack.QR(p, l, z, l)
		mulCentered()
		lapack.QR(n, l, y, l)
	}
	// B = Qᵀ X_c = (X_cᵀ Q)ᵀ is l×p; its SVD gives the singular values and Vᵀ.
	mulCenteredT()
	b := make([]float64, l*p)
	for i := 0; i < p; i++ {
		for j := 0; j < l; j++ {
			b[j*p+i] = z[i*l+j]
		}
	}
	s = make([]float64, l)
	u := make([]float64, l*l)
	vt = make([]float64, l*p)
	if !lapack.SVD(l, p, b, p, s, u, l, vt, p) {
		return nil, nil, false
	}
	return s[:k], vt, true // the caller keeps the first k rows of vt
}

// checkFitted returns an error unless Fit has run and X has p columns.
func (pca *PCA) checkFitted(what string, cols int) error {
	if pca.Components == nil {
		return errors.New("decomposition: PCA is not fitted")
	}
	if cols != pca.NFeatures {
		return fmt.Errorf("decomposition: %s has %d columns, the PCA was fitted on %d", what, cols, pca.NFeatures)
	}
	return nil
}

// Transform projects X onto the components: (X − μ) Vᵀ, divided by
// √ExplainedVariance per component when Whiten is set. The result is n×k.
func (pca *PCA) Transform(X mat.Matrix) (*mat.Dense, error) {
	n, cols := X.Dims()
	if err := pca.checkFitted("X", cols); err != nil {
		return nil, err
	}
	k, _ := pca.Components.Dims()
	dst := mat.NewDense(n, k, nil) // gonum matrices are never empty: n, k ≥ 1
	if err := pca.TransformTo(dst, X); err != nil {
		return nil, err
	}
	return dst, nil
}

// TransformTo writes the scores of the rows of X into dst, which must be
// n×k (n rows of X, k components), in gonum's style: no allocation for the
// result.
func (pca *PCA) TransformTo(dst *mat.Dense, X mat.Matrix) error {
	_, cols := X.Dims()
	if err := pca.checkFitted("X", cols); err != nil {
		return err
	}
	v, err := viewOf("X", X)
	if err == nil {
		err = v.checkFinite()
	}
	if err != nil {
		return err
	}
	n, p := v.n, v.p
	k, _ := pca.Components.Dims()
	if r, c := dst.Dims(); r != n || c != k {
		return fmt.Errorf("decomposition: TransformTo: dst is %d×%d, want %d×%d", r, c, n, k)
	}
	comp, out := pca.Components.RawMatrix(), dst.RawMatrix()
	// (X − 1μᵀ)Vᵀ = XVᵀ − 1(Vμ)ᵀ
	vmu := make([]float64, k)
	blas.Gemv(blas.NoTrans, k, p, 1, comp.Data, comp.Stride, pca.Mean, 1, 0, vmu, 1)
	for i := 0; i < n; i++ {
		copy(out.Data[i*out.Stride:i*out.Stride+k], vmu)
	}
	blas.Gemm(blas.NoTrans, blas.Trans, n, k, p, 1, v.data, v.stride, comp.Data, comp.Stride, -1, out.Data, out.Stride)
	if pca.Whiten {
		for j := 0; j < k; j++ {
			inv := 1 / math.Sqrt(pca.ExplainedVariance[j])
			for i := 0; i < n; i++ {
				out.Data[i*out.Stride+j] *= inv
			}
		}
	}
	return nil
}

// FitTransform fits the model and returns the transformed training data.
func (pca *PCA) FitTransform(X mat.Matrix) (*mat.Dense, error) {
	if err := pca.Fit(X); err != nil {
		return nil, err
	}
	return pca.Transform(X)
}

// FitTransformContext is FitTransform that returns ctx.Err() as soon as
// ctx is done. LAPACK cannot be interrupted, so the fit runs on its own
// goroutine, on a copy of pca that is copied back when it succeeds: an
// interrupted fit leaves pca as it was (its goroutine finishes alone).
func (pca *PCA) FitTransformContext(ctx context.Context, X mat.Matrix) (*mat.Dense, error) {
	type result struct {
		fitted PCA
		scores *mat.Dense
		err    error
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	done := make(chan result, 1)
	work := *pca
	go func() {
		scores, err := work.FitTransform(X)
		done <- result{work, scores, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-done:
		if r.err != nil {
			return nil, r.err
		}
		*pca = r.fitted
		return r.scores, nil
	}
}

// ParseComponents parses a number of components as scikit-learn's
// n_components takes it: a positive count ("50", n) or a fraction of the
// variance to explain in (0, 1) ("0.95", fraction), for NComponents or
// VarianceFraction.
func ParseComponents(s string) (n int, fraction float64, err error) {
	if k, err := strconv.Atoi(s); err == nil && k > 0 {
		return k, 0, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 1 {
		return 0, f, nil
	}
	return 0, 0, fmt.Errorf("components %q: want a positive count or a fraction in (0, 1)", s)
}

// InverseTransform maps scores Z (n×k) back to data space: Z V + μ (with
// the whitening undone first when Whiten is set).
func (pca *PCA) InverseTransform(Z mat.Matrix) (*mat.Dense, error) {
	if pca.Components == nil {
		return nil, errors.New("decomposition: PCA is not fitted")
	}
	k, p := pca.Components.Dims()
	z, n, cols, err := rowMajor("Z", Z)
	if err != nil {
		return nil, err
	}
	if cols != k {
		return nil, fmt.Errorf("decomposition: scores have %d columns, the PCA has %d components", cols, k)
	}
	if pca.Whiten {
		for j := 0; j < k; j++ {
			s := math.Sqrt(pca.ExplainedVariance[j])
			for i := 0; i < n; i++ {
				z[i*k+j] *= s
			}
		}
	}
	out := make([]float64, n*p)
	for i := 0; i < n; i++ {
		copy(out[i*p:(i+1)*p], pca.Mean)
	}
	comp := pca.Components.RawMatrix()
	blas.Gemm(blas.NoTrans, blas.NoTrans, n, p, k, 1, z, k, comp.Data, comp.Stride, 1, out, p)
	return mat.NewDense(n, p, out), nil
}

// Reconstruction fits the model on train and returns its reconstruction
// of test, InverseTransform(Transform(test)): the projection of each test
// row onto the fitted subspace (the yardstick of a linear autoencoder).
func (pca *PCA) Reconstruction(train, test mat.Matrix) (*mat.Dense, error) {
	if err := pca.Fit(train); err != nil {
		return nil, err
	}
	scores, err := pca.Transform(test)
	if err != nil {
		return nil, err
	}
	return pca.InverseTransform(scores)
}

// Covariance returns the covariance of the probabilistic PCA model,
// Vᵀ diag(λ − σ²) V + σ² I, as scikit-learn's get_covariance.
func (pca *PCA) Covariance() (*mat.SymDense, error) {
	if pca.Components == nil {
		return nil, errors.New("decomposition: PCA is not fitted")
	}
	k, p := pca.Components.Dims()
	scaled := mat.DenseCopyOf(pca.Components)
	for j := 0; j < k; j++ {
		ev := pca.ExplainedVariance[j]
		scale := max(ev-pca.NoiseVariance, 0)
		if pca.Whiten {
			scale *= ev // scikit-learn scales the components by √λ when whitening
		}
		row := scaled.RawRowView(j)
		blas.Scal(math.Sqrt(scale), row)
	}
	c := make([]float64, p*p)
	raw := scaled.RawMatrix()
	blas.Syrk(blas.Upper, blas.Trans, p, k, 1, raw.Data, raw.Stride, 0, c, p)
	blas.Symmetrize(blas.Upper, p, c, p)
	for j := 0; j < p; j++ {
		c[j*p+j] += pca.NoiseVariance
	}
	return mat.NewSymDense(p, c), nil
}

// ScoreSamples returns the log-likelihood of each row of X under the
// probabilistic PCA model N(μ, Covariance()), as scikit-learn's
// score_samples.
func (pca *PCA) ScoreSamples(X mat.Matrix) ([]float64, error) {
	_, cols := X.Dims()
	if err := pca.checkFitted("X", cols); err != nil {
		return nil, err
	}
	cov, err := pca.Covariance()
	if err != nil {
		return nil, err
	}
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		return nil, errors.New("decomposition: the model covariance is singular (no noise variance): the likelihood is undefined")
	}
	logDet := chol.LogDet()
	data, n, p, err := rowMajor("X", X)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		blas.Axpy(-1, pca.Mean, data[i*p:(i+1)*p])
	}
	// Solve C Y = X_cᵀ for all samples at once.
	xc := mat.NewDense(n, p, data)
	var y mat.Dense
	if err := chol.SolveTo(&y, xc.T()); err != nil {
		return nil, fmt.Errorf("decomposition: %v", err)
	}
	out := make([]float64, n)
	c := -0.5 * (float64(p)*math.Log(2*math.Pi) + logDet)
	for i := 0; i < n; i++ {
		var q float64
		for j := 0; j < p; j++ {
			q += data[i*p+j] * y.At(j, i)
		}
		out[i] = c - 0.5*q
	}
	return out, nil
}

// Score returns the mean log-likelihood of the rows of X, as scikit-learn's
// score.
func (pca *PCA) Score(X mat.Matrix) (float64, error) {
	ll, err := pca.ScoreSamples(X)
	if err != nil {
		return 0, err
	}
	var s float64
	for _, v := range ll {
		s += v
	}
	return s / float64(len(ll)), nil
}

// VarianceTable returns the explained variance of each component, its
// ratio and the cumulative ratio, one line per component after a header
// (the first rows and the last; "..." between), and a line with the total
// ratio and the noise variance.
func (f *PCAFit) VarianceTable(rows int) string {
	var b strings.Builder
	b.WriteString("component  explained variance  ratio     cumulative\n")
	var cum float64
	k := len(f.ExplainedVariance)
	for j := 0; j < k; j++ {
		cum += f.ExplainedVarianceRatio[j]
		if j < rows || j == k-1 {
			fmt.Fprintf(&b, "%9d  %18.6g  %.6f  %.6f\n", j+1, f.ExplainedVariance[j], f.ExplainedVarianceRatio[j], cum)
		} else if j == rows {
			b.WriteString("      ...\n")
		}
	}
	fmt.Fprintf(&b, "the %d components explain %.4f of the variance; noise variance %.6g\n", k, cum, f.NoiseVariance)
	return b.String()
}
