package nn

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mustPanicWith runs fn and checks that it panics with a message that
// starts with "nn: " and contains want.
func mustPanicWith(t *testing.T, name, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, _ := r.(string)
		if !strings.HasPrefix(msg, "nn: ") || !strings.Contains(msg, want) {
			t.Errorf("%s: panic %v, want an \"nn: \" message mentioning %q", name, r, want)
		}
	}()
	fn()
}

// TestFitRefusesSettingsAndLabelsThatCannotTrain holds one case per
// setting that used to panic inside Fit or silently do nothing.
func TestFitRefusesSettingsAndLabelsThatCannotTrain(t *testing.T) {
	classes := func(labels ...int) Dataset[float64] {
		x := NewMatrix[float64](len(labels), 2)
		return Dataset[float64]{X: x, Labels: labels}
	}
	cases := []struct {
		name string
		data Dataset[float64]
		cfg  FitConfig[float64]
		lr   float64
		want string
	}{
		{"label above the classes", classes(0, 1, 2, 3), FitConfig[float64]{Epochs: 1}, 0.1, "label 3 of sample 3 outside [0, 3)"},
		{"negative label", classes(0, -1), FitConfig[float64]{Epochs: 1}, 0.1, "label -1 of sample 1"},
		{"validation label above the classes", classes(0, 1, 2, 1), FitConfig[float64]{Epochs: 1, Validation: &Dataset[float64]{X: NewMatrix[float64](1, 2), Labels: []int{7}}}, 0.1, "validation label 7"},
		{"zero epochs", regressionData(10), FitConfig[float64]{}, 0.1, "0 epochs"},
		{"negative epochs", regressionData(10), FitConfig[float64]{Epochs: -2}, 0.1, "-2 epochs"},
		{"validation split 1", regressionData(10), FitConfig[float64]{Epochs: 1, ValidationSplit: 1}, 0.1, "validation split 1"},
		{"validation split NaN", regressionData(10), FitConfig[float64]{Epochs: 1, ValidationSplit: math.NaN()}, 0.1, "validation split NaN"},
		{"validation split leaving no training", regressionData(10), FitConfig[float64]{Epochs: 1, ValidationSplit: 0.97}, 0.1, "leaves 0 training"},
		{"learning rate NaN", regressionData(10), FitConfig[float64]{Epochs: 1}, math.NaN(), "learning rate NaN"},
		{"learning rate Inf", regressionData(10), FitConfig[float64]{Epochs: 1}, math.Inf(1), "learning rate +Inf"},
		{"clip NaN", regressionData(10), FitConfig[float64]{Epochs: 1, ClipNorm: math.NaN()}, 0.1, "clipping norm NaN"},
		{"clip negative", regressionData(10), FitConfig[float64]{Epochs: 1, ClipNorm: -1}, 0.1, "clipping norm -1"},
		{"patience negative", regressionData(10), FitConfig[float64]{Epochs: 1, Patience: -1}, 0.1, "patience -1"},
		{"batch negative", regressionData(10), FitConfig[float64]{Epochs: 1, BatchSize: -5}, 0.1, "batch size -5"},
	}
	for _, c := range cases {
		outputs := 1
		if c.data.Labels != nil {
			outputs = 3
		}
		model := NewSequential[float64](NewDense[float64](2, outputs, NewRand(1)))
		before := append([]float64(nil), model.Params()[0].Value...)
		var loss Loss[float64] = MSE[float64]{}
		if c.data.Labels != nil {
			loss = CrossEntropy[float64]{}
		}
		hist, err := Fit(context.Background(), model, loss, NewSGD(model.Params(), SGDConfig{LR: c.lr}), c.data, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
		if len(hist.Epochs) != 0 {
			t.Errorf("%s: trained %d epochs", c.name, len(hist.Epochs))
		}
		for i, v := range model.Params()[0].Value {
			if v != before[i] {
				t.Errorf("%s: weights changed", c.name)
				break
			}
		}
	}
}

// TestProgrammerErrorsPanicWithSizes checks the package-prefixed panics for
// impossible sizes and nil matrices.
func TestProgrammerErrorsPanicWithSizes(t *testing.T) {
	mustPanicWith(t, "overflowing NewMatrix", "more elements than an int", func() { NewMatrix[float32](math.MaxInt/2, 3) })
	mustPanicWith(t, "negative NewMatrix", "negative matrix dimension -1×3", func() { NewMatrix[float32](-1, 3) })
	mustPanicWith(t, "overflowing MatrixFrom", "more elements than an int", func() { MatrixFrom[float32](math.MaxInt/2, 4, nil) })
	mustPanicWith(t, "MatrixFrom of the wrong length", "5 elements for a 2×3 matrix", func() { MatrixFrom(2, 3, make([]float64, 5)) })
	d := NewDense[float64](3, 2, NewRand(1))
	mustPanicWith(t, "Predict of nil", "Predict: nil matrix", func() { Predict[float64](d, nil, 8) })
	mustPanicWith(t, "Dense.Forward of nil", "Dense.Forward: nil matrix", func() { d.Forward(nil, false) })
	mustPanicWith(t, "Dense.Backward of nil", "Dense.Backward: nil matrix", func() { d.Backward(nil) })
	mustPanicWith(t, "dropout NaN", "dropout probability NaN", func() { NewDropout[float64](math.NaN(), NewRand(1)) })
}

// TestWritersRefuseWhatReadersRefuse checks that EncodeSafetensors does not
// write a file its reader would reject.
func TestWritersRefuseWhatReadersRefuse(t *testing.T) {
	bad := map[string][]Param[float32]{
		"shape and values disagree": {{Name: "w", Value: make([]float32, 5), Shape: []int{2, 3}}},
		"negative shape":            {{Name: "w", Value: make([]float32, 1), Shape: []int{-1, -1}}},
		"reserved name":             {{Name: "__metadata__", Value: make([]float32, 1), Shape: []int{1}}},
		"repeated name":             {{Name: "w", Value: make([]float32, 1), Shape: []int{1}}, {Name: "w", Value: make([]float32, 1), Shape: []int{1}}},
	}
	for name, params := range bad {
		if data, err := EncodeSafetensors(params, nil); err == nil {
			_, _, perr := ParseSafetensors(data)
			t.Errorf("%s: encoded without error (reader: %v)", name, perr)
		}
	}
}

// TestReadSafetensorsRefusesFilesThatNeverEnd: a symbolic link to /dev/zero
// is refused at once instead of being read until memory runs out.
func TestReadSafetensorsRefusesFilesThatNeverEnd(t *testing.T) {
	link := filepath.Join(t.TempDir(), "zero.safetensors")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadSafetensors(link); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("error %v, want one saying it is not a regular file", err)
	}
}
