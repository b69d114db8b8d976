package dataset

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// npyWith returns a version-major .npy file with the given header text and
// body.
func npyWith(major byte, header string, body []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(major)
	b.WriteByte(0)
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(header)))
	}
	b.WriteString(header)
	b.Write(body)
	return b.Bytes()
}

func float64Bytes(v ...float64) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
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

func TestIDXLimitsAndDimensions(t *testing.T) {
	data := idxBytes([4]byte{0, 0, 8, 2}, []uint32{4, 3}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	for rows, want := range map[int]int{0: 4, 2: 2, 4: 4, 7: 4} {
		idx, err := ReadIDXLimits(bytes.NewReader(data), Limits{Rows: rows})
		if err != nil || idx.Dims[0] != want || len(idx.Data) != want*3 || idx.Data[len(idx.Data)-1] != byte(want*3) {
			t.Errorf("%d rows: %+v, %v", rows, idx, err)
		}
	}
	// With a limit the rest of the file is not read, so trailing bytes pass;
	// without one they are an error.
	long := append(append([]byte(nil), data...), 99)
	if _, err := ReadIDXLimits(bytes.NewReader(long), Limits{Rows: 2}); err != nil {
		t.Errorf("limited read of a longer file: %v", err)
	}
	if _, err := ReadIDXLimits(bytes.NewReader(long), Limits{Rows: 4}); err == nil {
		t.Error("a limit of all rows still checks the length: no error")
	}
	four := idxBytes([4]byte{0, 0, 8, 4}, []uint32{1, 1, 2, 1}, []byte{7, 8})
	if idx, err := ReadIDX(bytes.NewReader(four)); err != nil || len(idx.Dims) != 4 {
		t.Errorf("4 dimensions: %v %v", idx, err)
	}
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"5 dimensions":   {idxBytes([4]byte{0, 0, 8, 5}, []uint32{1, 1, 1, 1, 1}, []byte{1}), "5 dimensions"},
		"0 dimensions":   {idxBytes([4]byte{0, 0, 8, 0}, nil, nil), "0 dimensions"},
		"huge records":   {idxBytes([4]byte{0, 0, 8, 3}, []uint32{1, 1 << 21, 1 << 20}, nil), "records of more than 2^40 bytes"},
		"at the bound":   {idxBytes([4]byte{0, 0, 8, 1}, []uint32{64}, nil), "truncated"},
		"over the bound": {idxBytes([4]byte{0, 0, 8, 1}, []uint32{65}, nil), "more than the limit of 64"},
	} {
		_, err := ReadIDXLimits(bytes.NewReader(c.data), Limits{MaxBytes: 64})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
	}
}

func TestCSVQuotesSeparatorsAndLabelIndex(t *testing.T) {
	tab, err := ParseCSV(strings.NewReader("\"x \"\"m\"\"\"; \"y, s\" ;k\n1;2;0\n3; 4 ;1\n"), CSVOptions{Comma: ';', LabelColumn: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tab.Columns, "|") != `x "m"|y, s` || fmt.Sprint(tab.Data) != "[1 2 3 4]" || fmt.Sprint(tab.Labels) != "[0 1]" {
		t.Errorf("columns %q, data %v, labels %v", tab.Columns, tab.Data, tab.Labels)
	}
	limited, err := ParseCSV(strings.NewReader("a\n1\n2\n3\n"), CSVOptions{Limits: Limits{Rows: 2}})
	if err != nil || limited.Rows != 2 {
		t.Errorf("2 rows: %+v %v", limited, err)
	}
	headerless, err := ParseCSV(strings.NewReader("1,2\n"), CSVOptions{})
	if err != nil || headerless.ColumnName(1) != "1" {
		t.Errorf("headerless column name: %v", err)
	}
	named, _ := ParseCSV(strings.NewReader("a,b\n1,2\n"), CSVOptions{})
	if named.ColumnName(1) != "b" {
		t.Errorf("column name %q", named.ColumnName(1))
	}
	for text, want := range map[string]string{
		"\"a\nb\n":          "unterminated quoted field",
		"\"a\"x,b\n1,2\n":   "text after a closing quote",
		"a,b\n1,2,3\n":      "3 fields, want 2",
		"a,b\n1,\n":         `"" is not a finite number`,
		"":                  "no data",
		"a,b\n":             "no data rows",
		"a,b\n1,2\n\"3,4\n": "line 3",
	} {
		if _, err := ParseCSV(strings.NewReader(text), CSVOptions{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one mentioning %q", text, err, want)
		}
	}
	if _, err := ParseCSV(strings.NewReader("a\n1\n"), CSVOptions{Comma: '"'}); err == nil {
		t.Error("a quote as separator: no error")
	}
	if _, err := ParseCSV(strings.NewReader("a,b\n1,2\n"), CSVOptions{LabelColumn: "c"}); err == nil || !strings.Contains(err.Error(), `label column "c" not found among 2`) {
		t.Errorf("missing label column: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader("a,b\n1,2\n"), CSVOptions{LabelColumn: "2"}); err == nil {
		t.Error("label column index 2 of 2: no error")
	}
}

func TestSmallHelpers(t *testing.T) {
	train, val := Split(10, 0.3, 1)
	if len(train) != 7 || len(val) != 3 {
		t.Fatalf("split 10 by 0.3: %d and %d", len(train), len(val))
	}
	all := append(append([]int(nil), train...), val...)
	slices.Sort(all)
	if !slices.Equal(all, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("split is not a partition: %v %v", train, val)
	}
	for _, n := range []Normalization{Unit, Symmetric, Standardize} {
		if got, err := ParseNormalization(n.String()); err != nil || got != n {
			t.Errorf("ParseNormalization(%q) = %v, %v", n.String(), got, err)
		}
	}
	if _, err := ParseNormalization("minmax"); err == nil {
		t.Error("unknown normalisation: no error")
	}
	im := &Images{Rows: 2, Cols: 2, Pixels: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Labels: []int{0, 1, 2}}
	if !bytes.Equal(im.Image(1), []byte{5, 6, 7, 8}) {
		t.Errorf("image 1: %v", im.Image(1))
	}
	s := im.Slice(1, 3)
	if s.Len() != 2 || !bytes.Equal(s.Image(1), []byte{9, 10, 11, 12}) || s.Labels[0] != 1 {
		t.Errorf("slice: %+v", s)
	}
	l := Limits{MaxBytes: 10}
	if l.checkBytes("x", 10) != nil || l.checkBytes("x", 11) == nil || l.checkBytes("x", -1) == nil {
		t.Error("checkBytes bounds wrong")
	}
}
