package seq

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestClassifierWithNorm: a BatchNorm1d or LayerNorm between the last
// states and the Dense layer back-propagates as finite differences say,
// and a model file keeps it (with the running statistics).
func TestClassifierWithNorm(t *testing.T) {
	const b, steps, in = 6, 4, 3
	for _, kind := range []string{"batchnorm", "layernorm"} {
		t.Run(kind, func(t *testing.T) {
			c := NewClassifier[float64](LSTM, Config{InputSize: in, HiddenSize: 4, Bidirectional: true}, 3, nn.NewRand(1))
			var err error
			if c.Norm, err = newNorm[float64](kind, c.RNN.OutputSize()); err != nil {
				t.Fatal(err)
			}
			c.InputGradient(true)
			x := nn.NewMatrix[float64](b, steps*in)
			nn.Normal(nn.NewRand(2), x.Data, 1)
			// Training mode: batch norm on the batch's statistics.
			res := nn.GradientCheck(c, x, nn.GradCheckOptions{Train: true})
			if !numcheck.Within(res.MaxRelError, 1e-6) {
				t.Errorf("gradient differs from finite differences by %.3g at %s", res.MaxRelError, res.Where)
			}
			names := map[string]bool{}
			for _, p := range c.StateDict() {
				names[p.Name] = true
			}
			want := []string{"norm.weight", "norm.bias", "fc.weight"}
			if kind == "batchnorm" {
				want = append(want, "norm.running_mean", "norm.running_var", "norm.num_batches_tracked")
			}
			for _, n := range want {
				if !names[n] {
					t.Errorf("state dict lacks %q", n)
				}
			}

			path := filepath.Join(t.TempDir(), "c.safetensors")
			if err := c.Save(path, nil); err != nil {
				t.Fatal(err)
			}
			back, meta, err := LoadClassifier[float64](path)
			if err != nil {
				t.Fatal(err)
			}
			if meta["physml.norm"] != kind || normKind(back.Norm) != kind {
				t.Fatalf("loaded norm %q (metadata %q); want %q", normKind(back.Norm), meta["physml.norm"], kind)
			}
			numcheck.Close(t, "evaluation outputs after a round trip", back.Forward(x, false).Data, c.Forward(x, false).Data, 0)
			numcheck.Close(t, "a clone's outputs", c.Clone().Forward(x, false).Data, c.Forward(x, false).Data, 0)
		})
	}
}

func TestClassifierNormFileRefusals(t *testing.T) {
	c := NewClassifier[float32](GRU, Config{InputSize: 2, HiddenSize: 3}, 2, nn.NewRand(1))
	c.Norm = nn.ReLU[float32]()
	if _, err := c.EncodeFile(nil); err == nil || !strings.Contains(err.Error(), "BatchNorm1d or nn.LayerNorm") {
		t.Errorf("EncodeFile with a ReLU as Norm: %v", err)
	}
	c.Norm = nn.NewLayerNorm[float32](3)
	data, err := c.EncodeFile(nil)
	if err != nil {
		t.Fatal(err)
	}
	tensors, meta, err := nn.ParseSafetensors(data)
	if err != nil {
		t.Fatal(err)
	}
	meta["physml.norm"] = "groupnorm"
	if _, err := DecodeClassifier[float32](tensors, meta); err == nil {
		t.Error("physml.norm = groupnorm: no error")
	}
	delete(meta, "physml.norm") // the norm's tensors without the key
	if _, err := DecodeClassifier[float32](tensors, meta); err == nil {
		t.Error("norm tensors without physml.norm: no error")
	}
}
