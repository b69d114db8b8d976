package decomposition

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/blas"
)

// Moments are the mergeable statistics of a set of rows of p values: the
// count n, the mean μ and the co-moment matrix M = Σ (x − μ)(x − μ)ᵀ (p×p).
// Add takes rows, Merge takes the Moments of other rows — another chunk,
// another worker — by the pairwise update of Chan, Golub and LeVeque:
//
//	n = n_a + n_b,  δ = μ_b − μ_a,  μ = μ_a + δ n_b/n,
//	M = M_a + M_b + δδᵀ n_a n_b/n,
//
// which is exact up to rounding in any order. They give the covariance and
// the correlation matrices and, through IncrementalPCA, the PCA; their
// binary encoding carries them between processes. The zero value holds no
// rows.
type Moments struct {
	n, p     int
	mean     []float64
	comoment []float64 // p×p, full
}

// N returns the number of rows added.
func (m *Moments) N() int { return m.n }

// Features returns p, the values per row (0 before any row).
func (m *Moments) Features() int { return m.p }

// Mean returns a copy of the mean.
func (m *Moments) Mean() []float64 { return slices.Clone(m.mean) }

// Add adds the rows of X. Rows with NaN or ±Inf are an error naming them,
// and nothing is added.
func (m *Moments) Add(X mat.Matrix) error {
	v, err := viewOf("X", X)
	if err != nil {
		return err
	}
	if v.n == 0 {
		return nil
	}
	if m.p != 0 && v.p != m.p {
		return fmt.Errorf("decomposition: rows of %d columns added to the statistics of %d columns", v.p, m.p)
	}
	mean, err := v.meanChecked()
	if err != nil {
		return err
	}
	m.merge(v.n, v.p, mean, v.comoment(mean))
	return nil
}

// Merge adds the statistics of other, which is left as it is.
func (m *Moments) Merge(other *Moments) error {
	if other.n == 0 {
		return nil
	}
	if m.p != 0 && other.p != m.p {
		return fmt.Errorf("decomposition: merging moments of %d values into %d", other.p, m.p)
	}
	m.merge(other.n, other.p, slices.Clone(other.mean), slices.Clone(other.comoment))
	return nil
}

// merge adds nb rows of mean meanB and co-moment mB, taking ownership of
// both slices.
func (m *Moments) merge(nb, p int, meanB, mB []float64) {
	if m.n == 0 {
		m.n, m.p, m.mean, m.comoment = nb, p, meanB, mB
		return
	}
	na := m.n
	n := na + nb
	delta := meanB // δ = μ_b − μ_a, in meanB's storage
	blas.Axpy(-1, m.mean, delta)
	blas.Axpy(float64(nb)/float64(n), delta, m.mean)
	blas.Axpy(1, mB, m.comoment)
	// M += δδᵀ n_a n_b / n, a rank-1 update.
	blas.Gemm(blas.NoTrans, blas.NoTrans, p, p, 1, float64(na)*float64(nb)/float64(n), delta, 1, delta, p, 1, m.comoment, p)
	m.n = n
}

// Covariance returns M/(n − ddof), as decomposition.Covariance of all the
// rows added.
func (m *Moments) Covariance(ddof int) (*mat.SymDense, error) { return m.covariance(ddof, true) }

// covariance scales the co-moment by 1/(n − ddof), in a copy, or in place
// when the moments are not kept (Covariance of a matrix).
func (m *Moments) covariance(ddof int, keep bool) (*mat.SymDense, error) {
	if ddof < 0 || m.n-ddof < 1 {
		return nil, fmt.Errorf("decomposition: covariance of %d samples with ddof %d: need n − ddof ≥ 1 and ddof ≥ 0", m.n, ddof)
	}
	c := m.comoment
	if keep {
		c = slices.Clone(c)
	}
	blas.Scal(1/float64(m.n-ddof), c)
	return mat.NewSymDense(m.p, c), nil
}

// Correlation returns the Pearson correlation matrix of all the rows added,
// as decomposition.Correlation.
func (m *Moments) Correlation() (*mat.SymDense, error) {
	cov, err := m.Covariance(1)
	if err != nil {
		return nil, err
	}
	return correlationOf(cov)
}

// momentsMagic starts the binary encoding: "PHYSMLM" and a version byte.
const momentsMagic = "PHYSMLM\x01"

// MarshalBinary encodes the moments: the magic "PHYSMLM\x01", n and p as
// little-endian uint64, then the p means and the p² co-moments as
// little-endian float64.
func (m *Moments) MarshalBinary() ([]byte, error) {
	out := make([]byte, 0, len(momentsMagic)+16+8*(len(m.mean)+len(m.comoment)))
	out = append(out, momentsMagic...)
	out = binary.LittleEndian.AppendUint64(out, uint64(m.n))
	out = binary.LittleEndian.AppendUint64(out, uint64(m.p))
	for _, v := range append(slices.Clone(m.mean), m.comoment...) {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
	}
	return out, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote, refusing anything else —
// a wrong magic, a size that does not match p exactly, a negative or
// overflowing count, a non-finite value — without allocating more than the
// data's size.
func (m *Moments) UnmarshalBinary(data []byte) error {
	head := len(momentsMagic) + 16
	if len(data) < head || string(data[:len(momentsMagic)]) != momentsMagic {
		return errors.New("decomposition: not encoded moments (magic PHYSMLM\\x01 missing)")
	}
	n, p := binary.LittleEndian.Uint64(data[len(momentsMagic):]), binary.LittleEndian.Uint64(data[len(momentsMagic)+8:])
	values := uint64(len(data)-head) / 8
	// p + p² values, checked without overflow: p ≤ √values.
	if uint64(len(data)-head)%8 != 0 || p > uint64(math.Sqrt(float64(values)))+1 || p+p*p != values {
		return fmt.Errorf("decomposition: encoded moments of p = %d need %d bytes after the header, not %d", p, 8*(p+p*p), len(data)-head)
	}
	if n > math.MaxInt32*uint64(1<<20) || (n == 0) != (p == 0) {
		return fmt.Errorf("decomposition: encoded moments of %d rows of %d values", n, p)
	}
	vals := make([]float64, values)
	for i := range vals {
		vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[head+8*i:]))
		if math.IsNaN(vals[i]) || math.IsInf(vals[i], 0) {
			return fmt.Errorf("decomposition: encoded moments hold a non-finite value (%v) at %d", vals[i], i)
		}
	}
	m.n, m.p, m.mean, m.comoment = int(n), int(p), vals[:p], vals[p:]
	if p == 0 {
		m.mean, m.comoment = nil, nil
	}
	return nil
}
