package dataset

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeNpy writes an array and returns its path.
func writeNpy(t *testing.T, dir, name string, shape []int, data []float64) string {
	t.Helper()
	b, err := EncodeNpy(shape, data)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadSequences(t *testing.T) {
	dir := t.TempDir()
	x := writeNpy(t, dir, "x.npy", []int{3, 4, 2}, arange(24, 0.5, -1))
	y := writeNpy(t, dir, "y.npy", []int{3}, []float64{2, 0, 1})
	l := writeNpy(t, dir, "l.npy", []int{3}, []float64{4, 1, 3})
	z := writeNpy(t, dir, "z.npy", []int{3, 2}, arange(6, 1, 0))
	s, err := ReadSequences(SequenceFiles{X: x, Labels: y, Lengths: l, Targets: z}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || s.Steps != 4 || s.Features != 2 || s.Classes != 3 || s.TargetCols != 2 {
		t.Fatalf("read %d×%d×%d, %d classes, %d target columns", s.N, s.Steps, s.Features, s.Classes, s.TargetCols)
	}
	sameValues(t, "x", s.X, arange(24, 0.5, -1))
	if s.Labels[0] != 2 || s.Lengths[1] != 1 || s.Targets[5] != 5 {
		t.Errorf("labels %v, lengths %v, targets %v", s.Labels, s.Lengths, s.Targets)
	}
	// One feature as (n, steps), the first two sequences only, from an .npz.
	npz, err := EncodeNpz(map[string]*Array{"x": {Shape: []int{3, 5}, Data: arange(15, 1, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "set.npz"), npz, 0o644)
	s, err = ReadSequences(SequenceFiles{X: filepath.Join(dir, "set.npz") + ":x"}, Limits{Rows: 2})
	if err != nil || s.N != 2 || s.Steps != 5 || s.Features != 1 || len(s.X) != 10 {
		t.Fatalf("(n, steps) from an .npz with a limit: %+v, %v", s, err)
	}
}

func TestBadSequencesNameTheProblem(t *testing.T) {
	dir := t.TempDir()
	x := writeNpy(t, dir, "x.npy", []int{3, 4, 2}, arange(24, 0.5, -1))
	nan := arange(24, 1, 0)
	nan[2*8+3*2+1] = math.NaN()
	cases := []struct {
		name  string
		files SequenceFiles
		want  string
	}{
		{"1-D X", SequenceFiles{X: writeNpy(t, dir, "x1.npy", []int{5}, arange(5, 1, 0))}, "want (sequences, steps, features)"},
		{"NaN in X", SequenceFiles{X: writeNpy(t, dir, "xn.npy", []int{3, 4, 2}, nan)}, "NaN at sequence 2, step 3, feature 1"},
		{"labels for other rows", SequenceFiles{X: x, Labels: writeNpy(t, dir, "y2.npy", []int{2}, []float64{0, 1})}, "labels of shape [2], want (3,)"},
		{"label not an integer", SequenceFiles{X: x, Labels: writeNpy(t, dir, "yf.npy", []int{3}, []float64{0, 1.5, 1})}, "label 1.5 of sequence 1"},
		{"label too large", SequenceFiles{X: x, Labels: writeNpy(t, dir, "yb.npy", []int{3}, []float64{0, 1e9, 1})}, "label 1e+09 of sequence 1"},
		{"negative label", SequenceFiles{X: x, Labels: writeNpy(t, dir, "yn.npy", []int{3}, []float64{0, 1, -1})}, "label -1 of sequence 2"},
		{"length past the steps", SequenceFiles{X: x, Lengths: writeNpy(t, dir, "l5.npy", []int{3}, []float64{4, 5, 1})}, "length 5 of sequence 1"},
		{"zero length", SequenceFiles{X: x, Lengths: writeNpy(t, dir, "l0.npy", []int{3}, []float64{4, 0, 1})}, "length 0 of sequence 1"},
		{"targets for other rows", SequenceFiles{X: x, Targets: writeNpy(t, dir, "t.npy", []int{4, 1}, arange(4, 1, 0))}, "targets of shape [4 1]"},
		{"Inf target", SequenceFiles{X: x, Targets: writeNpy(t, dir, "ti.npy", []int{3}, []float64{0, math.Inf(1), 1})}, "target +Inf of sequence 1"},
		{"NaN among two targets per sequence", SequenceFiles{X: x, Targets: writeNpy(t, dir, "t2.npy", []int{3, 2}, []float64{0, 0, 0, 0, 0, math.NaN()})}, "target NaN of sequence 2"},
		{"not .npy", SequenceFiles{X: filepath.Join(dir, "x.csv")}, "want a .npy file"},
		{"missing npz member", SequenceFiles{X: x, Labels: filepath.Join(dir, "none.npz:y")}, "none.npz"},
	}
	for _, c := range cases {
		_, err := ReadSequences(c.files, Limits{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

// TestSignals checks the simulated read-outs: deterministic for a seed,
// about 60 % normal, and each fault where it says it is.
func TestSignals(t *testing.T) {
	a, err := Signals(2000, 100, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Signals(2000, 100, 7)
	c, _ := Signals(2000, 100, 8)
	if !slices.Equal(a.X, b.X) || !slices.Equal(a.Labels, b.Labels) || slices.Equal(a.X, c.X) {
		t.Error("the same seed must give the same signals, another seed others")
	}
	counts := make([]int, len(SignalKinds))
	for _, l := range a.Labels {
		counts[l]++
	}
	if counts[0] < 1100 || counts[0] > 1300 || slices.Min(counts[1:]) < 150 {
		t.Errorf("labels per kind %v: want about 1200 normal and 200 of each fault", counts)
	}
	for i, l := range a.Labels {
		x := a.X[i*100 : (i+1)*100]
		zeros := 0
		for _, v := range x {
			if v == 0 {
				zeros++
			}
		}
		if (l == 3) != (zeros >= 8) {
			t.Fatalf("signal %d of kind %q has %d exact zeros", i, SignalKinds[l], zeros)
		}
		if peak := slices.Max(x); l == 0 && !(peak <= 1.5) {
			t.Fatalf("normal signal %d peaks at %g", i, peak)
		}
	}
	if _, err := Signals(10, 20, 1); err == nil {
		t.Error("20 steps accepted")
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

// TestSetClasses: a count above the labels leaves classes empty on
// purpose; without one, a class below the largest label that no sequence
// has is named; a count below the labels is refused.
func TestSetClasses(t *testing.T) {
	s := &Sequences{N: 3, Labels: []int{1, 2, 1}, Classes: 3}
	if err := s.SetClasses(0); err == nil || !strings.Contains(err.Error(), "no sequence has label 0, yet labels up to 2 make 3 classes") || !strings.Contains(err.Error(), "relabel them 0 … 1, or declare 3 classes") {
		t.Errorf("labels 1, 2 without a count: %v", err)
	}
	if err := s.SetClasses(2); err == nil || !strings.Contains(err.Error(), "2 classes, fewer than the labels up to 2 make") {
		t.Errorf("2 classes of labels up to 2: %v", err)
	}
	if err := s.SetClasses(5); err != nil || s.Classes != 5 {
		t.Errorf("5 classes: %v, %d classes", err, s.Classes)
	}
	full := &Sequences{N: 2, Labels: []int{0, 1}, Classes: 2}
	if err := full.SetClasses(0); err != nil || full.Classes != 2 {
		t.Errorf("labels 0, 1: %v, %d classes", err, full.Classes)
	}
	if err := (&Sequences{N: 1}).SetClasses(2); err == nil {
		t.Error("classes set on sequences without labels")
	}
}
