package seq

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestProjectedLSTMGradients: finite differences for the projected LSTM
// with initial states, lengths, chunks and recurrent dropout (the PyTorch
// fixtures cover it without dropout).
func TestProjectedLSTMGradients(t *testing.T) {
	const batch, steps, in = 3, 4, 3
	for _, v := range []struct {
		name string
		cfg  Config
	}{
		{"one layer", Config{InputSize: in, HiddenSize: 5, ProjSize: 2}},
		{"two layers, bidirectional, chunks", Config{InputSize: in, HiddenSize: 5, ProjSize: 3, NumLayers: 2, Bidirectional: true, Parallelism: 2}},
		{"with dropout", Config{InputSize: in, HiddenSize: 4, ProjSize: 2, NumLayers: 2, InputDropout: 0.2, RecurrentDropout: 0.3}},
	} {
		t.Run(v.name, func(t *testing.T) {
			r := NewRecurrent[float64](LSTM, v.cfg, nn.NewRand(3))
			r.SetLengths([]int{4, 2, 3})
			layer := newWithStates(r, batch, true)
			x := nn.NewMatrix[float64](batch, steps*in)
			nn.Normal(nn.NewRand(4), x.Data, 1)
			opt := nn.GradCheckOptions{}
			if v.cfg.InputDropout > 0 {
				opt = nn.GradCheckOptions{Train: true, BeforeForward: func() { r.maskRNG = nn.NewRand(8) }}
			}
			res := nn.GradientCheck(layer, x, opt)
			if !numcheck.Within(res.MaxRelError, 5e-6) {
				t.Errorf("gradient differs from finite differences by %.3g at %s", res.MaxRelError, res.Where)
			}
		})
	}
}

// TestProjectedLSTMClassifierFile: a classifier over a projected LSTM reads
// directions·ProjSize features, and its model file rebuilds it.
func TestProjectedLSTMClassifierFile(t *testing.T) {
	c := NewClassifier[float32](LSTM, Config{InputSize: 3, HiddenSize: 8, ProjSize: 3, Bidirectional: true}, 4, nn.NewRand(1))
	if c.FC.In != 6 || c.RNN.OutputSize() != 6 {
		t.Fatalf("Dense reads %d features, the layer gives %d; want 6", c.FC.In, c.RNN.OutputSize())
	}
	if s := c.RNN.String(); !strings.Contains(s, "proj_size=3") {
		t.Errorf("String %q does not say proj_size=3", s)
	}
	path := filepath.Join(t.TempDir(), "c.safetensors")
	if err := c.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	back, meta, err := LoadClassifier[float32](path)
	if err != nil {
		t.Fatal(err)
	}
	if meta["physml.proj_size"] != "3" || back.RNN.ProjSize != 3 {
		t.Fatalf("loaded proj_size %d (metadata %q)", back.RNN.ProjSize, meta["physml.proj_size"])
	}
	x := nn.NewMatrix[float32](5, 7*3)
	nn.Normal(nn.NewRand(2), x.Data, 1)
	numcheck.Close(t, "logits after a round trip", back.Forward(x, false).Data, c.Forward(x, false).Data, 0)
	if _, err := back.RNN.Trace(0); err == nil {
		t.Error("Trace of a projected LSTM: no error")
	}
}

func TestProjSizeRefusals(t *testing.T) {
	for _, c := range []struct {
		cell CellType
		proj int
	}{{LSTM, 4}, {LSTM, 9}, {LSTM, -1}, {GRU, 2}, {RNNTanh, 2}} {
		t.Run(fmt.Sprintf("%v/%d", c.cell, c.proj), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewRecurrent(%v, ProjSize %d of hidden 4) did not panic", c.cell, c.proj)
				}
			}()
			NewRecurrent[float64](c.cell, Config{InputSize: 2, HiddenSize: 4, ProjSize: c.proj}, nn.NewRand(1))
		})
	}
}
