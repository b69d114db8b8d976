package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

// randSlice returns n values uniform in [-1, 1) from a seeded generator.
func randSlice[T Float](rng *rand.Rand, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(2*rng.Float64() - 1)
	}
	return s
}

// at returns element (i, j) of op(A) for a row-major A with leading dimension ld.
func at[T Float](t Transpose, a []T, ld, i, j int) T {
	if t == Trans {
		return a[j*ld+i]
	}
	return a[i*ld+j]
}

// tolerance is the comparison tolerance for sums of k products of values in [-1, 1].
func tolerance[T Float](k int) float64 {
	if Is32[T]() {
		return 1e-6 * float64(k+1)
	}
	return 1e-14 * float64(k+1)
}

func checkClose[T Float](t *testing.T, what string, got, want []T, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	var worst numcheck.Worst
	for i := range got {
		worst.Add(math.Abs(float64(got[i]) - float64(want[i])))
	}
	if !numcheck.Within(float64(worst), tol) {
		t.Errorf("%s: largest difference %g > tolerance %g", what, worst, tol)
	}
}

func testGemm[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tA := range []Transpose{NoTrans, Trans} {
		for _, tB := range []Transpose{NoTrans, Trans} {
			for _, dims := range [][3]int{{1, 1, 1}, {3, 5, 7}, {7, 2, 4}, {64, 28, 37}, {17, 33, 65}} {
				m, n, k := dims[0], dims[1], dims[2]
				// Stored shapes and leading dimensions larger than the column count.
				ar, ac := m, k
				if tA == Trans {
					ar, ac = k, m
				}
				br, bc := k, n
				if tB == Trans {
					br, bc = n, k
				}
				lda, ldb, ldc := ac+3, bc+1, n+2
				a := randSlice[T](rng, ar*lda)
				b := randSlice[T](rng, br*ldb)
				c := randSlice[T](rng, m*ldc)
				want := append([]T(nil), c...)
				alpha, beta := T(0.7), T(-0.3)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						var s float64
						for l := 0; l < k; l++ {
							s += float64(at(tA, a, lda, i, l)) * float64(at(tB, b, ldb, l, j))
						}
						want[i*ldc+j] = T(float64(alpha)*s + float64(beta)*float64(c[i*ldc+j]))
					}
				}
				Gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
				checkClose(t, fmt.Sprintf("Gemm(%c,%c,%d,%d,%d)", tA, tB, m, n, k), c, want, tolerance[T](k))
			}
		}
	}
}

func TestGemmMatchesNaive(t *testing.T) {
	t.Run("float32", testGemm[float32])
	t.Run("float64", testGemm[float64])
}

func testGemv[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tA := range []Transpose{NoTrans, Trans} {
		for _, dims := range [][2]int{{1, 1}, {5, 3}, {3, 9}, {40, 33}} {
			m, n := dims[0], dims[1]
			lda := n + 2
			a := randSlice[T](rng, m*lda)
			xl, yl := n, m
			if tA == Trans {
				xl, yl = m, n
			}
			incX, incY := 2, 3
			x := randSlice[T](rng, (xl-1)*incX+1)
			y := randSlice[T](rng, (yl-1)*incY+1)
			want := append([]T(nil), y...)
			alpha, beta := T(1.3), T(0.5)
			for i := 0; i < yl; i++ {
				var s float64
				for j := 0; j < xl; j++ {
					var aij T
					if tA == Trans {
						aij = a[j*lda+i]
					} else {
						aij = a[i*lda+j]
					}
					s += float64(aij) * float64(x[j*incX])
				}
				want[i*incY] = T(float64(alpha)*s + float64(beta)*float64(y[i*incY]))
			}
			Gemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
			checkClose(t, fmt.Sprintf("Gemv(%c,%d,%d)", tA, m, n), y, want, tolerance[T](xl))
		}
	}
}

func TestGemvMatchesNaive(t *testing.T) {
	t.Run("float32", testGemv[float32])
	t.Run("float64", testGemv[float64])
}

