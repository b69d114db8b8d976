package seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/fastmath"
	"github.com/physml/physml/internal/gemm"
	"github.com/physml/physml/internal/kernels"
	"github.com/physml/physml/nn"
)

// mlstmEps is the ε added to the mLSTM normaliser, NX-AI's default.
const mlstmEps = 1e-6

// DefaultMLSTMChunkSize is the chunk length of MLSTM's chunkwise form when
// its ChunkSize is 0.
const DefaultMLSTMChunkSize = 32

// MLSTM is the mLSTM layer of xLSTM (Beck et al. 2024, section 2.3): per
// head a matrix memory C (d×d, d = H/heads) written with the outer product
// of a value and a key and read with a query. With the projections of the
// input q = W_q x + b_q, k = (W_k x + b_k)/√d, v = W_v x + b_v,
// õ = W_o x + b_o and, per head, the scalar gate pre-activations
// ĩ = w_iᵀ x + b_i and f̃ = w_fᵀ x + b_f, one step of a head is
//
//	m' = max(log σ(f̃) + m, ĩ)          (m' = ĩ at the first step)
//	i  = exp(ĩ − m'),  f = exp(log σ(f̃) + m − m')
//	C' = f C + i v kᵀ,  n' = f n + i k
//	h̃  = C' q / (max(|n'ᵀ q|, exp(−m')) + ε),  ε = 1e-6
//	h' = σ(õ) ⊙ h̃
//
// There is no recurrence through h, so a whole sequence can be computed at
// once (the parallel form, which Forward uses): with the cumulative log
// forget gate F_t = Σ_{u≤t} log σ(f̃_u),
//
//	log D_ts = F_t − F_s + ĩ_s  (s ≤ t),   m_t = max_s log D_ts
//	C_ts = (q_t·k_s) exp(log D_ts − m_t),  b_t = Σ_s C_ts
//	h̃_t = Σ_s C_ts v_s / (max(|b_t|, exp(−m_t)) + ε)
//
// Its cost grows with the square of the steps, so sequences longer than
// ChunkSize run in the chunkwise form (NX-AI's chunkwise kernels): the
// parallel form within chunks, the recurrent one between them, at a cost
// linear in the steps; it gives the parallel form's numbers (tested to
// 1e-12 in float64). Step computes the recurrent form one step at a time;
// all three are equal (the first-step rule m' = ĩ is what makes the
// recurrent stabiliser the parallel form's row maximum). Backward
// differentiates the parallel form exactly, including the stabiliser's
// path through ε and the max, as PyTorch's autograd does on NX-AI's
// parallel_stabilized_simple.
//
// MLSTM implements nn.Layer on batch-first sequences, (batch, steps·In) to
// (batch, steps·H), and takes per-sequence lengths. Its parameters are
// "weight_ih" ((4H + 2·heads) × In) and "bias": the rows of q, k, v and õ (H
// each), then ĩ and f̃ (one per head).
//
// Of the paper's full mLSTM block, physml has the cell layer with the
// paper's output gate. NX-AI's block computes the gates from [q, k, v]
// rather than x, normalises h̃ with a multi-head layer norm instead of the
// output gate, and adds the up-projection, the causal convolution, the
// learnable skip and the gated down-projection around it: none of those are
// included.
type MLSTM[T Float] struct {
	InputSize, HiddenSize, Heads int
	// SkipInputGrad makes Backward skip the input gradient and return nil.
	SkipInputGrad bool
	// ChunkSize is the chunk length of the chunkwise form, which Forward
	// and Backward use for the sequences longer than it (0:
	// DefaultMLSTMChunkSize). Its cost grows with the steps, the parallel
	// form's with their square; both give the same numbers.
	ChunkSize int

	wih, bias nn.Param[T]
	lengths   []int

	// Saved by Forward for Backward: the input and its projections.
	x, proj nn.Matrix[T]
	og      nn.Matrix[T] // σ(õ) of every step, (batch, steps·H)
	steps   int
	h, dx   nn.Matrix[T]
	dproj   nn.Matrix[T]
	work    []*mlstmHead[T] // a head workspace per goroutine
	// Step's workspaces.
	stepProj, stepOut nn.Matrix[T]
	stepKey           []float64
}

