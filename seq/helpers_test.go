package seq

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/physml/physml/nn"
)

// trainPassOf runs a training forward and backward pass of l on x, with the
// output gradient sineGrad(out, shift), from zeroed parameter gradients,
// and returns copies of what it computed.
func trainPassOf(l nn.Layer[float64], x *nn.Matrix[float64], shift int) trainPass {
	out := l.Forward(x, true)
	dy := sineGrad(out, shift)
	nn.ZeroGrad(l.Params())
	p := trainPass{y: out.Clone().Data}
	p.dx = l.Backward(dy).Clone().Data
	for _, q := range l.Params() {
		p.grads = append(p.grads, slices.Clone(q.Grad))
	}
	return p
}

// sineGrad returns an output gradient of out's shape, dy_i = sin(i + shift).
func sineGrad(out *nn.Matrix[float64], shift int) *nn.Matrix[float64] {
	dy := nn.NewMatrix[float64](out.Rows, out.Cols)
	for i := range dy.Data {
		dy.Data[i] = math.Sin(float64(i + shift))
	}
	return dy
}

// mustPanicWith calls f and reports an error unless it panics with the
// message want.
func mustPanicWith(t *testing.T, what, want string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); fmt.Sprint(r) != want {
			t.Errorf("%s: panic %v, want %q", what, r, want)
		}
	}()
	f()
}
