package seq

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestClassifierFileRoundTrip saves classifiers of every cell type and shape
// and loads them back: the same predictions, bit for bit, and the caller's
// metadata kept.
func TestClassifierFileRoundTrip(t *testing.T) {
	for _, c := range []struct {
		cell CellType
		cfg  Config
	}{
		{LSTM, Config{InputSize: 3, HiddenSize: 5, NumLayers: 2, Bidirectional: true}},
		{GRU, Config{InputSize: 2, HiddenSize: 4, NoBias: true}},
		{RNNReLU, Config{InputSize: 1, HiddenSize: 3, NumLayers: 3}},
		{RNNTanh, Config{InputSize: 4, HiddenSize: 2}},
		{SLSTMCell, Config{InputSize: 3, HiddenSize: 4, NumLayers: 2, Heads: 2}},
		{MLSTMCell, Config{InputSize: 2, HiddenSize: 6, Heads: 3}},
	} {
		m := NewClassifier[float64](c.cell, c.cfg, 3, nn.NewRand(4))
		path := filepath.Join(t.TempDir(), "m.safetensors")
		if err := m.Save(path, map[string]string{"user.note": "kept"}); err != nil {
			t.Fatal(err)
		}
		back, meta, err := LoadClassifier[float64](path)
		if err != nil {
			t.Fatalf("%v: %v", c.cell, err)
		}
		if meta["user.note"] != "kept" || meta["physml.dtype"] != "float64" {
			t.Errorf("%v: metadata %v", c.cell, meta)
		}
		x := nn.NewMatrix[float64](2, 6*c.cfg.InputSize)
		for i := range x.Data {
			x.Data[i] = math.Sin(float64(i))
		}
		numcheck.Close(t, c.cell.String()+" predictions", back.Forward(x, false).Data, m.Forward(x, false).Data, 0)
		if back.String() != m.String() {
			t.Errorf("loaded %v, saved %v", back, m)
		}
	}
	// A float64 file loads into float32.
	m := NewClassifier[float64](LSTM, Config{InputSize: 2, HiddenSize: 3}, 2, nn.NewRand(1))
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := m.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadClassifier[float32](path); err != nil {
		t.Errorf("float64 file into float32: %v", err)
	}
	if err := m.Save(path, map[string]string{"physml.hidden": "9"}); err == nil || !strings.Contains(err.Error(), "architecture") {
		t.Errorf("extra metadata overwriting the architecture: %v", err)
	}
}

// TestDecodeClassifierRefusesBadMetadata changes one metadata field of a
// good file at a time: each gives an error naming the field, and none makes
// the loader build a model larger than the file.
func TestDecodeClassifierRefusesBadMetadata(t *testing.T) {
	m := NewClassifier[float32](LSTM, Config{InputSize: 2, HiddenSize: 3}, 4, nn.NewRand(1))
	data, err := m.EncodeFile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ key, value, want string }{
		{"physml.model", "autoencoder", "physml.model"},
		{"physml.cell", "transformer", "physml.cell"},
		{"physml.cell", "gru", "parameters"},
		{"physml.hidden", "0", "physml.hidden"},
		{"physml.hidden", "100000", "metadata describes"},
		{"physml.hidden", strconv.Itoa(math.MaxInt), "metadata describes"},
		{"physml.input_size", "x", "physml.input_size"},
		{"physml.layers", strconv.Itoa(math.MaxInt), "tensors"},
		{"physml.outputs", "5", "metadata describes"},
		{"physml.bidirectional", "yes", "physml.bidirectional"},
		{"physml.bias", "false", "metadata describes"},
		{"physml.proj_size", "-1", "physml.proj_size"},
		{"physml.layers", "6", "metadata describes"}, // as many layers as tensors passes the first check
	} {
		tensors, meta, err := nn.ParseSafetensors(data)
		if err != nil {
			t.Fatal(err)
		}
		meta[c.key] = c.value
		if _, err := DecodeClassifier[float32](tensors, meta); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s = %q: got %v, want an error mentioning %q", c.key, c.value, err, c.want)
		}
	}
	// A file consistent with a projection to the hidden size — an
	// unprojected LSTM's tensors and a 3×3 weight_hr — is refused with an
	// error (NewRecurrent would panic on it).
	tensors, meta, err := nn.ParseSafetensors(data)
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range tensors {
		if strings.Contains(name, "weight_hh") {
			tensors[strings.Replace(name, "weight_hh", "weight_hr", 1)] = nn.Tensor{DType: w.DType, Shape: []int{3, 3}, Data: make([]float64, 9)}
		}
	}
	meta["physml.proj_size"] = "3"
	if _, err := DecodeClassifier[float32](tensors, meta); err == nil || !strings.Contains(err.Error(), "physml.proj_size = 3") {
		t.Errorf("a projection to the hidden size: got %v", err)
	}
	if _, err := ParseCell("lstm"); err != nil {
		t.Error(err)
	}
}

