package decomposition

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/internal/numcheck"
)

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

// TestComomentSkipsConstantColumns: columns with one value in every row (0,
// 0.1, −0 mixed with +0, the first and the last column) are left out of the
// Dsyrk; the co-moment equals the two-pass sum over all columns, with
// exactly zero rows and columns for the constant ones, in blocks of rows
// that split the data unevenly.
func TestComomentSkipsConstantColumns(t *testing.T) {
	const n, p = 2*blockRows + 37, 7
	X := randomData(n, p, 11)
	for i := 0; i < n; i++ {
		X.Set(i, 0, 0.1)
		X.Set(i, 3, math.Copysign(0, float64(i%2)-0.5))
		X.Set(i, p-1, -2)
	}
	v, err := viewOf("X", X)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.varyingColumns(); len(got) != 4 || got[0] != 1 || got[1] != 2 || got[2] != 4 || got[3] != 5 {
		t.Fatalf("varying columns %v, want [1 2 4 5]", got)
	}
	mean := v.mean()
	got := v.comoment(mean)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			constant := i == 0 || i == 3 || i == p-1 || j == 0 || j == 3 || j == p-1
			if constant {
				if got[i*p+j] != 0 {
					t.Errorf("co-moment (%d, %d) of a constant column: %v, want 0", i, j, got[i*p+j])
				}
				continue
			}
			var want float64
			for k := 0; k < n; k++ {
				want += (X.At(k, i) - mean[i]) * (X.At(k, j) - mean[j])
			}
			if d := math.Abs(got[i*p+j] - want); d > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("co-moment (%d, %d): %v, two-pass sum %v", i, j, got[i*p+j], want)
			}
		}
	}
	all := mat.NewDense(3, 2, []float64{1, 5, 1, 5, 1, 5})
	c, err := Covariance(all, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.At(0, 0) != 0 || c.At(0, 1) != 0 || c.At(1, 1) != 0 {
		t.Errorf("covariance of constant columns: %v", mat.Formatted(c))
	}
}
