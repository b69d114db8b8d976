package decomposition

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/internal/numcheck"
)

func randomData(n, p int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	X := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			X.Set(i, j, rng.NormFloat64()*float64(j+1)+float64(j))
		}
	}
	return X
}

func TestPrincipalAnglesOfTheWholeSpace(t *testing.T) {
	a := mat.NewDense(3, 3, []float64{1, 2, 0, 0, 1, 0, 3, 0, 1})
	b := mat.NewDense(3, 3, []float64{0, 0, 2, 1, 1, 0, 0, 5, 0})
	got, err := PrincipalAngles(a, b)
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "angles between two bases of R³", got, []float64{0, 0, 0}, 1e-7)
	if _, err := PrincipalAngles(mat.NewDense(1, 2, []float64{0, 0}), a.Slice(0, 1, 0, 2)); err == nil || !strings.Contains(err.Error(), "zero") {
		t.Errorf("zero basis: %v", err)
	}
}

func TestCovarianceOfOneSample(t *testing.T) {
	X := mat.NewDense(1, 2, []float64{3, 4})
	c, err := Covariance(X, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.At(0, 0) != 0 || c.At(0, 1) != 0 || c.At(1, 1) != 0 {
		t.Errorf("covariance of one sample with 1/n: %v", mat.Formatted(c))
	}
	if _, err := Covariance(X, 1); err == nil {
		t.Error("covariance of one sample with 1/(n−1): no error")
	}
}

func TestIncrementalPCAChecksWhatItMerges(t *testing.T) {
	var a, b, empty IncrementalPCA
	if err := a.PartialFit(randomData(10, 3, 1)); err != nil {
		t.Fatal(err)
	}
	if err := b.PartialFit(randomData(10, 4, 2)); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(&b); err == nil || !strings.Contains(err.Error(), "4") {
		t.Errorf("merging 4 columns into 3: %v", err)
	}
	if err := empty.Merge(&a); err != nil {
		t.Fatal(err)
	}
	want, _ := a.PCA()
	got, err := empty.PCA()
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "merged into an empty one", got.ExplainedVariance, want.ExplainedVariance, 0)
	var one IncrementalPCA
	one.PartialFit(randomData(1, 3, 3))
	if _, err := one.PCA(); err == nil {
		t.Error("PCA of one sample: no error")
	}
}

// TestAutoChoosesBySize: the covariance eigen-decomposition when n ≥ p
// (including n = p), the SVD otherwise.
func TestAutoChoosesBySize(t *testing.T) {
	for _, c := range []struct {
		n, p int
		want Solver
	}{{20, 5, CovarianceEigen}, {5, 5, CovarianceEigen}, {4, 5, FullSVD}} {
		pca := PCA{NComponents: 2}
		if err := pca.Fit(randomData(c.n, c.p, 4)); err != nil {
			t.Fatal(err)
		}
		if pca.UsedSolver != c.want {
			t.Errorf("%d×%d: solver %v, want %v", c.n, c.p, pca.UsedSolver, c.want)
		}
	}
}

// TestVarianceFractionAtAnExactTie: as scikit-learn, keep the smallest k
// whose cumulative ratio exceeds the fraction — a ratio equal to it is not
// enough.
func TestVarianceFractionAtAnExactTie(t *testing.T) {
	// Ratios exactly 0.5 and 0.5 from the eigenvalues of a diagonal
	// covariance (the SVD's squared singular values miss 0.5 by an ulp).
	X := mat.NewDense(4, 2, []float64{1, 0, -1, 0, 0, 1, 0, -1})
	for _, solver := range []Solver{CovarianceEigen} {
		pca := PCA{VarianceFraction: 0.5, Solver: solver}
		if err := pca.Fit(X); err != nil {
			t.Fatal(err)
		}
		if k, _ := pca.Components.Dims(); k != 2 || pca.ExplainedVarianceRatio[0] != 0.5 {
			t.Errorf("%v: %d components with ratios %v, want 2 (0.5 is not above 0.5)", solver, k, pca.ExplainedVarianceRatio)
		}
	}
}

func TestNoiseVarianceWithEveryComponentIsZero(t *testing.T) {
	X := randomData(30, 4, 5)
	for _, solver := range []Solver{CovarianceEigen, FullSVD, RandomizedSVD} {
		pca := PCA{NComponents: 4, Solver: solver}
		if err := pca.Fit(X); err != nil {
			t.Fatal(err)
		}
		if pca.NoiseVariance != 0 {
			t.Errorf("%v: noise variance %v with every component kept", solver, pca.NoiseVariance)
		}
	}
}