// NewMLSTM returns an mLSTM layer of the given sizes (hidden divisible by
// heads). Weights and biases are uniform in ±1/√hidden, except the forget
// gates' biases, spaced from 3 to 6 over the heads as NX-AI initialises
// them, so that the memory starts by keeping what it holds.
func NewMLSTM[T Float](input, hidden, heads int, rng *rand.Rand) *MLSTM[T] {
	if input <= 0 || hidden <= 0 || heads <= 0 || hidden%heads != 0 {
		panic(fmt.Sprintf("seq: mLSTM with input %d, hidden %d and %d heads: sizes must be positive and the hidden size divisible by the heads", input, hidden, heads))
	}
	rows := 4*hidden + 2*heads
	l := &MLSTM[T]{InputSize: input, HiddenSize: hidden, Heads: heads,
		wih: nn.NewParam[T]("weight_ih", rows, input), bias: nn.NewParam[T]("bias", rows)}
	bound := 1 / math.Sqrt(float64(hidden))
	nn.Uniform(rng, l.wih.Value, bound)
	nn.Uniform(rng, l.bias.Value, bound)
	forget := l.bias.Value[4*hidden+heads:]
	for k := range forget {
		forget[k] = T(3 + 3*float64(k)/float64(max(heads-1, 1)))
	}
	return l
}

// Params returns weight_ih and bias.
func (l *MLSTM[T]) Params() []nn.Param[T] { return []nn.Param[T]{l.wih, l.bias} }

// SetLengths sets the valid steps of each sequence of the next batches
// (nil: all steps valid).
func (l *MLSTM[T]) SetLengths(lengths []int) { l.lengths = lengths }

// String describes the layer.
func (l *MLSTM[T]) String() string {
	return fmt.Sprintf("mLSTM(%d, %d, heads=%d)", l.InputSize, l.HiddenSize, l.Heads)
}

func (l *MLSTM[T]) length(i int) int {
	if l.lengths == nil {
		return l.steps
	}
	return l.lengths[i]
}

// project sets the rows of dst (4H+2·heads each) to x W_ihᵀ + b for the
// rows of x (In each).
func (l *MLSTM[T]) project(dst, x []T) {
	P := l.wih.Shape[0]
	blas.Gemm(blas.NoTrans, blas.Trans, len(x)/l.InputSize, P, l.InputSize, 1, x, l.InputSize, l.wih.Value, l.InputSize, 0, dst, P)
	for r := 0; r < len(dst); r += P {
		row := dst[r : r+P]
		for j, b := range l.bias.Value {
			row[j] += b
		}
	}
}

// Forward runs the sequences x (batch, steps·In) in the parallel form and
// returns the outputs of every step (batch, steps·H), zero at padded steps.
func (l *MLSTM[T]) Forward(x *nn.Matrix[T], _ bool) *nn.Matrix[T] {
	if x.Cols%l.InputSize != 0 {
		panic(fmt.Sprintf("seq: mLSTM input of %d columns is not steps of %d", x.Cols, l.InputSize))
	}
	b, H, P := x.Rows, l.HiddenSize, l.wih.Shape[0]
	l.steps = x.Cols / l.InputSize
	checkLengths("mLSTM", l.lengths, b, l.steps)
	copy(nn.Workspace(&l.x, b, x.Cols).Data, x.Data)
	proj := nn.Workspace(&l.proj, b, l.steps*P)
	og := nn.Workspace(&l.og, b, l.steps*H)
	h := nn.Workspace(&l.h, b, l.steps*H)
	clear(h.Data)
	l.eachBlock(b, func(hd *mlstmHead[T], c chunk) {
		// The projections of the block's steps, then the output gates
		// σ(õ), H contiguous values per step (eight at a time in float32).
		r0, r1 := c.b0*l.steps, (c.b0+c.size)*l.steps
		l.project(proj.Data[r0*P:r1*P], l.x.Data[r0*l.InputSize:r1*l.InputSize])
		for r := r0; r < r1; r++ {
			fastmath.SigmoidTo(og.Data[r*H:(r+1)*H], proj.Data[r*P+3*H:r*P+4*H])
		}
		for i := c.b0; i < c.b0+c.size; i++ {
			for k := 0; k < l.Heads; k++ {
				hd.load(proj.Row(i), l.length(i), H, l.Heads, k)
				hd.forward()
				hd.gate(og.Row(i), h.Row(i), nil, nil, H, P, k)
			}
		}
	})
	return h
}

