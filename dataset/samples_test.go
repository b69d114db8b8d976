package dataset

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadSamples(t *testing.T) {
	dir := t.TempDir()
	pix := make([]float64, 3*2*4)
	for i := range pix {
		pix[i] = float64(i) / 4
	}
	images := writeNpy(t, dir, "x.npy", []int{3, 2, 4}, pix)
	labels := writeNpy(t, dir, "y.npy", []int{3}, []float64{2, 0, 4})
	s, err := ReadSamples(SampleFiles{X: images, Labels: labels}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || s.Features != 8 || !slices.Equal(s.Shape, []int{2, 4}) || !slices.Equal(s.X, pix) || !slices.Equal(s.Labels, []int{2, 0, 4}) || s.Classes != 5 {
		t.Errorf("images: got %+v", s)
	}
	// Limits.Rows keeps the first samples of X and of the labels.
	s, err = ReadSamples(SampleFiles{X: images, Labels: labels}, Limits{Rows: 2})
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 2 || len(s.X) != 16 || !slices.Equal(s.Labels, []int{2, 0}) {
		t.Errorf("2 rows: got %+v", s)
	}
	csv := filepath.Join(dir, "t.csv")
	os.WriteFile(csv, []byte("a,class,b\n1,1,2\n3,0,4\n"), 0o644)
	s, err = ReadSamples(SampleFiles{X: csv, LabelColumn: "class"}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 2 || s.Features != 2 || !slices.Equal(s.X, []float64{1, 2, 3, 4}) || !slices.Equal(s.Names, []string{"a", "b"}) ||
		!slices.Equal(s.Labels, []int{1, 0}) || s.Classes != 2 || !slices.Equal(s.Shape, []int{2}) {
		t.Errorf("csv: got %+v", s)
	}
}

func TestReadSamplesRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	good := writeNpy(t, dir, "x.npy", []int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	csv := filepath.Join(dir, "t.csv")
	os.WriteFile(csv, []byte("a,class\n1,1\n"), 0o644)
	onlyLabels := filepath.Join(dir, "l.csv")
	os.WriteFile(onlyLabels, []byte("class\n1\n"), 0o644)
	hugeLabel := filepath.Join(dir, "h.csv")
	os.WriteFile(hugeLabel, []byte("a,class\n1,100000\n"), 0o644)
	for _, c := range []struct {
		name  string
		files SampleFiles
		want  string
	}{
		{"no file", SampleFiles{}, "no sample file"},
		{"1-D", SampleFiles{X: writeNpy(t, dir, "v.npy", []int{3}, []float64{1, 2, 3})}, "want (samples, features)"},
		{"empty", SampleFiles{X: writeNpy(t, dir, "e.npy", []int{0, 3}, nil)}, "holds no values"},
		{"no features", SampleFiles{X: writeNpy(t, dir, "f.npy", []int{2, 0}, nil)}, "holds no values"},
		{"NaN", SampleFiles{X: writeNpy(t, dir, "n.npy", []int{2, 2}, []float64{1, 2, math.NaN(), 4})}, "NaN at sample 1, value 0"},
		{"Inf", SampleFiles{X: writeNpy(t, dir, "i.npy", []int{1, 2}, []float64{1, math.Inf(-1)})}, "-Inf at sample 0, value 1"},
		{"labels count", SampleFiles{X: good, Labels: writeNpy(t, dir, "y3.npy", []int{3}, []float64{0, 1, 1})}, "want (2,): one per sample"},
		{"labels 2-D", SampleFiles{X: good, Labels: writeNpy(t, dir, "y2.npy", []int{2, 1}, []float64{0, 1})}, "labels of shape [2 1]"},
		{"fractional label", SampleFiles{X: good, Labels: writeNpy(t, dir, "yf.npy", []int{2}, []float64{0, 1.5})}, "label 1.5 of sample 1"},
		{"negative label", SampleFiles{X: good, Labels: writeNpy(t, dir, "yn.npy", []int{2}, []float64{-1, 1})}, "label -1 of sample 0"},
		{"huge label", SampleFiles{X: good, Labels: writeNpy(t, dir, "yh.npy", []int{2}, []float64{0, MaxClasses})}, "label 65536"},
		{"huge CSV label", SampleFiles{X: hugeLabel, LabelColumn: "class"}, "label 100000"},
		{"label column of npy", SampleFiles{X: good, LabelColumn: "class"}, "CSV files only"},
		{"two label sources", SampleFiles{X: csv, LabelColumn: "class", Labels: good}, "give one"},
		{"only labels in CSV", SampleFiles{X: onlyLabels, LabelColumn: "class"}, "no feature columns"},
		{"text file", SampleFiles{X: filepath.Join(dir, "x.txt")}, "want a .csv or .npy file"},
	} {
		if _, err := ReadSamples(c.files, Limits{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
}

func TestMissingClasses(t *testing.T) {
	for _, c := range []struct {
		labels  []int
		classes int
		want    []int
	}{
		{[]int{1, 2, 3, 1}, 4, []int{0}},
		{[]int{0, 4}, 5, []int{1, 2, 3}},
		{[]int{1, 0, 1}, 2, nil},
	} {
		if got := MissingClasses(c.labels, c.classes); !slices.Equal(got, c.want) {
			t.Errorf("MissingClasses(%v, %d) = %v, want %v", c.labels, c.classes, got, c.want)
		}
	}
}

func TestFeatureNamesNumberAHeaderlessTable(t *testing.T) {
	if got := (&Samples{Features: 3}).FeatureNames(); !slices.Equal(got, []string{"0", "1", "2"}) {
		t.Errorf("names %q", got)
	}
	if got := (&Samples{Features: 2, Names: []string{"a", "b"}}).FeatureNames(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("names %q", got)
	}
}
