package nn

import (
	"math"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

const gradTolerance = 1e-6

func randomInput(rows, cols int, seed uint64) *Matrix[float64] {
	m := NewMatrix[float64](rows, cols)
	Normal(NewRand(seed), m.Data, 1)
	return m
}

func TestLayerGradientsMatchFiniteDifferences(t *testing.T) {
	rng := NewRand(1)
	layers := map[string]Layer[float64]{
		"Dense":       NewDense[float64](5, 4, rng),
		"DenseNoBias": NewDenseNoBias[float64](5, 4, rng),
		"ReLU":        ReLU[float64](),
		"LeakyReLU":   LeakyReLU[float64](0.1),
		"Sigmoid":     SigmoidLayer[float64](),
		"Tanh":        TanhLayer[float64](),
		"Identity":    Identity[float64](),
		"Softmax":     &Softmax[float64]{},
		"Sequential3": NewSequential[float64](
			NewDense[float64](5, 6, rng), TanhLayer[float64](),
			NewDense[float64](6, 4, rng), ReLU[float64](),
			NewDense[float64](4, 3, rng)),
	}
	for name, layer := range layers {
		t.Run(name, func(t *testing.T) {
			res := GradientCheck(layer, randomInput(3, 5, 2), GradCheckOptions{})
			t.Logf("largest relative error %.2g at %s", res.MaxRelError, res.Where)
			if !numcheck.Within(res.MaxRelError, gradTolerance) {
				t.Errorf("gradient differs from finite differences by %g at %s", res.MaxRelError, res.Where)
			}
		})
	}
}

func TestDropoutGradientWithFixedMask(t *testing.T) {
	var d *Dropout[float64]
	reseed := func() { d.rng = NewRand(7) }
	d = NewDropout[float64](0.4, NewRand(7))
	res := GradientCheck(d, randomInput(4, 6, 3), GradCheckOptions{Train: true, BeforeForward: reseed})
	if !numcheck.Within(res.MaxRelError, gradTolerance) {
		t.Errorf("dropout gradient differs by %g at %s", res.MaxRelError, res.Where)
	}
	// The mask really drops and rescales: every output is 0 or x/(1-p).
	x := randomInput(50, 40, 4)
	y := d.Forward(x, true)
	zeros := 0
	for i, v := range y.Data {
		switch {
		case v == 0:
			zeros++
		case !approxEqual(v, x.Data[i]/0.6, 1e-15):
			t.Fatalf("output %d = %g, want 0 or %g", i, v, x.Data[i]/0.6)
		}
	}
	if frac := float64(zeros) / float64(len(y.Data)); !(frac >= 0.35 && frac <= 0.45) {
		t.Errorf("dropped fraction %.3f, want about 0.4", frac)
	}
	if y := d.Forward(x, false); y.Data[0] != x.Data[0] {
		t.Errorf("evaluation mode changed the input")
	}
}

func approxEqual(a, b, tol float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= tol*max(1, max(a, -a))
}

func TestLossGradientsMatchFiniteDifferences(t *testing.T) {
	pred := randomInput(4, 3, 5)
	probs := NewMatrix[float64](4, 3)
	targets := NewMatrix[float64](4, 3)
	rng := NewRand(6)
	for i := range probs.Data {
		probs.Data[i] = 0.05 + 0.9*rng.Float64()
		targets.Data[i] = rng.Float64()
	}
	cases := []struct {
		name   string
		loss   Loss[float64]
		pred   *Matrix[float64]
		target Target[float64]
	}{
		{"MSE", MSE[float64]{}, pred, Target[float64]{Values: targets}},
		{"BCE", &BCE[float64]{}, probs, Target[float64]{Values: targets}},
		{"BCEWithLogits", BCEWithLogits[float64]{}, pred, Target[float64]{Values: targets}},
		{"CrossEntropy", CrossEntropy[float64]{}, pred, Target[float64]{Labels: []int{0, 2, 1, 2}}},
	}
	for _, c := range cases {
		res := LossGradientCheck(c.loss, c.pred, c.target)
		if !numcheck.Within(res.MaxRelError, gradTolerance) {
			t.Errorf("%s: gradient differs by %g at %s", c.name, res.MaxRelError, res.Where)
		}
	}
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
