package lapack

import (
	"math"
	"slices"
)

// eigSymSpectrum computes all eigenvalues (descending) and the
// eigenvectors of the k largest from one tridiagonal reduction: sytrd gives
// T = Qᵀ A Q, sterf T's eigenvalues, inverse iteration the k eigenvectors
// of T (tridiagonalVectors), and ormtr applies Q to them. Computing every
// eigenvector instead (Dsyevd, Dsyev) costs O(n³) for the n − k that are
// thrown away: BenchmarkEigSymSpectrum50 takes about half of
// BenchmarkEigSym with OpenBLAS. With more than n/4 vectors it computes
// all eigenpairs.
func eigSymSpectrum(n, k int, a []float64, lda int, values, vectors []float64, ldv int) bool {
	if 4*k > n {
		return fullEigenpairs(n, k, a, lda, values, vectors, ldv)
	}
	d, e, tau := make([]float64, n), make([]float64, n-1), make([]float64, n-1)
	if !sytrd(n, a, lda, d, e, tau) {
		return false
	}
	copy(values, d)
	if !sterf(values[:n], slices.Clone(e)) {
		return false
	}
	slices.Reverse(values[:n])
	if k == 0 {
		return true
	}
	x := make([]float64, n*k)
	tridiagonalVectors(d, e, values[:k], x, k)
	if !ormtr(n, k, a, lda, tau, x) {
		return false
	}
	for i := 0; i < n; i++ {
		copy(vectors[i*ldv:i*ldv+k], x[i*k:(i+1)*k])
	}
	return true
}

// tridiagonalVectors computes, by inverse iteration, unit eigenvectors of
// the symmetric tridiagonal matrix T with diagonal d (n) and off-diagonal
// e (n−1) for its eigenvalues lambda (descending, as Dsterf found them),
// into the columns of x (n × len(lambda), row-major, leading dimension
// ldx). It is LAPACK's Dstein in outline: T − λI is factored with partial
// pivoting, a fixed start vector is solved against it four times, each
// time orthogonalised (modified Gram–Schmidt) against the vectors already
// found for eigenvalues closer than 10⁻³‖T‖, whose directions inverse
// iteration alone cannot tell apart; equal eigenvalues are pulled apart by
// 10 ε‖T‖ first. Its cost is O(n) per vector and iteration, where
// computing all vectors (Dsteqr) costs O(n³).
func tridiagonalVectors(d, e, lambda []float64, x []float64, ldx int) {
	n, k := len(d), len(lambda)
	var norm float64 // ‖T‖₁
	for i := range d {
		row := math.Abs(d[i])
		if i > 0 {
			row += math.Abs(e[i-1])
		}
		if i < n-1 {
			row += math.Abs(e[i])
		}
		norm = max(norm, row)
	}
	if norm == 0 {
		norm = 1
	}
	const eps = 0x1p-52
	orthTol, separation, tiny := 1e-3*norm, 10*eps*norm, eps*norm
	f := newTridiagonalLU(n)
	v := make([]float64, n)
	prev := math.Inf(1)
	first := 0 // the first vector of the current cluster
	for j := 0; j < k; j++ {
		l := lambda[j]
		if prev-l < separation {
			l = prev - separation // below the one before: lambda descends
		}
		if prev-l > orthTol {
			first = j
		}
		prev = l
		f.factor(d, e, l, tiny)
		for i := range v {
			// A start with every component, fixed so that the result
			// is deterministic.
			v[i] = 1 + 0.5*math.Sin(float64(3*i+j+1))
		}
		for it := 0; it < 4; it++ {
			f.solve(v)
			for c := first; c < j; c++ {
				var dot float64
				for i := range v {
					dot += v[i] * x[i*ldx+c]
				}
				for i := range v {
					v[i] -= dot * x[i*ldx+c]
				}
			}
			var s float64
			for _, vi := range v {
				s += vi * vi
			}
			s = 1 / math.Sqrt(s)
			for i := range v {
				v[i] *= s
			}
		}
		for i, vi := range v {
			x[i*ldx+j] = vi
		}
	}
}

// tridiagonalLU is the factorisation P(T − λI) = LU of a tridiagonal
// matrix with partial pivoting: U has a diagonal and two superdiagonals,
// L the multipliers of the eliminations, swapped[i] whether rows i and
// i+1 were exchanged.
type tridiagonalLU struct {
	u0, u1, u2, mult []float64
	swapped          []bool
}

func newTridiagonalLU(n int) *tridiagonalLU {
	return &tridiagonalLU{u0: make([]float64, n), u1: make([]float64, n), u2: make([]float64, n), mult: make([]float64, n), swapped: make([]bool, n)}
}

// factor factors T − λI; pivots smaller than tiny become tiny, so that
// the solve grows the eigenvector's direction instead of failing.
func (f *tridiagonalLU) factor(d, e []float64, lambda, tiny float64) {
	n := len(d)
	a0, a1, a2 := d[0]-lambda, 0.0, 0.0 // the current row, from its diagonal on
	if n > 1 {
		a1 = e[0]
	}
	for i := 0; i < n-1; i++ {
		// The next row: e_i, d_{i+1} − λ, e_{i+1}.
		c, b0, b1 := e[i], d[i+1]-lambda, 0.0
		if i+1 < n-1 {
			b1 = e[i+1]
		}
		if math.Abs(a0) >= math.Abs(c) {
			if a0 == 0 {
				a0 = tiny
			}
			m := c / a0
			f.u0[i], f.u1[i], f.u2[i], f.mult[i], f.swapped[i] = a0, a1, a2, m, false
			a0, a1, a2 = b0-m*a1, b1-m*a2, 0
		} else {
			m := a0 / c
			f.u0[i], f.u1[i], f.u2[i], f.mult[i], f.swapped[i] = c, b0, b1, m, true
			a0, a1, a2 = a1-m*b0, a2-m*b1, 0
		}
	}
	if math.Abs(a0) < tiny {
		a0 = math.Copysign(tiny, a0)
	}
	f.u0[n-1] = a0
}

// solve overwrites b with the solution of (T − λI) x = b.
func (f *tridiagonalLU) solve(b []float64) {
	n := len(b)
	for i := 0; i < n-1; i++ {
		if f.swapped[i] {
			b[i], b[i+1] = b[i+1], b[i]
		}
		b[i+1] -= f.mult[i] * b[i]
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		if i+1 < n {
			s -= f.u1[i] * b[i+1]
		}
		if i+2 < n {
			s -= f.u2[i] * b[i+2]
		}
		b[i] = s / f.u0[i]
	}
}
