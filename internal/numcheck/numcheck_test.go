package numcheck

import (
	"math"
	"testing"
)

// TestNaNFailsEveryCheck: the point of the package.
func TestNaNFailsEveryCheck(t *testing.T) {
	nan := math.NaN()
	if Within(nan, 1) {
		t.Error("Within(NaN, 1)")
	}
	var w Worst
	w.Add(0.5)
	w.Add(nan)
	w.Add(0.1)
	if !math.IsInf(float64(w), 1) {
		t.Errorf("Worst after a NaN: %v", w)
	}
	if d := MaxAbsDiff([]float64{1, nan}, []float64{1, 2}); !math.IsInf(d, 1) {
		t.Errorf("MaxAbsDiff with a NaN: %v", d)
	}
	if d := MaxRelDiff([]float32{1}, []float32{float32(nan)}, 1); !math.IsInf(d, 1) {
		t.Errorf("MaxRelDiff with a NaN: %v", d)
	}
	if d := MaxAbsDiff([]float64{1}, []float64{1, 2}); !math.IsInf(d, 1) {
		t.Errorf("MaxAbsDiff of different lengths: %v", d)
	}
	if d := MaxRelDiff([]float64{1, 3}, []float64{2, 4}, 1); d != 0.5 {
		t.Errorf("MaxRelDiff = %v, want 0.5", d)
	}
	for _, name := range []string{"Close", "CloseRel", "Scalar"} {
		ft := &fakeT{}
		switch name {
		case "Close":
			Close(ft, name, []float64{nan}, []float64{0}, 1)
		case "CloseRel":
			CloseRel(ft, name, []float64{0}, []float64{nan}, 1, 1)
		case "Scalar":
			Scalar(ft, name, nan, 0, 1)
		}
		if !ft.failed {
			t.Errorf("%s passed a NaN", name)
		}
	}
}

// fakeT records failures instead of failing the test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Logf(string, ...any)   {}
