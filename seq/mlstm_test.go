package seq

import (
	"math"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestMLSTMMatchesPyTorch: the outputs, the parameter gradients and the
// input gradient equal those of the same parallel form in PyTorch float64
// with autograd (testdata/make_mlstm_fixture.py: two heads, variable
// lengths, both branches of the normaliser's max taken).
func TestMLSTMMatchesPyTorch(t *testing.T) {
	fx, a := loadXLSTMFixture(t, "testdata/mlstm.json")
	l := NewMLSTM[float64](fx.Input, fx.Hidden, fx.Heads, nn.NewRand(1))
	for _, p := range l.Params() {
		copy(p.Value, a[p.Name])
	}
	l.SetLengths(fx.Lengths)
	x := nn.MatrixFrom(fx.Batch, fx.Steps*fx.Input, a["x"])
	y := l.Forward(x, true)
	numcheck.CloseRel(t, "outputs", y.Data, a["y"], 1e-12, 1e-3) // measured 1.0e-14
	nn.ZeroGrad(l.Params())
	dx := l.Backward(nn.MatrixFrom(fx.Batch, fx.Steps*fx.Hidden, a["w"]))
	for _, p := range l.Params() {
		numcheck.CloseRel(t, "∂/∂"+p.Name, p.Grad, a["grad_"+p.Name], 1e-10, 1e-3) // measured ≤ 1.1e-12
	}
	numcheck.CloseRel(t, "∂/∂x", dx.Data, a["grad_x"], 1e-10, 1e-3) // measured 1.5e-14
}

// TestMLSTMStepEqualsForward: the recurrent form, one Step at a time from
// NewState, gives the parallel form's outputs, in float64 and float32.
func TestMLSTMStepEqualsForward(t *testing.T) {
	const batch, steps, in, hidden, heads = 9, 7, 4, 6, 3 // 9: more than one goroutine
	rng := nn.NewRand(8)
	x := nn.NewMatrix[float64](batch, steps*in)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	l := NewMLSTM[float64](in, hidden, heads, nn.NewRand(9))
	l32 := NewMLSTM[float32](in, hidden, heads, nn.NewRand(9))
	y, y32 := l.Forward(x, false), l32.Forward(nn.Convert[float32](x), false)
	state, state32 := l.NewState(batch), l32.NewState(batch)
	xt := nn.NewMatrix[float64](batch, in)
	for step := 0; step < steps; step++ {
		want := nn.NewMatrix[float64](batch, hidden)
		for i := 0; i < batch; i++ {
			copy(xt.Row(i), x.Row(i)[step*in:(step+1)*in])
			copy(want.Row(i), y.Row(i)[step*hidden:(step+1)*hidden])
		}
		numcheck.CloseRel(t, "step", l.Step(xt, state).Data, want.Data, 1e-13, 1e-3) // measured ≤ 9.3e-16
		got32 := nn.Convert[float64](l32.Step(nn.Convert[float32](xt), state32))
		for i := 0; i < batch; i++ {
			numcheck.CloseRel(t, "float32 step", got32.Row(i), nn.Convert[float64](y32).Row(i)[step*hidden:(step+1)*hidden], 1e-5, 1e-3) // measured ≤ 3.3e-7
		}
		numcheck.CloseRel(t, "float32 against float64", got32.Data, want.Data, 1e-5, 1e-3) // measured ≤ 7.3e-7
	}
	if !math.IsInf(float64(l.NewState(1).M[0]), -1) {
		t.Errorf("the stabiliser before the first step is %v, want −Inf", l.NewState(1).M[0])
	}
}

// TestMLSTMGradientFiniteDifferences checks the backward pass against
// central differences with variable lengths, several heads and a forget
// gate that makes the exp(−m) branch of the normaliser win at some steps.
func TestMLSTMGradientFiniteDifferences(t *testing.T) {
	l := NewMLSTM[float64](3, 6, 2, nn.NewRand(2))
	l.SetLengths([]int{5, 2, 4})
	rng := nn.NewRand(3)
	x := nn.NewMatrix[float64](3, 5*3)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	res := nn.GradientCheck(l, x, nn.GradCheckOptions{})
	t.Logf("mLSTM: worst relative gradient error %.2g at %s", res.MaxRelError, res.Where)
	if !(res.MaxRelError < 1e-5) { // measured 1.5e-7
		t.Errorf("mLSTM gradient: %+v", res)
	}
}
