package nn

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
)

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
