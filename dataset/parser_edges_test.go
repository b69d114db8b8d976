package dataset

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// npyWithHeader returns a version-1 .npy file with the given header text
// (padded as NumPy pads it) and body.
func npyWithHeader(header string, body []byte) []byte {
	h := header + strings.Repeat(" ", 63-(10+len(header))%64) + "\n"
	out := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8))
	return append(append(out, h...), body...)
}

// TestNpyHeaderEdges: shapes with every digit, a header that ends where a
// string should start, an empty string, a backslash at the start of a
// string, and an array of no elements whose header ends the file.
func TestNpyHeaderEdges(t *testing.T) {
	h, err := parseNpyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (9, 19, 90), }")
	if err != nil || !slices.Equal(h.shape, []int{9, 19, 90}) {
		t.Errorf("shape with nines: %v, %v", h.shape, err)
	}
	for _, c := range []struct{ header, want string }{
		{"{'descr':", "want a quoted string"},
		{"{'descr': ", "want a quoted string"},
		{"{'descr': '', 'fortran_order': False, 'shape': (1,), }", `dtype "" not supported`},
		{`{'descr': '\<f8', 'fortran_order': False, 'shape': (1,), }`, "escapes"},
	} {
		_, err := ParseNpy(npyWithHeader(c.header, make([]byte, 8)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("header %q: %v, want an error saying %q", c.header, err, c.want)
		}
	}
	empty, err := EncodeNpy([]int{0, 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := ParseNpy(empty); err != nil || !slices.Equal(a.Shape, []int{0, 3}) || len(a.Data) != 0 {
		t.Errorf("an array of no elements: %v, %v", a, err)
	}
}

// TestLabelsAtTheClassLimit: the label MaxClasses−1 is read, MaxClasses is
// refused with the range in the message, from CSV and from .npy alike.
func TestLabelsAtTheClassLimit(t *testing.T) {
	dir := t.TempDir()
	x := writeNpy(t, dir, "x.npy", []int{2, 1}, []float64{1, 2})
	rangeText := fmt.Sprintf("from 0 to %d", MaxClasses-1)
	for _, top := range []int{MaxClasses - 1, MaxClasses} {
		labels := writeNpy(t, dir, fmt.Sprintf("y%d.npy", top), []int{2}, []float64{0, float64(top)})
		csv := filepath.Join(dir, fmt.Sprintf("t%d.csv", top))
		if err := os.WriteFile(csv, []byte(fmt.Sprintf("a,label\n1,0\n2,%d\n", top)), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, files := range []SampleFiles{{X: x, Labels: labels}, {X: csv, LabelColumn: "label"}} {
			s, err := ReadSamples(files, Limits{})
			switch {
			case top < MaxClasses && (err != nil || s.Classes != MaxClasses):
				t.Errorf("%+v: label %d: %v", files, top, err)
			case top == MaxClasses && (err == nil || !strings.Contains(err.Error(), rangeText)):
				t.Errorf("%+v: label %d: %v, want an error saying %q", files, top, err, rangeText)
			}
		}
	}
}

// TestCSVLineEndsAndSeparators: errors name the line whichever line ends
// the file uses (a "\r\n" or a "\n\n" is not two line ends of data), a
// missing label column names the number of columns, and a separator
// outside ASCII is refused from 0x80 on.
func TestCSVLineEndsAndSeparators(t *testing.T) {
	for _, end := range []string{"\n", "\r\n", "\r"} {
		data := strings.Join([]string{"a,b", "1,2", "3,x", ""}, end)
		_, err := ParseCSV(strings.NewReader(data), CSVOptions{})
		if err == nil || !strings.Contains(err.Error(), "line 3, column 2") {
			t.Errorf("line ends %q: %v, want the bad value at line 3", end, err)
		}
	}
	if _, err := ParseCSV(strings.NewReader("a,b\n\n1,2\n3,x\n"), CSVOptions{}); err == nil || !strings.Contains(err.Error(), "line 4, column 2") {
		t.Errorf("after a blank line: %v, want line 4", err)
	}
	if _, err := ParseCSV(strings.NewReader("a,b,c\n1,2,3\n"), CSVOptions{LabelColumn: "y"}); err == nil || !strings.Contains(err.Error(), `"y" not found among 3 columns`) {
		t.Errorf("missing label column: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader("a\u0080b\n"), CSVOptions{Comma: '\u0080'}); err == nil || !strings.Contains(err.Error(), "ASCII") {
		t.Errorf("separator 0x80: %v", err)
	}
	if tab, err := ParseCSV(strings.NewReader("a\x7fb\n1\x7f2\n"), CSVOptions{Comma: '\x7f'}); err != nil || tab.Cols != 2 {
		t.Errorf("separator 0x7f: %v", err)
	}
}

// TestSignalsSizeLimits: 1 signal and 40 or 65536 steps are made; 0
// signals, 39 or 65537 steps are refused.
func TestSignalsSizeLimits(t *testing.T) {
	for _, c := range []struct {
		n, steps int
		ok       bool
	}{{1, 40, true}, {1, 1 << 16, true}, {0, 40, false}, {1, 39, false}, {1, 1<<16 + 1, false}} {
		s, err := Signals(c.n, c.steps, 1)
		if (err == nil) != c.ok || (c.ok && (s.N != c.n || s.Steps != c.steps)) {
			t.Errorf("Signals(%d, %d): %v", c.n, c.steps, err)
		}
	}
}

// TestNpyLargeAndOverflowingShapes: an array of more elements than one
// read chunk (2¹⁶) decodes whole from a file and from a stream of unknown
// size; a shape whose element count overflows is refused as such, not as a
// truncated file.
func TestNpyLargeAndOverflowingShapes(t *testing.T) {
	const n = 1<<16 + 4464 // 70000: 14000 rows of 5
	data := make([]float64, n)
	for i := range data {
		data[i] = float64(i%977) - 300
	}
	b, err := EncodeNpy([]int{n / 5, 5}, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{int64(len(b)), -1} {
		a, err := DecodeNpy(bytes.NewReader(b), size, Limits{})
		if err != nil || !slices.Equal(a.Data, data) {
			t.Errorf("%d elements, size %d: %v", n, size, err)
		}
	}
	huge := npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483648, 2147483648, 4), }", make([]byte, 64))
	if _, err := ParseNpy(huge); err == nil || !strings.Contains(err.Error(), "too many elements") {
		t.Errorf("an overflowing shape: %v", err)
	}
}
