// Package gemm is physml's matrix product for the pure-Go build: GEMM and
// SYRK in the structure of GotoBLAS and BLIS, around micro-kernels written in
// Go assembly.
//
// A product C = alpha·op(A)·op(B) + beta·C is cut into blocks that stay in
// the caches. For each block of kc steps of the inner dimension, a block of
// op(B) (kc × nc) is packed into panels of nr columns, and for each block of
// mc rows of op(A), those rows are packed into panels of mr rows; the
// micro-kernel then computes an mr×nr tile of C from one panel of each,
// holding the tile in vector registers for all kc steps. Packing puts the
// values a kernel reads next to each other whatever the transposes and
// leading dimensions, and pads the panels at the edges with zeros, so one
// kernel serves every tile; a tile that sticks out of C is computed into a
// small buffer and copied.
//
// Every element of C is computed the same way wherever its tile falls: its
// products are summed by fused multiply-adds in the order of the inner index,
// in the same blocks of kc. So a row of C does not depend on which other rows
// are in the product, nor on how the work is split between goroutines.
//
// Available reports whether this machine runs the kernels (amd64 with AVX2
// and FMA); package blas calls Gemm and Syrk only then, and gonum's BLAS
// otherwise. The functions here check nothing: blas checks the arguments.
package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Float is the element type of the kernels.
type Float interface{ float32 | float64 }

// Available reports whether the assembly kernels run on this machine.
func Available() bool { return available }

// Block sizes. mr×nr is the register tile of the kernel; a kc×nr panel of B
// (16 KiB) stays in the 32 KiB level-1 cache, an mc×kc block of A in the
// level-2 cache, and a kc×nc block of B in the level-3 cache.
const (
	mr   = 6
	nr64 = 8
	nr32 = 16
	kc   = 256
	mc   = 96
	nc   = 2048
)

// tileSize is the size of the buffer for tiles that stick out of C.
const tileSize = mr * nr32

// is32 reports whether T is float32; a constant in each instantiation.
func is32[T Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// panelWidth is nr, the number of columns of C in a kernel's tile.
func panelWidth[T Float]() int {
	if is32[T]() {
		return nr32
	}
	return nr64
}

// kernel computes one mr×nr tile of C (see kernel_amd64.s).
func kernel[T Float](k int, a, b *T, alpha, beta T, c *T, ldc int) {
	if is32[T]() {
		kernel32(k, (*float32)(unsafe.Pointer(a)), (*float32)(unsafe.Pointer(b)),
			float32(alpha), float32(beta), (*float32)(unsafe.Pointer(c)), ldc)
		return
	}
	kernel64(k, (*float64)(unsafe.Pointer(a)), (*float64)(unsafe.Pointer(b)),
		float64(alpha), float64(beta), (*float64)(unsafe.Pointer(c)), ldc)
}

// Gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, where
// op(A) is m×k (A, or Aᵀ when transA), op(B) is k×n and C is m×n. Like BLAS,
// it reads neither A nor B when alpha or k is zero, and not C when beta is
// zero.
func Gemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	p := product[T]{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc}
	if transA && !transB && 8*n <= m && alpha != 0 && k > 0 {
		// Aᵀ·B with few columns: packing Aᵀ reads A down its columns,
		// m·k strided reads for little arithmetic per value. Cᵀ = Bᵀ·A
		// reads A along its rows instead, and writes C transposed. A
		// weight gradient of an LSTM's 28 inputs (m = 512, n = 28, k =
		// 1792) takes 1.3 ms instead of 1.8; a randomized PCA's Xᵀ·Q of
		// MNIST (784, 60, 60000), 0.17 s instead of 0.24. With 8·n > m
		// it gains little or loses (n = 128: 5.0 ms against 4.5).
		p = product[T]{transA: true, m: n, n: m, k: k, alpha: alpha, beta: beta,
			a: b, lda: ldb, b: a, ldb: lda, c: c, ldc: ldc, transC: true}
	}
	p.run()
}

// PackedB is a matrix op(B), k×n, packed once into the kernels' panels
// for products that reuse it with many A — a recurrent layer's weights at
// every step of a sequence: GemmPacked skips the packing of op(B) that Gemm
// does in every call.
type PackedB[T Float] struct {
	k, n int
	data []T
}

