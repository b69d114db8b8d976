package lapack

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

// randSym returns a random symmetric n×n matrix with leading dimension ld.
func randSym(rng *rand.Rand, n, ld int) []float64 {
	a := make([]float64, n*ld)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := rng.NormFloat64()
			a[i*ld+j], a[j*ld+i] = v, v
		}
	}
	return a
}

func randMatrix(rng *rand.Rand, m, n, ld int) []float64 {
	a := make([]float64, m*ld)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			a[i*ld+j] = rng.NormFloat64()
		}
	}
	return a
}

// checkOrthonormalColumns checks VᵀV = I for the m×k matrix v.
func checkOrthonormalColumns(t *testing.T, what string, m, k int, v []float64, ld int, tol float64) {
	t.Helper()
	for p := 0; p < k; p++ {
		for q := 0; q < k; q++ {
			var s float64
			for i := 0; i < m; i++ {
				s += v[i*ld+p] * v[i*ld+q]
			}
			want := 0.0
			if p == q {
				want = 1
			}
			if !numcheck.Within(math.Abs(s-want), tol) {
				t.Fatalf("%s: column %d · column %d = %g, want %g", what, p, q, s, want)
			}
		}
	}
}

// checkSignConvention checks that the first largest-magnitude entry of each
// column is positive.
func checkSignConvention(t *testing.T, what string, m, k int, v []float64, ld int) {
	t.Helper()
	for j := 0; j < k; j++ {
		best, bestAbs := 0, -1.0
		for i := 0; i < m; i++ {
			if a := math.Abs(v[i*ld+j]); a > bestAbs {
				best, bestAbs = i, a
			}
		}
		if !(v[best*ld+j] > 0) {
			t.Fatalf("%s: column %d has its largest entry %g negative", what, j, v[best*ld+j])
		}
	}
}

func checkDescending(t *testing.T, what string, x []float64) {
	t.Helper()
	for i := 1; i < len(x); i++ {
		if !(x[i] <= x[i-1]) {
			t.Fatalf("%s: not descending at %d: %g > %g", what, i, x[i], x[i-1])
		}
	}
}

// checkEigenpairs checks A·v_j = λ_j v_j for the k columns of vectors.
func checkEigenpairs(t *testing.T, what string, n, k int, a []float64, lda int, values, vectors []float64, ldv int, tol float64) {
	t.Helper()
	var worst numcheck.Worst
	for j := 0; j < k; j++ {
		for i := 0; i < n; i++ {
			var av float64
			for l := 0; l < n; l++ {
				av += a[i*lda+l] * vectors[l*ldv+j]
			}
			worst.Add(math.Abs(av - values[j]*vectors[i*ldv+j]))
		}
	}
	if !numcheck.Within(float64(worst), tol) {
		t.Fatalf("%s: |A·V − V·Λ| reaches %g > %g", what, worst, tol)
	}
}

