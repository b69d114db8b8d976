package onnx

import (
	"bytes"
	"strings"
	"testing"

	"github.com/advancedclimatesystems/gonnx"
	"gorgonia.org/tensor"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// runGonnx exports model and runs it with gonnx, a pure-Go ONNX runtime
// written independently of physml, on x of the given shape; it returns the
// named outputs.
func runGonnx(t *testing.T, model any, x []float32, shape []int, outputs ...string) map[string][]float32 {
	t.Helper()
	var buf bytes.Buffer
	if err := Export(model, &buf); err != nil {
		t.Fatal(err)
	}
	m, err := gonnx.NewModelFromBytes(buf.Bytes())
	if err != nil {
		t.Fatalf("gonnx reads the export: %v", err)
	}
	out, err := m.Run(gonnx.Tensors{"input": tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float32(nil), x...)))})
	if err != nil {
		t.Fatalf("gonnx runs the export: %v", err)
	}
	res := map[string][]float32{}
	for _, name := range outputs {
		v, ok := out[name]
		if !ok {
			t.Fatalf("no output %q in %v", name, out)
		}
		res[name] = v.Data().([]float32)
	}
	return res
}

func randomInput(n int, seed uint64) []float32 {
	x := make([]float32, n)
	nn.Uniform(nn.NewRand(seed), x, 1)
	return x
}

func float64s(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// TestExportRunsInGonnx: the lecture's LSTM classifier, a GRU classifier,
// an LSTM regressor, the lecture's autoencoder, a tied one and a Dense
// network give physml's outputs in gonnx, to 1e-5 (measured ≤ 2.5e-7).
// gonnx runs single forward recurrent layers, has no LeakyRelu and spells
// the RNN's activations in lower case, which ONNX does not: the
// bidirectional, stacked GRU, the RNNs and LeakyRelu are checked against
// PyTorch's own export in TestExportMatchesTorchExport.
func TestExportRunsInGonnx(t *testing.T) {
	const batch, steps = 3, 28
	x := randomInput(batch*steps*28, 1)
	for _, c := range []struct {
		name  string
		model *seq.Classifier[float32]
	}{
		{"lecture LSTM(128)", seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 128}, 10, nn.NewRand(2))},
		{"GRU(32)", seq.NewClassifier[float32](seq.GRU, seq.Config{InputSize: 28, HiddenSize: 32}, 4, nn.NewRand(3))},
		{"LSTM without bias", seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 8, NoBias: true}, 2, nn.NewRand(5))},
	} {
		want := c.model.Forward(nn.MatrixFrom(batch, steps*28, x), false)
		got := runGonnx(t, c.model, x, []int{batch, steps, 28}, "logits")["logits"]
		numcheck.Close(t, c.name+" logits", float64s(got), float64s(want.Data), 1e-5)
	}
	r := seq.NewRegressor[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 12}, 2, nn.NewRand(6))
	want := r.Forward(nn.MatrixFrom(batch, steps*28, x), false)
	got := runGonnx(t, r, x, []int{batch, steps, 28}, "output")["output"]
	numcheck.Close(t, "LSTM regressor", float64s(got), float64s(want.Data), 1e-5)

	images := randomInput(4*784, 7)
	for _, cfg := range []ae.Config{
		{Layers: []int{784, 256, 64}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss},                // the lecture's
		{Layers: []int{784, 32, 8}, Hidden: ae.ReLU, Code: ae.Tanh, Output: ae.Identity, TiedWeights: true}, // gonnx has no LeakyRelu
	} {
		a, err := ae.New[float32](cfg, nn.NewRand(8))
		if err != nil {
			t.Fatal(err)
		}
		in := nn.MatrixFrom(4, 784, images)
		out := runGonnx(t, a, images, []int{4, 784}, "reconstruction", "code")
		numcheck.Close(t, "reconstruction", float64s(out["reconstruction"]), float64s(a.Reconstruct(in).Data), 1e-5)
		numcheck.Close(t, "code", float64s(out["code"]), float64s(a.Encode(in).Data), 1e-5)
	}
	dense := nn.NewSequential[float64](nn.NewDense[float64](5, 7, nn.NewRand(9)), nn.TanhLayer[float64](), nn.NewDropout[float64](0.5, nn.NewRand(1)), nn.NewDense[float64](7, 2, nn.NewRand(10)))
	rows := randomInput(3*5, 11)
	wantDense := dense.Forward(nn.Convert[float64](nn.MatrixFrom(3, 5, rows)), false)
	numcheck.Close(t, "float64 Dense network", float64s(runGonnx(t, dense, rows, []int{3, 5}, "output")["output"]), wantDense.Data, 1e-5)
}

// TestExportRefusesWhatONNXHasNot: xLSTM cells, the variational
// autoencoder and other types give an error naming them.
func TestExportRefusesWhatONNXHasNot(t *testing.T) {
	for _, c := range []struct {
		model any
		want  string
	}{
		{seq.NewClassifier[float32](seq.MLSTMCell, seq.Config{InputSize: 2, HiddenSize: 4}, 2, nn.NewRand(1)), "no mLSTM operator"},
		{seq.NewRegressor[float32](seq.SLSTMCell, seq.Config{InputSize: 2, HiddenSize: 4}, 2, nn.NewRand(1)), "no sLSTM operator"},
		{"a string", "cannot export a string"},
		{nn.NewSequential[float32](nn.ReLU[float32]()), "without a Dense layer"},
	} {
		var buf bytes.Buffer
		if err := Export(c.model, &buf); err == nil || !strings.Contains(err.Error(), c.want) || buf.Len() != 0 {
			t.Errorf("%T: %v (%d bytes written), want an error saying %q", c.model, err, buf.Len(), c.want)
		}
	}
}
