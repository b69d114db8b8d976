package saved

import (
	"os"

	"github.com/google/go-cmp/cmp"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// rowsOf returns rows × width values that vary smoothly, in [lo, hi].
func rowsOf(rows, width int, lo, hi float64) []float64 {
	x := make([]float64, rows*width)
	for i := range x {
		x[i] = lo + (hi-lo)*(0.5+0.5*math.Sin(0.7*float64(i)+0.3))
	}
	return x
}

// userAutoencoder returns a as the model file of an autoencoder trained on
// the user's data with the input scaling scaler reads back.
func userAutoencoder(t *testing.T, a *ae.Autoencoder[float32], scaler dataset.Scaler) *Model {
	t.Helper()
	meta := scaler.Metadata(nn.InputScalingPrefix)
	meta[nn.KeyData] = "user"
	data, err := a.EncodeFile(meta)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAutoencoderScoresAreItsReconstructionErrors(t *testing.T) {
	a, err := ae.New[float32](ae.Config{Layers: []int{5, 3}, Hidden: ae.Tanh, Output: ae.Identity, Loss: ae.MSELoss}, nn.NewRand(4))
	if err != nil {
		t.Fatal(err)
	}
	scaler := dataset.Scaler{Kind: dataset.Standard, Offset: []float64{1, 2, 3, 4, 5}, Scale: []float64{2, 0.5, 1, 4, 8}}
	m := userAutoencoder(t, a, scaler)
	if m.Kind != Autoencoder || m.Outputs() != 1 || m.Features() != 5 {
		t.Fatalf("kind %v, outputs %d, features %d; want autoencoder, 1, 5", m.Kind, m.Outputs(), m.Features())
	}
	const rows = 7
	x := rowsOf(rows, 5, -10, 10)
	got, err := m.Score(x, rows, 5)
	if err != nil {
		t.Fatal(err)
	}
	in := nn.NewMatrix[float32](rows, 5)
	for k, v := range x {
		in.Data[k] = float32((v - scaler.Offset[k%5]) / scaler.Scale[k%5])
	}
	numcheck.Close(t, "scores", got, a.ReconstructionErrors(in), 0)
}

func TestMNISTAutoencoderScalesPixelsAsTraining(t *testing.T) {
	for _, norm := range []dataset.Normalization{dataset.Unit, dataset.Symmetric, dataset.Standardize} {
		a, err := ae.New[float32](ae.Config{Layers: []int{4, 2}, Hidden: ae.ReLU, Output: ae.Identity, Loss: ae.MSELoss}, nn.NewRand(1))
		if err != nil {
			t.Fatal(err)
		}
		data, err := a.EncodeFile(map[string]string{"physml.data": "mnist", "physml.normalization": norm.String()})
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		pixels := []byte{0, 1, 128, 255, 37, 200, 3, 99}
		values := make([]float64, len(pixels))
		for i, p := range pixels {
			values[i] = float64(p)
		}
		in, err := m.Prepare(values, 2, 4)
		if err != nil {
			t.Fatal(err)
		}
		numcheck.Close(t, norm.String(), in.Data, dataset.Floats[float32](pixels, norm), 0)
	}
}

func TestClassifierScoresAreProbabilities(t *testing.T) {
	c := seq.NewClassifier[float32](seq.GRU, seq.Config{InputSize: 3, HiddenSize: 4, NumLayers: 1}, 5, nn.NewRand(3))
	meta := map[string]string{"physml.data": "user", "physml.feature_mean": "0.5,-1,2", "physml.feature_std": "2,3,0.25"}
	data, err := c.EncodeFile(meta)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != Classifier || m.Outputs() != 5 || m.Features() != 3 {
		t.Fatalf("kind %v, outputs %d, features %d; want classifier, 5, 3", m.Kind, m.Outputs(), m.Features())
	}
	const rows, steps = 4, 6
	x := rowsOf(rows, steps*3, -2, 3)
	got, err := m.Score(x, rows, steps*3)
	if err != nil {
		t.Fatal(err)
	}
	mean, std := []float64{0.5, -1, 2}, []float64{2, 3, 0.25}
	in := nn.NewMatrix[float32](rows, steps*3)
	for k, v := range x {
		in.Data[k] = float32((v - mean[k%3]) / std[k%3])
	}
	logits := nn.Predict[float32](c, in, 512)
	want := make([]float64, len(logits.Data))
	for i := range rows {
		var sum float64
		for j := range 5 {
			want[i*5+j] = math.Exp(float64(logits.At(i, j)))
			sum += want[i*5+j]
		}
		for j := range 5 {
			want[i*5+j] /= sum
		}
	}
	// The reference exponentiates without the shift: equal to rounding.
	numcheck.Close(t, "probabilities", got, want, 1e-15) // measured 5.6e-17
}

func TestScoreRefusesBadRows(t *testing.T) {
	a, err := ae.New[float32](ae.Config{Layers: []int{3, 2}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	data, err := a.EncodeFile(map[string]string{"physml.data": "mnist", "physml.normalization": "unit"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	c := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 2, HiddenSize: 2, NumLayers: 1}, 3, nn.NewRand(3))
	cdata, err := c.EncodeFile(map[string]string{"physml.data": "mnist"})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := Parse(cdata)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		m           *Model
		x           []float64
		rows, width int
		want        string
	}{
		{m, []float64{1, 2, 3, 4}, 1, 4, "the autoencoder reads 3"},
		{m, []float64{1, 2, 3, 4, 5}, 2, 3, "5 values for 2 rows"},
		{m, []float64{1, 2, 3, 4, math.NaN(), 6}, 2, 3, "row 1, column 1: NaN"},
		{m, []float64{1, 2, math.Inf(-1)}, 1, 3, "row 0, column 2: -Inf"},
		{cm, []float64{1, 2, 3}, 1, 3, "steps of 2 features"},
	} {
		if _, err := tc.m.Score(tc.x, tc.rows, tc.width); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Score(%v, %d, %d): %v; want an error with %q", tc.x, tc.rows, tc.width, err, tc.want)
		}
	}
}

// TestDecodeRefusesUnknownModels: a file of a model physml does not know,
// or whose metadata does not fit its tensors, is an error naming the file
// and the model.
func TestDecodeRefusesUnknownModels(t *testing.T) {
	r := seq.NewRegressor[float32](seq.LSTM, seq.Config{InputSize: 2, HiddenSize: 2, NumLayers: 1}, 2, nn.NewRand(1))
	path := filepath.Join(t.TempDir(), "r.safetensors")
	if err := r.Save(path, map[string]string{nn.KeyTask: "transformer"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), `"transformer"`) || !strings.Contains(err.Error(), path) {
		t.Errorf("Load of an unknown task: %v; want an error naming the file and the task", err)
	}
	data, err := nn.EncodeSafetensors[float32](r.Params(), map[string]string{"physml.model": "autoencoder", "physml.layers": "2,1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(data); err == nil {
		t.Error("Parse of an autoencoder's metadata over a regressor's tensors: no error")
	}
}

func TestReadRowsAsTheKindReadsThem(t *testing.T) {
	dir := t.TempDir()
	table := filepath.Join(dir, "t.csv")
	if err := os.WriteFile(table, []byte("a,b,label\n1,2,0\n3,4,1\n5,6,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := ae.New[float32](ae.Config{Layers: []int{2, 1}, Hidden: ae.Tanh, Output: ae.Identity, Loss: ae.MSELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	m := userAutoencoder(t, a, dataset.Scaler{Kind: dataset.Standard, Offset: []float64{0, 0}, Scale: []float64{1, 1}})
	r, err := m.ReadRows(Files{Input: table, LabelColumn: "label", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&Rows{X: []float64{1, 2, 3, 4}, N: 2, Width: 2, Labels: []int{0, 1}, Names: []string{"a", "b"}, Source: "2 samples of " + table}, r); diff != "" {
		t.Errorf("rows of a table (-want +got):\n%s", diff)
	}
	if _, err := m.ReadRows(Files{Input: table, Lengths: table}); err == nil || !strings.Contains(err.Error(), "lengths are for sequences") {
		t.Errorf("lengths for a table: %v", err)
	}
	if _, err := m.MNISTRows(&dataset.Images{Pixels: make([]byte, 784), Labels: []int{3}}); err == nil || !strings.Contains(err.Error(), "MNIST images have 784 pixels") {
		t.Errorf("MNIST rows for a model of 2 inputs: %v", err)
	}
}

func TestPreparationNamesTheScaling(t *testing.T) {
	for meta, want := range map[[2]string]string{
		{"mnist", "unit"}:      "MNIST pixels divided by 255",
		{"mnist", "symmetric"}: "2p/255 − 1",
		{"user", "standard"}:   "metadata physml.feature_mean, physml.feature_std, physml.normalization",
	} {
		m := &Model{Metadata: map[string]string{nn.KeyData: meta[0], nn.KeyNormalization: meta[1]}}
		if meta[0] == "user" {
			m.Metadata[nn.KeyFeatureMean], m.Metadata[nn.KeyFeatureStd] = "0", "1"
		}
		if got := m.Preparation(); !strings.Contains(got, want) {
			t.Errorf("%v: %q, want it to say %q", meta, got, want)
		}
	}
}

func TestReportOfAClassifierAndADetector(t *testing.T) {
	c := seq.NewClassifier[float32](seq.GRU, seq.Config{InputSize: 2, HiddenSize: 3}, 4, nn.NewRand(1))
	m := &Model{Kind: Classifier, Classifier: c}
	if got := m.Report(&Evaluation{Rows: 9, Accuracy: 0.875}); !strings.HasPrefix(got, "GRU(2, 3,") || !strings.HasSuffix(got, ") classifier, test accuracy 0.8750\n") {
		t.Errorf("classifier report %q", got)
	}
	d := &Model{Kind: AnomalyDetector, Detector: &ae.AnomalyDetector[float32]{Threshold: 0.25}, Scaling: "inputs minmax"}
	got := d.Report(&Evaluation{Rows: 10, MeanError: 0.125, Flagged: 3, Detection: &ae.AnomalyMetrics{Separation: &ae.Separation{ROCAUC: 0.75}}})
	for _, want := range []string{"mean score 0.125 (3 of 10 rows flagged above the threshold 0.25)", "ROC AUC 0.7500"} {
		if !strings.Contains(got, want) {
			t.Errorf("detector report lacks %q: %q", want, got)
		}
	}
}

func TestExportableKinds(t *testing.T) {
	c := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 2, HiddenSize: 3}, 4, nn.NewRand(1))
	net, what, err := (&Model{Kind: Classifier, Classifier: c}).Exportable()
	if err != nil || net != any(c) || !strings.Contains(what, "input (batch, steps, 2), output logits (batch, 4)") {
		t.Errorf("classifier: %v, %q, %v", net, what, err)
	}
	for _, k := range []Kind{Forecaster, Regressor, VAE, SequenceAutoencoder} {
		if _, _, err := (&Model{Kind: k}).Exportable(); err == nil || !strings.Contains(err.Error(), "no ONNX export yet") {
			t.Errorf("%v: %v", k, err)
		}
	}
	if _, _, err := (&Model{Kind: AnomalyDetector, Detector: &ae.AnomalyDetector[float32]{}}).Exportable(); err == nil || !strings.Contains(err.Error(), "sequence or variational autoencoder") {
		t.Errorf("a detector on a sequence autoencoder: %v", err)
	}
}