func TestEigSym(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 7, 50} {
		lda, ldv := n+2, n+1
		a := randSym(rng, n, lda)
		orig := append([]float64(nil), a...)
		values := make([]float64, n)
		vectors := make([]float64, n*ldv)
		if !EigSym(n, a, lda, values, vectors, ldv) {
			t.Fatalf("n=%d: no convergence", n)
		}
		what := fmt.Sprintf("EigSym n=%d", n)
		checkDescending(t, what, values)
		checkOrthonormalColumns(t, what, n, n, vectors, ldv, 1e-12)
		checkSignConvention(t, what, n, n, vectors, ldv)
		checkEigenpairs(t, what, n, n, orig, lda, values, vectors, ldv, 1e-11)
		only := make([]float64, n)
		if !EigSymValues(n, append([]float64(nil), orig...), lda, only) {
			t.Fatalf("n=%d: EigSymValues did not converge", n)
		}
		numcheck.Close(t, fmt.Sprintf("EigSymValues n=%d", n), only, values, 1e-12)

		for _, k := range []int{1, n / 2, n} {
			if k == 0 {
				continue
			}
			b := append([]float64(nil), orig...)
			topValues := make([]float64, k)
			topVectors := make([]float64, n*(k+3))
			if !EigSymTop(n, k, b, lda, topValues, topVectors, k+3) {
				t.Fatalf("n=%d k=%d: no convergence", n, k)
			}
			what := fmt.Sprintf("EigSymTop n=%d k=%d", n, k)
			// Measured: values 2.1e-14, vectors 2.9e-14 apart.
			numcheck.Close(t, what+" values", topValues, values[:k], 1e-12)
			var worst numcheck.Worst
			for j := 0; j < k; j++ {
				for i := 0; i < n; i++ {
					worst.Add(math.Abs(topVectors[i*(k+3)+j] - vectors[i*ldv+j]))
				}
			}
			if !numcheck.Within(float64(worst), 1e-12) {
				t.Fatalf("%s: vectors differ from EigSym's by %g", what, worst)
			}
			t.Logf("%s: vectors within %.2g of EigSym's", what, worst)
			checkOrthonormalColumns(t, what, n, k, topVectors, k+3, 1e-12)
		}
	}
}

func TestSVD(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, dims := range [][2]int{{1, 1}, {5, 3}, {3, 5}, {40, 17}, {17, 40}} {
		m, n := dims[0], dims[1]
		r := min(m, n)
		lda, ldu, ldvt := n+1, r+2, n+3
		a := randMatrix(rng, m, n, lda)
		orig := append([]float64(nil), a...)
		s := make([]float64, r)
		u := make([]float64, m*ldu)
		vt := make([]float64, r*ldvt)
		if !SVD(m, n, a, lda, s, u, ldu, vt, ldvt) {
			t.Fatalf("%d×%d: no convergence", m, n)
		}
		what := fmt.Sprintf("SVD %d×%d", m, n)
		checkDescending(t, what, s)
		checkOrthonormalColumns(t, what+" U", m, r, u, ldu, 1e-12)
		// Rows of Vᵀ are orthonormal: check the columns of V = (Vᵀ)ᵀ.
		v := make([]float64, n*r)
		for i := 0; i < r; i++ {
			for j := 0; j < n; j++ {
				v[j*r+i] = vt[i*ldvt+j]
			}
		}
		checkOrthonormalColumns(t, what+" V", n, r, v, r, 1e-12)
		checkSignConvention(t, what+" V", n, r, v, r)
		var worst numcheck.Worst
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var usv float64
				for l := 0; l < r; l++ {
					usv += u[i*ldu+l] * s[l] * vt[l*ldvt+j]
				}
				worst.Add(math.Abs(usv - orig[i*lda+j]))
			}
		}
		if !numcheck.Within(float64(worst), 1e-12) {
			t.Fatalf("%s: |UΣVᵀ − A| reaches %g", what, worst)
		}
		t.Logf("%s: |UΣVᵀ − A| ≤ %.2g", what, worst)
	}
}

func TestQR(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, dims := range [][2]int{{1, 1}, {6, 6}, {30, 7}, {300, 40}, {50, 50}, {70, 33}} { // beyond 16 columns, the blocked QR
		m, n := dims[0], dims[1]
		lda := n + 2
		a := randMatrix(rng, m, n, lda)
		orig := append([]float64(nil), a...)
		QR(m, n, a, lda)
		what := fmt.Sprintf("QR %d×%d", m, n)
		checkOrthonormalColumns(t, what, m, n, a, lda, 1e-12)
		// A = Q R with R = QᵀA upper triangular: Q's first j columns span
		// A's first j columns (so R is triangular), and QQᵀA = A.
		r := make([]float64, n*n) // R = QᵀA
		for l := 0; l < n; l++ {
			for j := 0; j < n; j++ {
				for p := 0; p < m; p++ {
					r[l*n+j] += a[p*lda+l] * orig[p*lda+j]
				}
			}
		}
		var below, residual numcheck.Worst
		for l := 0; l < n; l++ {
			for j := 0; j < l; j++ {
				below.Add(math.Abs(r[l*n+j]))
			}
		}
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var qr float64
				for l := 0; l < n; l++ {
					qr += a[i*lda+l] * r[l*n+j]
				}
				residual.Add(math.Abs(qr - orig[i*lda+j]))
			}
		}
		if !numcheck.Within(float64(below), 1e-13) || !numcheck.Within(float64(residual), 1e-13) {
			t.Fatalf("%s: R = QᵀA has %g below its diagonal; |QR − A| reaches %g", what, below, residual)
		}
		t.Logf("%s: below the diagonal of R %.2g, |QR − A| %.2g", what, below, residual)
	}
}