// eachBlock splits the sequences 0 … b−1 into as many blocks as GOMAXPROCS
// allows when the batch is large enough to pay for them, and calls fn for
// each on a goroutine of its own, with a head workspace of its own and
// BLAS single-threaded.
func (l *MLSTM[T]) eachBlock(b int, fn func(hd *mlstmHead[T], c chunk)) {
	d := l.HiddenSize / l.Heads
	blocks := splitRange(b, min(runtime.GOMAXPROCS(0), b/4))
	size := l.ChunkSize
	if size <= 0 {
		size = DefaultMLSTMChunkSize
	}
	if len(l.work) > 0 && (l.work[0].S != l.steps || l.work[0].c != min(size, l.steps)) {
		l.work = l.work[:0] // sized for another number of steps
	}
	for len(l.work) < len(blocks) {
		l.work = append(l.work, newMLSTMHead[T](l.steps, d, size))
	}
	blas.RunSingleThreaded(func() {
		var wg sync.WaitGroup
		for n, c := range blocks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fn(l.work[n], c)
			}()
		}
		wg.Wait()
	})
}

// Backward takes the gradient of the outputs dy (batch, steps·H), adds the
// parameter gradients and returns the input gradient (nil with
// SkipInputGrad). The parallel form of each sequence and head is computed
// again rather than kept: it is (steps × steps) per head.
func (l *MLSTM[T]) Backward(dy *nn.Matrix[T]) *nn.Matrix[T] {
	b, H, P := dy.Rows, l.HiddenSize, l.wih.Shape[0]
	if b != l.x.Rows || dy.Cols != l.steps*H {
		panic(fmt.Sprintf("seq: mLSTM.Backward: gradient is %s, want %d×%d", dy.Shape(), l.x.Rows, l.steps*H))
	}
	dproj := nn.Workspace(&l.dproj, b, l.steps*P)
	clear(dproj.Data)
	dx := nn.Workspace(&l.dx, b, l.steps*l.InputSize)
	l.eachBlock(b, func(hd *mlstmHead[T], c chunk) {
		for i := c.b0; i < c.b0+c.size; i++ {
			for k := 0; k < l.Heads; k++ {
				hd.load(l.proj.Row(i), l.length(i), H, l.Heads, k)
				hd.forward()
				hd.gate(l.og.Row(i), nil, dy.Row(i), dproj.Row(i), H, P, k)
				hd.backward()
				hd.store(dproj.Row(i), H, l.Heads, k)
			}
		}
		if !l.SkipInputGrad {
			r0, rows := c.b0*l.steps, c.size*l.steps
			blas.Gemm(blas.NoTrans, blas.NoTrans, rows, l.InputSize, P, 1, dproj.Data[r0*P:], P, l.wih.Value, l.InputSize,
				0, dx.Data[r0*l.InputSize:], l.InputSize)
		}
	})
	// The parameters' gradients over every step, their rows split between
	// goroutines.
	rows := b * l.steps
	runBlocks(splitRange(P, runtime.GOMAXPROCS(0)), func(c chunk) {
		blas.Gemm(blas.Trans, blas.NoTrans, c.size, l.InputSize, rows, 1, dproj.Data[c.b0:], P, l.x.Data, l.InputSize,
			1, l.wih.Grad[c.b0*l.InputSize:], l.InputSize)
		grad := l.bias.Grad[c.b0 : c.b0+c.size]
		for r := c.b0; r < len(dproj.Data); r += P {
			for j, v := range dproj.Data[r : r+c.size] {
				grad[j] += v
			}
		}
	})
	if l.SkipInputGrad {
		return nil
	}
	return dx
}

