package nn

import (
	"fmt"
	"math"
)

// GradCheckResult is the outcome of GradientCheck: the largest relative
// difference between the analytic and the finite-difference gradient, and
// where it occurred.
type GradCheckResult struct {
	MaxRelError float64
	Where       string
}

// GradCheckOptions tunes GradientCheck.
type GradCheckOptions struct {
	Eps   float64 // finite-difference step; default 1e-6
	Train bool    // run Forward in training mode
	// BeforeForward, if set, runs before every Forward, e.g. to reseed a
	// dropout generator so that every evaluation uses the same mask.
	BeforeForward func()
}

// GradientCheck verifies the backward pass of a float64 layer against
// central finite differences. It takes the scalar L = Σ w ⊙ Forward(x) with
// fixed pseudo-random weights w, computes ∂L/∂x and ∂L/∂θ with Backward, and
// compares every component with (L(θ+ε) − L(θ−ε))/2ε. The relative
// difference of each component is |a − n| / max(|a| + |n|, 1e-3).
func GradientCheck(layer Layer[float64], x *Matrix[float64], opt GradCheckOptions) GradCheckResult {
	if opt.Eps == 0 {
		opt.Eps = 1e-6
	}
	forward := func() *Matrix[float64] {
		if opt.BeforeForward != nil {
			opt.BeforeForward()
		}
		return layer.Forward(x, opt.Train)
	}
	y := forward()
	w := NewMatrix[float64](y.Rows, y.Cols)
	rng := NewRand(12345)
	for i := range w.Data {
		w.Data[i] = rng.Float64()*2 - 1
	}
	objective := func() float64 {
		y := forward()
		var s float64
		for i, v := range y.Data {
			s += w.Data[i] * v
		}
		return s
	}
	params := layer.Params()
	ZeroGrad(params)
	forward()
	dx := layer.Backward(w).Clone()
	analytic := make([][]float64, len(params))
	for k, p := range params {
		analytic[k] = append([]float64(nil), p.Grad...)
	}

	var res GradCheckResult
	compare := func(a, n float64, where string) {
		e := math.Abs(a-n) / max(math.Abs(a)+math.Abs(n), 1e-3)
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		if e > res.MaxRelError || res.Where == "" {
			res.MaxRelError, res.Where = e, where
		}
	}
	numeric := func(v *float64) float64 {
		old := *v
		*v = old + opt.Eps
		plus := objective()
		*v = old - opt.Eps
		minus := objective()
		*v = old
		return (plus - minus) / (2 * opt.Eps)
	}
	for i := range x.Data {
		compare(dx.Data[i], numeric(&x.Data[i]), fmt.Sprintf("input[%d]", i))
	}
	for k, p := range params {
		for i := range p.Value {
			compare(analytic[k][i], numeric(&p.Value[i]), fmt.Sprintf("%s[%d]", p.Name, i))
		}
	}
	return res
}

// LossGradientCheck verifies a loss's gradient against central finite
// differences at pred, returning the largest relative difference.
func LossGradientCheck(loss Loss[float64], pred *Matrix[float64], target Target[float64]) GradCheckResult {
	const eps = 1e-6
	grad := NewMatrix[float64](pred.Rows, pred.Cols)
	scratch := NewMatrix[float64](pred.Rows, pred.Cols)
	loss.Evaluate(pred, target, grad)
	var res GradCheckResult
	for i := range pred.Data {
		old := pred.Data[i]
		pred.Data[i] = old + eps
		plus := loss.Evaluate(pred, target, scratch)
		pred.Data[i] = old - eps
		minus := loss.Evaluate(pred, target, scratch)
		pred.Data[i] = old
		n := (plus - minus) / (2 * eps)
		e := math.Abs(grad.Data[i]-n) / max(math.Abs(grad.Data[i])+math.Abs(n), 1e-3)
		if math.IsNaN(e) {
			e = math.Inf(1) // a NaN gradient must fail every tolerance
		}
		if e > res.MaxRelError || res.Where == "" {
			res.MaxRelError, res.Where = e, fmt.Sprintf("pred[%d]", i)
		}
	}
	return res
}
