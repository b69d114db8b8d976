package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// reference computes what Gemm must give, element by element: the products
// summed by fused multiply-adds in order, kc steps at a time, then the
// kernel's epilogue. In float64 it must match to the bit. trianglar selects
// the elements written (whole, upperTriangle, lower).
func reference[T Float](tri triangle, transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	opA := func(i, l int) T {
		if transA {
			return a[l*lda+i]
		}
		return a[i*lda+l]
	}
	opB := func(l, j int) T {
		if transB {
			return b[j*ldb+l]
		}
		return b[l*ldb+j]
	}
	for i := range m {
		for j := range n {
			if tri == upperTriangle && j < i || tri == lowerTriangle && j > i {
				continue
			}
			x := &c[i*ldc+j]
			if alpha == 0 || k == 0 {
				if beta == 0 {
					*x = 0
				} else {
					*x *= beta
				}
				continue
			}
			for p0 := 0; p0 < k; p0 += kc {
				var acc T
				for l := p0; l < min(k, p0+kc); l++ {
					acc = fma(opA(i, l), opB(l, j), acc)
				}
				t := alpha * acc
				switch {
				case p0 > 0:
					*x = *x + t
				case beta == 0:
					*x = t
				default:
					*x = T(beta**x) + t
				}
			}
		}
	}
}

// fma is exact for float64; for float32 it rounds twice (to float64, then
// to float32), which is rarely but not always the kernel's single rounding.
func fma[T Float](x, y, z T) T {
	return T(math.FMA(float64(x), float64(y), float64(z)))
}

func randomSlice[T Float](rng *rand.Rand, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(rng.NormFloat64())
	}
	return s
}

// compare reports the elements of got and want that differ by more than tol
// relative to the largest |want| (0: to the bit), NaN included.
func compare[T Float](t *testing.T, what string, got, want []T, tol float64) {
	t.Helper()
	var scale float64
	for _, w := range want {
		scale = max(scale, math.Abs(float64(w)))
	}
	bad := 0
	for i := range got {
		g, w := float64(got[i]), float64(want[i])
		if g == w || math.IsNaN(g) && math.IsNaN(w) {
			continue
		}
		if tol > 0 && math.Abs(g-w) <= tol*scale {
			continue
		}
		if bad < 3 {
			t.Errorf("%s: element %d = %v, want %v", what, i, g, w)
		}
		bad++
	}
	if bad > 3 {
		t.Errorf("%s: %d elements differ", what, bad)
	}
}

func tolerance[T Float]() float64 {
	if is32[T]() {
		return 2e-6 // measured 0: a double-rounded fma differs from a single one in rare cases
	}
	return 0
}

