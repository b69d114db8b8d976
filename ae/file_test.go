package ae

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

func TestAutoencoderFileRoundTrip(t *testing.T) {
	for _, cfg := range []Config{
		{Layers: []int{6, 4, 2}, Hidden: ReLU, Code: Identity, Output: Sigmoid, Loss: BCELoss, Sparsity: 0.25},
		{Layers: []int{5, 3}, Hidden: Tanh, Code: Tanh, Output: Identity, Loss: MSELoss, TiedWeights: true},
	} {
		a, err := New[float32](cfg, nn.NewRand(2))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "a.safetensors")
		if err := a.Save(path, map[string]string{"user.scaling": "minmax"}); err != nil {
			t.Fatal(err)
		}
		back, meta, err := Load[float32](path)
		if err != nil {
			t.Fatal(err)
		}
		if meta["user.scaling"] != "minmax" || back.String() != a.String() || back.Sparsity != cfg.Sparsity || back.Code != cfg.Code {
			t.Errorf("loaded %v (%+v), saved %v; metadata %v", back, back.Config, a, meta)
		}
		x := nn.NewMatrix[float32](3, cfg.Layers[0])
		for i := range x.Data {
			x.Data[i] = float32(0.5 + 0.4*math.Sin(float64(i)))
		}
		numcheck.Close(t, "reconstructions", back.Reconstruct(x).Data, a.Reconstruct(x).Data, 0)
	}
}

func TestDecodeAutoencoderRefusesBadMetadata(t *testing.T) {
	a, err := New[float32](Config{Layers: []int{6, 4, 2}, Hidden: ReLU, Output: Sigmoid, Loss: BCELoss}, nn.NewRand(2))
	if err != nil {
		t.Fatal(err)
	}
	data, err := a.EncodeFile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ key, value, want string }{
		{"physml.model", "classifier", "physml.model"},
		{"physml.layers", "6,100000,100000", "metadata describes"},
		{"physml.layers", "6", "at least"},
		{"physml.layers", "6,4,2,2,2,2,2,2,2,2,2,2,2,2,2,2", "more layers"},
		{"physml.layers", "6,-4,2", "positive sizes"},
		{"physml.hidden", "swish", "physml.hidden"},
		{"physml.code", "swish", "physml.code"},
		{"physml.loss", "huber", "physml.loss"},
		{"physml.loss", "bce", ""},
		{"physml.tied", "1", "physml.tied"},
		{"physml.tied", "true", "metadata describes"},
		{"physml.sparsity", "NaN", "physml.sparsity"},
		{"physml.output", "tanh", "binary cross-entropy"},
	} {
		tensors, meta, err := nn.ParseSafetensors(data)
		if err != nil {
			t.Fatal(err)
		}
		meta[c.key] = c.value
		_, err = Decode[float32](tensors, meta)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s = %q: %v", c.key, c.value, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s = %q: got %v, want an error mentioning %q", c.key, c.value, err, c.want)
		}
	}
}
