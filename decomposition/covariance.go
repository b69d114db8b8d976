package decomposition

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/blas"
)

// rowMajor copies a into a new row-major slice after checking that every
// entry is finite; what names the argument in errors.
func rowMajor(what string, a mat.Matrix) (data []float64, n, p int, err error) {
	n, p = a.Dims()
	data = make([]float64, n*p)
	if d, ok := a.(*mat.Dense); ok {
		raw := d.RawMatrix()
		for i := 0; i < n; i++ {
			copy(data[i*p:(i+1)*p], raw.Data[i*raw.Stride:i*raw.Stride+p])
		}
	} else {
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				data[i*p+j] = a.At(i, j)
			}
		}
	}
	for k, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, 0, 0, fmt.Errorf("decomposition: %s has %v at row %d, column %d", what, v, k/p, k%p)
		}
	}
	return data, n, p, nil
}

// center subtracts the column means from the n×p row-major data in place and
// returns the means.
func center(data []float64, n, p int) []float64 {
	mean := make([]float64, p)
	for i := 0; i < n; i++ {
		blas.Axpy(1, data[i*p:(i+1)*p], mean)
	}
	blas.Scal(1/float64(n), mean)
	for i := 0; i < n; i++ {
		blas.Axpy(-1, mean, data[i*p:(i+1)*p])
	}
	return mean
}

// view is read-only row-major access to a mat.Matrix: the storage of a
// *mat.Dense itself, or a copy of any other matrix.
type view struct {
	data   []float64
	stride int
	n, p   int
	what   string
}

// viewOf returns a view of a. A *mat.Dense is used in place and its entries
// are checked for NaN and Inf by meanChecked (or checkFinite); other matrices
// are copied and checked here.
func viewOf(what string, a mat.Matrix) (view, error) {
	if d, ok := a.(*mat.Dense); ok {
		raw := d.RawMatrix()
		v := view{data: raw.Data, stride: raw.Stride, n: raw.Rows, p: raw.Cols, what: what}
		if v.p == 0 {
			v.stride = 1
		}
		return v, nil // checked by meanChecked or checkFinite, in the pass that needs the data anyway
	}
	data, n, p, err := rowMajor(what, a)
	return view{data: data, stride: max(p, 1), n: n, p: p, what: what}, err
}

func (v view) row(i int) []float64 { return v.data[i*v.stride : i*v.stride+v.p] }

// checkFinite returns an error naming the first NaN or Inf. It sums each
// row, which is NaN exactly when the row holds a NaN or infinities, and
// looks at the entries only then: one fast pass over the data.
func (v view) checkFinite() error {
	for i := 0; i < v.n; i++ {
		r := v.row(i)
		var s float64
		for _, x := range r {
			s += x * 0 // NaN for NaN and ±Inf, 0 otherwise
		}
		if s == 0 {
			continue
		}
		for j, x := range r {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("decomposition: %s has %v at row %d, column %d", v.what, x, i, j)
			}
		}
	}
	return nil
}

// mean returns the column means.
func (v view) mean() []float64 {
	mean := make([]float64, v.p)
	for i := 0; i < v.n; i++ {
		blas.Axpy(1, v.row(i), mean)
	}
	blas.Scal(1/float64(v.n), mean)
	return mean
}

