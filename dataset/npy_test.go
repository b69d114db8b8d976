package dataset

import (
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata files written by physml")

func arange(n int, scale, offset float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i)*scale + offset
	}
	return out
}

func sameValues(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got[i], want[i])
		}
	}
}

func TestReadNumPyFiles(t *testing.T) {
	a := arange(24, 1.0/8, -1)
	cases := map[string]struct {
		shape []int
		data  []float64
	}{
		"f8_c.npy":       {[]int{2, 3, 4}, a},
		"f4_fortran.npy": {[]int{3, 4}, a[:12]},
		"i8.npy":         {[]int{6}, arange(6, 1, -3)},
		"u1.npy":         {[]int{2, 3}, arange(6, 1, 0)},
		"be_f8.npy":      {[]int{3, 4}, a[12:]},
	}
	for name, c := range cases {
		got, err := ReadNpy("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Shape, c.shape) {
			t.Fatalf("%s: shape %v, want %v", name, got.Shape, c.shape)
		}
		sameValues(t, name, got.Data, c.data)
	}
	z, err := ReadNpz("testdata/pair.npz")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(z["x"].Shape, []int{3, 4}) || !slices.Equal(z["y"].Shape, []int{3}) || len(z) != 2 {
		t.Errorf("pair.npz: %d arrays, shapes %v and %v", len(z), z["x"].Shape, z["y"].Shape)
	}
	sameValues(t, "pair.npz x", z["x"].Data, a[:12])
	sameValues(t, "pair.npz y", z["y"].Data, arange(3, 1, 0))
}

func TestNpyWrittenByPhysmlLoadsInNumPy(t *testing.T) {
	data, err := EncodeNpy([]int{3, 2}, arange(6, 0.5, 0))
	if err != nil {
		t.Fatal(err)
	}
	const path = "testdata/physml_written.npy"
	if *update {
		os.WriteFile(path, data, 0o644)
	}
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// make_fixtures.py checked the committed file with numpy.load.
	if !bytes.Equal(data, committed) {
		t.Errorf("EncodeNpy output differs from %s, which numpy.load was checked to read", path)
	}
	back, err := ParseNpy(data)
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, "round trip", back.Data, arange(6, 0.5, 0))
}

