package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/fileio"
)

// Tensor is one array of a safetensors file, converted to float64.
type Tensor struct {
	DType string // "F32" or "F64", as stored
	Shape []int
	Data  []float64
}

// maxHeaderBytes bounds the JSON header of a safetensors file (the format's
// reference implementation uses the same 100 MB limit).
const maxHeaderBytes = 100 << 20

type tensorHeader struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// ParseSafetensors decodes a safetensors file held in data: an 8-byte
// little-endian header length, a JSON header mapping names to dtype, shape
// and data offsets, then the tensor bytes. Every offset and size is checked
// against the file before it is used; F32 and F64 tensors are supported.
// Errors name the field at fault; the caller adds the file name.
func ParseSafetensors(data []byte) (map[string]Tensor, map[string]string, error) {
	if len(data) < 8 {
		return nil, nil, fmt.Errorf("file is %d bytes, shorter than the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > maxHeaderBytes || n > uint64(len(data)-8) {
		return nil, nil, fmt.Errorf("header length %d exceeds the %d bytes after it", n, len(data)-8)
	}
	headerBytes := data[8 : 8+n]
	body := data[8+n:]
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(headerBytes, &raw); err != nil {
		return nil, nil, fmt.Errorf("header is not a JSON object: %v", err)
	}
	var metadata map[string]string
	tensors := make(map[string]Tensor, len(raw))
	type span struct {
		name       string
		begin, end int64
	}
	var spans []span
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &metadata); err != nil {
				return nil, nil, fmt.Errorf("__metadata__ is not a map of strings: %v", err)
			}
			continue
		}
		var h tensorHeader
		dec := json.NewDecoder(bytes.NewReader(msg))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&h); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: bad header entry: %v", name, err)
		}
		size := int64(0)
		switch h.DType {
		case "F32":
			size = 4
		case "F64":
			size = 8
		default:
			return nil, nil, fmt.Errorf("tensor %q: dtype %q, want F32 or F64", name, h.DType)
		}
		begin, end := h.DataOffsets[0], h.DataOffsets[1]
		if begin < 0 || end < begin || end > int64(len(body)) {
			return nil, nil, fmt.Errorf("tensor %q: data offsets [%d, %d] outside the %d data bytes", name, begin, end, len(body))
		}
		count := int64(1)
		for _, d := range h.Shape {
			if d < 0 || (d > 0 && count > (end-begin)/int64(d)) {
				return nil, nil, fmt.Errorf("tensor %q: shape %v does not fit in %d bytes", name, h.Shape, end-begin)
			}
			count *= int64(d)
		}
		if count*size != end-begin {
			return nil, nil, fmt.Errorf("tensor %q: shape %v of %s needs %d bytes, offsets give %d", name, h.Shape, h.DType, count*size, end-begin)
		}
		values := make([]float64, count)
		b := body[begin:end]
		for i := range values {
			if size == 4 {
				values[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
			} else {
				values[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
			}
		}
		shape := h.Shape
		if shape == nil {
			shape = []int{}
		}
		tensors[name] = Tensor{DType: h.DType, Shape: shape, Data: values}
		spans = append(spans, span{name, begin, end})
	}
	// The format requires the tensors to cover the data without overlap.
	sort.Slice(spans, func(i, j int) bool { return spans[i].begin < spans[j].begin })
	pos := int64(0)
	for _, s := range spans {
		if s.begin != pos {
			return nil, nil, fmt.Errorf("tensor %q: data starts at %d, want %d (gap or overlap)", s.name, s.begin, pos)
		}
		pos = s.end
	}
	if pos != int64(len(body)) {
		return nil, nil, fmt.Errorf("tensors cover %d of the %d data bytes", pos, len(body))
	}
	return tensors, metadata, nil
}

// MaxSafetensorsBytes bounds the size of a safetensors file that
// ReadSafetensors reads (default 4 GiB; its values take up to twice that in
// memory as float64). Raise it for larger models.
var MaxSafetensorsBytes int64 = 4 << 30

// ReadSafetensors reads all tensors of the file at path, which must be a
// regular file of at most MaxSafetensorsBytes.
func ReadSafetensors(path string) (map[string]Tensor, map[string]string, error) {
	data, err := fileio.ReadFile(path, MaxSafetensorsBytes)
	if err != nil {
		return nil, nil, err
	}
	tensors, metadata, err := ParseSafetensors(data)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors %s: %w", path, err)
	}
	return tensors, metadata, nil
}

