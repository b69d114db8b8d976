package blas

import (
	"math"
	"slices"
	"testing"
)

// TestGemmPackedIsGemm: products with a packed op(B), reused for several
// A, equal Gemm's to the bit for both transposes, with and without beta,
// in float32 and float64, in both builds.
func TestGemmPackedIsGemm(t *testing.T) {
	testGemmPacked[float32](t)
	testGemmPacked[float64](t)
}

func testGemmPacked[T Float](t *testing.T) {
	fill := func(n, seed int) []T {
		s := make([]T, n)
		for i := range s {
			s[i] = T(math.Sin(float64(i*seed + 1)))
		}
		return s
	}
	const m, n, k = 33, 70, 300
	for _, tB := range []Transpose{NoTrans, Trans} {
		ldb := n + 2
		if tB == Trans {
			ldb = k + 1
		}
		b := fill(k*(n+2)+2*k, 3)
		var p PackedB[T]
		p.Pack(tB, k, n, b, ldb)
		for step, tA := range []Transpose{NoTrans, Trans, NoTrans} {
			lda := k
			if tA == Trans {
				lda = m
			}
			a := fill(m*k, 5+step)
			beta := T(step) / 2
			want, got := fill(m*n, 7), fill(m*n, 7)
			Gemm(tA, tB, m, n, k, 1.25, a, lda, b, ldb, beta, want, n)
			GemmPacked(tA, m, 1.25, a, lda, &p, beta, got, n)
			if !slices.Equal(got, want) {
				t.Errorf("%T tA %v tB %v beta %v: GemmPacked differs from Gemm", T(0), tA, tB, beta)
			}
		}
	}
}

// TestGemmPackedRefusesBadShapes: a short B or A, or a leading dimension
// below the columns, panics with what is wrong.
func TestGemmPackedRefusesBadShapes(t *testing.T) {
	catch := func(f func()) (msg string) {
		defer func() { msg, _ = recover().(string) }()
		f()
		return ""
	}
	var p PackedB[float64]
	if msg := catch(func() { p.Pack(NoTrans, 3, 4, make([]float64, 11), 4) }); msg != "blas: PackedB.Pack: B of 11 values, want 12" {
		t.Errorf("short B: %q", msg)
	}
	if msg := catch(func() { p.Pack(NoTrans, 3, 4, make([]float64, 12), 3) }); msg != "blas: PackedB.Pack: leading dimension 3 of B, want ≥ 4" {
		t.Errorf("ldb: %q", msg)
	}
	p.Pack(NoTrans, 3, 4, make([]float64, 12), 4)
	msg := catch(func() { GemmPacked(NoTrans, 2, 1, make([]float64, 5), 3, &p, 0, make([]float64, 8), 4) })
	if msg == "" {
		t.Error("a short A did not panic")
	}
}