func TestShapeErrorsPanicWithSizes(t *testing.T) {
	defer func() {
		want := "lapack: SVD: vt is 2×3 but leading dimension is 2"
		if r := recover(); r != want {
			t.Errorf("panic = %v, want %q", r, want)
		}
	}()
	SVD(2, 3, make([]float64, 6), 3, make([]float64, 2), make([]float64, 4), 2, make([]float64, 6), 2)
}

// mustPanic checks that fn panics with a message containing want.
func mustPanic(t *testing.T, name, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		msg, _ := recover().(string)
		if !strings.HasPrefix(msg, "lapack: ") || !strings.Contains(msg, want) {
			t.Errorf("%s: panic %q, want one mentioning %q", name, msg, want)
		}
	}()
	fn()
}

// TestEmptyProblemsAreNoOps: zero-sized calls succeed without touching
// anything.
func TestEmptyProblemsAreNoOps(t *testing.T) {
	if !EigSym(0, nil, 1, nil, nil, 1) {
		t.Error("EigSym of a 0×0 matrix failed")
	}
	a := randSym(rand.New(rand.NewPCG(1, 1)), 3, 3)
	if !EigSymTop(3, 0, a, 3, nil, nil, 1) {
		t.Error("EigSymTop with k = 0 failed")
	}
	if !SVD(0, 4, nil, 4, nil, nil, 1, nil, 4) || !SVD(4, 0, nil, 1, nil, nil, 1, nil, 1) {
		t.Error("SVD of an empty matrix failed")
	}
	QR(3, 0, make([]float64, 3), 1)
}

// TestSlicesOfTheExactLengthAreAccepted: a row-major m×n matrix with
// leading dimension ld needs (m−1)·ld + n elements — not m·ld — and one
// fewer is a panic that names the sizes.
func TestSlicesOfTheExactLengthAreAccepted(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const m, n, ld = 5, 3, 4
	exact := func(rows, cols, ld int) []float64 { return randMatrix(rng, rows, cols, ld)[:(rows-1)*ld+cols] }
	s := make([]float64, n)
	if !SVD(m, n, exact(m, n, ld), ld, s, exact(m, n, n+1), n+1, exact(n, n, n+2), n+2) {
		t.Fatal("SVD with exact-length slices failed")
	}
	QR(m, n, exact(m, n, ld), ld)
	sym := randSym(rng, n, ld)[:(n-1)*ld+n]
	if !EigSym(n, sym, ld, make([]float64, n), exact(n, n, ld), ld) {
		t.Fatal("EigSym with exact-length slices failed")
	}
	mustPanic(t, "SVD a one short", "only 18 elements", func() {
		SVD(m, n, make([]float64, (m-1)*ld+n-1), ld, s, make([]float64, m*n), n, make([]float64, n*n), n)
	})
	mustPanic(t, "QR one short", "only 18 elements", func() { QR(m, n, make([]float64, (m-1)*ld+n-1), ld) })
	mustPanic(t, "EigSym vectors one short", "vectors is 3×3", func() {
		EigSym(n, make([]float64, n*n), n, make([]float64, n), make([]float64, n*n-1), n)
	})
	mustPanic(t, "EigSym values short", "len(values) = 2 < 3", func() { EigSym(n, make([]float64, n*n), n, make([]float64, n-1), make([]float64, n*n), n) })
	mustPanic(t, "negative size", "negative dimension", func() { QR(-1, 2, nil, 2) })
	mustPanic(t, "negative columns", "negative dimension", func() { EigSym(-2, nil, 1, nil, nil, 1) })
	mustPanic(t, "EigSymTop k > n", "k = 4 outside [0, n = 3]", func() { EigSymTop(3, 4, make([]float64, 9), 3, make([]float64, 4), make([]float64, 12), 4) })
	mustPanic(t, "EigSymTop k < 0", "k = -1 outside", func() { EigSymTop(3, -1, make([]float64, 9), 3, nil, nil, 1) })
	mustPanic(t, "QR m < n", "m = 2 < n = 3", func() { QR(2, 3, make([]float64, 6), 3) })
}