// EncodeSafetensors encodes params in the safetensors format, as F32 for
// float32 models and F64 for float64 ones, under their names (PyTorch
// state_dict names), with optional string metadata.
func EncodeSafetensors[T Float](params []Param[T], metadata map[string]string) ([]byte, error) {
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	size := 8
	dtype := "F64"
	if blas.Is32[T]() {
		size, dtype = 4, "F32"
	}
	var offset int64
	for _, p := range params {
		if _, dup := header[p.Name]; dup || p.Name == "" || p.Name == "__metadata__" {
			return nil, fmt.Errorf("safetensors: parameter name %q empty, reserved or repeated", p.Name)
		}
		count := int64(1)
		for _, d := range p.Shape {
			if d < 0 || (d > 0 && count > math.MaxInt32*int64(1<<20)/int64(d)) {
				return nil, fmt.Errorf("safetensors: parameter %q has shape %v", p.Name, p.Shape)
			}
			count *= int64(d)
		}
		if count != int64(len(p.Value)) {
			return nil, fmt.Errorf("safetensors: parameter %q has shape %v but %d values", p.Name, p.Shape, len(p.Value))
		}
		n := int64(len(p.Value) * size)
		header[p.Name] = tensorHeader{DType: dtype, Shape: p.Shape, DataOffsets: [2]int64{offset, offset + n}}
		offset += n
	}
	h, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	if len(h) > maxHeaderBytes {
		return nil, fmt.Errorf("safetensors: header of %d bytes, more than readers accept (%d)", len(h), maxHeaderBytes)
	}
	for len(h)%8 != 0 { // the format pads the header with spaces to 8 bytes
		h = append(h, ' ')
	}
	out := make([]byte, 8, 8+len(h)+int(offset))
	binary.LittleEndian.PutUint64(out, uint64(len(h)))
	out = append(out, h...)
	for _, p := range params {
		for _, v := range p.Value {
			if size == 4 {
				out = binary.LittleEndian.AppendUint32(out, math.Float32bits(float32(v)))
			} else {
				out = binary.LittleEndian.AppendUint64(out, math.Float64bits(float64(v)))
			}
		}
	}
	return out, nil
}

// SaveSafetensors writes params to path as a safetensors file that
// safetensors.torch.load_file reads into a PyTorch state_dict. The file is
// written under a temporary name and renamed, so a crash never leaves a
// half-written model.
func SaveSafetensors[T Float](path string, params []Param[T], metadata map[string]string) error {
	data, err := EncodeSafetensors(params, metadata)
	if err != nil {
		return err
	}
	return fileio.WriteAtomic(path, data)
}

// LoadSafetensors reads the file at path into params, matching them by name
// and shape and converting between F32 and F64 as PyTorch's load_state_dict
// copies. If names or shapes differ, it returns an error listing every
// mismatch and leaves params unchanged.
func LoadSafetensors[T Float](path string, params []Param[T]) error {
	tensors, _, err := ReadSafetensors(path)
	if err != nil {
		return err
	}
	if err := AssignTensors(tensors, params); err != nil {
		return fmt.Errorf("safetensors %s: %w", path, err)
	}
	return nil
}

// AssignTensors copies tensors into params by name, after checking that the
// names and shapes match exactly.
func AssignTensors[T Float](tensors map[string]Tensor, params []Param[T]) error {
	var problems []string
	seen := make(map[string]bool, len(params))
	for _, p := range params {
		seen[p.Name] = true
		t, ok := tensors[p.Name]
		if !ok {
			problems = append(problems, fmt.Sprintf("missing %q (shape %v)", p.Name, p.Shape))
			continue
		}
		if !slices.Equal(t.Shape, p.Shape) {
			problems = append(problems, fmt.Sprintf("%q has shape %v, model wants %v", p.Name, t.Shape, p.Shape))
		}
	}
	var extra []string
	for name := range tensors {
		if !seen[name] {
			extra = append(extra, fmt.Sprintf("unexpected %q", name))
		}
	}
	sort.Strings(extra)
	problems = append(problems, extra...)
	if len(problems) > 0 {
		return fmt.Errorf("tensors do not match the model: %s", strings.Join(problems, "; "))
	}
	for _, p := range params {
		for i, v := range tensors[p.Name].Data {
			p.Value[i] = T(v)
			if f := float64(p.Value[i]); math.IsNaN(f) || math.IsInf(f, 0) {
				return fmt.Errorf("tensor %q holds %v at index %d (as %T: %v): a model with parameters that are not finite cannot compute", p.Name, v, i, T(0), f)
			}
		}
	}
	return nil
}