// testGemm runs every transpose combination over every size up to two tiles
// and one (1 … 2·mr+1 rows, 1 … 2·nr+1 columns), inner sizes either side of
// kc, and leading dimensions wider than the matrices.
func testGemm[T Float](t *testing.T) {
	if !Available() {
		t.Skip("no assembly kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	nr := panelWidth[T]()
	cases := 0
	for _, transA := range []bool{false, true} {
		for _, transB := range []bool{false, true} {
			for m := 1; m <= 2*mr+1; m++ {
				for n := 1; n <= 2*nr+1; n++ {
					for _, k := range []int{1, 3, 17, kc, kc + 5} {
						if k > 17 && (m+n+k)%7 != 0 {
							continue // fewer long cases: two (m, n) pairs in seven meet each long k
						}
						testOne[T](t, rng, transA, transB, m, n, k, 1.5, 0.5, 3)
						cases++
					}
				}
			}
		}
	}
	t.Logf("%d shapes", cases)
}

func testOne[T Float](t *testing.T, rng *rand.Rand, transA, transB bool, m, n, k int, alpha, beta T, pad int) {
	t.Helper()
	ra, ca := m, k
	if transA {
		ra, ca = k, m
	}
	rb, cb := k, n
	if transB {
		rb, cb = n, k
	}
	lda, ldb, ldc := ca+pad, cb+pad+1, n+pad+2
	a := randomSlice[T](rng, (ra-1)*lda+ca)
	b := randomSlice[T](rng, (rb-1)*ldb+cb)
	c := randomSlice[T](rng, (m-1)*ldc+n+pad) // the padding must stay
	want := append([]T(nil), c...)
	reference(whole, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	compare(t, fmt.Sprintf("Gemm(%v, %v, m %d, n %d, k %d, alpha %v, beta %v)", transA, transB, m, n, k, alpha, beta), c, want, tolerance[T]())
}

func TestGemm(t *testing.T) {
	t.Run("float64", testGemm[float64])
	t.Run("float32", testGemm[float32])
}

func testAlphaBeta[T Float](t *testing.T) {
	if !Available() {
		t.Skip("no assembly kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, ab := range [][2]T{{1, 0}, {1, 1}, {-2, 1}, {0.25, -1}, {1, 0.5}, {0, 0}, {0, 2}, {-1, T(math.Copysign(0, -1))}} {
		testOne[T](t, rng, false, true, 13, 37, 300, ab[0], ab[1], 1)
		testOne[T](t, rng, true, false, 7, 5, 2, ab[0], ab[1], 0)
		// Aᵀ·B with 8·n ≤ m, computed as Cᵀ = Bᵀ·A: serial, and split
		// between goroutines.
		testOne[T](t, rng, true, false, 45, 5, 70, ab[0], ab[1], 1)
		testOne[T](t, rng, true, false, 1000, 41, 300, ab[0], ab[1], 2)
	}
	// beta = 0 overwrites C without reading it; alpha = 0 or k = 0 reads
	// neither A nor B.
	nan := T(math.NaN())
	c := []T{nan, nan, nan, nan}
	Gemm(false, false, 2, 2, 1, 1, []T{1, 2}, 1, []T{3, 4}, 2, 0, c, 2)
	compare(t, "beta 0 over NaN", c, []T{3, 4, 6, 8}, 0)
	c = []T{1, 2, 3, 4}
	Gemm(false, false, 2, 2, 1, 0, []T{nan, nan}, 1, []T{nan, nan}, 2, 2, c, 2)
	compare(t, "alpha 0 with NaN operands", c, []T{2, 4, 6, 8}, 0)
	c = []T{nan, 2, 3, nan}
	Gemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 0, c, 2)
	compare(t, "k 0, beta 0", c, []T{0, 0, 0, 0}, 0)
	// A NaN or an infinity in an operand reaches C.
	c = []T{0, 0, 0, 0}
	Gemm(false, false, 2, 2, 1, 1, []T{nan, 1}, 1, []T{T(math.Inf(1)), 1}, 2, 0, c, 2)
	compare(t, "NaN and Inf", c, []T{nan, nan, T(math.Inf(1)), 1}, 0)
}

func TestAlphaBeta(t *testing.T) {
	t.Run("float64", testAlphaBeta[float64])
	t.Run("float32", testAlphaBeta[float32])
}

func testSyrk[T Float](t *testing.T) {
	if !Available() {
		t.Skip("no assembly kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, upper := range []bool{true, false} {
		for _, trans := range []bool{false, true} {
			for _, n := range []int{1, 5, mr + 1, 2*panelWidth[T]() + 3, 150} {
				for _, k := range []int{1, 9, kc + 3} {
					tri := lowerTriangle
					if upper {
						tri = upperTriangle
					}
					ra, ca := n, k
					if trans {
						ra, ca = k, n
					}
					lda, ldc := ca+2, n+1
					a := randomSlice[T](rng, (ra-1)*lda+ca)
					c := randomSlice[T](rng, (n-1)*ldc+n)
					want := append([]T(nil), c...)
					reference(tri, trans, !trans, n, n, k, 0.5, a, lda, a, lda, 2, want, ldc)
					Syrk(upper, trans, n, k, 0.5, a, lda, 2, c, ldc)
					compare(t, fmt.Sprintf("Syrk(upper %v, trans %v, n %d, k %d)", upper, trans, n, k), c, want, tolerance[T]())
				}
			}
		}
	}
}

func TestSyrk(t *testing.T) {
	t.Run("float64", testSyrk[float64])
	t.Run("float32", testSyrk[float32])
}

// TestParallel runs products large enough to be split between goroutines,
// and checks that the split changes no bit: a row of C is the same whether
// computed in a large product, alone, or under RunSerial.
func TestParallel(t *testing.T) {
	if !Available() {
		t.Skip("no assembly kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, shape := range [][3]int{{300, 200, 400}, {70, 500, 300}} {
		m, n, k := shape[0], shape[1], shape[2]
		if float64(m)*float64(n)*float64(k) < 2*parallelMin {
			t.Fatalf("%v is below parallelMin", shape)
		}
		a := randomSlice[float64](rng, m*k)
		b := randomSlice[float64](rng, k*n)
		c := make([]float64, m*n)
		Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
		want := make([]float64, m*n)
		reference(whole, false, false, m, n, k, 1, a, k, b, n, 0, want, n)
		compare(t, fmt.Sprintf("parallel %v", shape), c, want, 0)

		serialC := make([]float64, m*n)
		RunSerial(func() { Gemm(false, false, m, n, k, 1, a, k, b, n, 0, serialC, n) })
		compare(t, fmt.Sprintf("serial %v", shape), serialC, c, 0)

		row := make([]float64, n)
		Gemm(false, false, 1, n, k, 1, a[(m-1)*k:], k, b, n, 0, row, n)
		compare(t, fmt.Sprintf("last row alone %v", shape), row, c[(m-1)*n:], 0)
	}
	for _, upper := range []bool{true, false} {
		n, k := 400, 300
		tri := lowerTriangle
		if upper {
			tri = upperTriangle
		}
		a := randomSlice[float64](rng, k*n)
		c := make([]float64, n*n)
		want := make([]float64, n*n)
		for i := range c {
			c[i], want[i] = 7, 7 // the other triangle must keep its 7s
		}
		Syrk(upper, true, n, k, 1, a, n, 0, c, n)
		reference(tri, true, false, n, n, k, 1, a, n, a, n, 0, want, n)
		compare(t, fmt.Sprintf("parallel Syrk upper %v", upper), c, want, 0)
	}
}

// TestSplits checks the division of work: whole tiles per goroutine, every
// row or column once, and triangles cut into parts of about equal area.
func TestSplits(t *testing.T) {
	square := make([]float64, 1000*1000)
	p := product[float64]{m: 1000, n: 1000, k: 1000, triangle: upperTriangle,
		a: square, lda: 1000, b: square, ldb: 1000, c: square, ldc: 1000}
	parts := p.appendParts(nil, 2)
	if len(parts) != 2 {
		t.Fatalf("a 1000³ triangle in %d parts, want 2", len(parts))
	}
	rows := 0
	for i, q := range parts {
		if i < len(parts)-1 && q.m%mr != 0 {
			t.Errorf("part %d has %d rows, not whole tiles", i, q.m)
		}
		if q.n != 1000-rows || q.diagonal != 0 {
			t.Errorf("part %d: %d columns, diagonal %d, want %d and 0", i, q.n, q.diagonal, 1000-rows)
		}
		rows += q.m
	}
	if rows != 1000 {
		t.Errorf("parts cover %d rows, want 1000", rows)
	}
	// The first row before which half the elements lie: Σ_{i<r} (1000 − i)
	// ≥ 250250 first at r = 294; Σ_{i<r} (i + 1) first at r = 707.
	if got := p.triangleSplit(0.5); got != 294 {
		t.Errorf("half the upper triangle of 1000 ends at row %d, want 294", got)
	}
	p.triangle = lowerTriangle
	if got := p.triangleSplit(0.5); got != 707 {
		t.Errorf("half the lower triangle of 1000 ends at row %d, want 707", got)
	}
	small := product[float64]{m: 64, n: 512, k: 128, a: square, lda: 128, b: square, ldb: 512, c: square, ldc: 512}
	if w := small.workers(); w != 1 {
		t.Errorf("a 64×512×128 product on %d goroutines; want it on one", w)
	}
	if w := p.workers(); w != min(2, runtime.GOMAXPROCS(0)) {
		t.Errorf("a 1000³ triangle on %d goroutines, want %d", w, min(2, runtime.GOMAXPROCS(0)))
	}
	RunSerial(func() {
		if w := p.workers(); w != 1 {
			t.Errorf("under RunSerial, a 1000³ triangle on %d goroutines", w)
		}
	})
}

// TestWideProducts: more columns than one block of B holds (nc), so that
// the second block starts at column nc of B and C; and more rows than one
// block of A (mc).
func TestWideProducts(t *testing.T) {
	if !Available() {
		t.Skip("no assembly kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, transA := range []bool{false, true} {
		for _, transB := range []bool{false, true} {
			testOne[float64](t, rng, transA, transB, 7, nc+2*nr64+3, 19, 1, 0.5, 1)
			testOne[float32](t, rng, transA, transB, 7, nc+2*nr32+3, 19, 1, 0.5, 1)
			testOne[float64](t, rng, transA, transB, mc+mr+1, 9, 5, 1, 0, 2)
		}
	}
}

// TestConcurrentProducts: products large enough to be split, called from
// several goroutines at once, share the crew and each gets its own
// result (run under -race in CI).
func TestConcurrentProducts(t *testing.T) {
	if !Available() {
		t.Skip("no assembly kernels on this machine")
	}
	const m, n, k = 120, 130, 600 // 9.4M multiply-adds: split in two
	rng := rand.New(rand.NewPCG(11, 12))
	a := randomSlice[float64](rng, m*k)
	want := make([][]float64, 4)
	got := make([][]float64, 4)
	bs := make([][]float64, 4)
	for g := range bs {
		bs[g] = randomSlice[float64](rng, k*n)
		want[g] = make([]float64, m*n)
		reference(whole, false, false, m, n, k, 1, a, k, bs[g], n, 0, want[g], n)
		got[g] = make([]float64, m*n)
	}
	var wg sync.WaitGroup
	for g := range bs {
		wg.Go(func() {
			for range 3 {
				Gemm(false, false, m, n, k, 1, a, k, bs[g], n, 0, got[g], n)
			}
		})
	}
	wg.Wait()
	for g := range got {
		compare(t, fmt.Sprintf("goroutine %d", g), got[g], want[g], 0)
	}
}

// TestGemmPacked: a product with op(B) packed once gives Gemm's numbers to
// the bit, for both transposes, edges of every tile, several blocks of kc
// steps and of nc columns, with and without beta, serial and split between
// goroutines (with the pack reused, and refilled for other shapes).
func TestGemmPacked(t *testing.T) {
	if !Available() {
		t.Skip("no assembly kernels on this machine")
	}
	testGemmPacked[float32](t)
	testGemmPacked[float64](t)
}

func testGemmPacked[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var pb PackedB[T]
	for _, shape := range [][3]int{{32, 512, 128}, {7, 13, 5}, {1, 17, 300}, {5, 2100, 3}, {600, 40, 520}, {32, 128, 512}} {
		m, n, k := shape[0], shape[1], shape[2]
		for _, transA := range []bool{false, true} {
			for _, transB := range []bool{false, true} {
				lda, ldb := k+2, n+1
				if transA {
					lda = m + 3
				}
				if transB {
					ldb = k + 1
				}
				a, b := randomSlice[T](rng, m*k*2+3*max(m, k)), randomSlice[T](rng, n*k*2+3*max(n, k))
				pb.Pack(transB, k, n, b, ldb)
				for _, beta := range []T{0, 0.5} {
					c0 := randomSlice[T](rng, m*(n+4))
					want, got := append([]T(nil), c0...), append([]T(nil), c0...)
					Gemm(transA, transB, m, n, k, 1.5, a, lda, b, ldb, beta, want, n+4)
					GemmPacked(transA, m, 1.5, a, lda, &pb, beta, got, n+4)
					what := fmt.Sprintf("%T %v transA %v transB %v beta %v", T(0), shape, transA, transB, beta)
					compare(t, what, got, want, 0)
					serial := append([]T(nil), c0...)
					RunSerial(func() { GemmPacked(transA, m, 1.5, a, lda, &pb, beta, serial, n+4) })
					compare(t, what+" serial", serial, want, 0)
				}
			}
		}
	}
}
