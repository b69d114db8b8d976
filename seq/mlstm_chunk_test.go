package seq

import (
	"fmt"
	"math"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestMLSTMChunkwiseOnTheFixture: on the PyTorch fixture's weights and
// sequences (two heads, lengths 1 to 6, both branches of the normaliser's
// max), the chunkwise form in chunks of 1 to 4 steps gives the parallel
// form's outputs and gradients to 1e-12, and so PyTorch's.
func TestMLSTMChunkwiseOnTheFixture(t *testing.T) {
	fx, a := loadXLSTMFixture(t, "testdata/mlstm.json")
	pass := func(chunk int) trainPass {
		l := NewMLSTM[float64](fx.Input, fx.Hidden, fx.Heads, nn.NewRand(1))
		l.ChunkSize = chunk
		for _, p := range l.Params() {
			copy(p.Value, a[p.Name])
		}
		l.SetLengths(fx.Lengths)
		x := nn.MatrixFrom(fx.Batch, fx.Steps*fx.Input, a["x"])
		return trainPassOf(l, x, 1)
	}
	want := pass(fx.Steps)
	for _, chunk := range []int{1, 2, 3, 4} {
		got := pass(chunk)
		what := fmt.Sprintf("chunks of %d: ", chunk)
		// Measured ≤ 3.4e-15, 1.2e-13 and 9.4e-14.
		got.closeTo(t, what, want, 1e-12, 1e-12)
	}
}

// TestMLSTMChunkwiseEqualsParallel: on 300 steps, where the forget gates
// take the cumulative log gate F to −90 and the input gates move the
// stabiliser's argmax along the sequence, the chunkwise form (chunks of
// 7, 64 and 299 steps, lengths not multiples of them) gives the parallel
// form's outputs and gradients, to 1e-11 in float64 (the sums run in
// another order over values of F near −90) and to float32's precision in
// float32.
func TestMLSTMChunkwiseEqualsParallel(t *testing.T) {
	const b, in, steps, hidden, heads = 5, 3, 300, 8, 2
	lengths := []int{300, 1, 150, 299, 64}
	x := nn.NewMatrix[float64](b, steps*in)
	for i := range x.Data {
		x.Data[i] = 2 * math.Sin(float64(7*i+2)) * math.Cos(float64(i)/50)
	}
	l32 := NewMLSTM[float32](in, hidden, heads, nn.NewRand(4))
	pass := func(chunk int) trainPass {
		l := NewMLSTM[float64](in, hidden, heads, nn.NewRand(4))
		for k, p := range l.Params() {
			for j, v := range l32.Params()[k].Value {
				p.Value[j] = float64(v)
			}
		}
		l.ChunkSize = chunk
		l.SetLengths(lengths)
		return trainPassOf(l, x, 1)
	}
	want := pass(steps)
	for _, chunk := range []int{7, 64, 299} {
		got := pass(chunk)
		what := fmt.Sprintf("chunks of %d: ", chunk)
		// Measured ≤ 7.4e-14, 4.5e-12 and 4.2e-13.
		got.closeTo(t, what, want, 1e-12, 1e-11)
	}
	// Measured 4.8e-5, 2.0e-4 and 7.4e-5; the float32 parallel form gives
	// 3.2e-5, 2.1e-4 and 2.0e-5.
	l32.ChunkSize = 16
	l32.SetLengths(lengths)
	y32 := l32.Forward(nn.Convert[float32](x), true)
	nn.ZeroGrad(l32.Params())
	dx32 := l32.Backward(nn.Convert[float32](sineGrad(nn.Convert[float64](y32), 1)))
	numcheck.CloseRel(t, "float32 outputs", nn.Convert[float64](y32).Data, want.y, 5e-4, 1e-3)
	numcheck.CloseRel(t, "float32 input gradient", nn.Convert[float64](dx32).Data, want.dx, 5e-4, 1e-3)
	for k, p := range l32.Params() {
		g := nn.Convert[float64](nn.MatrixFrom(1, len(p.Grad), p.Grad)).Data
		numcheck.CloseRel(t, "float32 parameter gradient", g, want.grads[k], 5e-4, 1e-3)
	}
}

// TestMLSTMChunkwiseWorkspaceIsLinear: for 4096 steps in chunks of 64, a
// head's workspace holds 64×64 matrices, not 4096×4096 ones.
func TestMLSTMChunkwiseWorkspaceIsLinear(t *testing.T) {
	l := NewMLSTM[float32](2, 8, 2, nn.NewRand(1))
	x := nn.NewMatrix[float32](1, 4096*2)
	for i := range x.Data {
		x.Data[i] = float32(math.Sin(float64(i)))
	}
	y := l.Forward(x, true)
	for _, v := range y.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("output %v", v)
		}
	}
	hd := l.work[0]
	if len(hd.C) != DefaultMLSTMChunkSize*DefaultMLSTMChunkSize || hd.chunks == nil {
		t.Errorf("the head's matrices hold %d entries, want %d in the chunkwise form", len(hd.C), DefaultMLSTMChunkSize*DefaultMLSTMChunkSize)
	}
}

// closeTo fails t unless p's outputs are within relative tolerance yTol of
// want's and its gradients within gradTol (differences below 1e-3 count
// as relative to 1e-3).
func (p trainPass) closeTo(t *testing.T, what string, want trainPass, yTol, gradTol float64) {
	t.Helper()
	numcheck.CloseRel(t, what+"outputs", p.y, want.y, yTol, 1e-3)
	numcheck.CloseRel(t, what+"input gradient", p.dx, want.dx, gradTol, 1e-3)
	for k := range p.grads {
		numcheck.CloseRel(t, what+"parameter gradient", p.grads[k], want.grads[k], gradTol, 1e-3)
	}
}
