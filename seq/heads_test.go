package seq

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/physml/physml/nn"

	"github.com/physml/physml/internal/numcheck"
)

func TestHeadsGradientsMatchFiniteDifferences(t *testing.T) {
	cfg := Config{InputSize: 3, HiddenSize: 4, NumLayers: 2, Bidirectional: true}
	x := nn.NewMatrix[float64](3, 5*3)
	nn.Normal(nn.NewRand(1), x.Data, 1)
	for _, cell := range []CellType{LSTM, GRU} {
		c := NewClassifier[float64](cell, cfg, 3, nn.NewRand(2))
		c.SetLengths([]int{5, 2, 3})
		c.Forward(x, true)
		if dx := c.Backward(nn.NewMatrix[float64](3, 3)); dx != nil {
			t.Errorf("%v classifier computes the input gradient by default", cell)
		}
		c.InputGradient(true)
		if res := nn.GradientCheck(c, x, nn.GradCheckOptions{}); !numcheck.Within(res.MaxRelError, 1e-6) {
			t.Errorf("%v classifier: gradient differs by %.3g at %s", cell, res.MaxRelError, res.Where)
		}
		r := NewRegressor[float64](cell, cfg, 2, nn.NewRand(2))
		r.InputGradient(true)
		if res := nn.GradientCheck(r, x, nn.GradCheckOptions{}); !numcheck.Within(res.MaxRelError, 1e-6) {
			t.Errorf("%v regressor: gradient differs by %.3g at %s", cell, res.MaxRelError, res.Where)
		}
	}
}

func TestStepCellMatchesLayer(t *testing.T) {
	const b, steps, in, hidden = 2, 6, 3, 5
	x := nn.NewMatrix[float64](b, steps*in)
	nn.Normal(nn.NewRand(1), x.Data, 1)
	for _, cell := range []CellType{LSTM, GRU, RNNTanh, RNNReLU} {
		r := NewRecurrent[float64](cell, Config{InputSize: in, HiddenSize: hidden}, nn.NewRand(3))
		y := r.Forward(x, false).Clone()
		sc := r.StepCell(0, 0)
		h := nn.NewMatrix[float64](b, hidden)
		var c *nn.Matrix[float64]
		if cell == LSTM {
			c = nn.NewMatrix[float64](b, hidden)
		}
		xt := nn.NewMatrix[float64](b, in)
		for s := 0; s < steps; s++ {
			for i := 0; i < b; i++ {
				copy(xt.Row(i), x.Row(i)[s*in:(s+1)*in])
			}
			sc.Step(xt, h, c)
			for i := 0; i < b; i++ {
				for j := 0; j < hidden; j++ {
					if d := math.Abs(h.At(i, j) - y.At(i, s*hidden+j)); !numcheck.Within(d, 1e-14) {
						t.Fatalf("%v step %d: cell output differs from the layer's by %g", cell, s, d)
					}
				}
			}
		}
	}
	// A fresh cell has PyTorch's names.
	names := []string{}
	for _, p := range NewLSTMCell[float32](3, 4, nn.NewRand(1)).Params() {
		names = append(names, p.Name)
	}
	if len(names) != 4 || names[0] != "weight_ih" || names[3] != "bias_hh" {
		t.Errorf("LSTMCell parameter names %v", names)
	}
}

