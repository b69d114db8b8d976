package seq

import (
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestNewModelBuildsTheSpec: PyTorch's initialisation is NewClassifier's
// from the same seed; Keras's sets the forget-gate bias to 1 and zeroes the
// Dense bias; the head and the loss follow the task.
func TestNewModelBuildsTheSpec(t *testing.T) {
	cfg := Config{InputSize: 3, HiddenSize: 4}
	m, err := NewModel[float64](ModelSpec{Cell: LSTM, Config: cfg, Outputs: 5, Norm: "layernorm", Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := NewClassifier[float64](LSTM, cfg, 5, nn.NewRand(7))
	c := m.Net.(*Classifier[float64])
	numcheck.Close(t, "weights", c.RNN.Params()[0].Value, want.RNN.Params()[0].Value, 0)
	numcheck.Close(t, "fc", c.FC.Weight.Value, want.FC.Weight.Value, 0)
	if _, ok := m.Loss.(nn.CrossEntropy[float64]); !ok || c.Norm == nil || !strings.Contains(m.String(), "Dense(4→5)") {
		t.Errorf("classifier: loss %T, norm %v, %v", m.Loss, c.Norm, m)
	}

	k, err := NewModel[float64](ModelSpec{Cell: LSTM, Config: cfg, Outputs: 2, Keras: true, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range k.FC.Bias.Value {
		if v != 0 {
			t.Fatalf("Keras Dense bias %v, want zeros", k.FC.Bias.Value)
		}
	}
	biasIH := k.RNN.Params()[2] // bias_ih_l0: gates i, f, g, o
	if biasIH.Name != "bias_ih_l0" {
		t.Fatalf("parameter 2 is %s", biasIH.Name)
	}
	for j := 4; j < 8; j++ {
		if biasIH.Value[j] != 1 {
			t.Fatalf("Keras forget-gate bias %v, want 1 for units 4…7", biasIH.Value)
		}
	}

	r, err := NewModel[float64](ModelSpec{Cell: GRU, Config: cfg, Outputs: 2, Regressor: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Loss.(nn.MSE[float64]); !ok || !strings.HasSuffix(r.String(), "Dense(4→2) at every step") {
		t.Errorf("regressor: loss %T, %v", r.Loss, r)
	}
	if _, err := NewModel[float64](ModelSpec{Cell: GRU, Config: cfg, Outputs: 2, Regressor: true, Norm: "batchnorm"}); err == nil {
		t.Error("a regressor with a norm layer built")
	}
	if _, err := NewModel[float64](ModelSpec{Cell: GRU, Config: cfg, Outputs: 2, Norm: "groupnorm"}); err == nil {
		t.Error("an unknown norm built")
	}
}
