package nn

import (
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestMatrixShapesAndSlices: empty matrices are matrices, a slice holds
// exactly its rows, and a slice past the end or reversed panics.
func TestMatrixShapesAndSlices(t *testing.T) {
	for _, shape := range [][2]int{{0, 3}, {3, 0}, {0, 0}} {
		if m := NewMatrix[float64](shape[0], shape[1]); m.Rows != shape[0] || m.Cols != shape[1] || len(m.Data) != 0 {
			t.Errorf("NewMatrix(%d, %d) = %d×%d with %d values", shape[0], shape[1], m.Rows, m.Cols, len(m.Data))
		}
	}
	m := MatrixFrom(4, 2, []float64{0, 1, 10, 11, 20, 21, 30, 31})
	s := m.Slice(1, 3)
	if s.Rows != 2 || s.Cols != 2 || !slices.Equal(s.Data, []float64{10, 11, 20, 21}) {
		t.Errorf("rows [1, 3): %d×%d %v", s.Rows, s.Cols, s.Data)
	}
	s.Set(0, 1, -1) // a view: writes reach m
	if m.At(1, 1) != -1 {
		t.Errorf("slice does not share storage")
	}
	if e := m.Slice(2, 2); e.Rows != 0 || len(e.Data) != 0 {
		t.Errorf("rows [2, 2): %d rows, %d values", e.Rows, len(e.Data))
	}
	if e := m.Slice(4, 4); e.Rows != 0 {
		t.Errorf("rows [4, 4): %d rows", e.Rows)
	}
	for _, r := range [][2]int{{-1, 2}, {3, 2}, {0, 5}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Slice(%d, %d) of 4 rows did not panic", r[0], r[1])
				}
			}()
			m.Slice(r[0], r[1])
		}()
	}
}

// TestPredictInBatchesEqualsOneBatch: batches of 2 over 5 rows, the last one
// short, give the rows one batch gives, in order.
func TestPredictInBatchesEqualsOneBatch(t *testing.T) {
	model := NewSequential[float64](NewDense[float64](2, 3, NewRand(1)), TanhLayer[float64]())
	x := MatrixFrom(5, 2, []float64{1, 2, -1, 0.5, 0, 0, 3, -2, 0.25, 0.75})
	whole := Predict(model, x, 5)
	batched := Predict(model, x, 2)
	if whole.Rows != 5 || whole.Cols != 3 || !slices.Equal(batched.Data, whole.Data) {
		t.Errorf("batches of 2: %v\nwant %v", batched.Data, whole.Data)
	}
	for i := range 5 {
		if y := Predict(model, x.Slice(i, i+1), 1); !slices.Equal(y.Data, whole.Row(i)) {
			t.Errorf("row %d alone: %v, in the batch: %v", i, y.Data, whole.Row(i))
		}
	}
}

// TestConfusionMatrixSkipsLabelsOutOfRange: a true or predicted class
// outside 0..classes−1 (here = classes, and −1) is not counted.
func TestConfusionMatrixSkipsLabelsOutOfRange(t *testing.T) {
	cm := ConfusionMatrix([]int{0, 1, 1, 2, 0, -1}, []int{0, 2, 1, 1, -1, 0}, 2)
	want := [][]int{{1, 0}, {0, 1}}
	for i := range want {
		if !slices.Equal(cm[i], want[i]) {
			t.Errorf("confusion matrix %v, want %v", cm, want)
			break
		}
	}
}

// TestFromDenseAndFromRows: any gonum matrix — a view with a stride, a
// transpose — and rows of values become Matrices of either element type;
// ragged rows are an error.
func TestFromDenseAndFromRows(t *testing.T) {
	d := mat.NewDense(3, 4, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	view := d.Slice(1, 3, 1, 3) // rows 1–2, columns 1–2: a stride of 4
	if m := FromDense[float32](view); m.Rows != 2 || m.Cols != 2 || !slices.Equal(m.Data, []float32{6, 7, 10, 11}) {
		t.Errorf("FromDense of a view: %d×%d %v", m.Rows, m.Cols, m.Data)
	}
	if m := FromDense[float64](d.T()); m.Rows != 4 || !slices.Equal(m.Row(0), []float64{1, 5, 9}) {
		t.Errorf("FromDense of a transpose: %v", m.Data)
	}
	m, err := FromRows[float64]([][]float64{{1, 2}, {3, 4}, {5, 6}})
	if err != nil || m.Rows != 3 || !slices.Equal(m.Data, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("FromRows: %v, %v", m, err)
	}
	if _, err := FromRows[float32]([][]float64{{1, 2}, {3}}); err == nil || !strings.Contains(err.Error(), "row 1 has 1 values") {
		t.Errorf("ragged rows: %v", err)
	}
	if m, err := FromRows[float32](nil); err != nil || m.Rows != 0 {
		t.Errorf("no rows: %v, %v", m, err)
	}
}