// mlstmHead is one head of one sequence in the parallel form: its L valid
// steps' queries, keys (already divided by √d), values and gate
// pre-activations, the (L × L) matrices of the form, and their gradients.
// The matrices are in T, so that a float32 layer's products run on the
// float32 kernels as PyTorch's do; the per-step quantities that the
// stabiliser works with (gate pre-activations, cumulative log forget gates,
// row maxima, normalisers) and the sums over a row are float64 in either;
// in float32 exp(log D − m) runs eight at a time (fastmath.Exp32To).
// The buffers are sized for the batch's S steps: entry (t, s) of an L × L
// matrix is at t·S + s, component a of step t of a vector at t·d + a.
type mlstmHead[T Float] struct {
	d, L, S    int
	c          int       // the matrices' size: the chunk length, or S
	q, k, v    []T       // S×d
	ig, fg, lf []float64 // ĩ_t, f̃_t, log σ(f̃_t)
	F          []float64 // F_t = Σ_{u≤t} log σ(f̃_u)
	m          []float64 // row maxima of log D
	arg        []int     // where they are
	logD       []float64 // one row of log D
	D, C       []T       // exp(log D − m) and C = (q·k) D, c×c
	sum, norm  []float64 // b_t and max(|b_t|, exp(−m_t)) + ε
	ht, dht    []T       // h̃ and its gradient, S×d
	dq, dk, dv []T       // S×d
	dig, dlf   []float64 // S each
	dlogD, dqk []T       // c×c
	chunks     *mlstmChunks[T]
}

// newMLSTMHead returns the workspace of a head for sequences of up to steps
// steps, in chunks of chunk steps (the parallel form alone when chunk ≥
// steps).
func newMLSTMHead[T Float](steps, d, chunk int) *mlstmHead[T] {
	f := func(n int) []float64 { return make([]float64, n) }
	g := func(n int) []T { return make([]T, n) }
	S, c := steps, min(chunk, steps)
	hd := &mlstmHead[T]{d: d, S: S, c: c, q: g(S * d), k: g(S * d), v: g(S * d), ig: f(S), fg: f(S), lf: f(S), F: f(S), m: f(S), arg: make([]int, S),
		logD: f(c), D: g(c * c), C: g(c * c), sum: f(S), norm: f(S), ht: g(S * d), dht: g(S * d),
		dq: g(S * d), dk: g(S * d), dv: g(S * d), dig: f(S), dlf: f(S), dlogD: g(c * c), dqk: g(c * c)}
	if c < S {
		hd.chunks = newMLSTMChunks[T](S, d, c)
	}
	return hd
}

// logSigmoid returns log σ(x) without overflow.
func logSigmoid(x float64) float64 {
	if x >= 0 {
		return -math.Log1p(math.Exp(-x))
	}
	return x - math.Log1p(math.Exp(x))
}

// load reads head k of one sequence's projections row (steps·(4H+2K)) for
// its first L steps.
func (hd *mlstmHead[T]) load(row []T, L, H, K, k int) {
	hd.L = L
	d, P := hd.d, 4*H+2*K
	scale := 1 / math.Sqrt(float64(d))
	for t := 0; t < L; t++ {
		p := row[t*P : (t+1)*P]
		copy(hd.q[t*d:(t+1)*d], p[k*d:])
		copy(hd.v[t*d:(t+1)*d], p[2*H+k*d:])
		for a, x := range p[H+k*d : H+(k+1)*d] {
			hd.k[t*d+a] = T(float64(x) * scale)
		}
		hd.ig[t], hd.fg[t] = float64(p[4*H+k]), float64(p[4*H+K+k])
		hd.lf[t] = logSigmoid(hd.fg[t])
	}
}

