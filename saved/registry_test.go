package saved

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// before is the folder of files written by the command before the one
// model layer (its README says how).
const before = "testdata/before_2026-12-05"

func readNpy(t *testing.T, name string) *dataset.Array {
	t.Helper()
	a, err := dataset.ReadNpy(filepath.Join(before, name))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func load(t *testing.T, name string, want Kind) *Model {
	t.Helper()
	m, err := Load(filepath.Join(before, name))
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != want {
		t.Fatalf("%s loads as a %v, want a %v", name, m.Kind, want)
	}
	return m
}

// TestFilesWrittenBeforeTheModelLayerGiveTheirRunsNumbers: a file of each
// kind the command wrote before this package knew every kind loads as its
// kind and, applied to the run's data, gives the numbers the run wrote
// (float32 networks: to 1e-6 relative, the run's own sums).
func TestFilesWrittenBeforeTheModelLayerGiveTheirRunsNumbers(t *testing.T) {
	table := readNpy(t, "table.npy") // 120 × 4

	// Anomaly detectors. The CSV one was read back as an MNIST model
	// before (its file lacked physml.data): its scores were 300 times off.
	csv, err := dataset.ReadCSV(filepath.Join(before, "table.csv"), dataset.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file, scores string
		x            []float64
	}{
		{"anomaly_csv.safetensors", "anomaly_csv_scores.npy", csv.Data},
		{"anomaly_dense.safetensors", "anomaly_dense_scores.npy", table.Data},
	} {
		m := load(t, c.file, AnomalyDetector)
		got, err := m.Score(c.x, 120, 4)
		if err != nil {
			t.Fatal(err)
		}
		if d := numcheck.MaxRelDiff(got, readNpy(t, c.scores).Data, 1e-3); !(d <= 1e-6) {
			t.Errorf("%s: scores %.3g (relative) off the run's scores.npy", c.file, d)
		}
	}
	signals, err := dataset.Signals(60, 50, 1) // --example signals --train-limit 60, seed 1
	if err != nil {
		t.Fatal(err)
	}
	m := load(t, "anomaly_seq.safetensors", AnomalyDetector)
	p, err := m.Predict(signals.X, signals.N, signals.Steps, signals.Lengths)
	if err != nil {
		t.Fatal(err)
	}
	if d := numcheck.MaxRelDiff(p.Errors, readNpy(t, "anomaly_seq_scores.npy").Data, 1e-3); !(d <= 1e-6) {
		t.Errorf("the sequence detector's scores are %.3g (relative) off the run's", d)
	}
	if len(p.Flags) != 60 || p.CodeSize != 3 || len(p.Reconstructions) != 60*50 {
		t.Errorf("flags %d, code size %d, reconstructions %d", len(p.Flags), p.CodeSize, len(p.Reconstructions))
	}

	// The autoencoder's codes of its 24 test rows (the command's seeded
	// split: the last 20 % of nn.NewRand(seed ^ 0x7e57).Perm(n)).
	m = load(t, "autoencoder.safetensors", Autoencoder)
	testRows := nn.NewRand(1 ^ 0x7e57).Perm(120)[96:]
	var x []float64
	for _, i := range testRows {
		x = append(x, table.Data[i*4:(i+1)*4]...)
	}
	p, err = m.Predict(x, 24, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := numcheck.MaxRelDiff(p.Codes, readNpy(t, "autoencoder_codes.npy").Data, 1e-3); !(d <= 1e-6) {
		t.Errorf("the autoencoder's codes are %.3g (relative) off the run's codes.npy", d)
	}

	// The VAE and the classifier: their runs wrote no per-row numbers; their
	// files must rebuild the models with the inputs scaled as in training.
	m = load(t, "vae.safetensors", VAE)
	if p, err = m.Predict(table.Data, 120, 4, nil); err != nil || p.CodeSize != 2 || m.Scaling != "minmax scaling of the training data" {
		t.Errorf("the VAE: %v, code size %d, scaling %q", err, p.CodeSize, m.Scaling)
	}
	m = load(t, "lstm.safetensors", Classifier)
	s, err := dataset.ReadSequences(dataset.SequenceFiles{X: filepath.Join(before, "seq.npy"), Labels: filepath.Join(before, "seq_labels.npy"),
		Lengths: filepath.Join(before, "seq_lengths.npy")}, dataset.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	p, err = m.Predict(s.X, s.N, s.Steps*s.Features, s.Lengths)
	if err != nil {
		t.Fatal(err)
	}
	scaler, err := Standardization(m.Metadata, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := Probabilities(nn.PredictDataset[float32](m.Classifier, seq.DatasetOf[float32](s, nil, scaler), 512))
	if d := numcheck.MaxAbsDiff(p.Probabilities, want); d != 0 || len(p.Classes) != 60 {
		t.Errorf("the classifier's probabilities are %.3g off its own on standardised sequences", d)
	}
}

// TestEveryKindHasANameAndLoads: the registry names seven kinds, each once.
func TestEveryKindHasANameAndLoads(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		if seen[k.String()] {
			t.Errorf("%v named twice", k)
		}
		seen[k.String()] = true
	}
	if len(seen) != 7 {
		t.Errorf("%d kinds, want 7: %v", len(seen), seen)
	}
}

// FuzzParse: any bytes given as a model file are a model of a known kind
// or an error, never a panic, and a model's sizes are what its file holds.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"lstm", "autoencoder", "vae", "anomaly_csv", "anomaly_seq"} {
		data, err := os.ReadFile(filepath.Join(before, name+".safetensors"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	data, err := os.ReadFile("../forecast/testdata/forecast_before_2026-12-05.safetensors")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			return
		}
		if m.Kind.String() == "" || m.Features() < 1 || m.Metadata == nil {
			t.Fatalf("a %v of %d features", m.Kind, m.Features())
		}
	})
}
