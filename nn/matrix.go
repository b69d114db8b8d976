package nn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/blas"
)

// Float is the element type of networks: float32 or float64.
type Float = blas.Float

// Matrix is a dense row-major matrix: element (i, j) is Data[i*Cols+j]. A batch
// of samples is a Matrix with one sample per row; a batch of sequences of
// shape (batch, steps, features), batch-first as in PyTorch, is a Matrix with
// Rows = batch and Cols = steps·features.
type Matrix[T Float] struct {
	Rows, Cols int
	Data       []T
}

// NewMatrix returns a zeroed rows×cols matrix. It panics if a dimension is
// negative or rows·cols overflows int.
func NewMatrix[T Float](rows, cols int) *Matrix[T] {
	return &Matrix[T]{Rows: rows, Cols: cols, Data: make([]T, elements(rows, cols))}
}

// MatrixFrom wraps data as a rows×cols matrix without copying.
func MatrixFrom[T Float](rows, cols int, data []T) *Matrix[T] {
	if n := elements(rows, cols); len(data) != n {
		panic(fmt.Sprintf("nn: %d elements for a %d×%d matrix", len(data), rows, cols))
	}
	return &Matrix[T]{Rows: rows, Cols: cols, Data: data}
}

// elements returns rows·cols, panicking on negative or overflowing sizes.
func elements(rows, cols int) int {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("nn: negative matrix dimension %d×%d", rows, cols))
	}
	if cols > 0 && rows > math.MaxInt/cols {
		panic(fmt.Sprintf("nn: a %d×%d matrix has more elements than an int can count", rows, cols))
	}
	return rows * cols
}

// mustMatrix panics with a message naming op when m is nil.
func mustMatrix[T Float](op string, m *Matrix[T]) {
	if m == nil {
		panic("nn: " + op + ": nil matrix")
	}
}

// At returns element (i, j).
func (m *Matrix[T]) At(i, j int) T { return m.Data[i*m.Cols+j] }

// Set sets element (i, j) to v.
func (m *Matrix[T]) Set(i, j int, v T) { m.Data[i*m.Cols+j] = v }

// Row returns row i as a slice that shares m's storage.
func (m *Matrix[T]) Row(i int) []T { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// Shape returns "rows×cols", for messages.
func (m *Matrix[T]) Shape() string { return fmt.Sprintf("%d×%d", m.Rows, m.Cols) }

// Clone returns a copy of m with its own storage.
func (m *Matrix[T]) Clone() *Matrix[T] {
	return &Matrix[T]{Rows: m.Rows, Cols: m.Cols, Data: append([]T(nil), m.Data...)}
}

// Slice returns rows [from, to) as a matrix sharing m's storage.
func (m *Matrix[T]) Slice(from, to int) *Matrix[T] {
	if from < 0 || to > m.Rows || from > to {
		panic(fmt.Sprintf("nn: rows [%d, %d) of a %s matrix", from, to, m.Shape()))
	}
	return &Matrix[T]{Rows: to - from, Cols: m.Cols, Data: m.Data[from*m.Cols : to*m.Cols]}
}

// resize makes m rows×cols, reusing its storage when it is large enough. The
// contents are unspecified afterwards. It is how layers keep their
// workspaces: a smaller final batch reuses the memory of the full ones.
func (m *Matrix[T]) resize(rows, cols int) *Matrix[T] {
	n := rows * cols
	if cap(m.Data) < n {
		m.Data = make([]T, n)
	}
	m.Rows, m.Cols, m.Data = rows, cols, m.Data[:n]
	return m
}

// Workspace returns w resized to rows×cols, allocating only when w is nil or
// too small. Layers outside this package use it for their reusable buffers.
func Workspace[T Float](w *Matrix[T], rows, cols int) *Matrix[T] {
	if w == nil {
		w = &Matrix[T]{}
	}
	return w.resize(rows, cols)
}

// ToDense copies a float64 matrix into a gonum *mat.Dense.
func ToDense(m *Matrix[float64]) *mat.Dense {
	return mat.NewDense(m.Rows, m.Cols, append([]float64(nil), m.Data...))
}

// FromDense copies any gonum matrix into a float32 or float64 Matrix, in
// one pass (a *mat.Dense is read row by row from its storage).
func FromDense[T Float](a mat.Matrix) *Matrix[T] {
	r, c := a.Dims()
	m := NewMatrix[T](r, c)
	if d, ok := a.(*mat.Dense); ok {
		raw := d.RawMatrix()
		for i := 0; i < r; i++ {
			for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+c] {
				m.Data[i*c+j] = T(v)
			}
		}
		return m
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Data[i*c+j] = T(a.At(i, j))
		}
	}
	return m
}

// FromRows copies rows of equal length into a float32 or float64 Matrix;
// rows of different lengths are an error naming the first.
func FromRows[T Float](rows [][]float64) (*Matrix[T], error) {
	if len(rows) == 0 {
		return NewMatrix[T](0, 0), nil
	}
	c := len(rows[0])
	m := NewMatrix[T](len(rows), c)
	for i, row := range rows {
		if len(row) != c {
			return nil, fmt.Errorf("nn: FromRows: row %d has %d values, row 0 has %d", i, len(row), c)
		}
		for j, v := range row {
			m.Data[i*c+j] = T(v)
		}
	}
	return m, nil
}

// Convert copies a matrix into another element type.
func Convert[To, From Float](m *Matrix[From]) *Matrix[To] {
	out := NewMatrix[To](m.Rows, m.Cols)
	for i, v := range m.Data {
		out.Data[i] = To(v)
	}
	return out
}

// mustSameShape panics unless a and b have the same shape.
func mustSameShape[T Float](op string, a, b *Matrix[T]) {
	mustMatrix(op, a)
	mustMatrix(op, b)
	if a.Rows != b.Rows || a.Cols != b.Cols {
		panic(fmt.Sprintf("nn: %s: shape mismatch %s and %s", op, a.Shape(), b.Shape()))
	}
}
