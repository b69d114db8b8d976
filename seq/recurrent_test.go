package seq

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestRecurrentInitialisationAndDropoutPlacement: weights uniform in
// ±1/√H as PyTorch's; dropout acts between stacked layers only (one layer:
// training and evaluation agree; two: they differ); the sizes are checked.
func TestRecurrentInitialisationAndDropoutPlacement(t *testing.T) {
	r := NewRecurrent[float64](LSTM, Config{InputSize: 30, HiddenSize: 16}, nn.NewRand(1))
	lo, hi := 0.0, 0.0
	for _, p := range r.Params() {
		for _, v := range p.Value {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if !(lo >= -0.25 && hi <= 0.25 && lo <= -0.249 && hi >= 0.249) { // false for NaN too
		t.Errorf("weights in [%g, %g], want ±1/√16 = ±0.25", lo, hi)
	}
	cell := NewLSTMCell[float64](3, 4, nn.NewRand(2))
	for _, p := range cell.Params() {
		for _, v := range p.Value {
			if !(math.Abs(v) <= 0.5) {
				t.Fatalf("LSTM cell weight %g outside ±1/√4", v)
			}
		}
	}
	x := nn.NewMatrix[float64](4, 3*5)
	for i := range x.Data {
		x.Data[i] = math.Sin(float64(i))
	}
	for _, layers := range []int{1, 2} {
		d := NewRecurrent[float64](GRU, Config{InputSize: 5, HiddenSize: 6, NumLayers: layers, Dropout: 0.5}, nn.NewRand(3))
		train, eval := d.Forward(x, true).Clone(), d.Forward(x, false)
		if differ := numcheck.MaxAbsDiff(train.Data, eval.Data) > 0; differ != (layers == 2) {
			t.Errorf("%d layers with dropout 0.5: training and evaluation outputs differ: %v", layers, differ)
		}
	}
	for name, cfg := range map[string]Config{"input 0": {InputSize: 0, HiddenSize: 2}, "hidden 0": {InputSize: 2, HiddenSize: 0},
		"layers −1": {InputSize: 2, HiddenSize: 2, NumLayers: -1}, "dropout 1": {InputSize: 2, HiddenSize: 2, Dropout: 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s accepted", name)
				}
			}()
			NewRecurrent[float64](LSTM, cfg, nn.NewRand(1))
		}()
	}
	if r := NewRecurrent[float64](RNNTanh, Config{InputSize: 1, HiddenSize: 1}, nn.NewRand(1)); r.NumLayers != 1 {
		t.Errorf("NumLayers 0 gives %d layers, want 1", r.NumLayers)
	}
}

// TestParallelBlocksGiveTheSameNumbers: the batch split into 1, 2 or 3
// blocks (Parallelism) gives the same outputs and gradients, with lengths.
func TestParallelBlocksGiveTheSameNumbers(t *testing.T) {
	x := nn.NewMatrix[float64](7, 4*2)
	for i := range x.Data {
		x.Data[i] = math.Cos(float64(i))
	}
	run := func(p int) trainPass {
		r := NewRecurrent[float64](LSTM, Config{InputSize: 2, HiddenSize: 3, Bidirectional: true, Parallelism: p}, nn.NewRand(4))
		r.SetLengths([]int{4, 1, 3, 4, 2, 4, 3})
		return trainPassOf(r, x, 0)
	}
	one := run(1)
	for _, p := range []int{2, 3} {
		got := run(p)
		numcheck.Close(t, "outputs", got.y, one.y, 1e-15)
		numcheck.Close(t, "input gradient", got.dx, one.dx, 1e-15)
		for k := range got.grads {
			numcheck.Close(t, "parameter gradient", got.grads[k], one.grads[k], 1e-14)
		}
	}
}

// TestConstructorsAndStripPrefix: NewLSTM, NewGRU, NewRNN and NewGRUCell are
// NewRecurrent and the step cell of their cell types, with the same draws;
// StripPrefix gives a model's recurrent parameters the names of a bare
// torch.nn.LSTM's state_dict.
func TestConstructorsAndStripPrefix(t *testing.T) {
	cfg := Config{InputSize: 3, HiddenSize: 4}
	for _, c := range []struct {
		got  *Recurrent[float64]
		cell CellType
	}{
		{NewLSTM[float64](cfg, nn.NewRand(1)), LSTM}, {NewGRU[float64](cfg, nn.NewRand(1)), GRU},
		{NewRNN[float64](cfg, false, nn.NewRand(1)), RNNTanh}, {NewRNN[float64](cfg, true, nn.NewRand(1)), RNNReLU},
	} {
		want := NewRecurrent[float64](c.cell, cfg, nn.NewRand(1))
		if c.got.Cell != c.cell || !slices.Equal(c.got.Params()[0].Value, want.Params()[0].Value) {
			t.Errorf("%v: not NewRecurrent's layer", c.cell)
		}
	}
	gc := NewGRUCell[float64](3, 4, nn.NewRand(1))
	if gc.Cell != GRU || len(gc.Params()) != 4 || gc.Params()[0].Shape[0] != 12 {
		t.Errorf("NewGRUCell: %v, %d parameters", gc.Cell, len(gc.Params()))
	}
	model := NewClassifier[float64](LSTM, cfg, 2, nn.NewRand(1))
	var names []string
	for _, p := range StripPrefix("lstm", model.Params()[:4]) { // lstm.weight_ih_l0, …
		names = append(names, p.Name)
	}
	if want := []string{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}; !slices.Equal(names, want) {
		t.Errorf("StripPrefix: %v, want %v", names, want)
	}
	if p := StripPrefix("lstm", model.Params()); p[0].Name != "weight_ih_l0" || p[len(p)-1].Name != "fc.bias" || &p[0].Value[0] != &model.Params()[0].Value[0] {
		t.Errorf("StripPrefix on the whole model: %s … %s, or a copy of the values", p[0].Name, p[len(p)-1].Name)
	}
}

