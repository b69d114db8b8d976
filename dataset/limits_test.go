package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReserveDoubles: reserve keeps a slice that has the room and doubles
// one that has not (the CSV reader's growth).
func TestReserveDoubles(t *testing.T) {
	s := make([]float64, 10, 13)
	if r := reserve(s, 3); &r[0] != &s[0] || cap(r) != 13 || len(r) != 10 {
		t.Errorf("room for exactly 3 more: a new slice (cap %d, len %d)", cap(r), len(r))
	}
	if r := reserve(s, 4); cap(r) < 20 || len(r) != 10 {
		t.Errorf("4 more into a 10/13 slice: cap %d, len %d; want at least 20 and 10", cap(r), len(r))
	}
	big := make([]float64, 4096)
	if r := reserve(big, 1); cap(r) < 8192 { // append alone would give about 1.25×
		t.Errorf("1 more into a full 4096: cap %d, want at least 8192", cap(r))
	}
	if r := reserve([]float64(nil), 5); cap(r) < 5 || len(r) != 0 {
		t.Errorf("5 into nothing: cap %d, len %d", cap(r), len(r))
	}
}

// TestBoundaryMessagesAndEmptyDimensions: what the second mutation run of
// this session left: a zero dimension (records of 0 bytes), a 0-d array
// under a row limit, a header claiming data the file does not have, and
// the numbers the errors name.
func TestBoundaryMessagesAndEmptyDimensions(t *testing.T) {
	im, err := ReadIDX(bytes.NewReader(idxHeader(3, 0)))
	if err != nil || len(im.Dims) != 2 || im.Dims[0] != 3 || len(im.Data) != 0 {
		t.Errorf("IDX of 3 records of 0 bytes: %+v, %v", im, err)
	}
	if _, err := ReadIDX(bytes.NewReader(idxHeader(1, 1<<20+1, 1<<20))); err == nil || !strings.Contains(err.Error(), "dimensions [1 1048577 1048576]") {
		t.Errorf("the record check's message: %v", err)
	}
	scalar, err := EncodeNpy(nil, []float64{2.5})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := DecodeNpy(bytes.NewReader(scalar), int64(len(scalar)), Limits{Rows: 1}); err != nil || len(a.Data) != 1 || a.Data[0] != 2.5 {
		t.Errorf("a 0-d array under a row limit: %v, %v", a, err)
	}
	full, err := EncodeNpy([]int{2}, []float64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	header := full[:len(full)-16] // the header alone, claiming two values
	if _, err := DecodeNpy(bytes.NewReader(header), int64(len(header)), Limits{}); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("a header claiming 2 values and no data: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader("1,2,3\n4,5,6\n7,8,9\n"), CSVOptions{Limits: Limits{MaxBytes: 71}}); err == nil || !strings.Contains(err.Error(), "3 rows of 3 columns") {
		t.Errorf("the memory bound's message: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader("a,b,c\n1,2,3\n"), CSVOptions{LabelColumn: "d"}); err == nil || !strings.Contains(err.Error(), "among 3 columns") {
		t.Errorf("a missing label column's message: %v", err)
	}
}

// TestRowsLimitAtItsEdges: a limit of exactly the rows there are, or more,
// reads them all; one less stops a row early.
func TestRowsLimitAtItsEdges(t *testing.T) {
	for _, c := range []struct{ limit, n, want int }{{3, 3, 3}, {4, 3, 3}, {2, 3, 2}, {0, 3, 3}} {
		if got := (Limits{Rows: c.limit}).rows(c.n); got != c.want {
			t.Errorf("Limits{Rows: %d}.rows(%d) = %d, want %d", c.limit, c.n, got, c.want)
		}
	}
}

// TestHostileFilesGetErrorsInBoundedMemoryAndTime holds one case per way a
// file once hung physml, exhausted its memory or lost data silently: each
// must give an error naming the problem (or, with a limit, the right
// data), allocate no more than its bound, and return quickly.
func TestHostileFilesGetErrorsInBoundedMemoryAndTime(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	link := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink("/dev/zero", p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bomb := zipOf(t, [2][]byte{[]byte("x.npy"), zeroBomb(16 << 20)}) // 128 MiB of zeros in ~130 KB
	huge := zipOf(t, [2][]byte{[]byte("x.npy"), npyHeaderBytes("<f8", "(2147483648,)")})
	gzIDX := func(claim uint32, n int) []byte {
		var raw bytes.Buffer
		raw.Write([]byte{0, 0, 8, 3})
		binary.Write(&raw, binary.BigEndian, []uint32{claim, 28, 28})
		raw.Write(make([]byte, n*784))
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(raw.Bytes())
		zw.Close()
		return z.Bytes()
	}
	idxBomb := write("bomb-idx3-ubyte.gz", gzIDX(5_400_000, 40_000)) // claims 4.2 GB, holds 31 MB
	longLine := write("long.csv", append(bytes.Repeat([]byte("1,"), 5<<20), '1', '\n'))
	cases := []struct {
		name     string
		read     func() error
		want     string // in the error; "" means success
		maxAlloc uint64
	}{
		{"csv label 1e18", func() error {
			_, err := ParseCSV(strings.NewReader("x,label\n1,0\n2,1e18\n"), CSVOptions{LabelColumn: "label"})
			return err
		}, "not a class label", 1 << 20},
		{"csv label 1e30", func() error {
			_, err := ParseCSV(strings.NewReader("x,label\n1,1e30\n"), CSVOptions{LabelColumn: "label"})
			return err
		}, "not a class label", 1 << 20},
		{"csv label 9.3e18", func() error {
			_, err := ParseCSV(strings.NewReader("x,label\n1,9.3e18\n"), CSVOptions{LabelColumn: "label"})
			return err
		}, "not a class label", 1 << 20},
		{"npz member claiming 16 GiB", func() error {
			_, err := DecodeNpz(bytes.NewReader(huge), int64(len(huge)), Limits{})
			return err
		}, "more than the limit", 1 << 20},
		{"npz bomb over the bound", func() error {
			_, err := DecodeNpz(bytes.NewReader(bomb), int64(len(bomb)), Limits{MaxBytes: 64 << 20})
			return err
		}, "more than the limit", 1 << 20},
		{"npz bomb with a row limit", func() error {
			m, err := DecodeNpz(bytes.NewReader(bomb), int64(len(bomb)), Limits{Rows: 100})
			if err == nil && (m["x"].Shape[0] != 100 || len(m["x"].Data) != 400) {
				return fmt.Errorf("read shape %v", m["x"].Shape)
			}
			return err
		}, "", 2 << 20},
		{"gzipped IDX claiming 5.4 million images", func() error {
			_, err := ReadIDXFile(idxBomb)
			return err
		}, "more than the limit", 1 << 20},
		{"gzipped IDX claiming 5.4 million images, limited", func() error {
			idx, err := ReadIDXFileLimits(idxBomb, Limits{Rows: 1000})
			if err == nil && (idx.Dims[0] != 1000 || len(idx.Data) != 1000*784) {
				return fmt.Errorf("read dims %v", idx.Dims)
			}
			return err
		}, "", 4 << 20},
		{"gzipped IDX within the bound but short", func() error {
			_, err := ReadIDXFileLimits(idxBomb, Limits{MaxBytes: 8 << 30})
			return err
		}, "truncated", 100 << 20},
		{"csv of one 10 MB line", func() error {
			t, err := ReadCSV(longLine, CSVOptions{})
			if err == nil && (t.Rows != 1 || t.Cols != 5<<20+1 || t.Columns != nil) {
				return fmt.Errorf("read %d rows of %d columns", t.Rows, t.Cols)
			}
			return err
		}, "", 10 * 10 << 20}, // 10× the file (measured 7.2×: the values alone are 4×)
		{"csv over the bound", func() error {
			_, err := ReadCSV(longLine, CSVOptions{Limits: Limits{MaxBytes: 1 << 20}})
			return err
		}, "limit", 8 << 20},
		{"npy symlink to /dev/zero", func() error { _, err := ReadNpy(link("zero.npy")); return err }, "not a regular file", 1 << 20},
		{"npz symlink to /dev/zero", func() error { _, err := ReadNpz(link("zero.npz")); return err }, "not a regular file", 1 << 20},
		{"csv symlink to /dev/zero", func() error { _, err := ReadCSV(link("zero.csv"), CSVOptions{}); return err }, "not a regular file", 1 << 20},
		{"idx symlink to /dev/zero", func() error { _, err := ReadIDXFile(link("zero-idx")); return err }, "not a regular file", 1 << 20},
		{"csv that is a folder", func() error { _, err := ReadCSV(dir, CSVOptions{}); return err }, "not a regular file", 1 << 20},
		{"npy 'shape' inside a string", func() error {
			data := append(npyHeaderBytes("<f8", "(2,)"), make([]byte, 16)...)
			data = bytes.Replace(data, []byte("'descr': '<f8'"), []byte("'descr': '<f8', 'x': \"'shape': (1, 1)\""), 1)
			_, err := ParseNpy(data)
			return err
		}, "unknown key", 1 << 20},
		{"npy key twice", func() error {
			data := append(npyHeaderBytes("<f8", "(2,)"), make([]byte, 16)...)
			data = bytes.Replace(data, []byte("'descr': '<f8'"), []byte("'shape': (1,), 'descr': '<f8'"), 1)
			_, err := ParseNpy(data)
			return err
		}, "appears twice", 1 << 20},
		{"npz member twice", func() error {
			a, _ := EncodeNpy([]int{1}, []float64{1})
			b, _ := EncodeNpy([]int{1}, []float64{2})
			z := zipOf(t, [2][]byte{[]byte("x.npy"), a}, [2][]byte{[]byte("x.npy"), b})
			_, err := DecodeNpz(bytes.NewReader(z), int64(len(z)), Limits{})
			return err
		}, "appears twice", 1 << 20},
		{"npy writer refuses a negative shape", func() error { _, err := EncodeNpy([]int{-1, -1}, []float64{1}); return err }, "negative", 1 << 20},
	}
	for _, c := range cases {
		var err error
		bytes, elapsed := allocated(func() { err = c.read() })
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
		if bytes > raceFactor*c.maxAlloc {
			t.Errorf("%s: allocated %d bytes, bound %d", c.name, bytes, raceFactor*c.maxAlloc)
		}
		if elapsed > raceFactor*5*time.Second {
			t.Errorf("%s: took %v", c.name, elapsed)
		}
		t.Logf("%s: %v; %d bytes allocated in %v", c.name, err, bytes, elapsed.Round(time.Millisecond))
	}
}