// TestNoiseVarianceOverManyBlocksAndMerges: the residual is summed over
// blocks of rows (n > 2048 here) and the incremental fit takes it from the
// co-moment; both must give the batch SVD's discarded spectrum.
func TestNoiseVarianceOverManyBlocksAndMerges(t *testing.T) {
	X := randomData(5000, 6, 6)
	svd := PCA{NComponents: 2, Solver: FullSVD}
	if err := svd.Fit(X); err != nil {
		t.Fatal(err)
	}
	cov := PCA{NComponents: 2, Solver: CovarianceEigen}
	if err := cov.Fit(X); err != nil {
		t.Fatal(err)
	}
	var inc IncrementalPCA
	inc.Options.NComponents = 2
	inc.PartialFit(X.Slice(0, 3000, 0, 6))
	inc.PartialFit(X.Slice(3000, 5000, 0, 6))
	merged, err := inc.PCA()
	if err != nil {
		t.Fatal(err)
	}
	// Measured: 1e-15 and 3e-15 relative.
	numcheck.Scalar(t, "residual noise variance / SVD's", cov.NoiseVariance/svd.NoiseVariance, 1, 1e-13)
	numcheck.Scalar(t, "incremental noise variance / SVD's", merged.NoiseVariance/svd.NoiseVariance, 1, 1e-13)
}

func TestStandardize(t *testing.T) {
	X := randomData(50, 3, 7)
	Z, err := Standardize(X)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 3; j++ {
		var s, ss float64
		for i := 0; i < 50; i++ {
			s += Z.At(i, j)
			ss += Z.At(i, j) * Z.At(i, j)
		}
		numcheck.Scalar(t, "standardised mean", s/50, 0, 1e-15)
		numcheck.Scalar(t, "standardised variance (1/n)", ss/50, 1, 1e-14)
	}
	// The first column keeps its order: standardising is affine.
	if (Z.At(0, 0) < Z.At(1, 0)) != (X.At(0, 0) < X.At(1, 0)) {
		t.Error("standardising reversed a column")
	}
	constant := mat.NewDense(3, 2, []float64{1, 5, 2, 5, 3, 5})
	if _, err := Standardize(constant); err == nil || !strings.Contains(err.Error(), "column 1 is constant") {
		t.Errorf("constant column: %v", err)
	}
	if _, err := Standardize(mat.NewDense(1, 2, nil)); err == nil {
		t.Error("one sample: no error")
	}
	if _, err := Standardize(mat.NewDense(2, 2, []float64{1, math.NaN(), 2, 3})); err == nil || !strings.Contains(err.Error(), "row 0, column 1") {
		t.Errorf("NaN: %v", err)
	}
}

// TestFitOfAnyMatrix: a mat.Matrix that is not a *mat.Dense (a transpose
// view) gives the same fit as its dense copy.
func TestFitOfAnyMatrix(t *testing.T) {
	Xt := randomData(6, 40, 8) // 6×40; its transpose is 40 samples × 6 features
	var dense mat.Dense
	dense.CloneFrom(Xt.T())
	for _, solver := range []Solver{CovarianceEigen, FullSVD} {
		a, b := PCA{NComponents: 3, Solver: solver}, PCA{NComponents: 3, Solver: solver}
		if err := a.Fit(Xt.T()); err != nil {
			t.Fatal(err)
		}
		if err := b.Fit(&dense); err != nil {
			t.Fatal(err)
		}
		numcheck.Close(t, solver.String()+" variances of a transpose view", a.ExplainedVariance, b.ExplainedVariance, 1e-12)
		numcheck.Close(t, solver.String()+" components of a transpose view", a.Components.RawMatrix().Data, b.Components.RawMatrix().Data, 1e-12)
		za, err := a.Transform(Xt.T())
		if err != nil {
			t.Fatal(err)
		}
		zb, _ := b.Transform(&dense)
		numcheck.Close(t, solver.String()+" scores of a transpose view", za.RawMatrix().Data, zb.RawMatrix().Data, 1e-12)
	}
}

// TestRandomizedPowerIterationsDefault: scikit-learn's rule, 7 power
// iterations when k < 0.1·min(n, p), else 4 — the default must equal the
// explicit setting bit for bit.
func TestRandomizedPowerIterationsDefault(t *testing.T) {
	X := randomData(200, 40, 9)
	for _, c := range []struct{ k, iters int }{{3, 7}, {4, 4}, {10, 4}} {
		def := PCA{NComponents: c.k, Solver: RandomizedSVD, Seed: 1}
		explicit := PCA{NComponents: c.k, Solver: RandomizedSVD, Seed: 1, PowerIterations: c.iters}
		other := PCA{NComponents: c.k, Solver: RandomizedSVD, Seed: 1, PowerIterations: 11 - c.iters}
		for _, p := range []*PCA{&def, &explicit, &other} {
			if err := p.Fit(X); err != nil {
				t.Fatal(err)
			}
		}
		numcheck.Close(t, "default power iterations", def.Components.RawMatrix().Data, explicit.Components.RawMatrix().Data, 0)
		if numcheck.MaxAbsDiff(def.Components.RawMatrix().Data, other.Components.RawMatrix().Data) == 0 {
			t.Errorf("k = %d: %d and %d power iterations give the same bits: the test shows nothing", c.k, c.iters, 11-c.iters)
		}
	}
}