// Pack packs op(B) (B k×n, or Bᵀ when transB) into pb, reusing its memory.
// The blocks are stored in the order compute reads them: for each block of
// nc columns, its blocks of kc steps.
func (pb *PackedB[T]) Pack(transB bool, k, n int, b []T, ldb int) {
	nr := panelWidth[T]()
	size := 0
	for jc := 0; jc < n; jc += nc {
		size += roundUp(min(nc, n-jc), nr) * k
	}
	if cap(pb.data) < size {
		pb.data = make([]T, size)
	}
	pb.k, pb.n, pb.data = k, n, pb.data[:size]
	p := product[T]{transB: transB, k: k, n: n, b: b, ldb: ldb}
	offset := 0
	for jc := 0; jc < n; jc += nc {
		cols := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			depth := min(kc, k-pc)
			p.packB(pb.data[offset:], pc, depth, jc, cols, nr)
			offset += roundUp(cols, nr) * depth
		}
	}
}

// GemmPacked computes C = alpha·op(A)·B + beta·C with B packed by Pack
// (op(A) m×k, C m×n): the numbers of Gemm with the same operands.
func GemmPacked[T Float](transA bool, m int, alpha T, a []T, lda int, pb *PackedB[T], beta T, c []T, ldc int) {
	p := product[T]{transA: transA, m: m, n: pb.n, k: pb.k, alpha: alpha, beta: beta,
		a: a, lda: lda, c: c, ldc: ldc, packed: pb.data}
	p.run()
}

// Syrk computes the upper (or lower) triangle of C = alpha·op(A)·op(A)ᵀ +
// beta·C, where op(A) is n×k (A, or Aᵀ when trans) and C is n×n; the other
// triangle is neither read nor written.
func Syrk[T Float](upper, trans bool, n, k int, alpha T, a []T, lda int, beta T, c []T, ldc int) {
	p := product[T]{transA: trans, transB: !trans, m: n, n: n, k: k, alpha: alpha, beta: beta,
		a: a, lda: lda, b: a, ldb: lda, c: c, ldc: ldc, triangle: lowerTriangle}
	if upper {
		p.triangle = upperTriangle
	}
	p.run()
}

// triangle says which elements of C a product writes.
type triangle int

const (
	whole         triangle = iota
	upperTriangle          // j ≥ i
	lowerTriangle          // j ≤ i
)

// product is one C = alpha·op(A)·op(B) + beta·C, or the part of one that a
// goroutine computes: its slices then start at the part's first row and
// column, and diagonal is the part's first column minus its first row, so
// that element (i, j) of the part lies in the triangle when
// j + diagonal ≥ i (upper) or ≤ i (lower).
type product[T Float] struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    T
	a              []T
	lda            int
	b              []T
	ldb            int
	c              []T
	ldc            int
	triangle       triangle
	diagonal       int
	// transC writes the product transposed: element (i, j) of
	// op(A)·op(B) to C[j][i] (whole products only).
	transC bool
	// packed is op(B) packed by PackedB.Pack, used instead of b.
	packed []T
}

// run computes the product, on several goroutines when it is large enough.
func (p *product[T]) run() {
	if p.m == 0 || p.n == 0 {
		return
	}
	if p.alpha == 0 || p.k == 0 {
		p.scaleC()
		return
	}
	workers := p.workers()
	if workers == 1 {
		p.compute()
		return
	}
	t := getTeam[T]()
	defer putTeam(t)
	t.parts = p.appendParts(t.parts[:0], workers)
	hire(len(t.parts) - 1)
	for i := 1; i < len(t.parts); i++ {
		t.done.Add(1)
		select {
		case jobs <- job{&t.parts[i], &t.done}:
		default: // the queue is full (products called from many goroutines)
			t.done.Done()
			t.parts[i].compute()
		}
	}
	t.parts[0].compute()
	t.done.Wait()
}

// scaleC computes C = beta·C (the whole product when alpha or k is zero).
func (p *product[T]) scaleC() {
	for i := range p.m {
		row := p.c[i*p.ldc : i*p.ldc+p.n]
		for j := range row {
			if !p.inTriangle(i, j) {
				continue
			}
			if p.beta == 0 {
				row[j] = 0
			} else {
				row[j] *= p.beta
			}
		}
	}
}

func (p *product[T]) inTriangle(i, j int) bool {
	switch p.triangle {
	case upperTriangle:
		return j+p.diagonal >= i
	case lowerTriangle:
		return j+p.diagonal <= i
	}
	return true
}

// Which part of a block of rows [i, i+rows) and columns [j, j+cols) lies in
// the triangle.
const (
	outside = iota
	inside
	straddles
)

