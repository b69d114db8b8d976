package decomposition

import (
	"encoding/json"
	"math"
	"os"
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