// forward computes the parallel form, or the chunkwise form when the
// sequence is longer than a chunk: D, C, the normalisers and h̃. The
// products over the head's d components are matrix products (headGemm):
// QKᵀ into C, then h̃ = diag(1/norm) C V.
func (hd *mlstmHead[T]) forward() {
	d, L, S := hd.d, hd.L, hd.c
	if L == 0 {
		return
	}
	if L > S {
		hd.forwardChunks()
		return
	}
	F := hd.F
	headGemm(false, true, L, L, d, hd.q, d, hd.k, d, 0, hd.C, S) // q_t·k_s
	for t := 0; t < L; t++ {
		F[t] = hd.lf[t]
		if t > 0 {
			F[t] += F[t-1]
		}
		// log D_ts = F_t − F_s + ĩ_s, and the row maximum m_t.
		logD, Drow, Crow := hd.logD[:t+1], hd.D[t*S:t*S+L], hd.C[t*S:t*S+L]
		m, arg := math.Inf(-1), 0
		for s := range logD {
			v := F[t] - F[s] + hd.ig[s]
			logD[s] = v
			if v > m {
				m, arg = v, s
			}
		}
		hd.m[t], hd.arg[t] = m, arg
		var sum float64
		if blas.Is32[T]() {
			// exp(log D − m) ≤ 1, eight at a time in float32.
			d32 := kernels.Float32s(Drow[:t+1])
			for s, v := range logD {
				d32[s] = float32(v - m)
			}
			fastmath.Exp32To(d32, d32)
			for s := range logD {
				c := float64(Crow[s]) * float64(Drow[s])
				Crow[s] = T(c)
				sum += c
			}
		} else {
			for s, v := range logD {
				D := math.Exp(v - m)
				c := float64(Crow[s]) * D
				Drow[s], Crow[s] = T(D), T(c)
				sum += c
			}
		}
		clear(Drow[t+1:])
		clear(Crow[t+1:])
		hd.sum[t] = sum
		hd.norm[t] = math.Max(math.Abs(sum), math.Exp(-m)) + mlstmEps
	}
	headGemm(false, false, L, d, L, hd.C, S, hd.v, d, 0, hd.ht, d)
	for t := 0; t < L; t++ {
		inv := 1 / hd.norm[t]
		for a, x := range hd.ht[t*d : (t+1)*d] {
			hd.ht[t*d+a] = T(float64(x) * inv)
		}
	}
}

// gate applies the output gate of head k, og the sequence's σ(õ) (steps·H):
// with h set it writes h = σ(õ) ⊙ h̃ into the sequence's output row; with
// dy set it writes dõ into dproj (steps·P) and dh̃ = dy ⊙ σ(õ) into hd.dht.
func (hd *mlstmHead[T]) gate(og, h, dy, dproj []T, H, P, k int) {
	d := hd.d
	for t := 0; t < hd.L; t++ {
		j := t*H + k*d
		o, ht := og[j:j+d], hd.ht[t*d:(t+1)*d]
		if h != nil {
			hs := h[j : j+d]
			for a := range hs {
				hs[a] = T(float64(o[a]) * float64(ht[a]))
			}
		}
		if dy != nil {
			g, do, dht := dy[j:j+d], dproj[t*P+3*H+k*d:][:d], hd.dht[t*d:(t+1)*d]
			for a := range g {
				oa, ga := float64(o[a]), float64(g[a])
				do[a] = T(ga * float64(ht[a]) * oa * (1 - oa))
				dht[a] = T(ga * oa)
			}
		}
	}
}

