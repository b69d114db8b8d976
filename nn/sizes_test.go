package nn

import (
	"math"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

// TestZeroSizesPanicWithTheirSize: layers and initialisers of no features
// or no rows are programmer errors, refused with the size.
func TestZeroSizesPanicWithTheirSize(t *testing.T) {
	for name, c := range map[string]struct {
		fn   func()
		want string
	}{
		"LayerNorm(0)":         {func() { NewLayerNorm[float64](0) }, "LayerNorm of 0 features"},
		"BatchNorm1d(0)":       {func() { NewBatchNorm1d[float64](0) }, "BatchNorm1d of 0 features"},
		"Orthogonal 0×0":       {func() { Orthogonal(NewRand(1), []float64{}, 0, 0, 1) }, "Orthogonal of 0 values as 0×0"},
		"Orthogonal 0×3":       {func() { Orthogonal(NewRand(1), []float64{}, 0, 3, 1) }, "as 0×3"},
		"Orthogonal 3×0":       {func() { Orthogonal(NewRand(1), []float64{}, 3, 0, 1) }, "as 3×0"},
		"SplitLast(0)":         {func() { regressionData(10).SplitLast(0) }, "validation fraction 0 outside (0, 1)"},
		"SplitLast(1)":         {func() { regressionData(10).SplitLast(1) }, "validation fraction 1 outside (0, 1)"},
		"SplitLast(0.5) holds": {func() { regressionData(10).SplitLast(0.5) }, ""},
	} {
		got := func() (msg string) {
			defer func() {
				if r := recover(); r != nil {
					msg = r.(string)
				}
			}()
			c.fn()
			return ""
		}()
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: panic %q, want %q", name, got, c.want)
		}
	}
}

// TestNormLayersIgnoreAnOffset: LayerNorm and BatchNorm1d give the same
// output for x and x + 10⁷ (the variance is taken about the mean, not as
// E[x²] − mean², which would lose half the digits here).
func TestNormLayersIgnoreAnOffset(t *testing.T) {
	rng := NewRand(3)
	x := NewMatrix[float64](6, 5)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	shifted := NewMatrix[float64](6, 5)
	for i, v := range x.Data {
		shifted.Data[i] = v + 1e7
	}
	ln := NewLayerNorm[float64](5)
	want := append([]float64(nil), ln.Forward(x, true).Data...)
	numcheck.Close(t, "LayerNorm of x + 1e7", ln.Forward(shifted, true).Data, want, 1e-7) // measured 1.6e-9; E[x²] − mean² gives about 1e-2
	bn := NewBatchNorm1d[float64](5)
	want = append([]float64(nil), bn.Forward(x, true).Data...)
	numcheck.Close(t, "BatchNorm1d of x + 1e7", bn.Forward(shifted, true).Data, want, 1e-7) // measured 3.0e-9
}

// TestBatchNorm1dTwoRowBatch: two rows are a batch (batch statistics, as
// PyTorch in training), one row is not (the running ones).
func TestBatchNorm1dTwoRowBatch(t *testing.T) {
	b := NewBatchNorm1d[float64](1)
	y := b.Forward(MatrixFrom(2, 1, []float64{1, 3}), true)
	s := 1 / math.Sqrt(1+1e-5) // mean 2, biased variance 1
	numcheck.Close(t, "two-row batch", y.Data, []float64{-s, s}, 1e-15)
}

// TestOrthogonalIsTheQOfTheDraws: Q·R = A with R upper triangular and a
// positive diagonal, for a square weight too (where Q and Qᵀ are both
// orthogonal, and only R tells them apart).
func TestOrthogonalIsTheQOfTheDraws(t *testing.T) {
	const n = 5
	w := make([]float64, n*n)
	Orthogonal(NewRand(8), w, n, n, 1)
	rng := NewRand(8)
	a := make([]float64, n*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			var r float64 // R_ij = (Qᵀ A)_ij
			for k := 0; k < n; k++ {
				r += w[k*n+i] * a[k*n+j]
			}
			if i > j && !(math.Abs(r) <= 1e-12) || i == j && !(r > 0) {
				t.Errorf("R[%d][%d] = %g: want 0 below the diagonal and > 0 on it", i, j, r)
			}
		}
	}
}

