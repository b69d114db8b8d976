package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// anomalyRun runs physml anomaly and returns its metrics.json and the
// scores and split it wrote.
func anomalyRun(t *testing.T, out string, args ...string) (metrics map[string]any, scores, split []float64) {
	t.Helper()
	runOK(t, append(append([]string{"anomaly"}, args...), "--out", out)...)
	data, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &metrics); err != nil {
		t.Fatal(err)
	}
	s, err := dataset.ReadNpy(filepath.Join(out, "scores.npy"))
	if err != nil {
		t.Fatal(err)
	}
	sp, err := dataset.ReadNpy(filepath.Join(out, "split.npy"))
	if err != nil {
		t.Fatal(err)
	}
	return metrics, s.Data, sp.Data
}

// TestAnomalySignalsDense detects the simulated faults with a dense
// autoencoder and checks the reported figures against the files: the
// threshold is the 0.99 quantile of the calibration rows' scores, and the
// AUCs are those of the test rows' scores.
func TestAnomalySignalsDense(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	m, scores, split := anomalyRun(t, out, "--example", "signals", "--train-limit", "500", "--arch", "dense", "--epochs", "60", "--seed", "2")
	signals, err := dataset.Signals(500, signalSteps, 2)
	if err != nil {
		t.Fatal(err)
	}
	var calib, test []float64
	var anomaly, frequency []bool
	var frequencyScores []float64
	for i, part := range split {
		switch part {
		case 1:
			calib = append(calib, scores[i])
			if signals.Labels[i] != 0 {
				t.Fatalf("anomalous signal %d calibrates the threshold", i)
			}
		case 2:
			test, anomaly = append(test, scores[i]), append(anomaly, signals.Labels[i] != 0)
			if l := signals.Labels[i]; l == 0 || l == 4 {
				frequencyScores, frequency = append(frequencyScores, scores[i]), append(frequency, l == 4)
			}
		case 0:
			if signals.Labels[i] != 0 {
				t.Fatalf("anomalous signal %d in the training part", i)
			}
		}
	}
	numcheck.Scalar(t, "threshold", m["threshold"].(float64), ae.Quantile(calib, 0.99), 0)
	numcheck.Scalar(t, "ROC AUC", m["roc_auc"].(float64), ae.ROCAUC(test, anomaly), 0)
	perKind := m["roc_auc_per_kind"].(map[string]any)
	numcheck.Scalar(t, "frequency-change AUC", perKind["frequency change"].(float64), ae.ROCAUC(frequencyScores, frequency), 0)
	t.Logf("dense, 500 signals: AUC %.4f, per kind %v", m["roc_auc"], perKind)
	if auc := perKind["level shift"].(float64); !(auc > 0.95) { // measured 0.99
		t.Errorf("level-shift AUC %.4f, want above 0.95", auc)
	}
	mustDecodePNG(t, filepath.Join(out, "errors.png"))
	mustDecodePNG(t, filepath.Join(out, "roc.png"))
}

// TestAnomalySignalsLSTMBeatsDenseOnFrequencyChanges: the fault that only
// the order of the samples shows — a change of frequency with the envelope
// kept — is found better by the LSTM autoencoder than by a dense one on the
// flattened signals (measured: 0.9990 against 0.9741 with OpenBLAS, 0.9998
// against 0.9741 in pure Go).
func TestAnomalySignalsLSTMBeatsDenseOnFrequencyChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs; skipped with -short")
	}
	dir := t.TempDir()
	// The architectures compared on one score, the reconstruction error.
	lstm, scores, _ := anomalyRun(t, filepath.Join(dir, "lstm"), "--example", "signals", "--score", "reconstruction")
	dense, _, _ := anomalyRun(t, filepath.Join(dir, "dense"), "--example", "signals", "--arch", "dense", "--epochs", "100", "--score", "reconstruction")
	auc := func(m map[string]any, kind string) float64 {
		return m["roc_auc_per_kind"].(map[string]any)[kind].(float64)
	}
	t.Logf("frequency change: LSTM %.4f, dense %.4f; all: LSTM %.4f, dense %.4f", auc(lstm, "frequency change"), auc(dense, "frequency change"), lstm["roc_auc"], dense["roc_auc"])
	if !(auc(lstm, "frequency change") > auc(dense, "frequency change")) || !(lstm["roc_auc"].(float64) > 0.98) {
		t.Errorf("LSTM %v\ndense %v", lstm, dense)
	}
	// Where the fault is (issue 34): each signal's step errors average to
	// its score.
	steps, err := dataset.ReadNpy(filepath.Join(dir, "lstm", "step_errors.npy"))
	if err != nil || !slices.Equal(steps.Shape, []int{2000, 50}) {
		t.Fatalf("step_errors.npy: %v %v", steps, err)
	}
	for i, score := range scores {
		var sum float64
		for _, e := range steps.Data[i*50 : (i+1)*50] {
			sum += e
		}
		numcheck.Scalar(t, "mean step error of a signal", sum/50, score, 1e-9)
	}
	// The fault locator's step scores mark the fault: measured 0.9945,
	// 1, 0.9954 and 1 for spikes, level shifts, dropouts and frequency
	// changes (OpenBLAS).
	if stepScores, err := dataset.ReadNpy(filepath.Join(dir, "lstm", "step_scores.npy")); err != nil || !slices.Equal(stepScores.Shape, []int{2000, 50}) {
		t.Fatalf("step_scores.npy: %v %v", stepScores, err)
	}
	located := lstm["fault_located_per_kind"].(map[string]any)
	t.Logf("fault located: %v", located)
	if len(located) != 4 {
		t.Errorf("fault located %v, want the four kinds", located)
	}
	for kind, f := range located {
		if !(f.(float64) >= 0.9) {
			t.Errorf("%s located in %v of the test faults, want ≥ 0.9", kind, f)
		}
	}
	mustDecodePNG(t, filepath.Join(dir, "lstm", "faults.png"))
}

func TestAnomalyRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	x, _, _ := dampedOscillations(t, dir, 20, 10)
	allAnomalous := npyAt(t, filepath.Join(dir, "ones.npy"), []int{20}, func() []float64 {
		v := make([]float64, 20)
		for i := range v {
			v[i] = 1
		}
		return v
	}())
	zeroLength := npyAt(t, filepath.Join(dir, "zero.npy"), []int{20}, make([]float64, 20))
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--normal", ""}, 2, "--normal"},
		{[]string{"--normal", "1,1"}, 2, "--normal"},
		{[]string{"--normal", "1,2", "--anomalous", "2"}, 2, "both"},
		{[]string{"--anomalous", "10"}, 2, "--anomalous"},
		{[]string{"--example", "glitches"}, 2, "--example"},
		{[]string{"--example", "signals", "--input", x}, 2, "not both"},
		{[]string{"--quantile", "1"}, 2, "--quantile"},
		{[]string{"--model", "transformer"}, 2, "--model"},
		{[]string{"--score", "elbo", "--arch", "dense"}, 2, "--arch vae"},
		{[]string{"--score", "elbo", "--example", "signals"}, 2, "not sequences"},
		{[]string{"--score", "likelihood"}, 2, "want reconstruction, latent, combined or elbo"},
		{[]string{"--labels", x}, 2, "go with --input"},
		{[]string{"--input", x, "--labels", allAnomalous}, 1, "normal rows"},
		{[]string{"--input", x, "--labels", filepath.Join(dir, "y.npy"), "--lengths", zeroLength}, 1, "length 0"},
		{[]string{"--input", x, "--labels", npyAt(t, filepath.Join(dir, "short.npy"), []int{3}, []float64{0, 0, 1})}, 1, "want (20,)"},
		{[]string{"--input", filepath.Join(dir, "missing.npy")}, 1, "missing.npy"},
	} {
		out := filepath.Join(dir, "out")
		mustFailCleanly(t, fmt.Sprint(c.args), append(append([]string{"anomaly", "--epochs", "1"}, c.args...), "--out", out), out, c.code, c.want)
	}
}

// TestAnomalyLabelColumn (issue 35): a CSV's label column gives the labels
// and is no feature.
func TestAnomalyLabelColumn(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("a,b,c,kind\n")
	rng := nn.NewRand(4)
	for i := 0; i < 300; i++ {
		x, kind := rng.NormFloat64(), 0
		if i%10 == 0 {
			x, kind = x+8, 1
		}
		fmt.Fprintf(&b, "%g,%g,%g,%d\n", x, 2*x+0.1*rng.NormFloat64(), -x, kind)
	}
	table := filepath.Join(dir, "t.csv")
	os.WriteFile(table, []byte(b.String()), 0o644)
	m, _, _ := anomalyRun(t, filepath.Join(dir, "out"), "--input", table, "--label-column", "kind", "--epochs", "5")
	if m["roc_auc"] == nil || m["anomalies"].(float64) != 30 {
		t.Errorf("metrics %v", m)
	}
	text := runOK(t, "anomaly", "--input", table, "--label-column", "kind", "--epochs", "1", "--out", filepath.Join(dir, "o2"))
	if !strings.Contains(text, "300 samples of 3 values") {
		t.Errorf("the label column was read as a feature:\n%s", text)
	}
}
