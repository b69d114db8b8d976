package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxIDXBytes bounds the data an IDX header may claim (4 GiB).
const maxIDXBytes = 1 << 32

// IDX is the content of an IDX file of unsigned bytes (type 0x08), the
// format of the MNIST files: its dimensions and the data in row-major order.
type IDX struct {
	Dims []int
	Data []byte
}

// ReadIDXFile reads an IDX file, gzipped (by its magic bytes) or not.
// Errors name the file.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return idx, nil
}

// ReadIDX decodes an IDX stream of unsigned bytes, gunzipping it first when
// it starts with the gzip magic bytes. The data must be exactly as long as
// the dimensions say.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip header: %v", err)
		}
		defer zr.Close()
		return readIDX(zr)
	}
	return readIDX(br)
}

func readIDX(r io.Reader) (*IDX, error) {
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
	size := int64(1)
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("dimension %d: file too short", i)
		}
		dims[i] = int(d)
		if d > 0 && size > maxIDXBytes/int64(d) {
			return nil, fmt.Errorf("dimensions %v claim more than %d bytes", dims[:i+1], int64(maxIDXBytes))
		}
		size *= int64(d)
	}
	// Read what is there (at most one byte more than claimed) before trusting
	// the claimed size: a corrupt header cannot make us allocate gigabytes.
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, size+1))
	if err != nil {
		return nil, fmt.Errorf("data: %v", err)
	}
	if n < size {
		return nil, fmt.Errorf("data truncated: dimensions %v need %d bytes, file has %d", dims, size, n)
	}
	if n > size {
		return nil, fmt.Errorf("data longer than dimensions %v say (%d bytes)", dims, size)
	}
	return &IDX{Dims: dims, Data: buf.Bytes()}, nil
}

func dimsString(d []int) string {
	s := make([]string, len(d))
	for i, v := range d {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, "×")
}
