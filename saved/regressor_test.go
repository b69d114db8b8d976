package saved

import (
	"math"
	"path/filepath"
	"sync"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
)

// TestRegressorOutputsAreInTheTargetsUnits: a regressor trained by
// "physml lstm --targets" (testdata/regressor/README.md) predicts, for the
// run's inputs, the outputs physml predict wrote then, mapped back from
// the standardised targets (their mean is 5, far from 0).
func TestRegressorOutputsAreInTheTargetsUnits(t *testing.T) {
	dir := "testdata/regressor"
	m, err := Load(filepath.Join(dir, "regressor.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != Regressor || m.Outputs() != 1 || m.Features() != 2 || m.targets == nil {
		t.Fatalf("a %v of %d outputs and %d features (target scaling %v)", m.Kind, m.Outputs(), m.Features(), m.targets)
	}
	x, err := dataset.ReadNpy(filepath.Join(dir, "x.npy")) // (80, 12, 2)
	if err != nil {
		t.Fatal(err)
	}
	want, err := dataset.ReadNpy(filepath.Join(dir, "outputs.npy")) // (80, 12, 1)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Predict(x.Data, 80, 24, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := numcheck.MaxRelDiff(p.Outputs, want.Data, 1e-3); !(d <= 1e-6) {
		t.Errorf("outputs %.3g (relative) off the run's", d)
	}
	var mean float64
	for _, v := range p.Outputs {
		mean += v / float64(len(p.Outputs))
	}
	if mean < 4 || mean > 6 {
		t.Errorf("mean output %.3g: not in the targets' units (mean 5)", mean)
	}
}

// TestEvaluateRegressorAndDetector: Evaluate's errors are those of the
// predictions against the targets, per output, and a detector's
// separation uses its own threshold.
func TestEvaluateRegressorAndDetector(t *testing.T) {
	m, err := Load("testdata/regressor/regressor.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	x, _ := dataset.ReadNpy("testdata/regressor/x.npy")
	out, _ := dataset.ReadNpy("testdata/regressor/outputs.npy")
	targets := make([]float64, len(out.Data))
	for i, v := range out.Data {
		targets[i] = v + 0.5 // every output 0.5 below its target
	}
	ev, err := m.Evaluate(x.Data, 80, 24, nil, nil, targets)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Errors) != 1 || math.Abs(ev.Errors[0].RMSE-0.5) > 1e-6 || math.Abs(ev.Errors[0].MAE-0.5) > 1e-6 {
		t.Errorf("errors %+v, want RMSE = MAE = 0.5", ev.Errors)
	}
	if _, err := m.Evaluate(x.Data, 80, 24, nil, nil, targets[:10]); err == nil {
		t.Error("too few targets: no error")
	}

	d := load(t, "anomaly_dense.safetensors", AnomalyDetector)
	table := readNpy(t, "table.npy")
	labels := readNpy(t, "table_labels.npy")
	l := make([]int, len(labels.Data))
	for i, v := range labels.Data {
		l[i] = int(v)
	}
	ev, err = d.Evaluate(table.Data, 120, 4, nil, l, nil)
	if err != nil {
		t.Fatal(err)
	}
	scores, _ := d.Score(table.Data, 120, 4)
	flagged := 0
	for _, s := range scores {
		if s > d.Detector.Threshold {
			flagged++
		}
	}
	if ev.Flagged != flagged || ev.Detection == nil || ev.Detection.Threshold != d.Detector.Threshold {
		t.Errorf("flagged %d (want %d), detection %+v", ev.Flagged, flagged, ev.Detection)
	}
}

// TestClonesScoreConcurrently (issue 31 L9): a Model is not safe for
// concurrent use, and a Clone per goroutine is; under -race (CI's race
// step) any shared workspace is found. Every clone gives the original's
// numbers.
func TestClonesScoreConcurrently(t *testing.T) {
	for _, name := range []string{"anomaly_dense.safetensors", "anomaly_seq.safetensors", "lstm.safetensors", "vae.safetensors"} {
		m, err := Load(filepath.Join(before, name))
		if err != nil {
			t.Fatal(err)
		}
		var width int
		if m.Sequences() {
			width = 10 * m.Features()
		} else {
			width = m.Features()
		}
		rows := make([]float64, 6*width)
		for i := range rows {
			rows[i] = math.Sin(float64(i))
		}
		want, err := m.Score(rows, 6, width)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		results := make([][]float64, 4)
		var wg sync.WaitGroup
		for g := range results {
			c := m.Clone()
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 3 {
					results[g], _ = c.Score(rows, 6, width)
				}
			}()
		}
		wg.Wait()
		for g, got := range results {
			if d := numcheck.MaxRelDiff(got, want, 1e-6); !(d <= 1e-6) {
				t.Errorf("%s: clone %d off by %.3g", name, g, d)
			}
		}
	}
}
