package nn

import (
	"math"
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
	if lo < -0.5 || hi >= 0.5 || lo > -0.499 || hi < 0.499 || math.Abs(mean) > 0.01 {
		t.Errorf("Uniform(0.5): min %g, max %g, mean %g", lo, hi, mean)
	}
	KaimingUniformDefault(NewRand(2), x, 16) // PyTorch: ±1/√16
	if lo, hi, _ := spread(x); lo < -0.25 || hi > 0.25 || hi < 0.249 {
		t.Errorf("KaimingUniformDefault(fan-in 16): min %g, max %g, want ±0.25", lo, hi)
	}
	Normal(NewRand(3), x, 2)
	var s float64
	for _, v := range x {
		s += v * v
	}
	if std := math.Sqrt(s / float64(len(x))); math.Abs(std-2) > 0.05 { // standard error 0.01
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

// TestFastMathAtItsBranchPoints compares Exp32, Tanh32, Log32 and the
// generic Sigmoid with the math package at each of their branch points and
// on both sides of them: float32 overflow and underflow, the subnormal and
// the 2¹²⁸ scalings, the switch to the Taylor polynomial, the sign, and the
// mantissa fold at √2.
func TestFastMathAtItsBranchPoints(t *testing.T) {
	close32 := func(name string, x, got float32, want float64) {
		t.Helper()
		w := float32(want)
		switch {
		case math.IsInf(float64(w), 0) || w == 0:
			if got != w {
				t.Errorf("%s(%v) = %v, want %v", name, x, got, w)
			}
		case math.Abs(float64(w)) < 1.2e-38: // subnormal: absolute error of a few steps of 2⁻¹⁴⁹
			if math.Abs(float64(got-w)) > 4e-45 {
				t.Errorf("%s(%v) = %v, want %v", name, x, got, w)
			}
		case !(math.Abs(float64(got)-want) <= 4e-7*math.Abs(want)):
			t.Errorf("%s(%v) = %v, want %v (relative error %.2g)", name, x, got, want, math.Abs(float64(got)-want)/math.Abs(want))
		}
	}
	for _, x := range []float32{88.72283, 88.7228, 88.7229, 88.5, 88.0, 87.0, -87.0, -87.3, -88.0, -100, -103.9, -103.97, -104} {
		close32("Exp32", x, Exp32(x), math.Exp(float64(x)))
	}
	for _, x := range []float32{0.2, 0.19999, -0.19999, -0.2, 0.5, -0.5, -3, 1e-3, -1e-3} {
		close32("Tanh32", x, Tanh32(x), math.Tanh(float64(x)))
	}
	for _, x := range []float32{math.MaxFloat32, 1e-40, 1.4142135, 1.4142137, 0.70710677, 3, 0.5} {
		close32("Log32", x, Log32(x), math.Log(float64(x)))
	}
	if got := Log32(float32(math.Inf(1))); !math.IsInf(float64(got), 1) {
		t.Errorf("Log32(+Inf) = %v", got)
	}
	for _, x := range []float64{800, 30, 0, -30, -800} {
		want := 1 / (1 + math.Exp(-x))
		if got := Sigmoid(x); got != want && math.Abs(got-want) > 1e-16*want {
			t.Errorf("Sigmoid(%v) = %v, want %v", x, got, want)
		}
	}
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
	if math.Abs(bad.MaxRelError-1.0/3) > 1e-8 || !strings.HasPrefix(bad.Where, "bias[") {
		t.Errorf("doubled bias gradient: %+v, want 1/3 at a bias", bad)
	}
	// The worst component is reported even when correct ones follow it.
	first := GradientCheck(doubledFirstWeight{NewDense[float64](2, 3, NewRand(4))}, x, GradCheckOptions{})
	if math.Abs(first.MaxRelError-1.0/3) > 1e-8 || first.Where != "weight[0]" {
		t.Errorf("doubled first weight gradient: %+v, want 1/3 at weight[0]", first)
	}
	pred, y := MatrixFrom(1, 3, []float64{1, 2, 3}), MatrixFrom(1, 3, []float64{0, 0, 0})
	if r := LossGradientCheck(MSE[float64]{}, pred, Target[float64]{Values: y}); !(r.MaxRelError < 1e-8) {
		t.Errorf("MSE: %+v", r)
	}
	// Halving a gradient a: |a/2 − a|/(|a/2| + |a|) = 1/3 as well.
	if r := LossGradientCheck(badLoss{}, pred, Target[float64]{Values: y}); math.Abs(r.MaxRelError-1.0/3) > 1e-8 || r.Where != "pred[1]" {
		t.Errorf("halved loss gradient: %+v, want 1/3 at pred[1]", r)
	}
}
