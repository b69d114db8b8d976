package ae

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestAutoencoderWithBatchNorm: BatchNorm1d sits between each hidden Dense
// layer and its activation in both halves (PyTorch's names show where),
// the gradient passes the finite-difference check in training mode, and the
// file carries the running statistics: the loaded model reconstructs as
// the saved one in evaluation mode.
func TestAutoencoderWithBatchNorm(t *testing.T) {
	cfg := Config{Layers: []int{6, 5, 4, 2}, Hidden: Tanh, Output: Sigmoid, Loss: BCELoss, BatchNorm: true}
	a, err := New[float64](cfg, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range nn.StateDict[float64](a) {
		if strings.HasSuffix(p.Name, ".weight") || strings.HasSuffix(p.Name, ".running_var") {
			names = append(names, p.Name)
		}
	}
	want := []string{"encoder.0.weight", "encoder.1.weight", "encoder.3.weight", "encoder.4.weight", "encoder.6.weight",
		"decoder.0.weight", "decoder.1.weight", "decoder.3.weight", "decoder.4.weight", "decoder.6.weight",
		"encoder.1.running_var", "encoder.4.running_var", "decoder.1.running_var", "decoder.4.running_var"}
	if !slices.Equal(names, want) {
		t.Errorf("state_dict weights and running_var\n%v\nwant\n%v", names, want)
	}
	x := nn.NewMatrix[float64](8, 6)
	nn.Uniform(nn.NewRand(2), x.Data, 1)
	for i := range x.Data {
		x.Data[i] = (x.Data[i] + 1) / 2
	}
	a.InputGradient(true)
	res := nn.GradientCheck(a, x, nn.GradCheckOptions{Train: true})
	t.Logf("worst relative gradient error %.2g at %s", res.MaxRelError, res.Where)
	// measured 4.4e-7, at encoder.0.bias: its true gradient is 0, as the
	// BatchNorm1d after the layer removes any constant
	if !(res.MaxRelError < 1e-5) {
		t.Errorf("gradient: %+v", res)
	}
	path := filepath.Join(t.TempDir(), "bn.safetensors")
	if err := a.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	back, meta, err := Load[float64](path)
	if err != nil {
		t.Fatal(err)
	}
	if meta["physml.batchnorm"] != "true" || back.String() != a.String() {
		t.Errorf("loaded %v (%v), saved %v", back, meta["physml.batchnorm"], a)
	}
	numcheck.Close(t, "reconstructions after loading", back.Reconstruct(x).Data, a.Reconstruct(x).Data, 0)
	numcheck.Close(t, "a clone's reconstructions", a.Clone().Reconstruct(x).Data, a.Reconstruct(x).Data, 0)
}