// TestKerasInitialisation: with InitKeras the recurrent weights of every
// direction have orthonormal columns, the input weights lie within the
// Glorot bound √(6/(in + 4H)), the biases are zero but for the forget
// gate's ForgetBias in bias_ih; a forget bias on a GRU panics.
func TestKerasInitialisation(t *testing.T) {
	const in, H = 5, 6
	r := NewRecurrent[float64](LSTM, Config{InputSize: in, HiddenSize: H, Bidirectional: true, Init: InitKeras, ForgetBias: 1}, nn.NewRand(1))
	params := map[string][]float64{}
	for _, p := range r.Params() {
		params[p.Name] = p.Value
	}
	for _, suffix := range []string{"_l0", "_l0_reverse"} {
		whh := params["weight_hh"+suffix]
		for a := 0; a < H; a++ {
			for b := 0; b < H; b++ {
				var dot float64
				for k := 0; k < 4*H; k++ {
					dot += whh[k*H+a] * whh[k*H+b]
				}
				if want := map[bool]float64{true: 1, false: 0}[a == b]; !(math.Abs(dot-want) <= 1e-12) {
					t.Fatalf("weight_hh%s: column %d · column %d = %g", suffix, a, b, dot)
				}
			}
		}
		bound := math.Sqrt(6.0 / (in + 4*H))
		for _, v := range params["weight_ih"+suffix] {
			if !(math.Abs(v) <= bound) {
				t.Fatalf("weight_ih%s: %g outside ±%g", suffix, v, bound)
			}
		}
		for j, v := range params["bias_ih"+suffix] {
			if want := map[bool]float64{true: 1, false: 0}[j >= H && j < 2*H]; v != want {
				t.Fatalf("bias_ih%s[%d] = %g, want %g", suffix, j, v, want)
			}
		}
		if slices.ContainsFunc(params["bias_hh"+suffix], func(v float64) bool { return v != 0 }) {
			t.Errorf("bias_hh%s not zero", suffix)
		}
	}
	defer func() {
		if e := recover(); e == nil || !strings.Contains(fmt.Sprint(e), "forget-gate bias") {
			t.Errorf("a GRU with a forget bias: %v", e)
		}
	}()
	NewRecurrent[float64](GRU, Config{InputSize: 2, HiddenSize: 3, ForgetBias: 1}, nn.NewRand(1))
}

// TestWorkspacesFollowTheBatch: a layer that has run a small batch, then
// runs a larger one (more sequences, more steps), then a small one again,
// gives each time the numbers of a fresh layer — its reused workspaces
// grow to what the batch needs and their stale contents are not read.
func TestWorkspacesFollowTheBatch(t *testing.T) {
	const in = 2
	type batch struct {
		b, steps int
		lengths  []int
	}
	small := batch{2, 3, []int{3, 2}}
	large := batch{7, 5, []int{5, 1, 4, 5, 2, 5, 3}}
	for _, v := range []struct {
		name string
		cell CellType
		cfg  Config
	}{
		{"LSTM", LSTM, Config{HiddenSize: 3}},
		{"GRU, two blocks", GRU, Config{HiddenSize: 3, Parallelism: 2}},
		{"tanh RNN, bidirectional", RNNTanh, Config{HiddenSize: 4, Bidirectional: true}},
		{"projected LSTM, two layers, two blocks", LSTM, Config{HiddenSize: 4, ProjSize: 2, NumLayers: 2, Parallelism: 2}},
	} {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.InputSize = in
			run := func(r *Recurrent[float64], s batch) trainPass {
				x := nn.NewMatrix[float64](s.b, s.steps*in)
				for i := range x.Data {
					x.Data[i] = math.Cos(float64(3*i + s.b))
				}
				r.SetLengths(s.lengths)
				return trainPassOf(r, x, s.steps)
			}
			reused := NewRecurrent[float64](v.cell, cfg, nn.NewRand(5))
			for i, s := range []batch{small, large, small} {
				got := run(reused, s)
				want := run(NewRecurrent[float64](v.cell, cfg, nn.NewRand(5)), s)
				got.equal(t, fmt.Sprintf("run %d (%d sequences, %d steps)", i+1, s.b, s.steps), want)
			}
		})
	}
}
