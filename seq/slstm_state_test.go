package seq

import (
	"runtime"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestSLSTMStateCarriesOver: a sequence run in two pieces, the second
// starting from the first's FinalState, gives the outputs of one run, with
// variable lengths in the second piece.
func TestSLSTMStateCarriesOver(t *testing.T) {
	const b, steps, in, H = 3, 6, 2, 4
	x := nn.NewMatrix[float64](b, steps*in)
	nn.Normal(nn.NewRand(1), x.Data, 1)
	s := NewSLSTM[float64](in, H, 2, nn.NewRand(2))
	whole := s.Forward(x, false).Clone()
	first, second := nn.NewMatrix[float64](b, 3*in), nn.NewMatrix[float64](b, 3*in)
	for i := 0; i < b; i++ {
		copy(first.Row(i), x.Row(i)[:3*in])
		copy(second.Row(i), x.Row(i)[3*in:])
	}
	s.Forward(first, false)
	s.SetInitialState(s.FinalState())
	s.SetLengths([]int{3, 1, 2})
	y := s.Forward(second, false)
	for i, n := range []int{3, 1, 2} {
		numcheck.Close(t, "second piece", y.Row(i)[:n*H], whole.Row(i)[3*H:(3+n)*H], 1e-14)
	}
	if s.FinalState().H.At(1, 0) != whole.At(1, 3*H) {
		t.Errorf("final state of a sequence of length 1: %v, want its step-3 output %v", s.FinalState().H.At(1, 0), whole.At(1, 3*H))
	}
}

// withSLSTMState makes an sLSTM's initial state parameters, so that a
// gradient check covers InitialStateGrad.
type withSLSTMState struct {
	s          *SLSTM[float64]
	h, c, n, m nn.Param[float64]
}

func (w *withSLSTMState) state() *SLSTMState[float64] {
	rows, H := w.h.Shape[0], w.h.Shape[1]
	return &SLSTMState[float64]{H: nn.MatrixFrom(rows, H, w.h.Value), C: nn.MatrixFrom(rows, H, w.c.Value),
		N: nn.MatrixFrom(rows, H, w.n.Value), M: nn.MatrixFrom(rows, H, w.m.Value)}
}

func (w *withSLSTMState) Forward(x *nn.Matrix[float64], train bool) *nn.Matrix[float64] {
	w.s.SetInitialState(w.state())
	return w.s.Forward(x, train)
}

func (w *withSLSTMState) Backward(dy *nn.Matrix[float64]) *nn.Matrix[float64] {
	dx := w.s.Backward(dy)
	g := w.s.InitialStateGrad()
	for _, p := range []struct {
		param nn.Param[float64]
		grad  *nn.Matrix[float64]
	}{{w.h, g.H}, {w.c, g.C}, {w.n, g.N}, {w.m, g.M}} {
		for k, v := range p.grad.Data {
			p.param.Grad[k] += v
		}
	}
	return dx
}

func (w *withSLSTMState) Params() []nn.Param[float64] {
	return append(w.s.Params(), w.h, w.c, w.n, w.m)
}

// TestSLSTMInitialStateGradient: the gradients with respect to the initial
// h, c, n and the stabiliser m (dC·C + dN·N) pass the finite-difference
// check, with variable lengths.
func TestSLSTMInitialStateGradient(t *testing.T) {
	const b, H = 2, 4
	w := &withSLSTMState{s: NewSLSTM[float64](3, H, 2, nn.NewRand(3)),
		h: nn.NewParam[float64]("h0", b, H), c: nn.NewParam[float64]("c0", b, H), n: nn.NewParam[float64]("n0", b, H), m: nn.NewParam[float64]("m0", b, H)}
	rng := nn.NewRand(4)
	nn.Normal(rng, w.h.Value, 0.5)
	nn.Normal(rng, w.c.Value, 0.5)
	nn.Normal(rng, w.m.Value, 0.5)
	for k := range w.n.Value {
		w.n.Value[k] = 0.5 + rng.Float64() // a normaliser is positive
	}
	w.s.SetLengths([]int{4, 2})
	x := nn.NewMatrix[float64](b, 4*3)
	nn.Normal(rng, x.Data, 1)
	res := nn.GradientCheck(w, x, nn.GradCheckOptions{})
	t.Logf("sLSTM with an initial state: worst relative gradient error %.2g at %s", res.MaxRelError, res.Where)
	if !(res.MaxRelError < 1e-5) { // measured 8.1e-8
		t.Errorf("sLSTM initial-state gradient: %+v", res)
	}
}

// TestSLSTMBlocksGiveTheWholeBatch: an sLSTM that splits a batch of 37
// sequences (padded, from an initial state) into two blocks on two
// goroutines gives to the bit the outputs and the gradients — input,
// parameters and initial state — of the same layer on one goroutine.
func TestSLSTMBlocksGiveTheWholeBatch(t *testing.T) {
	const b, steps, in, hidden, heads = 37, 6, 3, 8, 2
	x := nn.NewMatrix[float64](b, steps*in)
	nn.Normal(nn.NewRand(5), x.Data, 1)
	lengths := make([]int, b)
	for i := range lengths {
		lengths[i] = 1 + i%steps
	}
	run := func(procs int) (trainPass, *SLSTMState[float64]) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		l := NewSLSTM[float64](in, hidden, heads, nn.NewRand(6))
		if got := len(l.blocks(b)); got != procs {
			t.Fatalf("GOMAXPROCS %d: %d blocks", procs, got)
		}
		init := &SLSTMState[float64]{H: nn.NewMatrix[float64](b, hidden), C: nn.NewMatrix[float64](b, hidden),
			N: nn.NewMatrix[float64](b, hidden), M: nn.NewMatrix[float64](b, hidden)}
		for k, m := range []*nn.Matrix[float64]{init.H, init.C, init.N, init.M} {
			nn.Uniform(nn.NewRand(uint64(7+k)), m.Data, 1)
		}
		nn.Uniform(nn.NewRand(11), init.N.Data, 0.5)
		for k := range init.N.Data {
			init.N.Data[k] += 1 // a normaliser is positive
		}
		l.SetLengths(lengths)
		l.SetInitialState(init)
		p := trainPassOf(l, x, 2)
		g := l.InitialStateGrad()
		return p, &SLSTMState[float64]{H: g.H.Clone(), C: g.C.Clone(), N: g.N.Clone(), M: g.M.Clone()}
	}
	whole, wholeInit := run(1)
	split, splitInit := run(2)
	split.equal(t, "two blocks", whole)
	for k, m := range []*nn.Matrix[float64]{splitInit.H, splitInit.C, splitInit.N, splitInit.M} {
		want := []*nn.Matrix[float64]{wholeInit.H, wholeInit.C, wholeInit.N, wholeInit.M}[k]
		numcheck.Close(t, "initial state gradient", m.Data, want.Data, 0)
	}
}