func TestCorruptNpyErrors(t *testing.T) {
	good, _ := os.ReadFile("testdata/f8_c.npy")
	huge := bytes.Replace(good, []byte("(2, 3, 4)"), []byte("(2000000000, 3000000000, 4)"), 1)
	cases := map[string][]byte{
		"empty":     nil,
		"not npy":   []byte("hello world, not numpy"),
		"truncated": good[:len(good)-8],
		"huge":      huge,
		"dtype":     bytes.Replace(good, []byte("<f8"), []byte("<c8"), 1),
	}
	for name, data := range cases {
		if _, err := ParseNpy(data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParseNpy(f *testing.F) {
	for _, name := range []string{"f8_c.npy", "f4_fortran.npy", "u1.npy"} {
		data, _ := os.ReadFile("testdata/" + name)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseNpy(data)
		if err != nil {
			return
		}
		n := 1
		for _, d := range a.Shape {
			n *= d
		}
		if n != len(a.Data) || len(a.Data) > len(data) {
			t.Fatalf("shape %v with %d values from %d bytes", a.Shape, len(a.Data), len(data))
		}
	})
}

func TestReadCSV(t *testing.T) {
	tab, err := ParseCSV(strings.NewReader("x, y, label\n1, 2.5, 0\n-3, 4e2, 1\n"), CSVOptions{LabelColumn: "label"})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Rows != 2 || tab.Cols != 2 || strings.Join(tab.Columns, ",") != "x,y" || tab.Labels[1] != 1 {
		t.Fatalf("table %+v", tab)
	}
	sameValues(t, "csv", tab.Data, []float64{1, 2.5, -3, 400})
	noHeader, err := ParseCSV(strings.NewReader("1,2\n3,4\n"), CSVOptions{})
	if err != nil || noHeader.Rows != 2 || noHeader.Cols != 2 || noHeader.Columns != nil || noHeader.ColumnName(1) != "1" {
		t.Fatalf("headerless: %+v %v", noHeader, err)
	}
	for name, c := range map[string]struct{ in, want string }{
		"bad number":   {"a,b\n1,x\n", "line 2, column 2 (b)"},
		"ragged":       {"a,b\n1,2\n3\n", "line 3"},
		"NaN":          {"a\nNaN\n", "not a finite number"},
		"header only":  {"a,b\n", "no data rows"},
		"label float":  {"a,label\n1,0.5\n", "not a class label"},
		"label absent": {"a,b\n1,2\n", "label column"},
	} {
		opt := CSVOptions{}
		if strings.HasPrefix(name, "label") {
			opt.LabelColumn = "label"
		}
		_, err := ParseCSV(strings.NewReader(c.in), opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
	}
}

func TestNpzRoundTrip(t *testing.T) {
	in := map[string]*Array{"x": {Shape: []int{2, 2}, Data: []float64{1, 2, 3, 4}}, "y": {Shape: []int{3}, Data: []float64{-1, 0, 1}}}
	data, err := EncodeNpz(in)
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/a.npz"
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := ReadNpz(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, a := range in {
		sameValues(t, name, out[name].Data, a.Data)
	}
}

// TestNpyHeaderAndCountAtTheirBounds: a header of exactly the largest
// length read (1 MiB) is read; a shape of exactly 2⁶² bytes is checked
// against the file (too short), one element more is refused as too many;
// a header-only file names the bytes its shape needs; a header that ends
// inside the shape's digits is an error, not a crash.
func TestNpyHeaderAndCountAtTheirBounds(t *testing.T) {
	dict := "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"
	two := make([]byte, 16)
	binary.LittleEndian.PutUint64(two[8:], 0x4000000000000000) // 2.0
	b := npyV2(dict, maxNpyHeader, two)
	if a, err := DecodeNpy(bytes.NewReader(b), int64(len(b)), Limits{}); err != nil || len(a.Data) != 2 || a.Data[1] != 2 {
		t.Errorf("a header of exactly %d bytes: %v, %v", maxNpyHeader, a, err)
	}
	b = npyV2(dict, maxNpyHeader+1, two)
	if _, err := DecodeNpy(bytes.NewReader(b), int64(len(b)), Limits{}); err == nil || !strings.Contains(err.Error(), "header length 1048577") {
		t.Errorf("a header of %d bytes: %v", maxNpyHeader+1, err)
	}

	for _, c := range []struct{ shape, want string }{
		{"(576460752303423488, 1)", "data truncated: shape [576460752303423488 1] needs 4611686018427387904 bytes, file has 0"}, // 2⁵⁹ float64: 2⁶² bytes
		{"(576460752303423489, 1)", "too many elements"},
		{"(2,)", "data truncated: shape [2] needs 16 bytes, file has 0"},
	} {
		b := npyV2("{'descr': '<f8', 'fortran_order': False, 'shape': "+c.shape+", }", 118, nil)
		if _, err := DecodeNpy(bytes.NewReader(b), int64(len(b)), Limits{MaxBytes: 1 << 62}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("shape %s and no data: %v, want %q", c.shape, err, c.want)
		}
	}

	cut := "{'descr': '<f8', 'fortran_order': False, 'shape': (3"
	b = append([]byte("\x93NUMPY\x01\x00"), byte(len(cut)), 0)
	b = append(b, cut...)
	if _, err := DecodeNpy(bytes.NewReader(b), int64(len(b)), Limits{}); err == nil {
		t.Error("a header ending inside the shape's digits: no error")
	}
}

// TestNpyStreamAllocatesWhatArrives: from a stream of unknown size (a
// compressed member), a header claiming 2²⁷ values (1 GiB) over 16 bytes of
// data is refused as truncated after allocating a few chunks, not the claim.
func TestNpyStreamAllocatesWhatArrives(t *testing.T) {
	b := npyV2("{'descr': '<f8', 'fortran_order': False, 'shape': (134217728,), }", 118, make([]byte, 16))
	var err error
	bytesUsed, _ := allocated(func() { _, err = DecodeNpy(bytes.NewReader(b), -1, Limits{}) })
	if err == nil || !strings.Contains(err.Error(), "truncated after 0 of 134217728 elements") {
		t.Errorf("a stream claiming 2^27 values: %v", err)
	}
	if bytesUsed > 8<<20 {
		t.Errorf("a stream claiming 2^27 values over 16 bytes: %d bytes allocated", bytesUsed)
	}
}

func TestNpyAtTheFileBounds(t *testing.T) {
	empty, err := EncodeNpy([]int{0}, nil) // a header and no data
	if err != nil {
		t.Fatal(err)
	}
	if a, err := DecodeNpy(bytes.NewReader(empty), int64(len(empty)), Limits{}); err != nil || len(a.Shape) != 1 || a.Shape[0] != 0 {
		t.Errorf("a header that ends the file: %v, %v", a, err)
	}
	if _, err := DecodeNpy(bytes.NewReader(empty), int64(len(empty)-1), Limits{}); err == nil {
		t.Error("a header one byte longer than the file: no error")
	}
	full, err := EncodeNpy([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeNpy(bytes.NewReader(full), int64(len(full)), Limits{}); err != nil {
		t.Errorf("data that ends the file exactly: %v", err)
	}
	if _, err := DecodeNpy(bytes.NewReader(full[:len(full)-1]), int64(len(full)-1), Limits{}); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("data one byte short: %v", err)
	}
	// Shapes whose dimensions hold the digits 0 and 9.
	for _, shape := range [][]int{{10, 9}, {90}, {1, 19, 0}} {
		n := 1
		for _, d := range shape {
			n *= d
		}
		b, err := EncodeNpy(shape, make([]float64, n))
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseNpy(b)
		if err != nil || len(a.Shape) != len(shape) {
			t.Fatalf("shape %v: %v, %v", shape, a, err)
		}
		for i := range shape {
			if a.Shape[i] != shape[i] {
				t.Errorf("shape %v read back as %v", shape, a.Shape)
			}
		}
	}
}

// TestNpyRowLimitsAndVersions reads the first rows of C- and Fortran-order
// files, a version-2 header and every integer type.
func TestNpyRowLimitsAndVersions(t *testing.T) {
	dir := t.TempDir()
	c := npyWith(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }\n", float64Bytes(1, 2, 3, 4, 5, 6))
	f := npyWith(2, "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }\n", float64Bytes(1, 3, 5, 2, 4, 6))
	for name, data := range map[string][]byte{"c.npy": c, "f.npy": f} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		for rows, want := range map[int][]float64{0: {1, 2, 3, 4, 5, 6}, 2: {1, 2, 3, 4}, 3: {1, 2, 3, 4, 5, 6}, 9: {1, 2, 3, 4, 5, 6}} {
			a, err := ReadNpyLimits(p, Limits{Rows: rows})
			if err != nil {
				t.Fatalf("%s, %d rows: %v", name, rows, err)
			}
			if !slices.Equal(a.Data, want) || a.Shape[0] != len(want)/2 || a.Shape[1] != 2 {
				t.Errorf("%s, %d rows: shape %v, %v", name, rows, a.Shape, a.Data)
			}
		}
	}
	for _, c := range []struct {
		descr string
		body  []byte
		want  float64
	}{
		{"|i1", []byte{0xfe}, -2}, {"<u2", []byte{1, 2}, 513}, {"<i2", []byte{0xfe, 0xff}, -2},
		{"<u4", []byte{1, 0, 0, 1}, 16777217}, {"<i4", []byte{0xfe, 0xff, 0xff, 0xff}, -2},
		{"<u8", []byte{1, 0, 0, 0, 0, 0, 0, 1}, 72057594037927937}, {"<i8", []byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, -2},
		{">f4", []byte{0x3f, 0xc0, 0, 0}, 1.5}, {"|b1", []byte{1}, 1}, {"<f4", []byte{0, 0, 0xc0, 0x3f}, 1.5},
	} {
		a, err := ParseNpy(npyWith(1, "{'descr': '"+c.descr+"', 'fortran_order': False, 'shape': (1,), }", c.body))
		if err != nil || a.Data[0] != c.want {
			t.Errorf("%s: %v, %v; want %v", c.descr, a, err, c.want)
		}
	}
}

func TestNpyHeaderErrors(t *testing.T) {
	good := "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }"
	cases := map[string]string{
		`{"descr": "<f8", "fortran_order": False, "shape": (1,)}`:      "",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} junk": "text after",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (1,)":       "want ',' or '}'",
		"{'descr': '<f\\8', 'fortran_order': False, 'shape': (1,), }":  "escapes",
		"{'descr: '<f8', 'fortran_order': False, 'shape': (1,), }":     "key",
		"{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }":    "True or False",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (1), }":     "not a tuple",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }":   "not a non-negative integer",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (1; 2), }":  "between dimensions",
		"{'descr': '<f8', 'fortran_order': False, 'shape': 1, }":       "want a tuple",
		"{'descr': '<f8', 'fortran_order': False}":                     `no "shape"`,
		"['descr']": "not a Python dict",
		"{'descr': 8, 'fortran_order': False, 'shape': (1,), }":                        "quoted string",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }": "not a non-negative integer",
	}
	for header, want := range cases {
		_, err := ParseNpy(npyWith(1, header, make([]byte, 8)))
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", header, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one mentioning %q", header, err, want)
		}
	}
	// A header longer than the file, data shorter than the shape, a
	// version-2 length field cut off, and an unknown version.
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"header past the end": {npyWith(1, good, nil)[:20], "exceeds the file"},
		"data truncated":      {npyWith(1, strings.Replace(good, "(1,)", "(2,)", 1), make([]byte, 8)), "needs 16 bytes, file has 8"},
		"v2 length cut":       {[]byte("\x93NUMPY\x02\x00\x01"), "magic"},
		"v2 length short":     {[]byte("\x93NUMPY\x02\x00\x01\x00"), "header length"},
		"version 4":           {npyWith(4, good, nil), "format version 4"},
		"huge shape":          {npyWith(1, strings.Replace(good, "(1,)", "(4611686018427387904, 4)", 1), nil), "too many elements"},
		// A version-2 header of over 1 MiB, in a file that holds it: the
		// limit is named, not the file's size (issue 31 L2).
		"header over 1 MiB": {append([]byte("\x93NUMPY\x02\x00\x01\x00\x20\x00"), make([]byte, 3<<20)...), "more than the 1048576 bytes"},
	} {
		if _, err := ParseNpy(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
	}
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
