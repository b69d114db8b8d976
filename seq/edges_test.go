package seq

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/dataset"
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

// TestFromSequences: sequences of (steps, features) become the batch-first
// matrix, padded to the longest with lengths when they differ; ragged
// features and empty sequences are errors.
func TestFromSequences(t *testing.T) {
	x, lengths, err := FromSequences[float32]([][][]float64{{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}}})
	if err != nil || x.Rows != 2 || x.Cols != 6 || !slices.Equal(x.Data, []float32{1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0}) || !slices.Equal(lengths, []int{3, 1}) {
		t.Errorf("ragged: %v %v %v", x, lengths, err)
	}
	if _, lengths, err := FromSequences[float64]([][][]float64{{{1}, {2}}, {{3}, {4}}}); err != nil || lengths != nil {
		t.Errorf("equal lengths: %v, %v", lengths, err)
	}
	for _, bad := range [][][][]float64{{{{1, 2}, {3}}}, {{{1}}, {}}} {
		if _, _, err := FromSequences[float64](bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
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

// trainPass holds what one training step computes: the output, the input
// gradient and the parameter gradients.
type trainPass struct {
	y, dx []float64
	grads [][]float64
}

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

// equal fails t unless p and want are the same to the bit.
func (p trainPass) equal(t *testing.T, what string, want trainPass) {
	t.Helper()
	numcheck.Close(t, what+": outputs", p.y, want.y, 0)
	numcheck.Close(t, what+": input gradient", p.dx, want.dx, 0)
	if len(p.grads) != len(want.grads) {
		t.Fatalf("%s: %d parameters, want %d", what, len(p.grads), len(want.grads))
	}
	for k := range p.grads {
		numcheck.Close(t, what+": parameter gradient", p.grads[k], want.grads[k], 0)
	}
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

// TestDatasetOfStandardisesValidStepsOnly: DatasetOf scales every valid
// step's features by the scaler and leaves padding at zero, with the
// sequences' labels and lengths in the order rows gives.
func TestDatasetOfStandardisesValidStepsOnly(t *testing.T) {
	s := &dataset.Sequences{N: 2, Steps: 3, Features: 2, X: []float64{1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 99, 99},
		Lengths: []int{3, 2}, Labels: []int{1, 0}, Classes: 2}
	scaler, err := s.FitStandardization([]int{1})
	if err != nil {
		t.Fatal(err)
	}
	// Sequence 1's valid steps: (4, 40), (5, 50): means 4.5 and 45, deviations 0.5 and 5.
	if numcheck.MaxAbsDiff(scaler.Offset, []float64{4.5, 45}) != 0 || numcheck.MaxAbsDiff(scaler.Scale, []float64{0.5, 5}) != 0 {
		t.Fatalf("scaler %+v", scaler)
	}
	d := DatasetOf[float64](s, []int{1, 0}, scaler)
	want := []float64{-1, -1, 1, 1, 0, 0, -7, -7, -5, -5, -3, -3}
	if numcheck.MaxAbsDiff(d.X.Data, want) != 0 || d.Labels[0] != 0 || d.Labels[1] != 1 || d.Lengths[0] != 2 || d.Lengths[1] != 3 {
		t.Errorf("X %v, labels %v, lengths %v", d.X.Data, d.Labels, d.Lengths)
	}
}

// TestSplitSequencesStandardisesWithTheTrainingPartOnly: the scaler is the
// training sequences' statistics, and the test part is scaled with it.
func TestSplitSequencesStandardisesWithTheTrainingPartOnly(t *testing.T) {
	s := &dataset.Sequences{N: 10, Steps: 2, Features: 1, X: make([]float64, 20), Labels: make([]int, 10), Classes: 1}
	for i := range s.X {
		s.X[i] = float64(i * i)
	}
	sp, err := SplitSequences[float64](s, 0.3, 4)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := s.FitStandardization(sp.TrainRows)
	if len(sp.TestRows) != 3 || sp.Scaler.Offset[0] != want.Offset[0] || sp.Scaler.Scale[0] != want.Scale[0] {
		t.Fatalf("%d test rows, scaler %+v, want %+v", len(sp.TestRows), sp.Scaler, want)
	}
	i := sp.TestRows[0]
	if got := sp.Test.X.At(0, 1); got != (s.X[2*i+1]-want.Offset[0])/want.Scale[0] {
		t.Errorf("test row 0, step 1: %g", got)
	}
	if _, err := SplitSequences[float64](s, 0.01, 4); err == nil {
		t.Error("a test part of no sequence accepted")
	}
}

// TestParamCountIsTheModelsSize: ParamCount equals the parameters of the
// model it describes, for every kind of cell and option.
func TestParamCountIsTheModelsSize(t *testing.T) {
	for _, c := range []struct {
		cell CellType
		cfg  Config
	}{
		{LSTM, Config{InputSize: 3, HiddenSize: 5, NumLayers: 2, Bidirectional: true}},
		{LSTM, Config{InputSize: 3, HiddenSize: 5, ProjSize: 2}},
		{GRU, Config{InputSize: 4, HiddenSize: 3, NoBias: true}},
		{RNNTanh, Config{InputSize: 2, HiddenSize: 7, NumLayers: 3}},
		{SLSTMCell, Config{InputSize: 3, HiddenSize: 8, Heads: 2}},
		{MLSTMCell, Config{InputSize: 3, HiddenSize: 8, Heads: 4, NumLayers: 2}},
	} {
		m := NewClassifier[float64](c.cell, c.cfg, 6, nn.NewRand(1))
		if got, want := ParamCount(c.cell, c.cfg, 6), float64(nn.CountParams(m.Params())); got != want {
			t.Errorf("%v %+v: ParamCount %g, the model has %g", c.cell, c.cfg, got, want)
		}
	}
}
