package seq

import (
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestXLSTMHeadsGradients: classifiers and regressors on two-layer sLSTM
// and mLSTM stacks with variable lengths and dropout off pass the
// finite-difference check, input gradient included.
func TestXLSTMHeadsGradients(t *testing.T) {
	x := nn.NewMatrix[float64](3, 5*3)
	nn.Normal(nn.NewRand(1), x.Data, 1)
	for _, cell := range []CellType{SLSTMCell, MLSTMCell} {
		cfg := Config{InputSize: 3, HiddenSize: 4, NumLayers: 2, Heads: 2}
		c := NewClassifier[float64](cell, cfg, 3, nn.NewRand(2))
		c.SetLengths([]int{5, 2, 3})
		c.InputGradient(true)
		res := nn.GradientCheck(c, x, nn.GradCheckOptions{})
		t.Logf("%v classifier: %.2g at %s", cell, res.MaxRelError, res.Where)
		if !numcheck.Within(res.MaxRelError, 1e-5) { // measured ≤ 5.4e-7
			t.Errorf("%v classifier: gradient differs by %.3g at %s", cell, res.MaxRelError, res.Where)
		}
		r := NewRegressor[float64](cell, cfg, 2, nn.NewRand(2))
		r.InputGradient(true)
		res = nn.GradientCheck(r, x, nn.GradCheckOptions{})
		t.Logf("%v regressor: %.2g at %s", cell, res.MaxRelError, res.Where)
		if !numcheck.Within(res.MaxRelError, 1e-5) {
			t.Errorf("%v regressor: gradient differs by %.3g at %s", cell, res.MaxRelError, res.Where)
		}
	}
}

// TestXLSTMStackIsItsLayers: a two-layer stack is the composition of the
// SLSTM or MLSTM layers with the same weights, its hn is the top outputs at
// each sequence's last valid step, and its parameters carry the layer
// suffix.
func TestXLSTMStackIsItsLayers(t *testing.T) {
	x := nn.NewMatrix[float64](2, 4*3)
	nn.Normal(nn.NewRand(5), x.Data, 1)
	lengths := []int{4, 2}
	for _, cell := range []CellType{SLSTMCell, MLSTMCell} {
		r := NewRecurrent[float64](cell, Config{InputSize: 3, HiddenSize: 4, NumLayers: 2, Heads: 2}, nn.NewRand(6))
		r.SetLengths(lengths)
		y := r.Forward(x, false).Clone()
		var first, second xlstmLayer[float64]
		if cell == SLSTMCell {
			first, second = NewSLSTM[float64](3, 4, 2, nn.NewRand(0)), NewSLSTM[float64](4, 4, 2, nn.NewRand(0))
		} else {
			first, second = NewMLSTM[float64](3, 4, 2, nn.NewRand(0)), NewMLSTM[float64](4, 4, 2, nn.NewRand(0))
		}
		var names []string
		for i, p := range r.Params() {
			names = append(names, p.Name)
			ps := append(first.Params(), second.Params()...)
			copy(ps[i].Value, p.Value)
		}
		first.SetLengths(lengths)
		second.SetLengths(lengths)
		numcheck.Close(t, cell.String()+" stack", y.Data, second.Forward(first.Forward(x, false), false).Data, 0)
		want := "weight_ih_l0 bias_l0 weight_hh_l0 weight_ih_l1 bias_l1 weight_hh_l1"
		if cell == MLSTMCell {
			want = "weight_ih_l0 bias_l0 weight_ih_l1 bias_l1"
		}
		if got := strings.Join(names, " "); got != want {
			t.Errorf("%v parameters %s, want %s", cell, got, want)
		}
		hn, cn := r.FinalState()
		if cn != nil || hn.Rows != 2*2 {
			t.Fatalf("%v final state: hn %s, cn %v", cell, hn.Shape(), cn)
		}
		numcheck.Close(t, "hn, top layer, sequence 1", hn.Row(3), y.Row(1)[4:8], 0)
		numcheck.Close(t, "hn, top layer, sequence 0", hn.Row(2), y.Row(0)[12:16], 0)
	}
}

// TestXLSTMThreeLayersWithDropout: a stack of three xLSTM layers has a
// dropout between each two: training changes the outputs from evaluation's,
// and a training pass gives an input gradient of the input's shape.
func TestXLSTMThreeLayersWithDropout(t *testing.T) {
	x := nn.NewMatrix[float64](3, 4*2)
	nn.Normal(nn.NewRand(8), x.Data, 1)
	for _, cell := range []CellType{SLSTMCell, MLSTMCell} {
		r := NewRecurrent[float64](cell, Config{InputSize: 2, HiddenSize: 4, NumLayers: 3, Heads: 2, Dropout: 0.5}, nn.NewRand(6))
		eval := r.Forward(x, false).Clone()
		p := trainPassOf(r, x, 0)
		if d := numcheck.MaxAbsDiff(p.y, eval.Data); !(d > 1e-3) {
			t.Errorf("%v: training outputs within %.3g of evaluation's: no dropout", cell, d)
		}
		if len(p.dx) != len(x.Data) {
			t.Errorf("%v: input gradient of %d values, want %d", cell, len(p.dx), len(x.Data))
		}
	}
}

// TestXLSTMSkipInputGrad: a two-layer xLSTM stack told to skip the input
// gradient returns none and the same parameter gradients as without.
func TestXLSTMSkipInputGrad(t *testing.T) {
	x := nn.NewMatrix[float64](2, 3*2)
	nn.Normal(nn.NewRand(8), x.Data, 1)
	for _, cell := range []CellType{SLSTMCell, MLSTMCell} {
		cfg := Config{InputSize: 2, HiddenSize: 4, NumLayers: 2, Heads: 2}
		full := trainPassOf(NewRecurrent[float64](cell, cfg, nn.NewRand(6)), x, 0)
		skip := NewRecurrent[float64](cell, cfg, nn.NewRand(6))
		skip.SkipInputGrad = true
		dy := sineGrad(skip.Forward(x, true), 0)
		nn.ZeroGrad(skip.Params())
		if dx := skip.Backward(dy); dx != nil {
			t.Errorf("%v: an input gradient with SkipInputGrad", cell)
		}
		for k, p := range skip.Params() {
			numcheck.Close(t, cell.String()+" "+p.Name, p.Grad, full.grads[k], 0)
		}
	}
}

// TestXLSTMRefusesWhatItHasNot: bidirectional, bias-free, heads that do not
// divide the hidden size, and an initial state panic with the reason.
func TestXLSTMRefusesWhatItHasNot(t *testing.T) {
	for cfg, want := range map[Config]string{
		{InputSize: 2, HiddenSize: 4, Bidirectional: true}:   "xLSTM cells read in one direction",
		{InputSize: 2, HiddenSize: 4, NoBias: true}:          "and have a bias",
		{InputSize: 2, HiddenSize: 4, Heads: 3}:              "heads must divide the hidden size 4",
		{InputSize: 2, HiddenSize: 4, RecurrentDropout: 0.1}: "no input or recurrent dropout",
	} {
		if err := cfg.Check(MLSTMCell); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check %+v: %v, want %q", cfg, err, want)
		}
		func() {
			defer func() {
				if e := recover(); e == nil || !strings.Contains(e.(string), want) {
					t.Errorf("%+v: %v", cfg, e)
				}
			}()
			NewRecurrent[float64](MLSTMCell, cfg, nn.NewRand(1))
		}()
	}
	r := NewRecurrent[float64](SLSTMCell, Config{InputSize: 2, HiddenSize: 4}, nn.NewRand(1))
	r.SetInitialState(nn.NewMatrix[float64](1, 4), nil)
	defer func() {
		if e := recover(); e == nil || !strings.Contains(e.(string), "zero state") {
			t.Errorf("initial state of an sLSTM: %v", e)
		}
	}()
	r.Forward(nn.NewMatrix[float64](1, 6), false)
}
