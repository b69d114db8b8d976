package decomposition

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/internal/numcheck"
)

type pcaFit struct {
	Solver                 string
	Whiten                 bool
	NComponents            int       `json:"n_components"`
	ExplainedVariance      []float64 `json:"explained_variance"`
	ExplainedVarianceRatio []float64 `json:"explained_variance_ratio"`
	SingularValues         []float64 `json:"singular_values"`
	Components             []float64
	Mean                   []float64
	NoiseVariance          float64 `json:"noise_variance"`
	Transform              []float64
	InverseTransform       []float64 `json:"inverse_transform"`
	ScoreSamples           []float64 `json:"score_samples"`
}

type pcaFixture struct {
	SklearnVersion string `json:"sklearn_version"`
	Datasets       map[string]struct {
		Shape     []int
		X         []float64
		Fits      map[string]pcaFit
		Fraction9 int `json:"fraction_0.9_components"`
	}
	Cov struct {
		X                  []float64
		Shape              []int
		DDOF0, DDOF1, Corr []float64
	}
}

func loadPCAFixture(t testing.TB) pcaFixture {
	t.Helper()
	data, err := os.ReadFile("testdata/pca.json")
	if err != nil {
		t.Fatal(err)
	}
	var f pcaFixture
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// maxRelDiff returns max |got − want| / max(|want|, 1e-3·max|want|): relative
// for the large entries, relative to the largest for the small ones.
func maxRelDiff(got, want []float64) float64 {
	var scale numcheck.Worst
	for _, w := range want {
		scale.Add(math.Abs(w))
	}
	return numcheck.MaxRelDiff(got, want, 1e-3*float64(scale))
}

// maxScaledDiff returns max |got − want| / max|want|.
func maxScaledDiff(got, want []float64) float64 {
	var scale numcheck.Worst
	for _, w := range want {
		scale.Add(math.Abs(w))
	}
	return numcheck.MaxAbsDiff(got, want) / float64(scale)
}

func check(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	checkWith(t, maxRelDiff, what, got, want, tol)
}

func checkWith(t *testing.T, metric func(got, want []float64) float64, what string, got, want []float64, tol float64) {
	t.Helper()
	d := metric(got, want)
	if !numcheck.Within(d, tol) {
		t.Errorf("%s: largest relative difference from scikit-learn %.3g > %.0e", what, d, tol)
	} else {
		t.Logf("%s: largest relative difference %.3g", what, d)
	}
}

func TestPCAMatchesScikitLearn(t *testing.T) {
	f := loadPCAFixture(t)
	for name, ds := range f.Datasets {
		X := mat.NewDense(ds.Shape[0], ds.Shape[1], ds.X)
		rows := mat.NewDense(10, ds.Shape[1], ds.X[:10*ds.Shape[1]])
		for _, solver := range []Solver{CovarianceEigen, FullSVD, RandomizedSVD} {
			for _, whiten := range []bool{false, true} {
				// Compare with scikit-learn's exact solver; the randomized
				// one has its own tolerance.
				key := "full_whitenfalse"
				if whiten {
					key = "full_whitentrue"
				}
				want := ds.Fits[strings.Replace(key, "false", "False", 1)]
				if whiten {
					want = ds.Fits["full_whitenTrue"]
				}
				// The exact solvers match to rounding. The randomized one is an
				// approximation: scikit-learn's own randomized solver differs
				// from its full one by up to 3.5e-5 in the variances and 1.6e-3
				// in the components on these data.
				tol, compTol := 1e-10, 1e-8
				metric := maxRelDiff
				if solver == RandomizedSVD {
					tol, compTol, metric = 1e-4, 5e-3, maxScaledDiff
				}
				pca := PCA{NComponents: want.NComponents, Whiten: whiten, Solver: solver}
				if err := pca.Fit(X); err != nil {
					t.Fatal(err)
				}
				label := name + "/" + solver.String()
				if whiten {
					label += "/whiten"
				}
				check(t, label+" explained variance", pca.ExplainedVariance, want.ExplainedVariance, tol)
				check(t, label+" ratio", pca.ExplainedVarianceRatio, want.ExplainedVarianceRatio, tol)
				check(t, label+" singular values", pca.SingularValues, want.SingularValues, tol)
				check(t, label+" mean", pca.Mean, want.Mean, 1e-12)
				check(t, label+" noise variance", []float64{pca.NoiseVariance}, []float64{want.NoiseVariance}, tol)
				checkWith(t, metric, label+" components", pca.Components.RawMatrix().Data, want.Components, compTol)
				z, err := pca.Transform(rows)
				if err != nil {
					t.Fatal(err)
				}
				checkWith(t, metric, label+" transform", z.RawMatrix().Data, want.Transform, compTol)
				back, err := pca.InverseTransform(z)
				if err != nil {
					t.Fatal(err)
				}
				checkWith(t, metric, label+" inverse transform", back.RawMatrix().Data, want.InverseTransform, compTol)
				ll, err := pca.ScoreSamples(rows)
				if err != nil {
					t.Fatal(err)
				}
				checkWith(t, metric, label+" score samples", ll, want.ScoreSamples, compTol)
			}
		}
		for _, solver := range []Solver{CovarianceEigen, FullSVD} {
			pca := PCA{VarianceFraction: 0.9, Solver: solver}
			if err := pca.Fit(X); err != nil {
				t.Fatal(err)
			}
			if k, _ := pca.Components.Dims(); k != ds.Fraction9 {
				t.Errorf("%s/%v: 90%% of the variance needs %d components, scikit-learn says %d", name, solver, k, ds.Fraction9)
			}
		}
	}
}

func TestCovarianceAndCorrelationMatchNumPy(t *testing.T) {
	f := loadPCAFixture(t)
	X := mat.NewDense(f.Cov.Shape[0], f.Cov.Shape[1], f.Cov.X)
	for ddof, want := range map[int][]float64{0: f.Cov.DDOF0, 1: f.Cov.DDOF1} {
		c, err := Covariance(X, ddof)
		if err != nil {
			t.Fatal(err)
		}
		got := mat.DenseCopyOf(c).RawMatrix().Data
		check(t, "np.cov ddof", got, want, 1e-12)
	}
	r, err := Correlation(X)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "np.corrcoef", mat.DenseCopyOf(r).RawMatrix().Data, f.Cov.Corr, 1e-12)
}

