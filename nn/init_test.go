package nn

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

// TestInitialisersSpanTheirRange draws 20000 values from each initialiser:
// every one inside its bound, the extremes near it, and the spread right.
func TestInitialisersSpanTheirRange(t *testing.T) {
	x := make([]float64, 20000)
	Uniform(NewRand(1), x, 0.5)
	lo, hi, mean := spread(x)
	if !(lo >= -0.5 && hi < 0.5 && lo <= -0.499 && hi >= 0.499 && math.Abs(mean) <= 0.01) { // false for NaN too
		t.Errorf("Uniform(0.5): min %g, max %g, mean %g", lo, hi, mean)
	}
	KaimingUniformDefault(NewRand(2), x, 16) // PyTorch: ±1/√16
	if lo, hi, _ := spread(x); !(lo >= -0.25 && hi <= 0.25 && hi >= 0.249) {
		t.Errorf("KaimingUniformDefault(fan-in 16): min %g, max %g, want ±0.25", lo, hi)
	}
	Normal(NewRand(3), x, 2)
	var s float64
	for _, v := range x {
		s += v * v
	}
	if std := math.Sqrt(s / float64(len(x))); !(math.Abs(std-2) <= 0.05) { // standard error 0.01
		t.Errorf("Normal(2): standard deviation %g", std)
	}
}

func spread(x []float64) (lo, hi, mean float64) {
	lo, hi = x[0], x[0]
	for _, v := range x {
		lo, hi, mean = math.Min(lo, v), math.Max(hi, v), mean+v
	}
	return lo, hi, mean / float64(len(x))
}

// TestGlorotAndHeInitialisers: the bounds and standard deviations of
// torch.nn.init's xavier_uniform_ (gain·√(6/(fan_in+fan_out))),
// xavier_normal_ (gain·√(2/(fan_in+fan_out))), and kaiming_uniform_ and
// kaiming_normal_ for ReLU (√(6/fan_in), √(2/fan_in)), on 40000 draws.
func TestGlorotAndHeInitialisers(t *testing.T) {
	x := make([]float64, 40000)
	std := func() float64 {
		var s float64
		for _, v := range x {
			s += v * v
		}
		return math.Sqrt(s / float64(len(x)))
	}
	XavierUniform(NewRand(1), x, 30, 70, 2)
	bound := 2 * math.Sqrt(6.0/100)
	// Written so that NaN fails: with fanIn − fanOut for fanIn + fanOut the
	// bound is √(−0.15) = NaN, and so is every draw.
	inRange := func(lo, hi, bound float64) bool {
		return lo >= -bound && hi <= bound && hi >= 0.999*bound && lo <= -0.999*bound
	}
	if lo, hi, _ := spread(x); !inRange(lo, hi, bound) {
		t.Errorf("XavierUniform: [%g, %g], want ±%g", lo, hi, bound)
	}
	XavierNormal(NewRand(2), x, 30, 70, 2)
	if s, want := std(), 2*math.Sqrt(2.0/100); !(math.Abs(s-want) <= 0.02*want) { // standard error 0.35 %
		t.Errorf("XavierNormal: std %g, want %g", s, want)
	}
	HeUniform(NewRand(3), x, 24)
	bound = math.Sqrt(6.0 / 24)
	if lo, hi, _ := spread(x); !inRange(lo, hi, bound) {
		t.Errorf("HeUniform: [%g, %g], want ±%g", lo, hi, bound)
	}
	HeNormal(NewRand(4), x, 24)
	if s, want := std(), math.Sqrt(2.0/24); !(math.Abs(s-want) <= 0.02*want) {
		t.Errorf("HeNormal: std %g, want %g", s, want)
	}
}

// TestOrthogonal: WᵀW = I for a tall weight and WWᵀ = I for a wide one
// (times gain²), as torch.nn.init.orthogonal_, and the same seed gives the
// same matrix.
func TestOrthogonal(t *testing.T) {
	for _, shape := range [][2]int{{12, 3}, {3, 12}, {5, 5}} {
		rows, cols := shape[0], shape[1]
		w := make([]float64, rows*cols)
		Orthogonal(NewRand(1), w, rows, cols, 2)
		n := min(rows, cols)
		var worst numcheck.Worst
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				var dot float64
				for k := 0; k < max(rows, cols); k++ {
					if rows >= cols {
						dot += w[k*cols+a] * w[k*cols+b]
					} else {
						dot += w[a*cols+k] * w[b*cols+k]
					}
				}
				want := 0.0
				if a == b {
					want = 4 // gain²
				}
				worst.Add(math.Abs(dot - want))
			}
		}
		if !numcheck.Within(float64(worst), 1e-13) {
			t.Errorf("%d×%d: orthogonality off by %g", rows, cols, float64(worst))
		}
		again := make([]float64, rows*cols)
		Orthogonal(NewRand(1), again, rows, cols, 2)
		if !slices.Equal(w, again) {
			t.Errorf("%d×%d: the same seed gave another matrix", rows, cols)
		}
	}
}

// TestOrthogonalSigns: as torch.nn.init.orthogonal_, each column of Q
// (each row, for a wide weight) is signed so that R's diagonal is positive:
// its dot product with the Gaussian column it came from is positive. The
// draws are those Orthogonal makes, in its order, from the same seed.
func TestOrthogonalSigns(t *testing.T) {
	for _, shape := range [][2]int{{7, 3}, {3, 7}} {
		rows, cols := shape[0], shape[1]
		w := make([]float64, rows*cols)
		Orthogonal(NewRand(5), w, rows, cols, 1)
		m, n := max(rows, cols), min(rows, cols)
		rng := NewRand(5)
		a := make([]float64, m*n)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for j := 0; j < n; j++ {
			var dot float64
			for i := 0; i < m; i++ {
				var q float64
				if rows >= cols {
					q = w[i*cols+j] // column j of a tall weight
				} else {
					q = w[j*cols+i] // row j of a wide one
				}
				dot += q * a[i*n+j]
			}
			if !(dot > 0) {
				t.Errorf("%d×%d: component %d has R_jj = %g, want > 0", rows, cols, j, dot)
			}
		}
	}
}

// TestKerasDenseInit: weight matrices just under Glorot's bound, biases
// zero, a batch normalisation's scale left at 1.
func TestKerasDenseInit(t *testing.T) {
	params := append(append(NewDense[float32](20, 10, NewRand(1)).Params(), NewDense[float32](10, 4, NewRand(1)).Params()...),
		Prefixed("norm", NewBatchNorm1d[float32](10).Params())...)
	KerasDenseInit(params, NewRand(2))
	for _, p := range params {
		switch {
		case len(p.Shape) == 2:
			bound := math.Sqrt(6 / float64(p.Shape[0]+p.Shape[1]))
			var top float64
			for _, v := range p.Value {
				top = max(top, math.Abs(float64(v)))
			}
			if !(top <= bound && top > 0.8*bound) {
				t.Errorf("%s: largest |w| %.4f; want just under Glorot's bound %.4f", p.Name, top, bound)
			}
		case strings.HasSuffix(p.Name, "bias"):
			for _, v := range p.Value {
				if v != 0 {
					t.Fatalf("%s: %v; want zero", p.Name, v)
				}
			}
		default: // batch norm's scale
			for _, v := range p.Value {
				if v != 1 {
					t.Fatalf("%s: %v; want 1", p.Name, v)
				}
			}
		}
	}
}