// TestPyTorchClassifierRunsInPhysml loads a bidirectional 2-layer classifier
// saved from PyTorch (safetensors, state_dict names lstm.* and fc.*) and
// reproduces its logits; then a physml-saved copy loads back identically.
func TestPyTorchClassifierRunsInPhysml(t *testing.T) {
	data, err := os.ReadFile("testdata/classifiers.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]struct{ X, Logits []float64 }
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	for name, cell := range map[string]CellType{"LSTM": LSTM, "GRU": GRU} {
		m := NewClassifier[float32](cell, Config{InputSize: 5, HiddenSize: 6, NumLayers: 2, Bidirectional: true}, 3, nn.NewRand(1))
		file := "testdata/torch_" + moduleName(cell) + "_classifier.safetensors"
		if err := nn.LoadSafetensors(file, m.Params()); err != nil {
			t.Fatal(err)
		}
		x := nn.MatrixFrom(4, 7*5, convert[float32](want[name].X))
		compare(t, name+" logits", m.Forward(x, false).Data, want[name].Logits)

		path := filepath.Join(t.TempDir(), "m.safetensors")
		if err := nn.SaveSafetensors(path, m.Params(), nil); err != nil {
			t.Fatal(err)
		}
		m2 := NewClassifier[float32](cell, Config{InputSize: 5, HiddenSize: 6, NumLayers: 2, Bidirectional: true}, 3, nn.NewRand(9))
		if err := nn.LoadSafetensors(path, m2.Params()); err != nil {
			t.Fatal(err)
		}
		compare(t, name+" logits after physml round trip", m2.Forward(x, false).Data, want[name].Logits)
	}
}

// dampedOscillator returns n noisy series x(t) = e^{−γt} cos(ωt + φ) + noise
// of the given steps, with random γ, ω and φ per series.
func dampedOscillator(n, steps int, seed uint64) *nn.Matrix[float64] {
	rng := nn.NewRand(seed)
	x := nn.NewMatrix[float64](n, steps)
	for i := 0; i < n; i++ {
		gamma := 0.01 + 0.03*rng.Float64()
		omega := 0.2 + 0.3*rng.Float64()
		phi := 2 * math.Pi * rng.Float64()
		for s := 0; s < steps; s++ {
			x.Set(i, s, math.Exp(-gamma*float64(s))*math.Cos(omega*float64(s)+phi)+0.02*rng.NormFloat64())
		}
	}
	return x
}

// TestLSTMForecastsDampedOscillator trains a many-to-many LSTM to predict the
// next value of a noisy damped oscillator and compares its test error with
// the persistence baseline (tomorrow equals today).
func TestLSTMForecastsDampedOscillator(t *testing.T) {
	if testing.Short() {
		t.Skip("training run; skipped with -short")
	}
	const steps = 40
	series := func(n int, seed uint64) nn.Dataset[float32] {
		s := dampedOscillator(n, steps+1, seed)
		x, y := nn.NewMatrix[float32](n, steps), nn.NewMatrix[float32](n, steps)
		for i := 0; i < n; i++ {
			for j := 0; j < steps; j++ {
				x.Set(i, j, float32(s.At(i, j)))
				y.Set(i, j, float32(s.At(i, j+1)))
			}
		}
		return nn.Dataset[float32]{X: x, Y: y}
	}
	train, test := series(512, 1), series(128, 2)
	model := NewRegressor[float32](LSTM, Config{InputSize: 1, HiddenSize: 32}, 1, nn.NewRand(3))
	opt := nn.NewAdam(model.Params(), nn.AdamConfig{LR: 1e-2})
	if _, err := nn.Fit(context.Background(), model, nn.MSE[float32]{}, opt, train, nn.FitConfig[float32]{Epochs: 30, BatchSize: 32, Seed: 4, ClipNorm: 1}); err != nil {
		t.Fatal(err)
	}
	pred := nn.Predict[float32](model, test.X, 128)
	var mse, persistence float64
	for i := 0; i < test.X.Rows; i++ {
		for j := 5; j < steps; j++ { // skip the first steps, where the state is still warming up
			d := float64(pred.At(i, j) - test.Y.At(i, j))
			p := float64(test.X.At(i, j) - test.Y.At(i, j))
			mse += d * d
			persistence += p * p
		}
	}
	factor := persistence / mse
	t.Logf("one-step forecast MSE %.5f, persistence %.5f: %.1f× better", mse/float64(test.X.Rows*(steps-5)), persistence/float64(test.X.Rows*(steps-5)), factor)
	if !(factor >= 12) { // measured 18.1
		t.Errorf("LSTM beats persistence only by a factor %.2f, want at least 12", factor)
	}
}
