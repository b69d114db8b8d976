package nn

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
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
