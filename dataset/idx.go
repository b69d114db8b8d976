package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/physml/physml/internal/fileio"
)

// IDX is the content of an IDX file of unsigned bytes (type 0x08), the
// format of the MNIST files: its dimensions and the data in row-major order.
type IDX struct {
	Dims []int
	Data []byte
}

// ReadIDXFile reads an IDX file, gzipped (by its magic bytes) or not.
// Errors name the file.
func ReadIDXFile(path string) (*IDX, error) { return ReadIDXFileLimits(path, Limits{}) }

// ReadIDXFileLimits reads an IDX file within lim: only its first lim.Rows
// records (images, labels) when that is positive. Only regular files are
// read.
func ReadIDXFileLimits(path string, lim Limits) (*IDX, error) {
	f, _, err := fileio.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx, err := ReadIDXLimits(f, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return idx, nil
}

// ReadIDX decodes an IDX stream of unsigned bytes, gunzipping it first when
// it starts with the gzip magic bytes. The data must be exactly as long as
// the dimensions say.
func ReadIDX(r io.Reader) (*IDX, error) { return ReadIDXLimits(r, Limits{}) }

// ReadIDXLimits decodes an IDX stream as ReadIDX does, reading only the
// first lim.Rows records when that is positive (and then not checking what
// follows them). The data is read as a stream: a header that claims more
// than the stream holds, or than lim allows, costs no memory.
func ReadIDXLimits(r io.Reader, lim Limits) (*IDX, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip header: %v", err)
		}
		defer zr.Close()
		return readIDX(zr, lim)
	}
	return readIDX(br, lim)
}

func readIDX(r io.Reader, lim Limits) (*IDX, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("magic number: file too short: %v", err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("magic number %x: want 0000 08 NN for an IDX file of unsigned bytes", magic)
	}
	if magic[2] != 0x08 {
		return nil, fmt.Errorf("magic number %x: data type 0x%02x, want 0x08 (unsigned byte)", magic, magic[2])
	}
	nd := int(magic[3])
	if nd < 1 || nd > 4 {
		return nil, fmt.Errorf("magic number %x: %d dimensions, want 1 to 4", magic, nd)
	}
	dims := make([]int, nd)
	record := int64(1) // bytes per entry of the first dimension
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("dimension %d: file too short", i)
		}
		dims[i] = int(d)
		if i > 0 {
			record *= int64(d) // at most 2^96 for three dimensions: checked below
			if record > 1<<40 {
				return nil, fmt.Errorf("dimensions %v: records of more than 2^40 bytes", dims[:i+1])
			}
		}
	}
	limited := lim.Rows > 0 && lim.Rows < dims[0]
	dims[0] = lim.rows(dims[0])
	if record > 0 && int64(dims[0]) > (1<<62)/record {
		return nil, fmt.Errorf("dimensions %v claim more than 2^62 bytes", dims)
	}
	size := int64(dims[0]) * record
	if err := lim.checkBytes("dimensions "+dimsString(dims), size); err != nil {
		return nil, err
	}
	// Read what is there (at most one byte more than needed) before trusting
	// the claimed size: the buffer grows with the data actually read.
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, size+1))
	if err != nil {
		return nil, fmt.Errorf("data: %v", err)
	}
	if n < size {
		return nil, fmt.Errorf("data truncated: dimensions %v need %d bytes, file has %d", dims, size, n)
	}
	if n > size && !limited {
		return nil, fmt.Errorf("data longer than dimensions %v say (%d bytes)", dims, size)
	}
	return &IDX{Dims: dims, Data: buf.Bytes()[:size]}, nil
}

func dimsString(d []int) string {
	s := make([]string, len(d))
	for i, v := range d {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, "×")
}
