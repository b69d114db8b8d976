package dataset

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/physml/physml/internal/fileio"
)

// Array is a numeric array read from or written to NumPy's .npy format:
// its shape and its values in row-major (C) order as float64.
type Array struct {
	Shape []int
	Data  []float64
}

// maxNpyHeader bounds the header of a .npy file.
const maxNpyHeader = 1 << 20

// ParseNpy decodes a .npy file held in data: version 1, 2 or 3 headers;
// little- or big-endian float32/float64, signed and unsigned integers of 1 to
// 8 bytes and booleans; C or Fortran order (returned in C order). The
// element count the header claims is checked against the data before
// anything is allocated.
func ParseNpy(data []byte) (*Array, error) {
	return DecodeNpy(bytes.NewReader(data), int64(len(data)), Limits{})
}

// DecodeNpy reads a .npy stream from r as ParseNpy does, taking only the
// first lim.Rows rows when lim.Rows is positive. size is the number of
// bytes r holds, or −1 when unknown (a compressed member): with a known size
// the claimed shape is checked against it before allocating; without, the
// values are read in chunks, so memory grows only with the data that is
// really there. The claimed size is always checked against lim.MaxBytes.
func DecodeNpy(r io.Reader, size int64, lim Limits) (*Array, error) {
	var pre [12]byte
	if _, err := io.ReadFull(r, pre[:10]); err != nil || string(pre[:6]) != "\x93NUMPY" {
		return nil, errors.New("not a .npy file: magic string \\x93NUMPY missing")
	}
	major := pre[6]
	var hlen, start int
	switch major {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(pre[8:10])), 10
	case 2, 3:
		if _, err := io.ReadFull(r, pre[10:12]); err != nil {
			return nil, errors.New("header length: file too short")
		}
		hlen, start = int(binary.LittleEndian.Uint32(pre[8:12])), 12
	default:
		return nil, fmt.Errorf("format version %d.%d: want 1, 2 or 3", major, pre[7])
	}
	if hlen > maxNpyHeader {
		return nil, fmt.Errorf("header length %d: more than the %d bytes physml reads as a header", hlen, maxNpyHeader)
	}
	if size >= 0 && int64(start+hlen) > size {
		return nil, fmt.Errorf("header length %d exceeds the file (%d bytes)", hlen, size)
	}
	hbuf := make([]byte, hlen)
	if _, err := io.ReadFull(r, hbuf); err != nil {
		return nil, fmt.Errorf("header truncated: want %d bytes", hlen)
	}
	h, err := parseNpyHeader(string(hbuf))
	if err != nil {
		return nil, fmt.Errorf("header %q: %v", strings.TrimSpace(string(hbuf)), err)
	}
	decode, esize, err := npyDecoder(h.descr)
	if err != nil {
		return nil, err
	}
	body := int64(-1)
	if size >= 0 {
		body = size - int64(start+hlen)
	}
	count, err := elementCount(h.shape, body, int64(esize))
	if err != nil {
		return nil, err
	}
	shape := h.shape
	want := count // elements to read
	if lim.Rows > 0 && len(shape) > 0 && lim.Rows < shape[0] && (!h.fortran || len(shape) == 1) {
		want = count / int64(shape[0]) * int64(lim.Rows)
		shape = append([]int{lim.Rows}, shape[1:]...)
	}
	if err := lim.checkBytes(fmt.Sprintf("shape %v", shape), want*8); err != nil {
		return nil, err
	}
	values, err := readValues(r, want, esize, decode, body >= 0)
	if err != nil {
		return nil, fmt.Errorf("data of shape %v (%s): %v", shape, h.descr, err)
	}
	if h.fortran && len(shape) > 1 {
		values = fortranToC(values, shape)
		if n := lim.rows(shape[0]); n < shape[0] {
			values = values[:int64(n)*(count/int64(shape[0]))]
			shape = append([]int{n}, shape[1:]...)
		}
	}
	return &Array{Shape: slices.Clone(shape), Data: values}, nil
}

