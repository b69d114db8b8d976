package nn

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// lengthEcho is a LengthSetter whose output row i is its input's first
// value plus the length it was given for that row.
type lengthEcho struct {
	lengths []int
	calls   [][]int
	out     Matrix[float64]
}

func (l *lengthEcho) SetLengths(lengths []int) { l.lengths = lengths }

func (l *lengthEcho) Forward(x *Matrix[float64], train bool) *Matrix[float64] {
	l.calls = append(l.calls, slices.Clone(l.lengths))
	y := l.out.resize(x.Rows, 1)
	for i := range x.Rows {
		y.Data[i] = x.At(i, 0) + float64(l.lengths[i])
	}
	return y
}

func (l *lengthEcho) Backward(dy *Matrix[float64]) *Matrix[float64] { return nil }
func (l *lengthEcho) Params() []Param[float64]                      { return nil }

// TestPredictDatasetHandsEachBatchItsLengths: PredictDataset gives the model
// the lengths of each batch's rows, clears them afterwards, and refuses
// lengths that do not fit the data or a model that takes none.
func TestPredictDatasetHandsEachBatchItsLengths(t *testing.T) {
	x := MatrixFrom(5, 1, []float64{10, 20, 30, 40, 50})
	model := &lengthEcho{}
	y := PredictDataset[float64](model, Dataset[float64]{X: x, Lengths: []int{1, 2, 3, 4, 5}}, 2)
	if want := []float64{11, 22, 33, 44, 55}; !slices.Equal(y.Data, want) {
		t.Errorf("outputs %v, want %v", y.Data, want)
	}
	if got := fmt.Sprint(model.calls); got != "[[1 2] [3 4] [5]]" {
		t.Errorf("lengths per batch %s, want [[1 2] [3 4] [5]]", got)
	}
	if model.lengths != nil {
		t.Errorf("lengths left set after prediction: %v", model.lengths)
	}
	mustPanicWith(t, "lengths for a model that takes none", "takes none", func() {
		PredictDataset[float64](NewDense[float64](1, 1, NewRand(1)), Dataset[float64]{X: x, Lengths: []int{1, 2, 3, 4, 5}}, 2)
	})
	mustPanicWith(t, "four lengths for five rows", "4 lengths for 5 rows", func() {
		PredictDataset[float64](model, Dataset[float64]{X: x, Lengths: []int{1, 2, 3, 4}}, 2)
	})
}

// TestCopyParamValues: CopyParamValues copies values (not gradients)
// between lists of the same names and sizes and names the first mismatch.
func TestCopyParamValues(t *testing.T) {
	src, dst := NewDense[float64](2, 3, NewRand(1)), NewDense[float64](2, 3, NewRand(2))
	dst.Weight.Grad[0] = 7
	CopyParamValues(dst.Params(), src.Params())
	for i, p := range dst.Params() {
		if !slices.Equal(p.Value, src.Params()[i].Value) {
			t.Errorf("%s not copied", p.Name)
		}
	}
	if dst.Weight.Grad[0] != 7 {
		t.Error("CopyParamValues changed a gradient")
	}
	mustPanicWith(t, "two parameters into one", "2 parameters into 1", func() {
		CopyParamValues(dst.Params()[:1], src.Params())
	})
	mustPanicWith(t, "a weight of another size", `"weight" (6 values) into "weight" (8 values)`, func() {
		CopyParamValues(NewDense[float64](2, 4, NewRand(1)).Params(), src.Params())
	})
	mustPanicWith(t, "parameters in another order", `"bias" (3 values) into "weight"`, func() {
		CopyParamValues(dst.Params(), []Param[float64]{src.Bias, src.Weight})
	})
	mustPanicWith(t, "another name, the same size", `"a" (2 values) into "b" (2 values)`, func() {
		CopyParamValues([]Param[float64]{NewParam[float64]("b", 2)}, []Param[float64]{NewParam[float64]("a", 2)})
	})
}

// TestSequentialString prints a network as PyTorch prints its layers.
func TestSequentialString(t *testing.T) {
	s := NewSequential[float32](NewDense[float32](2, 3, NewRand(1)), ReLU[float32](), NewDenseNoBias[float32](3, 1, NewRand(1)))
	want := "Sequential(Dense(in_features=2, out_features=3, bias=true), ReLU(), Dense(in_features=3, out_features=1, bias=false))"
	if got := s.String(); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if got := NewSequential[float32]().String(); got != "Sequential()" {
		t.Errorf("empty: %s", got)
	}
}

// mustPanicWith runs fn and checks that it panics with a message that
// starts with "nn: " and contains want.
func mustPanicWith(t *testing.T, name, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, _ := r.(string)
		if !strings.HasPrefix(msg, "nn: ") || !strings.Contains(msg, want) {
			t.Errorf("%s: panic %v, want an \"nn: \" message mentioning %q", name, r, want)
		}
	}()
	fn()
}