// backward differentiates forward, from dh̃ in hd.dht to the gradients of
// q, k (the scaled keys), v, ĩ and log σ(f̃). Per row t, with c_ts =
// C_ts/norm_t and the stabiliser m_t a function of the inputs (through its
// argmax, as torch.max routes it):
//
//	dv_s += c_ts dh̃_t,  dc_ts = dh̃_t·v_s,  dnorm_t = −dh̃_t·h̃_t / norm_t
//	dC_ts = dc_ts / norm_t + [|b_t| wins] dnorm_t sign(b_t)
//	dm_t = −Σ_s dC_ts C_ts − [exp(−m_t) wins] dnorm_t exp(−m_t)
//	d(q_t·k_s) = dC_ts D_ts,  dlog D_ts = dC_ts C_ts + [s = argmax] dm_t
//	dĩ_s = Σ_t dlog D_ts,  dF_t = Σ_s dlog D_ts − Σ_t' dlog D_t't
//	dlog σ(f̃_u) = Σ_{t≥u} dF_t
//
// With G = diag(1/norm) dH̃, the sums over d are the matrix products
// dV = Cᵀ G, (dc/norm) = G Vᵀ, dQ = dQK K and dK = dQKᵀ Q (headGemm).
func (hd *mlstmHead[T]) backward() {
	d, L, S := hd.d, hd.L, hd.c
	clear(hd.dig[:L])
	if L == 0 {
		return
	}
	if L > S {
		hd.backwardChunks()
		return
	}
	G := hd.dq // dH̃/norm, until dQ overwrites it
	dnorm := hd.dlf
	for t := 0; t < L; t++ {
		dnorm[t] = hd.normGrad(t, G)
	}
	headGemm(true, false, L, d, L, hd.C, S, G, d, 0, hd.dv, d)    // dV = Cᵀ G
	headGemm(false, true, L, L, d, G, d, hd.v, d, 0, hd.dlogD, S) // dc_ts/norm_t
	for t := 0; t < L; t++ {
		useSum := math.Abs(hd.sum[t]) > math.Exp(-hd.m[t])
		var viaSum, dm float64
		if useSum {
			viaSum = dnorm[t] * sign(hd.sum[t])
		} else {
			dm = -dnorm[t] * math.Exp(-hd.m[t])
		}
		row, Crow, Drow := hd.dlogD[t*S:t*S+L], hd.C[t*S:t*S+L], hd.D[t*S:t*S+L]
		dqk := hd.dqk[t*S : t*S+L]
		for s := 0; s <= t; s++ {
			dC, c := float64(row[s])+viaSum, float64(Crow[s])
			dm -= dC * c
			dqk[s] = T(dC * float64(Drow[s]))
			row[s] = T(dC * c)
		}
		clear(dqk[t+1:])
		row[hd.arg[t]] += T(dm)
	}
	headGemm(false, false, L, d, L, hd.dqk, S, hd.k, d, 0, hd.dq, d) // dQ = dQK K
	headGemm(true, false, L, d, L, hd.dqk, S, hd.q, d, 0, hd.dk, d)  // dK = dQKᵀ Q
	// dĩ_s and dF: row sums add to F_t, column sums to ĩ_s and −F_s.
	dF := hd.dlf // dF_t, then its suffix sums: dlog σ(f̃)
	clear(dF[:L])
	for t := 0; t < L; t++ {
		for s := 0; s <= t; s++ {
			g := float64(hd.dlogD[t*S+s])
			hd.dig[s] += g
			dF[t] += g
			dF[s] -= g
		}
	}
	for u := L - 2; u >= 0; u-- {
		dF[u] += dF[u+1]
	}
}

// normGrad writes row t of G = dh̃/norm and returns the gradient of the
// normaliser, dnorm_t = −dh̃_t·h̃_t / norm_t.
func (hd *mlstmHead[T]) normGrad(t int, G []T) float64 {
	d := hd.d
	dht, ht := hd.dht[t*d:(t+1)*d], hd.ht[t*d:(t+1)*d]
	inv := 1 / hd.norm[t]
	var dn float64
	for a := range dht {
		dn -= float64(dht[a]) * float64(ht[a])
		G[t*d+a] = T(float64(dht[a]) * inv)
	}
	return dn * inv
}

