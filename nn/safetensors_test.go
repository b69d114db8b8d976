package nn

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// arangeMLP is the float32 MLP whose parameters are 0, 0.01, 0.02, … in
// state_dict order; testdata/make_fixtures.py checks that PyTorch loads the
// file physml writes for it.
func arangeMLP() *Sequential[float32] {
	rng := NewRand(0)
	m := NewSequential[float32](NewDense[float32](5, 4, rng), TanhLayer[float32](), NewDense[float32](4, 3, rng))
	k := 0
	for _, p := range m.Params() {
		for i := range p.Value {
			p.Value[i] = float32(k) / 100
			k++
		}
	}
	return m
}

func TestSafetensorsFileLoadsInPyTorch(t *testing.T) {
	data, err := EncodeSafetensors(arangeMLP().Params(), nil)
	if err != nil {
		t.Fatal(err)
	}
	const path = "testdata/physml_mlp.safetensors"
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// make_fixtures.py loaded the committed file into torch.nn.Sequential;
	// the encoder must still produce exactly those bytes.
	if !bytes.Equal(data, committed) {
		t.Errorf("physml's encoding differs from %s, which PyTorch was checked to load", path)
	}
}

func TestPyTorchFileLoadsInPhysml(t *testing.T) {
	f := loadMLPFixture(t)
	for _, typ := range []string{"float32", "float64"} {
		t.Run(typ, func(t *testing.T) {
			check := func(params map[string][]float64, got func(name string) []float64) {
				for name, want := range params {
					g := got(name)
					for i := range want {
						if float32(g[i]) != float32(want[i]) {
							t.Fatalf("%s[%d] = %v, PyTorch wrote %v", name, i, g[i], float32(want[i]))
						}
					}
				}
			}
			if typ == "float32" {
				m := arangeMLP()
				if err := LoadSafetensors("testdata/torch_mlp.safetensors", m.Params()); err != nil {
					t.Fatal(err)
				}
				check(f.Params, func(name string) []float64 { return paramByName(m.Params(), name) })
			} else {
				rng := NewRand(0)
				m := NewSequential[float64](NewDense[float64](5, 4, rng), TanhLayer[float64](), NewDense[float64](4, 3, rng))
				if err := LoadSafetensors("testdata/torch_mlp.safetensors", m.Params()); err != nil {
					t.Fatal(err)
				}
				check(f.Params, func(name string) []float64 { return paramByName(m.Params(), name) })
			}
		})
	}
}

func paramByName[T Float](params []Param[T], name string) []float64 {
	for _, p := range params {
		if p.Name == name {
			out := make([]float64, len(p.Value))
			for i, v := range p.Value {
				out[i] = float64(v)
			}
			return out
		}
	}
	return nil
}

