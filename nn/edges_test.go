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

// TestCosineAnnealingWithAFloor: PyTorch's CosineAnnealingLR with
// eta_min = 0.1 from 1.0 over 4 epochs gives 1, 0.8682…, 0.55, 0.2318…, 0.1.
func TestCosineAnnealingWithAFloor(t *testing.T) {
	s := CosineAnnealing{TMax: 4, Min: 0.1}
	var got []float64
	for e := 0; e <= 4; e++ {
		got = append(got, s.LR(e, 1))
	}
	numcheck.Close(t, "cosine learning rates", got, []float64{1, 0.1 + 0.9*(1+math.Sqrt2/2)/2, 0.55, 0.1 + 0.9*(1-math.Sqrt2/2)/2, 0.1}, 1e-15)
}

// TestArgmaxTiesAndSoftmaxOfLargeLogits: ties go to the first class, as
// numpy.argmax and torch.argmax do; softmax of logits near 1000 is finite
// and exact (the maximum is subtracted before exp).
func TestArgmaxTiesAndSoftmaxOfLargeLogits(t *testing.T) {
	logits := MatrixFrom(2, 3, []float64{1, 3, 3, 2, 2, 2})
	if acc := Accuracy(logits, []int{1, 0}); acc != 1 {
		t.Errorf("argmax of ties: accuracy %v with the first maxima as labels, want 1", acc)
	}
	y := (&Softmax[float64]{}).Forward(MatrixFrom(1, 3, []float64{1000, 1000 + math.Log(2), 1000 + math.Log(5)}), false)
	numcheck.Close(t, "softmax of large logits", y.Data, []float64{0.125, 0.25, 0.625}, 1e-12) // measured 1.9e-14: 1000 + log 2 is rounded to 1.1e-13
	cm := ConfusionMatrix([]int{0, 2, 1, 3, -1}, []int{0, 1, 1, 2, 0}, 3)
	want := [][]int{{1, 0, 0}, {0, 1, 1}, {0, 0, 0}} // labels 3 and −1 are outside 0…2 and not counted
	for i := range want {
		for j := range want[i] {
			if cm[i][j] != want[i][j] {
				t.Fatalf("confusion matrix %v, want %v", cm, want)
			}
		}
	}
}

// TestCrossEntropyRefusesTheLabelEqualToTheClassCount: label = classes is
// one past the last class.
func TestCrossEntropyRefusesTheLabelEqualToTheClassCount(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "label 3 of row 0 outside [0, 3)") {
			t.Errorf("panic %v", r)
		}
	}()
	pred := MatrixFrom(1, 3, []float64{1, 2, 3})
	CrossEntropy[float64]{}.Evaluate(pred, Target[float64]{Labels: []int{3}}, NewMatrix[float64](1, 3))
}

// doubledBias is a Dense layer whose Backward reports twice the true bias
// gradient: a bug GradientCheck must find and name.
type doubledBias struct{ *Dense[float64] }

func (d doubledBias) Backward(dy *Matrix[float64]) *Matrix[float64] {
	dx := d.Dense.Backward(dy)
	g := d.Params()[1].Grad
	for i := range g {
		g[i] *= 2
	}
	return dx
}

// doubledFirstWeight is a Dense layer whose Backward reports twice the true
// gradient of its first weight only.
type doubledFirstWeight struct{ *Dense[float64] }

func (d doubledFirstWeight) Backward(dy *Matrix[float64]) *Matrix[float64] {
	dx := d.Dense.Backward(dy)
	d.Params()[0].Grad[0] *= 2
	return dx
}

// badLoss is MSE whose gradient misses the factor 2 for its second element.
type badLoss struct{ MSE[float64] }

func (l badLoss) Evaluate(pred *Matrix[float64], target Target[float64], grad *Matrix[float64]) float64 {
	v := l.MSE.Evaluate(pred, target, grad)
	grad.Data[1] /= 2
	return v
}

// TestGradientCheckersFindAndNameABug: a doubled gradient a has relative
// difference |2a − a|/(|2a| + |a|) = 1/3 from the true one, reported at the
// component where it is, and a correct layer passes.
func TestGradientCheckersFindAndNameABug(t *testing.T) {
	x := MatrixFrom(3, 2, []float64{0.5, -1, 2, 0.25, -0.75, 1.5})
	good := GradientCheck(NewDense[float64](2, 3, NewRand(4)), x, GradCheckOptions{})
	if !(good.MaxRelError < 1e-6) || good.Where == "" { // measured 1.9e-8
		t.Errorf("correct Dense layer: %+v", good)
	}
	bad := GradientCheck(doubledBias{NewDense[float64](2, 3, NewRand(4))}, x, GradCheckOptions{})
	if !(math.Abs(bad.MaxRelError-1.0/3) <= 1e-8) || !strings.HasPrefix(bad.Where, "bias[") {
		t.Errorf("doubled bias gradient: %+v, want 1/3 at a bias", bad)
	}
	// The worst component is reported even when correct ones follow it.
	first := GradientCheck(doubledFirstWeight{NewDense[float64](2, 3, NewRand(4))}, x, GradCheckOptions{})
	if !(math.Abs(first.MaxRelError-1.0/3) <= 1e-8) || first.Where != "weight[0]" {
		t.Errorf("doubled first weight gradient: %+v, want 1/3 at weight[0]", first)
	}
	pred, y := MatrixFrom(1, 3, []float64{1, 2, 3}), MatrixFrom(1, 3, []float64{0, 0, 0})
	if r := LossGradientCheck(MSE[float64]{}, pred, Target[float64]{Values: y}); !(r.MaxRelError < 1e-8) {
		t.Errorf("MSE: %+v", r)
	}
	// Halving a gradient a: |a/2 − a|/(|a/2| + |a|) = 1/3 as well.
	if r := LossGradientCheck(badLoss{}, pred, Target[float64]{Values: y}); !(math.Abs(r.MaxRelError-1.0/3) <= 1e-8) || r.Where != "pred[1]" {
		t.Errorf("halved loss gradient: %+v, want 1/3 at pred[1]", r)
	}
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