// headGemm sets c = op(a)·op(b) + beta·c for the small row-major matrices of a head
// (op(a) m×k, op(b) k×n, c m×n): with the assembly kernels of internal/gemm
// where the machine runs them, in both builds (a cgo call would cost more
// than these products), else by loops.
func headGemm[T Float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta float64, c []T, ldc int) {
	switch {
	case gemm.Available() && blas.Is32[T]():
		f := kernels.Float32s[T]
		gemm.Gemm(transA, transB, m, n, k, 1, f(a), lda, f(b), ldb, float32(beta), f(c), ldc)
		return
	case gemm.Available():
		f := kernels.Float64s[T]
		gemm.Gemm(transA, transB, m, n, k, 1, f(a), lda, f(b), ldb, beta, f(c), ldc)
		return
	}
	headGemmLoops(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// headGemmLoops is headGemm by loops, for machines without the kernels.
func headGemmLoops[T Float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta float64, c []T, ldc int) {
	at := func(x []T, ld int, trans bool, i, j int) float64 {
		if trans {
			return float64(x[j*ld+i])
		}
		return float64(x[i*ld+j])
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var sum float64
			for p := 0; p < k; p++ {
				sum += at(a, lda, transA, i, p) * at(b, ldb, transB, p, j)
			}
			if beta != 0 {
				sum += beta * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = T(sum)
		}
	}
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// store writes the gradients of head k's q, k, v, ĩ and f̃ into the
// sequence's row of dproj (steps·(4H+2K)); dõ is already there.
func (hd *mlstmHead[T]) store(dproj []T, H, K, k int) {
	d, P := hd.d, 4*H+2*K
	scale := 1 / math.Sqrt(float64(d))
	for t := 0; t < hd.L; t++ {
		p := dproj[t*P : (t+1)*P]
		for a := 0; a < d; a++ {
			p[k*d+a] = hd.dq[t*d+a]
			p[H+k*d+a] = T(float64(hd.dk[t*d+a]) * scale)
			p[2*H+k*d+a] = hd.dv[t*d+a]
		}
		// d log σ(f̃)/df̃ = 1 − σ(f̃) = 1 − exp(log σ(f̃))
		p[4*H+k] = T(hd.dig[t])
		p[4*H+K+k] = T(hd.dlf[t] * (1 - math.Exp(hd.lf[t])))
	}
}

// MLSTMState is the state of an mLSTM layer between steps of the recurrent
// form, for a batch: per sequence and head the memory C (d×d, row-major,
// C[a][c] pairing value component a with key component c), the normaliser
// n (d) and the stabiliser m (−Inf before the first step).
type MLSTMState[T Float] struct {
	C, N, M []T
	batch   int
}

// NewState returns the state before the first step for batch sequences.
func (l *MLSTM[T]) NewState(batch int) *MLSTMState[T] {
	d := l.HiddenSize / l.Heads
	st := &MLSTMState[T]{C: make([]T, batch*l.Heads*d*d), N: make([]T, batch*l.Heads*d), M: make([]T, batch*l.Heads), batch: batch}
	for i := range st.M {
		st.M[i] = T(math.Inf(-1))
	}
	return st
}

// Step runs one step of the recurrent form: it reads the inputs x (batch,
// In), advances state and returns the outputs (batch, H), which belong to
// the layer until the next Step. Steps from NewState give the outputs of
// Forward, one step at a time; a step allocates nothing.
func (l *MLSTM[T]) Step(x *nn.Matrix[T], state *MLSTMState[T]) *nn.Matrix[T] {
	H, K := l.HiddenSize, l.Heads
	d, P := H/K, l.wih.Shape[0]
	if x.Cols != l.InputSize || x.Rows != state.batch {
		panic(fmt.Sprintf("seq: mLSTM.Step: input is %s, want %d×%d for the state's batch", x.Shape(), state.batch, l.InputSize))
	}
	proj := nn.Workspace(&l.stepProj, x.Rows, P)
	l.project(proj.Data, x.Data)
	out := nn.Workspace(&l.stepOut, x.Rows, H)
	scale := 1 / math.Sqrt(float64(d))
	if len(l.stepKey) < d {
		l.stepKey = make([]float64, d)
	}
	kv := l.stepKey[:d]
	for i := 0; i < x.Rows; i++ {
		p := proj.Row(i)
		for k := 0; k < K; k++ {
			hk := i*K + k
			C, n := state.C[hk*d*d:(hk+1)*d*d], state.N[hk*d:(hk+1)*d]
			ig, lf, m := float64(p[4*H+k]), logSigmoid(float64(p[4*H+K+k])), float64(state.M[hk])
			mNew := math.Max(lf+m, ig)
			fg, igate := math.Exp(lf+m-mNew), math.Exp(ig-mNew)
			for c := 0; c < d; c++ {
				kv[c] = float64(p[H+k*d+c]) * scale
				n[c] = T(fg*float64(n[c]) + igate*kv[c])
			}
			var qn float64
			for c := 0; c < d; c++ {
				qn += float64(p[k*d+c]) * float64(n[c])
			}
			norm := math.Max(math.Abs(qn), math.Exp(-mNew)) + mlstmEps
			for a := 0; a < d; a++ {
				va := float64(p[2*H+k*d+a])
				var read float64
				row := C[a*d : (a+1)*d]
				for c := 0; c < d; c++ {
					row[c] = T(fg*float64(row[c]) + igate*va*kv[c])
					read += float64(row[c]) * float64(p[k*d+c])
				}
				o := 1 / (1 + math.Exp(-float64(p[3*H+k*d+a])))
				out.Row(i)[k*d+a] = T(o * read / norm)
			}
			state.M[hk] = T(mNew)
		}
	}
	return out
}