func (p *product[T]) block(i, rows, j, cols int) int {
	first, last := j+p.diagonal-(i+rows-1), j+cols-1+p.diagonal-i // least and greatest j − i
	switch p.triangle {
	case upperTriangle:
		if last < 0 {
			return outside
		}
		if first < 0 {
			return straddles
		}
	case lowerTriangle:
		if first > 0 {
			return outside
		}
		if last > 0 {
			return straddles
		}
	}
	return inside
}

// The goroutines. Each gets at least parallelMin multiply-adds: a product
// below twice that runs on the calling goroutine: starting goroutines costs more than they give (the
// per-step products of a recurrent layer are of this size, and the layer
// runs its blocks of sequences in parallel itself).
const parallelMin = 1 << 22

// serial counts the calls of RunSerial in progress.
var serial atomic.Int64

// RunSerial runs fn with every product on the goroutine that calls it, for
// callers that run products on several goroutines themselves. Calls may
// overlap; products are serial until the last returns.
func RunSerial(fn func()) {
	serial.Add(1)
	defer serial.Add(-1)
	fn()
}

// workers returns the number of goroutines for the product.
func (p *product[T]) workers() int {
	if Serial() {
		return 1
	}
	work := float64(p.m) * float64(p.n) * float64(p.k)
	if p.triangle != whole {
		work /= 2
	}
	return max(1, min(runtime.GOMAXPROCS(0), int(work/parallelMin)))
}

// Serial reports whether a RunSerial call is in progress.
func Serial() bool { return serial.Load() > 0 }

// appendParts splits the product between workers goroutines and appends
// the parts to dst: rows of C (or columns, when they are more) in ranges of
// whole tiles, a triangle's rows in ranges of equal area.
func (p *product[T]) appendParts(dst []product[T], workers int) []product[T] {
	byColumns := p.triangle == whole && p.n > p.m && p.packed == nil
	from := 0
	for w := 1; w <= workers; w++ {
		var to int
		switch {
		case byColumns && w == workers:
			to = p.n
		case byColumns:
			nr := panelWidth[T]()
			to = p.n * w / workers / nr * nr
		case w == workers:
			to = p.m
		case p.triangle == whole:
			to = p.m * w / workers / mr * mr
		default:
			to = p.triangleSplit(float64(w)/float64(workers)) / mr * mr
		}
		if to <= from {
			continue
		}
		if byColumns {
			dst = append(dst, p.columns(from, to))
		} else {
			dst = append(dst, p.rows(from, to))
		}
		from = to
	}
	return dst
}

// triangleSplit returns the row before which the fraction f of the
// triangle's elements lie.
func (p *product[T]) triangleSplit(f float64) int {
	n := float64(p.n)
	total := n * (n + 1) / 2
	var done float64
	for i := range p.m {
		if done >= f*total {
			return i
		}
		if p.triangle == upperTriangle {
			done += n - float64(i)
		} else {
			done += float64(i) + 1
		}
	}
	return p.m
}

// The crew: goroutines that wait for parts of products, so that a parallel
// product neither starts goroutines nor allocates. Parts queue for the next
// free worker; a part that finds the queue full runs on the caller.
type task interface{ compute() }

type job struct {
	part task
	done *sync.WaitGroup
}

var (
	jobs     = make(chan job, 256)
	crewLock sync.Mutex
	crewSize int
)

// hire makes sure that n workers exist; they stay for the program's life.
func hire(n int) {
	crewLock.Lock()
	defer crewLock.Unlock()
	for ; crewSize < n; crewSize++ {
		go func() {
			for j := range jobs {
				j.part.compute()
				j.done.Done()
			}
		}()
	}
}

// team holds the parts of one parallel product.
type team[T Float] struct {
	parts []product[T]
	done  sync.WaitGroup
}

var teams32, teams64 sync.Pool

func getTeam[T Float]() *team[T] {
	pool := &teams64
	if is32[T]() {
		pool = &teams32
	}
	if t, ok := pool.Get().(*team[T]); ok {
		return t
	}
	return new(team[T])
}

func putTeam[T Float](t *team[T]) {
	if is32[T]() {
		teams32.Put(t)
	} else {
		teams64.Put(t)
	}
}

// rows returns the part of the product that computes rows [from, to) of C;
// of a triangle, only the columns that reach it.
func (p *product[T]) rows(from, to int) product[T] {
	q := *p
	q.m = to - from
	if p.transA {
		q.a = p.a[from:]
	} else {
		q.a = p.a[from*p.lda:]
	}
	if p.transC {
		q.c = p.c[from:]
	} else {
		q.c = p.c[from*p.ldc:]
	}
	q.diagonal = p.diagonal - from
	switch p.triangle {
	case upperTriangle:
		return q.columns(from, p.n)
	case lowerTriangle:
		return q.columns(0, min(to, p.n))
	}
	return q
}

