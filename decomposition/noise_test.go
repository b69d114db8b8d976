package decomposition

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"
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