func testSyrk[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, uplo := range []Uplo{Upper, Lower} {
		for _, tr := range []Transpose{NoTrans, Trans} {
			for _, dims := range [][2]int{{1, 1}, {4, 9}, {9, 4}, {30, 50}} {
				n, k := dims[0], dims[1]
				ar, ac := n, k
				if tr == Trans {
					ar, ac = k, n
				}
				lda, ldc := ac+1, n+4
				a := randSlice[T](rng, ar*lda)
				c := randSlice[T](rng, n*ldc)
				want := append([]T(nil), c...)
				alpha, beta := T(-0.9), T(0.25)
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						if (uplo == Upper && j < i) || (uplo == Lower && j > i) {
							continue // the other triangle is untouched
						}
						var s float64
						for l := 0; l < k; l++ {
							if tr == Trans {
								s += float64(a[l*lda+i]) * float64(a[l*lda+j])
							} else {
								s += float64(a[i*lda+l]) * float64(a[j*lda+l])
							}
						}
						want[i*ldc+j] = T(float64(alpha)*s + float64(beta)*float64(c[i*ldc+j]))
					}
				}
				Syrk(uplo, tr, n, k, alpha, a, lda, beta, c, ldc)
				checkClose(t, fmt.Sprintf("Syrk(%c,%c,%d,%d)", uplo, tr, n, k), c, want, tolerance[T](k))
				// Symmetrize copies the computed triangle into the other one.
				computed := append([]T(nil), c...)
				Symmetrize(uplo, n, c, ldc)
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						from := i*ldc + j // element (i, j) of the computed triangle
						if (uplo == Upper && j < i) || (uplo == Lower && j > i) {
							from = j*ldc + i
						}
						if c[i*ldc+j] != computed[from] {
							t.Fatalf("Symmetrize(%c): c[%d,%d] = %v, want the computed %v", uplo, i, j, c[i*ldc+j], computed[from])
						}
					}
				}
			}
		}
	}
}

func TestSyrkMatchesNaive(t *testing.T) {
	t.Run("float32", testSyrk[float32])
	t.Run("float64", testSyrk[float64])
}

func testLevel1[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 7, 100, 1001} {
		x := randSlice[T](rng, n)
		y := randSlice[T](rng, n)
		var dot, sq float64
		for i := range x {
			dot += float64(x[i]) * float64(y[i])
			sq += float64(x[i]) * float64(x[i])
		}
		checkClose(t, fmt.Sprintf("Dot(%d)", n), []T{Dot(x, y)}, []T{T(dot)}, tolerance[T](n))
		checkClose(t, fmt.Sprintf("Nrm2(%d)", n), []T{Nrm2(x)}, []T{T(math.Sqrt(sq))}, tolerance[T](n))

		want := make([]T, n)
		for i := range want {
			want[i] = T(float64(y[i]) + 0.5*float64(x[i]))
		}
		Axpy(0.5, x, y)
		checkClose(t, fmt.Sprintf("Axpy(%d)", n), y, want, tolerance[T](1))

		for i := range want {
			want[i] = T(-2.5 * float64(x[i]))
		}
		Scal(-2.5, x)
		checkClose(t, fmt.Sprintf("Scal(%d)", n), x, want, tolerance[T](1))
	}
}

func TestLevel1MatchesNaive(t *testing.T) {
	t.Run("float32", testLevel1[float32])
	t.Run("float64", testLevel1[float64])
}

// A named float type goes through the same routines as its underlying type.
type kelvin float64

func TestNamedFloatType(t *testing.T) {
	x := []kelvin{3, 4}
	if got := Nrm2(x); got != 5 {
		t.Errorf("Nrm2(%v) = %v, want 5", x, got)
	}
}

func TestLengthMismatchPanicsWithSizes(t *testing.T) {
	defer func() {
		r := recover()
		want := "blas: Axpy: length mismatch: len(x) = 2, len(y) = 3"
		if r != want {
			t.Errorf("panic = %v, want %q", r, want)
		}
	}()
	Axpy(1, []float64{1, 2}, []float64{1, 2, 3})
}

func TestBackendAndThreads(t *testing.T) {
	b := Backend()
	if b != "openblas" && b != "gonum" {
		t.Fatalf("Backend() = %q", b)
	}
	old := Threads()
	SetThreads(1)
	if got := Threads(); got != 1 {
		t.Errorf("after SetThreads(1), Threads() = %d", got)
	}
	SetThreads(old)
	if got := Threads(); got != old {
		t.Errorf("after SetThreads(%d), Threads() = %d", old, got)
	}
}

func TestDescribeNamesTheBackendAndThreads(t *testing.T) {
	d := Describe()
	if !strings.HasPrefix(d, Backend()) || !strings.HasSuffix(d, fmt.Sprintf("with %d threads", Threads())) || (Kernels() != Backend()) != strings.Contains(d, "GEMM "+Kernels()) {
		t.Errorf("Describe() = %q (backend %s, kernels %s, %d threads)", d, Backend(), Kernels(), Threads())
	}
}
