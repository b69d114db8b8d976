package lapack

import (
	"math/rand/v2"
	"strings"
	"testing"
)

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
