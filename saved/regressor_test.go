package saved

import (
	"path/filepath"
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