// elementCount multiplies the dimensions without overflow, checking them
// against the body's size in bytes when it is known (body ≥ 0).
func elementCount(shape []int, body, esize int64) (int64, error) {
	count := int64(1)
	for _, d := range shape {
		if d > 0 && count > (1<<62)/int64(d)/esize {
			return 0, fmt.Errorf("shape %v: too many elements", shape)
		}
		count *= int64(d)
	}
	if body >= 0 && body < count*esize {
		return 0, fmt.Errorf("data truncated: shape %v needs %d bytes, file has %d", shape, count*esize, body)
	}
	return count, nil
}

// readValues decodes count elements of esize bytes from r. When the data's
// presence is not known in advance, the slice grows with what is read.
func readValues(r io.Reader, count int64, esize int, decode func([]byte) float64, known bool) ([]float64, error) {
	const chunk = 1 << 16 // elements per read
	capacity := count
	if !known {
		capacity = min(count, chunk)
	}
	values := make([]float64, 0, capacity)
	buf := make([]byte, int(min(count, chunk))*esize)
	for int64(len(values)) < count {
		n := int(min(count-int64(len(values)), chunk))
		b := buf[:n*esize]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("truncated after %d of %d elements", len(values), count)
		}
		for i := 0; i < n; i++ {
			values = append(values, decode(b[i*esize:]))
		}
	}
	return values, nil
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
func ReadNpy(path string) (*Array, error) { return ReadNpyLimits(path, Limits{}) }

// ReadNpyLimits reads a .npy file within lim: only its first lim.Rows rows
// when that is positive. Only regular files are read.
func ReadNpyLimits(path string, lim Limits) (*Array, error) {
	f, size, err := fileio.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := DecodeNpy(bufio.NewReaderSize(f, 1<<16), size, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// EncodeNpy encodes a float64 array in .npy format version 1.0 ('<f8', C
// order), which numpy.load reads.
func EncodeNpy(shape []int, data []float64) ([]byte, error) {
	// Refuse what DecodeNpy would refuse: negative or overflowing shapes.
	for _, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("dataset: shape %v has a negative dimension", shape)
		}
	}
	n, err := elementCount(shape, -1, 8)
	if err != nil || n != int64(len(data)) {
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
	out := make([]byte, 0, 10+len(header)+8*len(data))
	out = append(out, "\x93NUMPY\x01\x00"...)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(header)))
	out = append(out, header...)
	for _, v := range data {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
	}
	return out, nil
}

// ReadNpz reads the arrays of a .npz file (a zip of .npy files, as
// numpy.savez writes), keyed by name without ".npy".
func ReadNpz(path string) (map[string]*Array, error) { return ReadNpzLimits(path, Limits{}) }

// ReadNpzLimits reads a .npz file within lim: each member is decompressed
// as a stream, only its first lim.Rows rows are read, and no member may
// expand beyond lim.MaxBytes, whatever its zip header claims.
func ReadNpzLimits(path string, lim Limits) (map[string]*Array, error) {
	f, size, err := fileio.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out, err := DecodeNpz(f, size, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// DecodeNpz reads the arrays of a .npz archive of size bytes from r, as
// ReadNpzLimits does. Two members of the same name are an error.
func DecodeNpz(r io.ReaderAt, size int64, lim Limits) (map[string]*Array, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a .npz (zip) archive: %v", err)
	}
	out := map[string]*Array{}
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, ".npy")
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("member %s appears twice", f.Name)
		}
		a, err := decodeMember(f, lim)
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", f.Name, err)
		}
		out[name] = a
	}
	return out, nil
}

func decodeMember(f *zip.File, lim Limits) (*Array, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// The sizes in the zip headers are claims: read as a stream of unknown
	// length, never more than the bound allows.
	return DecodeNpy(bufio.NewReaderSize(io.LimitReader(rc, lim.maxBytes()), 1<<16), -1, lim)
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
