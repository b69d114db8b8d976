package decomposition

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

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