// TestWorkspacesAreReused: a layer's workspace keeps its storage when it is
// large enough — exactly large enough included — and grows only past it;
// Workspace allocates one for nil.
func TestWorkspacesAreReused(t *testing.T) {
	m := NewMatrix[float64](2, 3)
	data := &m.Data[0]
	if m.resize(3, 2); &m.Data[0] != data || m.Rows != 3 || len(m.Data) != 6 {
		t.Error("resize to the same size: new storage")
	}
	if m.resize(1, 5); &m.Data[0] != data || len(m.Data) != 5 {
		t.Error("resize to a smaller size: new storage")
	}
	if m.resize(7, 1); len(m.Data) != 7 {
		t.Errorf("resize past the storage: %d values", len(m.Data))
	}
	w := Workspace[float64](nil, 2, 3)
	if w.Rows != 2 || w.Cols != 3 || len(w.Data) != 6 {
		t.Fatalf("Workspace(nil, 2, 3) is %d×%d with %d values", w.Rows, w.Cols, len(w.Data))
	}
	if again := Workspace(w, 3, 2); again != w || &again.Data[0] != &w.Data[0] || again.Rows != 3 {
		t.Error("Workspace did not reuse storage that was large enough")
	}
	s := make([]float64, 2, 6)
	if g := growFloats(s, 6); &g[0] != &s[0] || len(g) != 6 {
		t.Error("growFloats to exactly the capacity: new storage")
	}
	if g := growFloats(s, 7); len(g) != 7 {
		t.Errorf("growFloats past the capacity: %d values", len(g))
	}
	d := NewDense[float64](3, 2, NewRand(1))
	x := NewMatrix[float64](4, 3)
	d.Forward(x, true)
	d.Backward(NewMatrix[float64](4, 2))
	ones := &d.ones[0]
	d.Forward(x, true)
	d.Backward(NewMatrix[float64](4, 2))
	if &d.ones[0] != ones {
		t.Error("Dense.Backward: the bias's vector of ones made again for a batch of the same size")
	}
	drop := NewDropout[float64](0.5, NewRand(2))
	drop.Forward(x, true)
	mask := &drop.mask[0]
	drop.Forward(x, true)
	if &drop.mask[0] != mask {
		t.Error("Dropout: the mask made again for a batch of the same size")
	}
}

// TestProgrammerErrorsPanicWithSizes checks the package-prefixed panics for
// impossible sizes and nil matrices.
func TestProgrammerErrorsPanicWithSizes(t *testing.T) {
	mustPanicWith(t, "overflowing NewMatrix", "more elements than an int", func() { NewMatrix[float32](math.MaxInt/2, 3) })
	mustPanicWith(t, "negative NewMatrix", "negative matrix dimension -1×3", func() { NewMatrix[float32](-1, 3) })
	mustPanicWith(t, "overflowing MatrixFrom", "more elements than an int", func() { MatrixFrom[float32](math.MaxInt/2, 4, nil) })
	mustPanicWith(t, "MatrixFrom of the wrong length", "5 elements for a 2×3 matrix", func() { MatrixFrom(2, 3, make([]float64, 5)) })
	d := NewDense[float64](3, 2, NewRand(1))
	mustPanicWith(t, "Predict of nil", "Predict: nil matrix", func() { Predict[float64](d, nil, 8) })
	mustPanicWith(t, "Dense.Forward of nil", "Dense.Forward: nil matrix", func() { d.Forward(nil, false) })
	mustPanicWith(t, "Dense.Backward of nil", "Dense.Backward: nil matrix", func() { d.Backward(nil) })
	mustPanicWith(t, "dropout NaN", "dropout probability NaN", func() { NewDropout[float64](math.NaN(), NewRand(1)) })
}