// TestReconstructionProjectsOntoTheSubspace: rows in the fitted plane come
// back unchanged, and a row off it loses exactly its component along the
// discarded direction.
func TestReconstructionProjectsOntoTheSubspace(t *testing.T) {
	train := mat.NewDense(6, 3, []float64{1, 0, 0, 0, 2, 0, -1, 0, 0, 0, -2, 0, 2, 1, 0, -2, -1, 0})
	test := mat.NewDense(2, 3, []float64{0.5, 0.5, 0, 1, 1, 3})
	pca := PCA{NComponents: 2}
	rec, err := pca.Reconstruction(train, test)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.5, 0.5, 0, 1, 1, 0}
	for i, v := range rec.RawMatrix().Data {
		if math.Abs(v-want[i]) > 1e-12 {
			t.Fatalf("reconstruction %v, want %v", rec.RawMatrix().Data, want)
		}
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

// TestPCAOfDegenerateDataIsAnError: data PCA cannot decompose gives an
// error that says why, for every solver, instead of NaN results.
func TestPCAOfDegenerateDataIsAnError(t *testing.T) {
	constant := mat.NewDense(5, 3, nil)
	for i := 0; i < 5; i++ {
		constant.SetRow(i, []float64{1, 2, 3})
	}
	overflow := mat.NewDense(4, 2, []float64{1e308, -1e308, -1e308, 1e308, 1e308, 1e308, -1e308, -1e308})
	// Rank 1 in 2-D: the second component has zero variance.
	line := mat.NewDense(4, 2, []float64{1, 2, 2, 4, 3, 6, 4, 8})
	cases := []struct {
		name string
		pca  PCA
		X    mat.Matrix
		want string
	}{
		{"constant", PCA{}, constant, "zero total variance"},
		{"constant, randomized", PCA{NComponents: 1, Solver: RandomizedSVD}, constant, "zero total variance"},
		{"constant, svd", PCA{Solver: FullSVD}, constant, "zero total variance"},
		{"overflow", PCA{}, overflow, "overflows"},
		{"overflow, svd", PCA{Solver: FullSVD}, overflow, "overflows"},
		{"overflow, randomized", PCA{NComponents: 1, Solver: RandomizedSVD}, overflow, "overflows"},
		{"whitening a zero-variance component", PCA{NComponents: 2, Whiten: true}, line, "component 2 has variance"},
		{"variance fraction NaN", PCA{VarianceFraction: math.NaN()}, line, "variance fraction NaN"},
	}
	for _, c := range cases {
		err := c.pca.Fit(c.X)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	// Without whitening the same rank-1 data is fine: a zero component.
	p := PCA{NComponents: 2}
	if err := p.Fit(line); err != nil || !(p.ExplainedVariance[1] <= 1e-15) {
		t.Errorf("rank-1 data without whitening: %v, variances %v", err, p.ExplainedVariance)
	}
}

func TestParseComponents(t *testing.T) {
	for s, want := range map[string][2]float64{"50": {50, 0}, "1": {1, 0}, "0.95": {0, 0.95}} {
		n, f, err := ParseComponents(s)
		if err != nil || float64(n) != want[0] || f != want[1] {
			t.Errorf("ParseComponents(%q) = %d, %g, %v", s, n, f, err)
		}
	}
	for _, s := range []string{"0", "-3", "1.5", "NaN", "x", ""} {
		if _, _, err := ParseComponents(s); err == nil {
			t.Errorf("ParseComponents(%q) accepted", s)
		}
	}
}

// TestFitTransformContext: the scores of FitTransform; a done context
// returns its error and leaves the model unfitted.
func TestFitTransformContext(t *testing.T) {
	X := mat.NewDense(6, 3, []float64{1, 2, 0, 3, 1, 1, 4, 4, 2, 0, 1, 5, 2, 2, 2, 7, 1, 0})
	want, err := (&PCA{NComponents: 2}).FitTransform(X)
	if err != nil {
		t.Fatal(err)
	}
	pca := &PCA{NComponents: 2}
	got, err := pca.FitTransformContext(context.Background(), X)
	if err != nil || !mat.Equal(got, want) || pca.Components == nil {
		t.Fatalf("scores %v, %v", mat.Formatted(got), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	idle := &PCA{NComponents: 2}
	if _, err := idle.FitTransformContext(ctx, X); err != context.Canceled || idle.Components != nil {
		t.Errorf("a done context: %v, components %v", err, idle.Components)
	}
}

func TestVarianceTable(t *testing.T) {
	f := &PCAFit{ExplainedVariance: []float64{4, 2, 1, 0.5}, ExplainedVarianceRatio: []float64{0.5, 0.25, 0.125, 0.0625}, NoiseVariance: 0.25}
	got := f.VarianceTable(2)
	want := "component  explained variance  ratio     cumulative\n" +
		"        1                   4  0.500000  0.500000\n" +
		"        2                   2  0.250000  0.750000\n" +
		"      ...\n" +
		"        4                 0.5  0.062500  0.937500\n" +
		"the 4 components explain 0.9375 of the variance; noise variance 0.25\n"
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}