// meanChecked returns the column means, or an error naming the first NaN or
// Inf of the data: a non-finite entry makes its column's mean non-finite, so
// only then is the data searched.
func (v view) meanChecked() ([]float64, error) {
	mean := v.mean()
	for _, m := range mean {
		if math.IsNaN(m) || math.IsInf(m, 0) {
			if err := v.checkFinite(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("decomposition: %s: column sums overflow (values near the float64 limit)", v.what)
		}
	}
	return mean, nil
}

// blockRows is the number of rows centred at a time by comoment: large
// enough for an efficient Dsyrk, small enough to stay in cache and to avoid
// allocating a centred copy of the whole data.
const blockRows = 2048

// comoment returns X_cᵀX_c (p×p, full) for the centred rows x − mean,
// accumulated by Dsyrk over blocks of centred rows. Columns that hold one
// value in every row (MNIST's 67 blank border pixels, a sensor that never
// moved) have exactly zero rows and columns in X_cᵀX_c, so they are left out
// of the product: the Dsyrk runs over the q varying columns, at (q/p)² of
// the cost, and its entries are scattered into the p×p result.
func (v view) comoment(mean []float64) []float64 {
	p := v.p
	live := v.varyingColumns()
	q := len(live)
	if q == 0 {
		return make([]float64, p*p)
	}
	cq := make([]float64, q*q)
	// The varying columns as runs of consecutive ones, copied a run at a
	// time, and their means.
	var runs [][2]int // first column, length
	liveMean := make([]float64, q)
	for a, j := range live {
		if a > 0 && live[a-1] == j-1 {
			runs[len(runs)-1][1]++
		} else {
			runs = append(runs, [2]int{j, 1})
		}
		liveMean[a] = mean[j]
	}
	block := make([]float64, min(blockRows, v.n)*q)
	for from := 0; from < v.n; from += blockRows {
		rows := min(blockRows, v.n-from)
		for i := 0; i < rows; i++ {
			dst, r := block[i*q:(i+1)*q], v.row(from+i)
			at := 0
			for _, run := range runs {
				at += copy(dst[at:], r[run[0]:run[0]+run[1]])
			}
			blas.Axpy(-1, liveMean, dst)
		}
		blas.Syrk(blas.Upper, blas.Trans, q, rows, 1, block, max(q, 1), 1, cq, max(q, 1))
	}
	if q == p {
		blas.Symmetrize(blas.Upper, p, cq, p)
		return cq
	}
	c := make([]float64, p*p)
	for a, i := range live {
		for b, j := range live[a:] {
			x := cq[a*q+a+b]
			c[i*p+j], c[j*p+i] = x, x
		}
	}
	return c
}

// varyingColumns returns, in increasing order, the columns whose values are
// not all equal to the first row's. Each row is compared on the columns
// still constant after the rows before it, so the pass stops early when
// every column varies and costs one comparison per row and constant column
// otherwise.
func (v view) varyingColumns() []int {
	if v.n == 0 {
		return nil
	}
	first := v.row(0)
	varies := make([]bool, v.p)
	constant := make([]int, v.p)
	for j := range constant {
		constant[j] = j
	}
	for i := 1; i < v.n && len(constant) > 0; i++ {
		r, still := v.row(i), constant[:0]
		for _, j := range constant {
			if r[j] == first[j] {
				still = append(still, j)
			} else {
				varies[j] = true
			}
		}
		constant = still
	}
	live := make([]int, 0, v.p)
	for j, ok := range varies {
		if ok {
			live = append(live, j)
		}
	}
	return live
}

// centered returns a new row-major copy of the centred data.
func (v view) centered(mean []float64) []float64 {
	out := make([]float64, v.n*v.p)
	for i := 0; i < v.n; i++ {
		v.centerRow(out[i*v.p:(i+1)*v.p], i, mean)
	}
	return out
}

// centerRow writes row i minus mean into dst.
func (v view) centerRow(dst []float64, i int, mean []float64) {
	copy(dst, v.row(i))
	blas.Axpy(-1, mean, dst)
}

// Covariance returns the p×p sample covariance matrix of the rows of X,
// C = X_cᵀX_c/(n − ddof) with X_c the column-centred data: ddof 0 gives the
// lecture's 1/n, ddof 1 NumPy's np.cov(X, rowvar=False). It is one Dsyrk of
// the centred data.
func Covariance(X mat.Matrix, ddof int) (*mat.SymDense, error) {
	var m Moments
	if err := m.Add(X); err != nil {
		return nil, err
	}
	return m.covariance(ddof, false)
}

// Correlation returns the p×p Pearson correlation matrix of the columns of
// X, as pandas' DataFrame.corr(): the covariance divided by the product of
// the standard deviations, with an exact 1 on the diagonal. A constant
// column has no correlation and is an error naming it.
func Correlation(X mat.Matrix) (*mat.SymDense, error) {
	cov, err := Covariance(X, 1)
	if err != nil {
		return nil, err
	}
	return correlationOf(cov)
}

// correlationOf turns a covariance matrix into the correlation matrix, in
// place.
func correlationOf(cov *mat.SymDense) (*mat.SymDense, error) {
	p := cov.SymmetricDim()
	std := make([]float64, p)
	for j := range std {
		std[j] = math.Sqrt(cov.At(j, j))
		if std[j] == 0 {
			return nil, fmt.Errorf("decomposition: column %d is constant: its correlation is undefined", j)
		}
	}
	raw := cov.RawSymmetric()
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			v := raw.Data[i*raw.Stride+j] / (std[i] * std[j])
			if i == j {
				v = 1
			}
			v = max(-1, min(1, v))
			raw.Data[i*raw.Stride+j] = v
			raw.Data[j*raw.Stride+i] = v
		}
	}
	return cov, nil
}

// Standardize returns X with each column centred and divided by its standard
// deviation (ddof 0, as sklearn.preprocessing.StandardScaler), so that PCA of
// the result is PCA of the correlation matrix. A constant column is an error.
func Standardize(X mat.Matrix) (*mat.Dense, error) {
	data, n, p, err := rowMajor("X", X)
	if err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, fmt.Errorf("decomposition: standardising %d samples: need at least 2", n)
	}
	center(data, n, p)
	for j := 0; j < p; j++ {
		var ss float64
		for i := 0; i < n; i++ {
			ss += data[i*p+j] * data[i*p+j]
		}
		sd := math.Sqrt(ss / float64(n))
		if sd == 0 {
			return nil, fmt.Errorf("decomposition: column %d is constant: it cannot be standardised", j)
		}
		for i := 0; i < n; i++ {
			data[i*p+j] /= sd
		}
	}
	return mat.NewDense(n, p, data), nil
}
