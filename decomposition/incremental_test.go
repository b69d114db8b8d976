package decomposition

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/internal/numcheck"
)

func fixtureMatrix(t *testing.T, name string) *mat.Dense {
	ds := loadPCAFixture(t).Datasets[name]
	return mat.NewDense(ds.Shape[0], ds.Shape[1], ds.X)
}

func TestIncrementalPCAEqualsBatch(t *testing.T) {
	X := fixtureMatrix(t, "digits")
	n, _ := X.Dims()
	batch := PCA{NComponents: 10, Solver: CovarianceEigen}
	if err := batch.Fit(X); err != nil {
		t.Fatal(err)
	}
	// 10 chunks of unequal size.
	var inc IncrementalPCA
	inc.Options.NComponents = 10
	for c := 0; c < 10; c++ {
		from, to := c*n/10, (c+1)*n/10
		if err := inc.PartialFit(X.Slice(from, to, 0, 64)); err != nil {
			t.Fatal(err)
		}
	}
	// Two shards fitted apart and merged.
	var a, b IncrementalPCA
	a.Options.NComponents = 10
	if err := a.PartialFit(X.Slice(0, 700, 0, 64)); err != nil {
		t.Fatal(err)
	}
	if err := b.PartialFit(X.Slice(700, n, 0, 64)); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(&b); err != nil {
		t.Fatal(err)
	}
	for name, ip := range map[string]*IncrementalPCA{"10 chunks": &inc, "2 merged shards": &a} {
		got, err := ip.PCA()
		if err != nil {
			t.Fatal(err)
		}
		dv := maxRelDiff(got.ExplainedVariance, batch.ExplainedVariance)
		dc := numcheck.MaxAbsDiff(got.Components.RawMatrix().Data, batch.Components.RawMatrix().Data)
		dm := numcheck.MaxAbsDiff(got.Mean, batch.Mean)
		t.Logf("%s: largest deviation from the batch fit: variance %.2g (relative), components %.2g, mean %.2g", name, dv, dc, dm)
		// Measured: 2.9e-15, 1.3e-14 and 3.6e-15.
		if !numcheck.Within(dv, 1e-13) || !numcheck.Within(dc, 1e-12) || !numcheck.Within(dm, 1e-13) || got.NSamples != n {
			t.Errorf("%s differs from the batch PCA: variance %.3g, components %.3g, mean %.3g, n %d", name, dv, dc, dm, got.NSamples)
		}
	}
	if err := inc.PartialFit(mat.NewDense(2, 3, nil)); err == nil || !strings.Contains(err.Error(), "3 columns") {
		t.Errorf("chunk with other columns: %v", err)
	}
}

func TestPCABadInput(t *testing.T) {
	X := fixtureMatrix(t, "random")
	nan := mat.DenseCopyOf(X)
	nan.Set(3, 7, math.NaN())
	inf := mat.DenseCopyOf(X)
	inf.Set(0, 0, math.Inf(-1))
	cases := map[string]struct {
		pca  PCA
		X    mat.Matrix
		want string
	}{
		"NaN":             {PCA{}, nan, "row 3, column 7"},
		"Inf":             {PCA{}, inf, "-Inf"},
		"one sample":      {PCA{}, X.Slice(0, 1, 0, 40), "at least 2"},
		"k too large":     {PCA{NComponents: 41}, X, "41 components"},
		"fraction >= 1":   {PCA{VarianceFraction: 1.5}, X, "fraction"},
		"fraction + k":    {PCA{VarianceFraction: 0.5, NComponents: 2}, X, "not both"},
		"randomized frac": {PCA{VarianceFraction: 0.5, Solver: RandomizedSVD}, X, "full spectrum"},
	}
	for name, c := range cases {
		err := c.pca.Fit(c.X)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
	}
	var pca PCA
	if _, err := pca.Transform(X); err == nil {
		t.Error("Transform before Fit: no error")
	}
	pca.NComponents = 3
	if err := pca.Fit(X); err != nil {
		t.Fatal(err)
	}
	if _, err := pca.Transform(mat.NewDense(2, 39, nil)); err == nil || !strings.Contains(err.Error(), "39 columns") {
		t.Errorf("Transform with other columns: %v", err)
	}
	if _, err := pca.InverseTransform(mat.NewDense(2, 4, nil)); err == nil {
		t.Error("InverseTransform with 4 columns for 3 components: no error")
	}
	constant := mat.NewDense(3, 2, []float64{1, 5, 2, 5, 3, 5})
	if _, err := Correlation(constant); err == nil || !strings.Contains(err.Error(), "column 1 is constant") {
		t.Errorf("Correlation with a constant column: %v", err)
	}
	if _, err := Covariance(mat.NewDense(1, 2, nil), 1); err == nil {
		t.Error("covariance of one sample with ddof 1: no error")
	}
}

func TestPrincipalAngles(t *testing.T) {
	// The xy-plane and a plane tilted by 0.3 rad about the x axis.
	a := mat.NewDense(2, 3, []float64{1, 0, 0, 0, 1, 0})
	b := mat.NewDense(2, 3, []float64{2, 0, 0, 0, math.Cos(0.3), math.Sin(0.3)}) // rows need not be unit
	got, err := PrincipalAngles(a, b)
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "angles between the planes", got, []float64{0, 0.3}, 1e-12)
	// A PCA subspace against a rotated basis of itself: all angles zero.
	X := fixtureMatrix(t, "random")
	pca := PCA{NComponents: 5}
	if err := pca.Fit(X); err != nil {
		t.Fatal(err)
	}
	mix := mat.NewDense(5, 5, []float64{1, 2, 0, 0, 1, 0, 1, 0, 3, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 2, 0, 1})
	var rotated mat.Dense
	rotated.Mul(mix, pca.Components)
	got, err = PrincipalAngles(pca.Components, &rotated)
	if err != nil {
		t.Fatal(err)
	}
	// Measured 2.1e-8: arccos near 1 keeps only half the digits.
	numcheck.Close(t, "angles between a subspace and itself", got, make([]float64, len(got)), 1e-7)
	if _, err := PrincipalAngles(a, mat.NewDense(2, 4, nil)); err == nil {
		t.Error("spaces of different dimension: no error")
	}
}

func TestNonFiniteDataIsFoundInEveryEntryPoint(t *testing.T) {
	X := mat.NewDense(4, 3, []float64{1, 2, 3, 4, 5, 6, 7, math.Inf(1), 9, 1, 1, 2})
	var pca PCA
	if err := pca.Fit(X); err == nil || !strings.Contains(err.Error(), "row 2, column 1") {
		t.Errorf("Fit: %v", err)
	}
	if _, err := Covariance(X, 1); err == nil || !strings.Contains(err.Error(), "+Inf") {
		t.Errorf("Covariance: %v", err)
	}
	var ip IncrementalPCA
	if err := ip.PartialFit(X); err == nil {
		t.Error("PartialFit accepted +Inf")
	}
	good := mat.NewDense(4, 3, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1, 2})
	pca.NComponents = 2
	if err := pca.Fit(good); err != nil {
		t.Fatal(err)
	}
	if _, err := pca.Transform(X); err == nil {
		t.Error("Transform accepted +Inf")
	}
	huge := mat.NewDense(2, 1, []float64{math.MaxFloat64, math.MaxFloat64})
	if err := pca.Fit(huge); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Errorf("overflowing sums: %v", err)
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
