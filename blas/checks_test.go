package blas

import (
	"strings"
	"testing"

	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestArgumentChecksAsGonum: GEMM and SYRK refuse the arguments gonum's
// refuses, with gonum's messages, in both builds and with physml's Go
// kernels, and accept the smallest valid ones (a leading dimension equal to
// the width, slices of exactly the length needed, empty products).
func TestArgumentChecksAsGonum(t *testing.T) {
	s := func(n int) []float64 { return make([]float64, n) }
	gemms := []struct {
		name                   string
		tA, tB                 gblas.Transpose
		m, n, k, lda, ldb, ldc int
		la, lb, lc             int
	}{
		{"fits exactly", NoTrans, NoTrans, 2, 3, 4, 4, 3, 3, 8, 12, 6},
		{"fits exactly, transposed", Trans, Trans, 2, 3, 4, 2, 4, 3, 8, 12, 6},
		{"conjugate transposes are transposes", gblas.ConjTrans, gblas.ConjTrans, 2, 3, 4, 2, 4, 3, 8, 12, 6},
		{"empty m", NoTrans, NoTrans, 0, 3, 4, 4, 3, 3, 0, 0, 0},
		{"empty n", NoTrans, NoTrans, 2, 0, 4, 4, 1, 1, 0, 0, 0},
		{"empty k", NoTrans, NoTrans, 2, 3, 0, 1, 3, 3, 1, 0, 6},
		{"bad transpose of A", 'x', NoTrans, 2, 3, 4, 4, 3, 3, 8, 12, 6},
		{"bad transpose of B", NoTrans, 'x', 2, 3, 4, 4, 3, 3, 8, 12, 6},
		{"m < 0", NoTrans, NoTrans, -1, 3, 4, 4, 3, 3, 8, 12, 6},
		{"n < 0", NoTrans, NoTrans, 2, -1, 4, 4, 3, 3, 8, 12, 6},
		{"k < 0", NoTrans, NoTrans, 2, 3, -1, 4, 3, 3, 8, 12, 6},
		{"lda below the width", NoTrans, NoTrans, 2, 3, 4, 3, 3, 3, 8, 12, 6},
		{"lda below the width, transposed", Trans, NoTrans, 2, 3, 4, 1, 3, 3, 8, 12, 6},
		{"ldb below the width", NoTrans, NoTrans, 2, 3, 4, 4, 2, 3, 8, 12, 6},
		{"ldb below the width, transposed", NoTrans, Trans, 2, 3, 4, 4, 3, 3, 8, 12, 6},
		{"ldc below the width", NoTrans, NoTrans, 2, 3, 4, 4, 3, 2, 8, 12, 6},
		{"lda 0 with k = 0", NoTrans, NoTrans, 2, 3, 0, 0, 3, 3, 1, 0, 6},
		{"A one short", NoTrans, NoTrans, 2, 3, 4, 4, 3, 3, 7, 12, 6},
		{"A one short, transposed", Trans, NoTrans, 2, 3, 4, 2, 3, 3, 7, 12, 6},
		{"B one short", NoTrans, NoTrans, 2, 3, 4, 4, 3, 3, 8, 11, 6},
		{"B one short, transposed", NoTrans, Trans, 2, 3, 4, 4, 4, 3, 8, 11, 6},
		{"C one short", NoTrans, NoTrans, 2, 3, 4, 4, 3, 3, 8, 12, 5},
	}
	for _, c := range gemms {
		want := panicOf(func() {
			gonum.Implementation{}.Dgemm(c.tA, c.tB, c.m, c.n, c.k, 1, s(c.la), c.lda, s(c.lb), c.ldb, 0, s(c.lc), c.ldc)
		})
		if valid := strings.HasPrefix(c.name, "fits") || strings.HasPrefix(c.name, "empty") ||
			strings.HasPrefix(c.name, "conjugate"); valid != (want == "") {
			t.Fatalf("Gemm, %s: gonum panics %q", c.name, want)
		}
		for _, impl := range implementations() {
			got := panicOf(func() {
				impl.Dgemm(c.tA, c.tB, c.m, c.n, c.k, 1, s(c.la), c.lda, s(c.lb), c.ldb, 0, s(c.lc), c.ldc)
			})
			got32 := panicOf(func() {
				impl.Sgemm(c.tA, c.tB, c.m, c.n, c.k, 1, make([]float32, c.la), c.lda, make([]float32, c.lb), c.ldb, 0, make([]float32, c.lc), c.ldc)
			})
			if got != want || got32 != want {
				t.Errorf("Gemm, %s (%T): panics %q and %q (float32), gonum's Dgemm %q", c.name, impl, got, got32, want)
			}
		}
	}
	syrks := []struct {
		name          string
		ul            gblas.Uplo
		tr            gblas.Transpose
		n, k, lda, ld int
		la, lc        int
	}{
		{"fits exactly", Upper, NoTrans, 3, 2, 2, 3, 6, 9},
		{"fits exactly, transposed", Lower, Trans, 3, 2, 3, 4, 6, 11},
		{"empty", Upper, NoTrans, 0, 2, 2, 1, 0, 0},
		{"empty k", Upper, NoTrans, 3, 0, 1, 3, 2, 9},
		{"bad triangle", 'x', NoTrans, 3, 2, 2, 3, 6, 9},
		{"bad transpose", Upper, 'x', 3, 2, 2, 3, 6, 9},
		{"n < 0", Upper, NoTrans, -1, 2, 2, 3, 6, 9},
		{"k < 0", Upper, NoTrans, 3, -1, 2, 3, 6, 9},
		{"lda below the width", Upper, NoTrans, 3, 2, 1, 3, 6, 9},
		{"lda below the width, transposed", Upper, Trans, 3, 2, 2, 3, 6, 9},
		{"ldc below the width", Upper, NoTrans, 3, 2, 2, 2, 6, 9},
		{"A one short", Upper, NoTrans, 3, 2, 2, 3, 5, 9},
		{"A one short, transposed", Upper, Trans, 3, 2, 3, 3, 5, 9},
		{"C one short", Upper, NoTrans, 3, 2, 2, 3, 6, 8},
	}
	for _, c := range syrks {
		want := panicOf(func() {
			gonum.Implementation{}.Dsyrk(c.ul, c.tr, c.n, c.k, 1, s(c.la), c.lda, 0, s(c.lc), c.ld)
		})
		if valid := strings.HasPrefix(c.name, "fits") || strings.HasPrefix(c.name, "empty"); valid != (want == "") {
			t.Fatalf("Syrk, %s: gonum panics %q", c.name, want)
		}
		for _, impl := range implementations() {
			got := panicOf(func() { impl.Dsyrk(c.ul, c.tr, c.n, c.k, 1, s(c.la), c.lda, 0, s(c.lc), c.ld) })
			got32 := panicOf(func() {
				impl.Ssyrk(c.ul, c.tr, c.n, c.k, 1, make([]float32, c.la), c.lda, 0, make([]float32, c.lc), c.ld)
			})
			if got != want || got32 != want {
				t.Errorf("Syrk, %s (%T): panics %q and %q (float32), gonum's Dsyrk %q", c.name, impl, got, got32, want)
			}
		}
	}
}

// panicOf runs fn and returns what it panicked with, as text ("" if it
// did not).
func panicOf(fn func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "a panic that is not a string"
			}
		}
	}()
	fn()
	return ""
}
