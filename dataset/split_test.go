package dataset

import (
	"bytes"
	"slices"
	"testing"
)

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
