package decomposition

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/mnistdir"
)

// TestNoiseVarianceMatchesScikitLearnOnNearDegenerateSpectrum checks σ²
// where the discarded variance is 2e-8 of the total (testdata/noise.json,
// made by make_noise_fixture.py): total − kept loses about 1e-8 of it to
// cancellation there; the residual of the data and the discarded spectrum
// do not.
func TestNoiseVarianceMatchesScikitLearnOnNearDegenerateSpectrum(t *testing.T) {
	data, err := os.ReadFile("testdata/noise.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Shape         [2]int    `json:"shape"`
		X             []float64 `json:"X"`
		NComponents   int       `json:"n_components"`
		NoiseVariance float64   `json:"noise_variance"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	X := mat.NewDense(f.Shape[0], f.Shape[1], f.X)
	for _, solver := range []Solver{CovarianceEigen, FullSVD, RandomizedSVD} {
		pca := PCA{NComponents: f.NComponents, Solver: solver}
		if err := pca.Fit(X); err != nil {
			t.Fatalf("%v: %v", solver, err)
		}
		rel := math.Abs(pca.NoiseVariance-f.NoiseVariance) / f.NoiseVariance
		t.Logf("%v: σ² %.17g, scikit-learn %.17g, relative difference %.2g", solver, pca.NoiseVariance, f.NoiseVariance, rel)
		if !(rel <= 1e-12) {
			t.Errorf("%v: noise variance %.17g, scikit-learn %.17g (relative difference %.2g > 1e-12)", solver, pca.NoiseVariance, f.NoiseVariance, rel)
		}
	}
}

// TestNoiseVarianceFromTheSpectrumMatchesTheResidual: on MNIST the
// covariance solver's σ², the mean of the discarded eigenvalues, agrees
// with the residual of the data (the second pass it no longer makes) to
// 1e-11 relative, down to σ²/λ₁ of 3e-6 (600 components); measured
// 1e-15 at 50 components and 6e-13 at 600.
func TestNoiseVarianceFromTheSpectrumMatchesTheResidual(t *testing.T) {
	dir, err := mnistdir.Find()
	if err != nil {
		t.Skip(err)
	}
	train, _, err := dataset.LoadMNISTLimits(dir, 10000, 1)
	if err != nil {
		t.Skip(err)
	}
	X := mat.NewDense(train.Len(), 784, dataset.Floats[float64](train.Pixels, dataset.Unit))
	for _, k := range []int{50, 600} {
		pca := PCA{NComponents: k, Solver: CovarianceEigen}
		if err := pca.Fit(X); err != nil {
			t.Fatal(err)
		}
		v, _ := viewOf("X", X)
		residual := v.residual(pca.Mean, pca.Components.RawMatrix().Data, k) / float64(v.n-1) / float64(784-k)
		rel := math.Abs(pca.NoiseVariance-residual) / residual
		t.Logf("k = %d: σ² %.17g, residual %.17g, relative difference %.2g, σ²/λ₁ %.2g", k, pca.NoiseVariance, residual, rel, pca.NoiseVariance/pca.ExplainedVariance[0])
		if !(rel <= 1e-11) {
			t.Errorf("k = %d: σ² %.17g from the spectrum, %.17g from the residual (relative %.2g)", k, pca.NoiseVariance, residual, rel)
		}
	}
}