// columns returns the part of the product that computes columns [from, to)
// of C.
func (p *product[T]) columns(from, to int) product[T] {
	q := *p
	q.n = to - from
	if p.transB {
		q.b = p.b[from*p.ldb:]
	} else {
		q.b = p.b[from:]
	}
	if p.transC {
		q.c = p.c[from*p.ldc:]
	} else {
		q.c = p.c[from:]
	}
	q.diagonal = p.diagonal + from
	return q
}

// workspace holds the packed blocks of one goroutine.
type workspace[T Float] struct {
	a    []T // mc×kc: op(A) in panels of mr rows
	b    []T // kc×nc: op(B) in panels of nr columns
	tile [tileSize]T
}

var workspaces32, workspaces64 sync.Pool

func getWorkspace[T Float]() *workspace[T] {
	pool := &workspaces64
	if is32[T]() {
		pool = &workspaces32
	}
	if w, ok := pool.Get().(*workspace[T]); ok {
		return w
	}
	return &workspace[T]{a: make([]T, mc*kc)}
}

func putWorkspace[T Float](w *workspace[T]) {
	if is32[T]() {
		workspaces32.Put(w)
	} else {
		workspaces64.Put(w)
	}
}

// compute runs the loops of GotoBLAS on the calling goroutine.
func (p *product[T]) compute() {
	w := getWorkspace[T]()
	defer putWorkspace(w)
	nr := panelWidth[T]()
	offset := 0 // of the next block in p.packed
	for jc := 0; jc < p.n; jc += nc {
		cols := min(nc, p.n-jc)
		if need := roundUp(cols, nr) * kc; len(w.b) < need && p.packed == nil {
			w.b = make([]T, need)
		}
		if p.block(0, p.m, jc, cols) == outside {
			offset += roundUp(cols, nr) * p.k
			continue
		}
		for pc := 0; pc < p.k; pc += kc {
			depth := min(kc, p.k-pc)
			beta := p.beta
			if pc > 0 {
				beta = 1
			}
			b := w.b
			if p.packed != nil {
				b = p.packed[offset:]
				offset += roundUp(cols, nr) * depth
			} else {
				p.packB(b, pc, depth, jc, cols, nr)
			}
			for ic := 0; ic < p.m; ic += mc {
				rows := min(mc, p.m-ic)
				if p.block(ic, rows, jc, cols) == outside {
					continue
				}
				p.packA(w.a, ic, rows, pc, depth)
				p.macroKernel(w, b, ic, rows, jc, cols, depth, beta, nr)
			}
		}
	}
}

func roundUp(n, to int) int { return (n + to - 1) / to * to }

// macroKernel computes the tiles of rows [i0, i0+rows) and columns
// [j0, j0+cols) of C from the packed block of op(A) in w and that of op(B)
// in packedB.
func (p *product[T]) macroKernel(w *workspace[T], packedB []T, i0, rows, j0, cols, depth int, beta T, nr int) {
	for jr := 0; jr < cols; jr += nr {
		n := min(nr, cols-jr)
		b := &packedB[jr*depth]
		for ir := 0; ir < rows; ir += mr {
			m := min(mr, rows-ir)
			i, j := i0+ir, j0+jr
			where := p.block(i, m, j, n)
			if where == outside {
				continue
			}
			a := &w.a[ir*depth]
			if where == inside && m == mr && n == nr && !p.transC {
				kernel(depth, a, b, p.alpha, beta, &p.c[i*p.ldc+j], p.ldc)
				continue
			}
			if p.transC {
				kernel(depth, a, b, p.alpha, 0, &w.tile[0], nr)
				for r := range m {
					for s := range n {
						c := &p.c[(j+s)*p.ldc+i+r]
						if t := w.tile[r*nr+s]; beta == 0 {
							*c = t
						} else {
							*c = T(beta**c) + t
						}
					}
				}
				continue
			}
			// A tile at an edge of C or across the diagonal: into the
			// buffer, then the elements that belong, with the kernel's
			// epilogue.
			kernel(depth, a, b, p.alpha, 0, &w.tile[0], nr)
			for r := range m {
				row := p.c[(i+r)*p.ldc+j : (i+r)*p.ldc+j+n]
				for s := range row {
					if !p.inTriangle(i+r, j+s) {
						continue
					}
					t := w.tile[r*nr+s]
					if beta == 0 {
						row[s] = t
					} else {
						row[s] = T(beta*row[s]) + t
					}
				}
			}
		}
	}
}

