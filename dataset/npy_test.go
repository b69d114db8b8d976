package dataset

import (
	"bytes"
	"flag"
	"os"
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
