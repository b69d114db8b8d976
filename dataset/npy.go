package dataset

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Array is a numeric array read from or written to NumPy's .npy format:
// its shape and its values in row-major (C) order as float64.
type Array struct {
	Shape []int
	Data  []float64
}

// maxNpyHeader bounds the header of a .npy file.
const maxNpyHeader = 1 << 20

var (
	npyDescr   = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyFortran = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// ParseNpy decodes a .npy file held in data: version 1, 2 or 3 headers;
// little- or big-endian float32/float64, signed and unsigned integers of 1 to
// 8 bytes and booleans; C or Fortran order (returned in C order). The
// element count the header claims is checked against the data before
// anything is allocated.
func ParseNpy(data []byte) (*Array, error) {
	if len(data) < 10 || string(data[:6]) != "\x93NUMPY" {
		return nil, errors.New("not a .npy file: magic string \\x93NUMPY missing")
	}
	major := data[6]
	var hlen, start int
	switch major {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(data[8:10])), 10
	case 2, 3:
		if len(data) < 12 {
			return nil, errors.New("header length: file too short")
		}
		hlen, start = int(binary.LittleEndian.Uint32(data[8:12])), 12
	default:
		return nil, fmt.Errorf("format version %d.%d: want 1, 2 or 3", major, data[7])
	}
	if hlen > maxNpyHeader || start+hlen > len(data) {
		return nil, fmt.Errorf("header length %d exceeds the file (%d bytes)", hlen, len(data))
	}
	header := string(data[start : start+hlen])
	body := data[start+hlen:]
	m := npyDescr.FindStringSubmatch(header)
	if m == nil {
		return nil, fmt.Errorf("header %q has no 'descr'", strings.TrimSpace(header))
	}
	descr := m[1]
	fortran := false
	if f := npyFortran.FindStringSubmatch(header); f != nil {
		fortran = f[1] == "True"
	}
	s := npyShape.FindStringSubmatch(header)
	if s == nil {
		return nil, fmt.Errorf("header %q has no 'shape'", strings.TrimSpace(header))
	}
	var shape []int
	count := int64(1)
	for _, part := range strings.Split(s[1], ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		d, err := strconv.Atoi(strings.TrimSuffix(part, "L"))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("shape (%s): bad dimension %q", s[1], part)
		}
		if d > 0 && count > int64(len(body))/int64(d) {
			return nil, fmt.Errorf("shape (%s) claims more elements than the %d data bytes hold", s[1], len(body))
		}
		count *= int64(d)
		shape = append(shape, d)
	}
	decode, size, err := npyDecoder(descr)
	if err != nil {
		return nil, err
	}
	if int64(len(body)) < count*int64(size) {
		return nil, fmt.Errorf("data truncated: shape %v of %s needs %d bytes, file has %d", shape, descr, count*int64(size), len(body))
	}
	values := make([]float64, count)
	for i := range values {
		values[i] = decode(body[i*size:])
	}
	if fortran && len(shape) > 1 {
		values = fortranToC(values, shape)
	}
	if shape == nil {
		shape = []int{}
	}
	return &Array{Shape: shape, Data: values}, nil
}