func TestTwoSamplesAreEnough(t *testing.T) {
	X := mat.NewDense(2, 3, []float64{1, 2, 3, 2, 0, 4})
	pca := PCA{NComponents: 1}
	if err := pca.Fit(X); err != nil {
		t.Fatal(err)
	}
	numcheck.Scalar(t, "variance of two samples", pca.ExplainedVariance[0], (1+4+1)/2.0, 1e-14)
	if _, err := Standardize(X); err != nil {
		t.Errorf("Standardize of two samples: %v", err)
	}
	if err := (&PCA{VarianceFraction: 1}).Fit(X); err == nil {
		t.Error("variance fraction 1: no error")
	}
}

func TestParseSolverAndScore(t *testing.T) {
	for _, s := range []Solver{Auto, CovarianceEigen, FullSVD, RandomizedSVD} {
		if got, err := ParseSolver(s.String()); err != nil || got != s {
			t.Errorf("ParseSolver(%q) = %v, %v", s.String(), got, err)
		}
	}
	if _, err := ParseSolver("qr"); err == nil {
		t.Error(`ParseSolver("qr"): no error`)
	}
	X := randomData(30, 4, 10)
	pca := PCA{NComponents: 2}
	if _, err := pca.FitTransform(mat.NewDense(1, 4, nil)); err == nil {
		t.Error("FitTransform of one sample: no error")
	}
	if err := pca.Fit(X); err != nil {
		t.Fatal(err)
	}
	ll, err := pca.ScoreSamples(X)
	if err != nil {
		t.Fatal(err)
	}
	var mean float64
	for _, v := range ll {
		mean += v / float64(len(ll))
	}
	score, err := pca.Score(X)
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Scalar(t, "Score", score, mean, 1e-12)
	if _, err := pca.Score(mat.NewDense(2, 3, nil)); err == nil {
		t.Error("Score of 3 columns for 4: no error")
	}
}

// TestFitTransformEqualsFitThenTransform, and the covariance solver's full
// spectrum with fewer samples than features (rank n − 1: the zero tail is
// dropped) equals the SVD's.
func TestFitTransformAndTheRankDeficientCovariance(t *testing.T) {
	X := randomData(3, 5, 11)
	a := PCA{Solver: CovarianceEigen}
	scores, err := a.FitTransform(X)
	if err != nil {
		t.Fatal(err)
	}
	want, err := a.Transform(X)
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "FitTransform", scores.RawMatrix().Data, want.RawMatrix().Data, 0)
	b := PCA{Solver: FullSVD}
	if err := b.Fit(X); err != nil {
		t.Fatal(err)
	}
	if k, _ := a.Components.Dims(); k != 3 {
		t.Fatalf("%d components of 3 samples, want min(n, p) = 3", k)
	}
	// The third variance is zero up to rounding (rank n − 1 = 2).
	numcheck.Close(t, "variances of 3 samples in 5-D", a.ExplainedVariance, b.ExplainedVariance, 1e-12)
}

// TestTransformToIsTransform: TransformTo writes Transform's scores into a
// given matrix, whitened or not, and refuses a matrix of the wrong shape.
func TestTransformToIsTransform(t *testing.T) {
	X := mat.NewDense(6, 3, []float64{1, 2, 0, 3, 1, 1, 0, 4, 2, 5, 1, 3, 2, 2, 2, 4, 0, 1})
	for _, whiten := range []bool{false, true} {
		pca := PCA{NComponents: 2, Whiten: whiten}
		want, err := pca.FitTransform(X)
		if err != nil {
			t.Fatal(err)
		}
		dst := mat.NewDense(6, 2, nil)
		if err := pca.TransformTo(dst, X); err != nil || !mat.Equal(dst, want) {
			t.Errorf("whiten %v: TransformTo %v, %v; Transform %v", whiten, mat.Formatted(dst), err, mat.Formatted(want))
		}
		if err := pca.TransformTo(mat.NewDense(6, 3, nil), X); err == nil || !strings.Contains(err.Error(), "want 6×2") {
			t.Errorf("a 6×3 dst: %v", err)
		}
	}
}

// TestFailedFitKeepsTheModel: a fit that fails after the spectrum (here
// whitening a zero-variance component) leaves the fitted model as it was;
// it once left the new sample count and variances beside the old
// components.
func TestFailedFitKeepsTheModel(t *testing.T) {
	pca := PCA{NComponents: 2}
	if err := pca.Fit(mat.NewDense(4, 2, []float64{1, 2, 2, 1, 3, 5, 4, 3})); err != nil {
		t.Fatal(err)
	}
	before := pca.PCAFit
	beforeVar := slices.Clone(pca.ExplainedVariance)
	pca.Whiten = true
	if err := pca.Fit(mat.NewDense(3, 2, []float64{1, 0, 2, 0, 3, 0})); err == nil {
		t.Fatal("whitening a zero-variance component: no error")
	}
	if pca.NSamples != before.NSamples || !slices.Equal(pca.ExplainedVariance, beforeVar) || pca.Components != before.Components {
		t.Errorf("after a failed fit: %d samples, variances %v; want the earlier fit's %d, %v", pca.NSamples, pca.ExplainedVariance, before.NSamples, beforeVar)
	}
}
