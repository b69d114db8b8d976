package seq

import (
	"fmt"
	"testing"

	"github.com/physml/physml/nn"

	"github.com/physml/physml/internal/numcheck"
)

// withStates wraps a Recurrent layer so that a gradient check covers the
// initial states (as parameters "h0", "c0") and the final states (appended
// to the output): its output is one row [y, hn, cn].
type withStates struct {
	r        *Recurrent[float64]
	h0, c0   nn.Param[float64]
	useState bool
	out, dx  nn.Matrix[float64]
	yRows    int
	yCols    int
}

func newWithStates(r *Recurrent[float64], batch int, useState bool) *withStates {
	rows := r.NumLayers * r.directions() * batch
	w := &withStates{r: r, useState: useState,
		h0: nn.NewParam[float64]("h0", rows, r.stateSize()), c0: nn.NewParam[float64]("c0", rows, r.HiddenSize)}
	rng := nn.NewRand(77)
	nn.Normal(rng, w.h0.Value, 0.5)
	nn.Normal(rng, w.c0.Value, 0.5)
	return w
}

func (w *withStates) Forward(x *nn.Matrix[float64], train bool) *nn.Matrix[float64] {
	rows := w.h0.Shape[0]
	if w.useState {
		var c0 *nn.Matrix[float64]
		if w.r.Cell == LSTM {
			c0 = nn.MatrixFrom(rows, w.r.HiddenSize, w.c0.Value)
		}
		w.r.SetInitialState(nn.MatrixFrom(rows, w.r.stateSize(), w.h0.Value), c0)
	}
	y := w.r.Forward(x, train)
	w.yRows, w.yCols = y.Rows, y.Cols
	hn, cn := w.r.FinalState()
	data := append(append([]float64(nil), y.Data...), hn.Data...)
	if cn != nil {
		data = append(data, cn.Data...)
	}
	w.out = nn.Matrix[float64]{Rows: 1, Cols: len(data), Data: data}
	return &w.out
}

func (w *withStates) Backward(dout *nn.Matrix[float64]) *nn.Matrix[float64] {
	ny := w.yRows * w.yCols
	nh := len(w.h0.Value)
	dy := nn.MatrixFrom(w.yRows, w.yCols, dout.Data[:ny])
	dhn := nn.MatrixFrom(w.h0.Shape[0], w.r.stateSize(), dout.Data[ny:ny+nh])
	var dcn *nn.Matrix[float64]
	if w.r.Cell == LSTM {
		dcn = nn.MatrixFrom(w.h0.Shape[0], w.r.HiddenSize, dout.Data[ny+nh:])
	}
	w.r.SetFinalStateGrad(dhn, dcn)
	dx := w.r.Backward(dy)
	dh0, dc0 := w.r.InitialStateGrad()
	if w.useState {
		for i := range w.h0.Grad {
			w.h0.Grad[i] += dh0.Data[i]
		}
		if dc0 != nil {
			for i := range w.c0.Grad {
				w.c0.Grad[i] += dc0.Data[i]
			}
		}
	}
	return dx
}

func (w *withStates) Params() []nn.Param[float64] {
	ps := w.r.Params()
	if w.useState {
		ps = append(ps, w.h0)
		if w.r.Cell == LSTM {
			ps = append(ps, w.c0)
		}
	}
	return ps
}

func TestRecurrentGradientsMatchFiniteDifferences(t *testing.T) {
	const batch, steps, in, hidden = 3, 4, 3, 4
	type variant struct {
		name     string
		cfg      Config
		useState bool
		lengths  []int
	}
	variants := []variant{
		{"single", Config{InputSize: in, HiddenSize: hidden}, false, nil},
		{"two layers", Config{InputSize: in, HiddenSize: hidden, NumLayers: 2}, false, nil},
		{"bidirectional", Config{InputSize: in, HiddenSize: hidden, Bidirectional: true}, false, nil},
		{"initial states", Config{InputSize: in, HiddenSize: hidden, NumLayers: 2}, true, nil},
		{"variable lengths", Config{InputSize: in, HiddenSize: hidden, NumLayers: 2, Bidirectional: true}, true, []int{4, 1, 2}},
		{"no bias", Config{InputSize: in, HiddenSize: hidden, NoBias: true}, false, nil},
		{"parallel chunks", Config{InputSize: in, HiddenSize: hidden, NumLayers: 2, Bidirectional: true, Parallelism: 2}, true, []int{2, 4, 3}},
		{"one chunk", Config{InputSize: in, HiddenSize: hidden, NumLayers: 2, Bidirectional: true, Parallelism: 1}, true, []int{2, 4, 3}},
	}
	for _, cell := range []CellType{LSTM, GRU, RNNTanh, RNNReLU} {
		for _, v := range variants {
			t.Run(fmt.Sprintf("%v/%s", cell, v.name), func(t *testing.T) {
				r := NewRecurrent[float64](cell, v.cfg, nn.NewRand(3))
				r.SetLengths(v.lengths)
				layer := newWithStates(r, batch, v.useState)
				x := nn.NewMatrix[float64](batch, steps*in)
				nn.Normal(nn.NewRand(4), x.Data, 1)
				res := nn.GradientCheck(layer, x, nn.GradCheckOptions{})
				// Central differences with ε = 1e-6 reach about 1e-6 relative on
				// the smallest components of deep stacks (measured: 1.2e-6 for a
				// two-layer bidirectional GRU with lengths, in one chunk or two).
				if !numcheck.Within(res.MaxRelError, 5e-6) {
					t.Errorf("gradient differs from finite differences by %.3g at %s", res.MaxRelError, res.Where)
				}
			})
		}
	}
}