// npyDecoder returns a decoder for one element of the NumPy dtype descr.
func npyDecoder(descr string) (func([]byte) float64, int, error) {
	if len(descr) < 3 {
		return nil, 0, fmt.Errorf("dtype %q not supported", descr)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch descr[0] {
	case '<', '|', '=':
	case '>':
		bo = binary.BigEndian
	default:
		return nil, 0, fmt.Errorf("dtype %q: unknown byte order", descr)
	}
	kind := descr[1]
	size, err := strconv.Atoi(descr[2:])
	if err != nil {
		return nil, 0, fmt.Errorf("dtype %q not supported", descr)
	}
	switch {
	case kind == 'f' && size == 4:
		return func(b []byte) float64 { return float64(math.Float32frombits(bo.Uint32(b))) }, 4, nil
	case kind == 'f' && size == 8:
		return func(b []byte) float64 { return math.Float64frombits(bo.Uint64(b)) }, 8, nil
	case (kind == 'u' || kind == 'b') && size == 1:
		return func(b []byte) float64 { return float64(b[0]) }, 1, nil
	case kind == 'i' && size == 1:
		return func(b []byte) float64 { return float64(int8(b[0])) }, 1, nil
	case kind == 'u' && size == 2:
		return func(b []byte) float64 { return float64(bo.Uint16(b)) }, 2, nil
	case kind == 'i' && size == 2:
		return func(b []byte) float64 { return float64(int16(bo.Uint16(b))) }, 2, nil
	case kind == 'u' && size == 4:
		return func(b []byte) float64 { return float64(bo.Uint32(b)) }, 4, nil
	case kind == 'i' && size == 4:
		return func(b []byte) float64 { return float64(int32(bo.Uint32(b))) }, 4, nil
	case kind == 'u' && size == 8:
		return func(b []byte) float64 { return float64(bo.Uint64(b)) }, 8, nil
	case kind == 'i' && size == 8:
		return func(b []byte) float64 { return float64(int64(bo.Uint64(b))) }, 8, nil
	}
	return nil, 0, fmt.Errorf("dtype %q not supported: want float, integer or bool", descr)
}

// fortranToC reorders column-major values into row-major order.
func fortranToC(values []float64, shape []int) []float64 {
	out := make([]float64, len(values))
	n := len(shape)
	idx := make([]int, n)
	for f := range values {
		// idx is the multi-index of Fortran position f (first index fastest).
		c := 0
		for k := 0; k < n; k++ {
			c = c*shape[k] + idx[k]
		}
		out[c] = values[f]
		for k := 0; k < n; k++ {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// ReadNpy reads a .npy file; errors name the file.
func ReadNpy(path string) (*Array, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	a, err := ParseNpy(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// EncodeNpy encodes a float64 array in .npy format version 1.0 ('<f8', C
// order), which numpy.load reads.
func EncodeNpy(shape []int, data []float64) ([]byte, error) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(data) {
		return nil, fmt.Errorf("dataset: shape %v for %d values", shape, len(data))
	}
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", tuple)
	// Pad with spaces and a newline so that the data starts at a multiple of 64.
	total := 10 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	var buf bytes.Buffer
	buf.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&buf, binary.LittleEndian, uint16(len(header)))
	buf.WriteString(header)
	for _, v := range data {
		binary.Write(&buf, binary.LittleEndian, v)
	}
	return buf.Bytes(), nil
}

// ReadNpz reads the arrays of a .npz file (a zip of .npy files, as
// numpy.savez writes), keyed by name without ".npy".
func ReadNpz(path string) (map[string]*Array, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	out := map[string]*Array{}
	for _, f := range zr.File {
		if f.UncompressedSize64 > 1<<34 {
			return nil, fmt.Errorf("%s: member %s claims %d bytes", path, f.Name, f.UncompressedSize64)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: member %s: %w", path, f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: member %s: %w", path, f.Name, err)
		}
		a, err := ParseNpy(data)
		if err != nil {
			return nil, fmt.Errorf("%s: member %s: %w", path, f.Name, err)
		}
		out[strings.TrimSuffix(f.Name, ".npy")] = a
	}
	return out, nil
}

// EncodeNpz encodes named float64 arrays as an .npz file (a zip of .npy
// files, as numpy.savez writes and numpy.load reads).
func EncodeNpz(arrays map[string]*Array) ([]byte, error) {
	names := make([]string, 0, len(arrays))
	for name := range arrays {
		names = append(names, name)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		a := arrays[name]
		data, err := EncodeNpy(a.Shape, a.Data)
		if err != nil {
			return nil, fmt.Errorf("array %s: %w", name, err)
		}
		w, err := zw.Create(name + ".npy")
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