func TestSafetensorsRoundTripFloat64(t *testing.T) {
	rng := NewRand(3)
	m := NewSequential[float64](NewDense[float64](7, 3, rng), ReLU[float64](), NewDense[float64](3, 2, rng))
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := SaveSafetensors(path, m.Params(), map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	m2 := NewSequential[float64](NewDense[float64](7, 3, rng), ReLU[float64](), NewDense[float64](3, 2, rng))
	if err := LoadSafetensors(path, m2.Params()); err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Params() {
		for j, v := range p.Value {
			if m2.Params()[i].Value[j] != v {
				t.Fatalf("%s[%d] = %v after round trip, want %v", p.Name, j, m2.Params()[i].Value[j], v)
			}
		}
	}
	_, meta, err := ReadSafetensors(path)
	if err != nil || meta["format"] != "pt" {
		t.Errorf("metadata = %v, %v", meta, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after saving, want only the model", len(entries))
	}
}

func TestLoadMismatchListsEveryProblem(t *testing.T) {
	rng := NewRand(0)
	m := NewSequential[float32](NewDense[float32](5, 3, rng), TanhLayer[float32](), NewDense[float32](4, 3, rng), NewDense[float32](3, 1, rng))
	before := append([]float32(nil), m.Params()[0].Value...)
	err := LoadSafetensors("testdata/torch_mlp.safetensors", m.Params())
	if err == nil {
		t.Fatal("loading into a model of another shape succeeded")
	}
	for _, want := range []string{`"0.weight" has shape [4 5], model wants [3 5]`, `"0.bias" has shape [4], model wants [3]`, `missing "3.weight"`, `missing "3.bias"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if m.Params()[0].Value[0] != before[0] {
		t.Error("a failed load changed the parameters")
	}
}

// corrupt returns a valid file with its header replaced.
func withHeader(header string, body []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(out, header...), body...)
}

func TestCorruptSafetensorsReturnErrors(t *testing.T) {
	valid, _ := os.ReadFile("testdata/torch_mlp.safetensors")
	huge := binary.LittleEndian.AppendUint64(nil, 1<<62)
	cases := map[string][]byte{
		"empty":                 nil,
		"truncated":             valid[:len(valid)-5],
		"header length too big": append(huge, valid[8:]...),
		"not JSON":              withHeader("{nope", nil),
		"offsets past the end":  withHeader(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 4)),
		"negative offset":       withHeader(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}`, make([]byte, 4)),
		"wrong dtype":           withHeader(`{"w":{"dtype":"I8","shape":[4],"data_offsets":[0,4]}}`, make([]byte, 4)),
		"huge claimed shape":    withHeader(`{"w":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"shape/size mismatch":   withHeader(`{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"overlap":               withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)),
		"unknown field":         withHeader(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, make([]byte, 4)),
	}
	for name, data := range cases {
		if _, _, err := ParseSafetensors(data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, _, err := ParseSafetensors(valid); err != nil {
		t.Errorf("valid file: %v", err)
	}
}

func FuzzParseSafetensors(f *testing.F) {
	valid, _ := os.ReadFile("testdata/torch_mlp.safetensors")
	f.Add(valid)
	f.Add(withHeader(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Fuzz(func(t *testing.T, data []byte) {
		tensors, _, err := ParseSafetensors(data)
		if err != nil {
			return
		}
		total := 0
		for _, tensor := range tensors {
			total += len(tensor.Data)
		}
		if total > len(data) {
			t.Fatalf("%d values decoded from %d bytes", total, len(data))
		}
	})
}

// doubledBias is a Dense layer whose Backward reports twice the true bias
// gradient: a bug GradientCheck must find and name.
type doubledBias struct{ *Dense[float64] }

func (d doubledBias) Backward(dy *Matrix[float64]) *Matrix[float64] {
	dx := d.Dense.Backward(dy)
	g := d.Params()[1].Grad
	for i := range g {
		g[i] *= 2
	}
	return dx
}

// doubledFirstWeight is a Dense layer whose Backward reports twice the true
// gradient of its first weight only.
type doubledFirstWeight struct{ *Dense[float64] }

func (d doubledFirstWeight) Backward(dy *Matrix[float64]) *Matrix[float64] {
	dx := d.Dense.Backward(dy)
	d.Params()[0].Grad[0] *= 2
	return dx
}

// badLoss is MSE whose gradient misses the factor 2 for its second element.
type badLoss struct{ MSE[float64] }

func (l badLoss) Evaluate(pred *Matrix[float64], target Target[float64], grad *Matrix[float64]) float64 {
	v := l.MSE.Evaluate(pred, target, grad)
	grad.Data[1] /= 2
	return v
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

// TestSafetensorsEdges: each boundary of the parser, on both sides — the
// error that must come (by its words, so that one check cannot stand in for
// another) or the tensors that must be read.
func TestSafetensorsEdges(t *testing.T) {
	f32 := func(v ...float32) []byte {
		var b []byte
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
		return b
	}
	padded := func(header string, n int) string { return header + strings.Repeat(" ", n-len(header)) }
	for _, c := range []struct {
		name string
		data []byte
		want string // the error's words; "" for a file that reads
	}{
		{"7 bytes", make([]byte, 7), "shorter than the 8-byte header length"},
		{"8 bytes, empty header", make([]byte, 8), "not a JSON object"},
		{"header one byte past the end", append(binary.LittleEndian.AppendUint64(nil, 3), "{}"...), "header length 3 exceeds the 2 bytes after it"},
		{"header to the last byte", withHeader("{}", nil), ""},
		{"header of the largest length", withHeader(padded("{}", maxHeaderBytes), nil), ""},
		{"header one byte too long", withHeader(padded("{}", maxHeaderBytes+1), nil), "header length 104857601"},
		{"empty tensor", withHeader(`{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`, nil), ""},
		{"zero dimension", withHeader(`{"w":{"dtype":"F32","shape":[0,5],"data_offsets":[0,0]}}`, nil), ""},
		{"scalar", withHeader(`{"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, f32(2.5)), ""},
		{"end before begin", withHeader(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}`, f32(1, 2)), "data offsets [4, 0] outside the 8 data bytes"},
		{"end one past the data", withHeader(`{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}`, f32(1, 2)), "data offsets [0, 12] outside the 8 data bytes"},
		{"negative dimension", withHeader(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, f32(1)), "shape [-1] does not fit in 4 bytes"},
		// 2³² · 2³² overflows to 0 values: the shape check must catch it.
		{"shape that overflows", withHeader(`{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, nil), "shape [4294967296 4294967296] does not fit in 0 bytes"},
		{"shape one value short", withHeader(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`, f32(1, 2)), "shape [1] of F32 needs 4 bytes, offsets give 8"},
		{"gap before a tensor", withHeader(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32(1, 2)), `data starts at 4, want 0`},
		{"bytes after the tensors", withHeader(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32(1, 2)), "tensors cover 4 of the 8 data bytes"},
		{"metadata of numbers", withHeader(`{"__metadata__":{"a":1}}`, nil), "__metadata__ is not a map of strings"},
		// Checks of a tensor that does not start the data measure its own span.
		{"second tensor's shape past its bytes", withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[5],"data_offsets":[4,8]}}`, f32(1, 2)), `tensor "b": shape [5] does not fit in 4 bytes`},
		{"second tensor one value long", withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,8]}}`, f32(1, 2)), `tensor "b": shape [2] of F32 needs 8 bytes, offsets give 4`},
	} {
		tensors, _, err := ParseSafetensors(c.data)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v (%d tensors), want an error saying %q", c.name, err, len(tensors), c.want)
		}
	}
	// Tensors out of order in the header are read in data order, each with
	// its own values.
	tensors, _, err := ParseSafetensors(withHeader(`{"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32(1, 2, 3)))
	if err != nil || !slices.Equal(tensors["a"].Data, []float64{1}) || !slices.Equal(tensors["b"].Data, []float64{2, 3}) || !slices.Equal(tensors["b"].Shape, []int{2}) {
		t.Errorf("two tensors: %v, %v", tensors, err)
	}
	scalar, _, _ := ParseSafetensors(withHeader(`{"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, f32(2.5)))
	if w := scalar["w"]; w.Shape == nil || len(w.Shape) != 0 || !slices.Equal(w.Data, []float64{2.5}) {
		t.Errorf("scalar: shape %v, values %v", w.Shape, w.Data)
	}
}

// TestEncodeSafetensorsEdges: the encoder refuses what the parser would,
// names the parameter, and writes F32 for float32 models, F64 for float64.
func TestEncodeSafetensorsEdges(t *testing.T) {
	good := Param[float32]{Name: "w", Value: []float32{1, 2, 3, 4, 5, 6}, Shape: []int{2, 3}}
	for _, c := range []struct {
		name   string
		params []Param[float32]
		want   string
	}{
		{"repeated name", []Param[float32]{good, good}, `"w" empty, reserved or repeated`},
		{"empty name", []Param[float32]{{Value: []float32{1}, Shape: []int{1}}}, `"" empty`},
		{"reserved name", []Param[float32]{{Name: "__metadata__", Value: []float32{1}, Shape: []int{1}}}, "reserved"},
		{"negative dimension", []Param[float32]{{Name: "v", Value: []float32{}, Shape: []int{-1}}}, `"v" has shape [-1]`},
		{"values short of the shape", []Param[float32]{{Name: "v", Value: []float32{1}, Shape: []int{2}}}, `"v" has shape [2] but 1 values`},
		{"values past the shape", []Param[float32]{{Name: "v", Value: []float32{1, 2, 3}, Shape: []int{2}}}, `"v" has shape [2] but 3 values`},
	} {
		if _, err := EncodeSafetensors(c.params, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", c.name, err, c.want)
		}
	}
	for _, shape := range [][]int{{0}, {0, 3}, {}} {
		p := Param[float64]{Name: "z", Shape: shape}
		if len(shape) == 0 {
			p.Value = []float64{7}
		}
		data, err := EncodeSafetensors([]Param[float64]{p}, nil)
		if err != nil {
			t.Fatalf("shape %v: %v", shape, err)
		}
		back, _, err := ParseSafetensors(data)
		if err != nil || back["z"].DType != "F64" || !slices.Equal(back["z"].Shape, shape) || len(back["z"].Data) != len(p.Value) {
			t.Errorf("shape %v: read back %+v, %v", shape, back["z"], err)
		}
	}
	// No parameters: a header and nothing else. A large parameter: more data
	// than header.
	if data, err := EncodeSafetensors[float64](nil, nil); err != nil || string(data[8:]) != "{}      " {
		t.Errorf("no parameters: %q, %v", data, err)
	}
	large := Param[float32]{Name: "big", Value: make([]float32, 3000), Shape: []int{3, 1000}}
	for i := range large.Value {
		large.Value[i] = float32(i) / 7
	}
	if data, err := EncodeSafetensors([]Param[float32]{large}, nil); err != nil {
		t.Errorf("3000 values: %v", err)
	} else if back, _, err := ParseSafetensors(data); err != nil || len(back["big"].Data) != 3000 || back["big"].Data[2999] != float64(large.Value[2999]) {
		t.Errorf("3000 values read back: %v", err)
	}
	data, err := EncodeSafetensors([]Param[float32]{good}, map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	if n := binary.LittleEndian.Uint64(data); n%8 != 0 || int(n)+8+24 != len(data) {
		t.Errorf("header length %d (want a multiple of 8) in a file of %d bytes (want header + 8 + 24)", n, len(data))
	}
	back, meta, err := ParseSafetensors(data)
	if err != nil || back["w"].DType != "F32" || !slices.Equal(back["w"].Data, []float64{1, 2, 3, 4, 5, 6}) || meta["k"] != "v" {
		t.Errorf("float32 round trip: %+v %v %v", back["w"], meta, err)
	}
}
