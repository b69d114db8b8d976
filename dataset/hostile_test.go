package dataset

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// allocated returns the bytes fn allocates and how long it takes.
func allocated(fn func()) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, elapsed
}

// npyHeader returns a version-1 .npy header for shape (a Python tuple).
func npyHeaderBytes(descr, shape string) []byte {
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	h += strings.Repeat(" ", (64-(10+len(h)+1)%64)%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	return b.Bytes()
}

// zipOf stores members (name, content) deflated in a zip archive.
func zipOf(t testing.TB, members ...[2][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.Create(string(m[0]))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m[1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zeroBomb is a .npy member of n float64 zeros (8n bytes, deflated to
// about 8n/1000).
func zeroBomb(n int) []byte {
	return append(npyHeaderBytes("<f8", fmt.Sprintf("(%d, 4)", n/4)), make([]byte, 8*n)...)
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

// TestCSVLineEndingsAndByteOrderMark reads the same table written with a
// byte-order mark and \n, \r\n and lone \r line ends.
func TestCSVLineEndingsAndByteOrderMark(t *testing.T) {
	for _, text := range []string{
		"\ufeffa,b\n1,2\n3,4\n",
		"\ufeffa,b\r\n1,2\r\n3,4",
		"a,b\r1,2\r3,4\r",
		"\"a\", \"b\"\n1,2\n\n3,4\n",
	} {
		tab, err := ParseCSV(strings.NewReader(text), CSVOptions{})
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if tab.Rows != 2 || strings.Join(tab.Columns, "|") != "a|b" || fmt.Sprint(tab.Data) != "[1 2 3 4]" {
			t.Errorf("%q: columns %q, %d rows %v", text, tab.Columns, tab.Rows, tab.Data)
		}
	}
	// Without a header, a byte-order mark must not turn the first row into one.
	tab, err := ParseCSV(strings.NewReader("\ufeff1,2\r3,4\r"), CSVOptions{})
	if err != nil || tab.Rows != 2 || fmt.Sprint(tab.Data) != "[1 2 3 4]" {
		t.Errorf("headerless with BOM: %v, %+v", err, tab)
	}
}

// TestMNISTOfTheWrongShapeIsAnError checks that 27×28 images and empty
// files are refused by the loader (the commands used to panic on them).
func TestMNISTOfTheWrongShapeIsAnError(t *testing.T) {
	for _, c := range []struct {
		n, rows, cols uint32
		want          string
	}{{5, 27, 28, "27×28"}, {0, 28, 28, "no images"}} {
		dir := t.TempDir()
		for _, prefix := range []string{"train", "t10k"} {
			os.WriteFile(filepath.Join(dir, prefix+"-images-idx3-ubyte"), idxBytes([4]byte{0, 0, 8, 3}, []uint32{c.n, c.rows, c.cols}, make([]byte, c.n*c.rows*c.cols)), 0o644)
			os.WriteFile(filepath.Join(dir, prefix+"-labels-idx1-ubyte"), idxBytes([4]byte{0, 0, 8, 1}, []uint32{c.n}, make([]byte, c.n)), 0o644)
		}
		if _, _, err := LoadMNIST(dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d images of %d×%d: error %v, want one mentioning %q", c.n, c.rows, c.cols, err, c.want)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{"a,b,label\n1,2,0\n3,4,1\n", "\ufeff1,2\r3,4\r", "\"x, m\",y\n1,2\n", "1\n\n2\n", "a\n\"1\"\"\n"} {
		f.Add([]byte(s), "label")
	}
	f.Fuzz(func(t *testing.T, data []byte, label string) {
		tab, err := ParseCSV(bytes.NewReader(data), CSVOptions{LabelColumn: label, Limits: Limits{MaxBytes: 1 << 20}})
		if err != nil {
			return
		}
		if tab.Rows < 1 || len(tab.Data) != tab.Rows*tab.Cols || (tab.Columns != nil && len(tab.Columns) != tab.Cols) {
			t.Fatalf("%d rows of %d columns (%d names) with %d values", tab.Rows, tab.Cols, len(tab.Columns), len(tab.Data))
		}
		if tab.Labels != nil && len(tab.Labels) != tab.Rows {
			t.Fatalf("%d labels for %d rows", len(tab.Labels), tab.Rows)
		}
		for _, l := range tab.Labels {
			if l < 0 || l > MaxLabel {
				t.Fatalf("label %d", l)
			}
		}
	})
}

func FuzzDecodeNpz(f *testing.F) {
	a, _ := EncodeNpz(map[string]*Array{"x": {Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}}, "y": {Shape: []int{2}, Data: []float64{0, 1}}})
	f.Add(a, 0)
	f.Add(zipOf(f, [2][]byte{[]byte("x.npy"), zeroBomb(1 << 12)}), 3)
	f.Fuzz(func(t *testing.T, data []byte, rows int) {
		lim := Limits{Rows: rows, MaxBytes: 1 << 24}
		arrays, err := DecodeNpz(bytes.NewReader(data), int64(len(data)), lim)
		if err != nil {
			return
		}
		for name, a := range arrays {
			n := 1
			for _, d := range a.Shape {
				n *= d
			}
			if n != len(a.Data) || int64(n)*8 > lim.MaxBytes {
				t.Fatalf("%s: shape %v with %d values", name, a.Shape, len(a.Data))
			}
			if rows > 0 && len(a.Shape) > 0 && a.Shape[0] > rows {
				t.Fatalf("%s: %d rows read with a limit of %d", name, a.Shape[0], rows)
			}
		}
	})
}