// withSpectrum returns Q·diag(values)·Qᵀ for a random orthogonal Q: a
// symmetric n×n matrix of the given eigenvalues.
func withSpectrum(rng *rand.Rand, values []float64) []float64 {
	n := len(values)
	q := randMatrix(rng, n, n, n)
	QR(n, n, q, n)
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for l, v := range values {
				s += q[i*n+l] * v * q[j*n+l]
			}
			a[i*n+j] = s
		}
	}
	for i := 0; i < n; i++ { // exactly symmetric
		for j := i + 1; j < n; j++ {
			a[j*n+i] = a[i*n+j]
		}
	}
	return a
}

// TestEigSymSpectrum: every eigenvalue as EigSym gives it, and the top k
// vectors as its columns where the eigenvalues are apart; where they are
// equal or close (a cluster, and the zero tail of a covariance of fewer
// samples than features) the vectors are eigenvectors, orthonormal, signed
// by the convention.
func TestEigSymSpectrum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	clustered := []float64{9, 5, 5, 5, 4.999999, 3, 2e-3, 1e-3}
	for len(clustered) < 120 {
		clustered = append(clustered, 0)
	}
	for name, a := range map[string][]float64{
		"random 200":    randSym(rng, 200, 200),
		"clustered 120": withSpectrum(rng, clustered),
	} {
		n := int(math.Sqrt(float64(len(a))))
		for _, k := range []int{0, 1, 8, 30, 40, n} {
			all, vecs := make([]float64, n), make([]float64, n*n)
			if !EigSym(n, append([]float64(nil), a...), n, all, vecs, n) {
				t.Fatal("EigSym did not converge")
			}
			values, vectors := make([]float64, n), make([]float64, n*(k+1))
			if !EigSymSpectrum(n, k, append([]float64(nil), a...), n, values, vectors, k+1) {
				t.Fatalf("%s k=%d: no convergence", name, k)
			}
			what := fmt.Sprintf("EigSymSpectrum %s k=%d", name, k)
			checkDescending(t, what, values)
			numcheck.Close(t, what+" values", values, all, 1e-12)
			checkOrthonormalColumns(t, what, n, k, vectors, k+1, 1e-12)
			checkSignConvention(t, what, n, k, vectors, k+1)
			checkEigenpairs(t, what, n, k, a, n, values, vectors, k+1, 1e-11)
			var worst numcheck.Worst
			for j := 0; j < k; j++ {
				gap := math.Inf(1)
				if j > 0 {
					gap = all[j-1] - all[j]
				}
				if j+1 < n {
					gap = min(gap, all[j]-all[j+1])
				}
				if gap < 1e-3 {
					continue // a cluster: any orthonormal basis of it
				}
				for i := 0; i < n; i++ {
					worst.Add(math.Abs(vectors[i*(k+1)+j] - vecs[i*n+j]))
				}
			}
			if !numcheck.Within(float64(worst), 1e-10) {
				t.Errorf("%s: separated vectors %g off EigSym's", what, worst)
			}
			t.Logf("%s: separated vectors within %.2g of EigSym's", what, worst)
		}
	}
}