// TestRegressorFileRoundTrip: a regressor saves its architecture and loads
// with one call to the same predictions; a classifier's file is not a
// regressor's.
func TestRegressorFileRoundTrip(t *testing.T) {
	for _, c := range []struct {
		cell CellType
		cfg  Config
	}{
		{GRU, Config{InputSize: 2, HiddenSize: 5, NumLayers: 2, Bidirectional: true}},
		{MLSTMCell, Config{InputSize: 3, HiddenSize: 4, Heads: 2}},
	} {
		m := NewRegressor[float64](c.cell, c.cfg, 3, nn.NewRand(4))
		path := filepath.Join(t.TempDir(), "r.safetensors")
		if err := m.Save(path, nil); err != nil {
			t.Fatal(err)
		}
		back, meta, err := LoadRegressor[float64](path)
		if err != nil || meta["physml.model"] != "regressor" {
			t.Fatalf("%v: %v, %v", c.cell, err, meta)
		}
		x := nn.NewMatrix[float64](2, 4*c.cfg.InputSize)
		nn.Normal(nn.NewRand(5), x.Data, 1)
		numcheck.Close(t, c.cell.String()+" regressor predictions", back.Forward(x, false).Data, m.Forward(x, false).Data, 0)
		if _, _, err := LoadClassifier[float64](path); err == nil || !strings.Contains(err.Error(), "not a recurrent classifier") {
			t.Errorf("a regressor's file loaded as a classifier: %v", err)
		}
	}
}

// TestParamCountIsTheModelsSize: ParamCount equals the parameters of the
// model it describes, for every kind of cell and option.
func TestParamCountIsTheModelsSize(t *testing.T) {
	for _, c := range []struct {
		cell CellType
		cfg  Config
	}{
		{LSTM, Config{InputSize: 3, HiddenSize: 5, NumLayers: 2, Bidirectional: true}},
		{LSTM, Config{InputSize: 3, HiddenSize: 5, ProjSize: 2}},
		{GRU, Config{InputSize: 4, HiddenSize: 3, NoBias: true}},
		{RNNTanh, Config{InputSize: 2, HiddenSize: 7, NumLayers: 3}},
		{SLSTMCell, Config{InputSize: 3, HiddenSize: 8, Heads: 2}},
		{MLSTMCell, Config{InputSize: 3, HiddenSize: 8, Heads: 4, NumLayers: 2}},
	} {
		m := NewClassifier[float64](c.cell, c.cfg, 6, nn.NewRand(1))
		if got, want := ParamCount(c.cell, c.cfg, 6), float64(nn.CountParams(m.Params())); got != want {
			t.Errorf("%v %+v: ParamCount %g, the model has %g", c.cell, c.cfg, got, want)
		}
	}
}

// TestParseLayers: equal sizes per stacked layer; unequal sizes, non-sizes
// and too many or too large layers are refused with the reason.
func TestParseLayers(t *testing.T) {
	for s, want := range map[string][2]int{"128": {128, 1}, "64,64": {64, 2}, " 8, 8 ,8": {8, 3}} {
		if h, l, err := ParseLayers(s); err != nil || h != want[0] || l != want[1] {
			t.Errorf("ParseLayers(%q) = %d, %d, %v; want %v", s, h, l, err, want)
		}
	}
	for s, why := range map[string]string{"64,32": "share one hidden size", "": "not a list", "0": "not a list", "3.5": "not a list",
		"65537": "at most 65536", strings.Repeat("1,", 1024) + "1": "at most 1024 layers"} {
		if _, _, err := ParseLayers(s); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("ParseLayers(%.20q): %v, want %q", s, err, why)
		}
	}
}