// packA copies rows [i0, i0+rows) and columns [p0, p0+depth) of op(A) into
// dst in panels of mr rows: panel q holds, for each step l of depth, the mr
// values op(A)[i0+q·mr+r][p0+l] at q·mr·depth + l·mr + r, zeros past the
// last row.
func (p *product[T]) packA(dst []T, i0, rows, p0, depth int) {
	for ir := 0; ir < rows; ir += mr {
		m := min(mr, rows-ir)
		panel := dst[ir*depth : (ir+mr)*depth]
		switch {
		case p.transA && m == mr:
			for l := range depth {
				src := p.a[(p0+l)*p.lda+i0+ir:][:mr]
				out := panel[l*mr:][:mr]
				out[0], out[1], out[2], out[3], out[4], out[5] = src[0], src[1], src[2], src[3], src[4], src[5]
			}
		case p.transA:
			for l := range depth {
				src := p.a[(p0+l)*p.lda+i0+ir:][:m]
				out := panel[l*mr:][:mr]
				for r := range mr {
					if r < m {
						out[r] = src[r]
					} else {
						out[r] = 0
					}
				}
			}
		case m == mr:
			// Six rows at once: the panel is written in order.
			r0, r1, r2 := p.a[(i0+ir)*p.lda+p0:][:depth], p.a[(i0+ir+1)*p.lda+p0:][:depth], p.a[(i0+ir+2)*p.lda+p0:][:depth]
			r3, r4, r5 := p.a[(i0+ir+3)*p.lda+p0:][:depth], p.a[(i0+ir+4)*p.lda+p0:][:depth], p.a[(i0+ir+5)*p.lda+p0:][:depth]
			for l := range depth {
				out := panel[l*mr:][:mr]
				out[0], out[1], out[2], out[3], out[4], out[5] = r0[l], r1[l], r2[l], r3[l], r4[l], r5[l]
			}
		default:
			for r := range mr {
				if r >= m {
					for l := range depth {
						panel[l*mr+r] = 0
					}
					continue
				}
				src := p.a[(i0+ir+r)*p.lda+p0:][:depth]
				for l, v := range src {
					panel[l*mr+r] = v
				}
			}
		}
	}
}

// packB copies rows [p0, p0+depth) and columns [j0, j0+cols) of op(B) into
// dst in panels of nr columns: panel q holds, for each step l, the nr values
// op(B)[p0+l][j0+q·nr+s] at q·nr·depth + l·nr + s, zeros past the last
// column.
func (p *product[T]) packB(dst []T, p0, depth, j0, cols, nr int) {
	for jr := 0; jr < cols; jr += nr {
		n := min(nr, cols-jr)
		panel := dst[jr*depth : (jr+nr)*depth]
		if p.transB {
			p.packBTransposed(panel, p0, depth, j0+jr, n, nr)
			continue
		}
		if n == nr { // nr values are 64 bytes in both types
			var z T
			src := p.b[p0*p.ldb+j0+jr:]
			copyRows64(unsafe.Pointer(&panel[0]), unsafe.Pointer(&src[0]), depth, p.ldb*int(unsafe.Sizeof(z)))
			continue
		}
		for l := range depth {
			src := p.b[(p0+l)*p.ldb+j0+jr:][:n]
			out := panel[l*nr:][:nr]
			for s, v := range src {
				out[s] = v
			}
			for s := n; s < nr; s++ {
				out[s] = 0
			}
		}
	}
}

// packBTransposed packs one panel of op(B) = Bᵀ: nr rows of B, each read
// along its length, written nr apart. A full panel goes through the
// assembly transposes (eight float32 or four float64 rows at a time), the
// columns past the last whole block and a partial panel through Go.
func (p *product[T]) packBTransposed(panel []T, p0, depth, j, n, nr int) {
	done := 0
	if n == nr {
		var z T
		size := int(unsafe.Sizeof(z))
		rows, transpose := 4, transpose64
		if is32[T]() {
			rows, transpose = 8, transpose32
		}
		done = depth / rows * rows
		if done > 0 {
			for s := 0; s < nr; s += rows {
				transpose(unsafe.Pointer(&panel[s]), unsafe.Pointer(&p.b[(j+s)*p.ldb+p0]), p.ldb*size, done/rows, nr*size)
			}
		}
	}
	for s := range nr {
		if s >= n {
			for l := range depth {
				panel[l*nr+s] = 0
			}
			continue
		}
		src := p.b[(j+s)*p.ldb+p0:][:depth]
		for l := done; l < depth; l++ {
			panel[l*nr+s] = src[l]
		}
	}
}
