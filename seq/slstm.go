package seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/fastmath"
	"github.com/physml/physml/internal/kernels"
	"github.com/physml/physml/nn"
)

// SLSTM is the sLSTM layer of xLSTM (Beck et al. 2024, section 2.2): an
// LSTM with an exponential input gate, a forget gate in log space, a
// normaliser state n and a stabiliser state m. One step, with the gate
// pre-activations ĩ, f̃, z̃, õ = W x + b + R h (in that order),
//
//	m' = max(log σ(f̃) + m, ĩ)          (m' = ĩ at the first step)
//	i  = exp(ĩ − m'),  f = exp(log σ(f̃) + m − m')
//	c' = f c + i tanh(z̃)
//	n' = f n + i
//	h' = σ(õ) c' / n'
//
// as NX-AI's reference implementation (xlstm/blocks/slstm, vanilla) with a
// sigmoid forget gate. The recurrent matrix R is block-diagonal by head:
// heads mix only through the input projection. h' does not depend on m
// (c' and n' carry the same factor e^{−m'}), so the backward pass treats m
// as a constant, which gives the exact gradient.
//
// SLSTM implements nn.Layer on batch-first sequences, (batch, steps·In) to
// (batch, steps·H), and takes per-sequence lengths (padded steps keep the
// state, output zero and receive no gradient). The states (h, c, n, m) go
// in with SetInitialState and come out with FinalState, and
// InitialStateGrad gives the gradients with respect to the initial state. Its parameters are
// "weight_ih" (4H × In), "bias" (4H) and "weight_hh" (heads × 4d × d, d =
// H/heads).
//
// Of the paper's full sLSTM block, physml has the cell layer: the causal
// convolution, the group norm and the gated up- and down-projections
// around it are not included.
type SLSTM[T Float] struct {
	InputSize, HiddenSize, Heads int
	// SkipInputGrad makes Backward skip the input gradient and return nil.
	SkipInputGrad bool

	wih, bias, whh nn.Param[T]
	lengths        []int
	init           *SLSTMState[T] // the state the next Forward starts from; nil: zero
	used           *SLSTMState[T] // the one the last Forward started from
	dinit          SLSTMState[T]  // InitialStateGrad's

	// Saved by Forward for Backward, (batch, steps·X) each. The gate
	// columns of raw and gates (and draw) are head-major — per head k its
	// four gate blocks [ĩ f̃ z̃ õ]_k side by side, 4d columns — so that the
	// recurrent product of a head is one GEMM writing its own columns.
	x, raw, gates, c, n, m, h nn.Matrix[T]
	steps                     int
	// weight_ih and bias with their rows in that head-major order.
	wihHeads, biasHeads nn.Matrix[T]
	// Backward's workspaces.
	draw, dhRec, hPrev, dx, dwih, dbias nn.Matrix[T]
}

// NewSLSTM returns an sLSTM layer of the given sizes (hidden divisible by
// heads), its weights uniform in ±1/√hidden as PyTorch initialises its
// recurrent layers.
func NewSLSTM[T Float](input, hidden, heads int, rng *rand.Rand) *SLSTM[T] {
	if input <= 0 || hidden <= 0 || heads <= 0 || hidden%heads != 0 {
		panic(fmt.Sprintf("seq: sLSTM with input %d, hidden %d and %d heads: sizes must be positive and the hidden size divisible by the heads", input, hidden, heads))
	}
	d := hidden / heads
	s := &SLSTM[T]{InputSize: input, HiddenSize: hidden, Heads: heads,
		wih: nn.NewParam[T]("weight_ih", 4*hidden, input), bias: nn.NewParam[T]("bias", 4*hidden),
		whh: nn.NewParam[T]("weight_hh", heads, 4*d, d)}
	bound := 1 / math.Sqrt(float64(hidden))
	for _, p := range s.Params() {
		nn.Uniform(rng, p.Value, bound)
	}
	return s
}

// Params returns weight_ih, bias and weight_hh.
func (s *SLSTM[T]) Params() []nn.Param[T] { return []nn.Param[T]{s.wih, s.bias, s.whh} }

// SetLengths sets the valid steps of each sequence of the next batches
// (nil: all steps valid).
func (s *SLSTM[T]) SetLengths(lengths []int) { s.lengths = lengths }

// SLSTMState is the state of an sLSTM layer for a batch of sequences, each
// (batch, H): the hidden state H, the cell C, the normaliser N and the
// stabiliser M.
type SLSTMState[T Float] struct{ H, C, N, M *nn.Matrix[T] }

// SetInitialState sets the state the next Forward starts from (nil: the
// zero state, where the first step takes m' = ĩ), for streaming a long
// sequence in pieces: FinalState of one piece starts the next.
func (s *SLSTM[T]) SetInitialState(st *SLSTMState[T]) { s.init = st }

// FinalState returns the state after each sequence's last valid step of
// the last Forward, in new matrices.
func (s *SLSTM[T]) FinalState() *SLSTMState[T] {
	b, H := s.h.Rows, s.HiddenSize
	st := &SLSTMState[T]{H: nn.NewMatrix[T](b, H), C: nn.NewMatrix[T](b, H), N: nn.NewMatrix[T](b, H), M: nn.NewMatrix[T](b, H)}
	for i := 0; i < b; i++ {
		o := (s.length(i) - 1) * H
		copy(st.H.Row(i), s.h.Row(i)[o:o+H])
		copy(st.C.Row(i), s.c.Row(i)[o:o+H])
		copy(st.N.Row(i), s.n.Row(i)[o:o+H])
		copy(st.M.Row(i), s.m.Row(i)[o:o+H])
	}
	return st
}

// InitialStateGrad returns the gradients of the last Backward with respect
// to the initial state set for its Forward (nil without one). The state is
// stabilised — the true cell and normaliser are C·e^M and N·e^M — so the
// stabiliser has the gradient dC·C + dN·N.
func (s *SLSTM[T]) InitialStateGrad() *SLSTMState[T] {
	if s.used == nil {
		return nil
	}
	return &s.dinit
}

func (s *SLSTM[T]) length(i int) int {
	if s.lengths == nil {
		return s.steps
	}
	return s.lengths[i]
}

// gateRow returns the row of weight_ih (and bias) in PyTorch's gate-major
// order — the gates ĩ, f̃, z̃, õ, H rows each — of row r in the head-major
// order of the layer's gate columns (see SLSTM's fields).
func (s *SLSTM[T]) gateRow(r int) int {
	d := s.HiddenSize / s.Heads
	k, g, a := r/(4*d), r%(4*d)/d, r%d
	return g*s.HiddenSize + k*d + a
}

// addRecurrent adds R h to the pre-activations of step t for the rows of
// block c, h the block's rows of hPrev (row stride ldh): per head k one
// GEMM (rows × d)(4d × d)ᵀ into the head's four gate blocks.
func (s *SLSTM[T]) addRecurrent(raw *nn.Matrix[T], hPrev []T, ldh, t int, c chunk) {
	H, d := s.HiddenSize, s.HiddenSize/s.Heads
	for k := 0; k < s.Heads; k++ {
		blas.Gemm(blas.NoTrans, blas.Trans, c.size, 4*d, d, 1, hPrev[c.b0*ldh+k*d:], ldh, s.whh.Value[k*4*d*d:], d,
			1, raw.Data[c.b0*raw.Cols+t*4*H+k*4*d:], raw.Cols)
	}
}

// runBlocks calls fn for the blocks, each on a goroutine when there are
// several, with BLAS single-threaded: the blocks are the parallelism, and
// their per-step products are too small for BLAS's threads.
func runBlocks(blocks []chunk, fn func(chunk)) {
	blas.RunSingleThreaded(func() { parallel(blocks, fn) })
}

// blocks splits a batch of b sequences into as many blocks as GOMAXPROCS
// allows with at least 16 sequences in each: each block runs its own time
// loop on a goroutine.
func (s *SLSTM[T]) blocks(b int) []chunk {
	return splitRange(b, min(runtime.GOMAXPROCS(0), b/16))
}

// Forward runs the sequences x (batch, steps·In) and returns the hidden
// states of every step (batch, steps·H), zero at padded steps.
func (s *SLSTM[T]) Forward(x *nn.Matrix[T], _ bool) *nn.Matrix[T] {
	if x.Cols%s.InputSize != 0 {
		panic(fmt.Sprintf("seq: sLSTM input of %d columns is not steps of %d", x.Cols, s.InputSize))
	}
	b, H := x.Rows, s.HiddenSize
	s.steps = x.Cols / s.InputSize
	checkLengths("sLSTM", s.lengths, b, s.steps)
	s.used, s.init = s.init, nil
	if st := s.used; st != nil {
		for _, m := range []*nn.Matrix[T]{st.H, st.C, st.N, st.M} {
			if m == nil || m.Rows != b || m.Cols != H {
				panic(fmt.Sprintf("seq: sLSTM initial state: want four %d×%d matrices (H, C, N, M)", b, H))
			}
		}
	}
	T4 := s.steps * 4 * H
	copy(nn.Workspace(&s.x, b, x.Cols).Data, x.Data)
	nn.Workspace(&s.raw, b, T4)
	nn.Workspace(&s.gates, b, T4)
	for _, st := range []*nn.Matrix[T]{&s.c, &s.n, &s.m, &s.h} {
		nn.Workspace(st, b, s.steps*H)
	}
	// The input projection's weights, their rows in head-major order.
	wih, bias := nn.Workspace(&s.wihHeads, 4*H, s.InputSize), nn.Workspace(&s.biasHeads, 1, 4*H)
	for r := range 4 * H {
		copy(wih.Row(r), s.wih.Value[s.gateRow(r)*s.InputSize:][:s.InputSize])
		bias.Data[r] = s.bias.Value[s.gateRow(r)]
	}
	runBlocks(s.blocks(b), s.forwardBlock)
	return &s.h
}

// forwardBlock runs Forward for the sequences of block c: the input
// projection of all their steps at once, then the time loop.
func (s *SLSTM[T]) forwardBlock(c chunk) {
	H, d, In := s.HiddenSize, s.HiddenSize/s.Heads, s.InputSize
	raw, gates := &s.raw, &s.gates
	cs, ns, ms, hs := &s.c, &s.n, &s.m, &s.h
	rows, r0 := c.size*s.steps, c.b0*s.steps
	proj := raw.Data[r0*4*H : (r0+rows)*4*H]
	blas.Gemm(blas.NoTrans, blas.Trans, rows, 4*H, In, 1, s.x.Data[r0*In:], In, s.wihHeads.Data, In, 0, proj, 4*H)
	for r := 0; r < len(proj); r += 4 * H {
		for k, v := range s.biasHeads.Data {
			proj[r+k] += v
		}
	}
	for t := 0; t < s.steps; t++ {
		switch {
		case t > 0:
			s.addRecurrent(raw, hs.Data[(t-1)*H:], hs.Cols, t, c)
		case s.used != nil:
			s.addRecurrent(raw, s.used.H.Data, H, t, c)
		}
		o := t * H
		for i := c.b0; i < c.b0+c.size; i++ {
			ct, nt, mt, ht := cs.Row(i)[o:o+H], ns.Row(i)[o:o+H], ms.Row(i)[o:o+H], hs.Row(i)[o:o+H]
			if t >= s.length(i) { // padding: the state stays, the output is zero
				copy(ct, cs.Row(i)[o-H:o])
				copy(nt, ns.Row(i)[o-H:o])
				copy(mt, ms.Row(i)[o-H:o])
				clear(ht)
				continue
			}
			cPrev, nPrev, mPrev := s.previous(i, t)
			for k := range s.Heads {
				u, v := k*d, (k+1)*d // the head's units
				r := raw.Row(i)[4*o+4*u : 4*o+4*v]
				g := gates.Row(i)[4*o+4*u : 4*o+4*v]
				if mPrev != nil {
					slstmStep(r, g, cPrev[u:v], nPrev[u:v], mPrev[u:v], ct[u:v], nt[u:v], mt[u:v], ht[u:v])
				} else {
					slstmStep(r, g, nil, nil, nil, ct[u:v], nt[u:v], mt[u:v], ht[u:v])
				}
			}
		}
	}
}

// slstmStep is one step of one head of one sequence: r the step's
// pre-activations [ĩ f̃ z̃ õ] (d each), g receives the gates [i f z o]; the
// previous cell, normaliser and stabiliser are nil at the first step from
// the zero state. float32 goes through slstmStep32.
func slstmStep[T Float](r, g, cPrev, nPrev, mPrev, c, n, m, h []T) {
	if blas.Is32[T]() {
		f := kernels.Float32s[T]
		slstmStep32(f(r), f(g), f(cPrev), f(nPrev), f(mPrev), f(c), f(n), f(m), f(h))
		return
	}
	d := len(c)
	for j := range d {
		iT, fT, zT, oT := float64(r[j]), float64(r[d+j]), float64(r[2*d+j]), float64(r[3*d+j])
		logF := logSigmoid(fT)
		// m' is the larger of log f + m and ĩ, so one of i, f is e⁰ = 1.
		mNew, ig, fg := iT, 1.0, 0.0
		var cp, np float64
		if mPrev != nil {
			cp, np = float64(cPrev[j]), float64(nPrev[j])
			if a := logF + float64(mPrev[j]); a > iT {
				mNew, ig, fg = a, math.Exp(iT-a), 1
			} else {
				fg = math.Exp(a - iT)
			}
		}
		z, og := math.Tanh(zT), 1/(1+math.Exp(-oT))
		cNew := fg*cp + ig*z
		nNew := fg*np + ig
		g[j], g[d+j], g[2*d+j], g[3*d+j] = T(ig), T(fg), T(z), T(og)
		c[j], n[j], m[j] = T(cNew), T(nNew), T(mNew)
		h[j] = T(og * cNew / nNew)
	}
}

// slstmStep32 is slstmStep in float32, the gate non-linearities eight at a
// time (internal/fastmath).
func slstmStep32(r, g, cPrev, nPrev, mPrev, c, n, m, h []float32) {
	d := len(c)
	it, ig := r[:d], g[:d]
	lf, fg := g[d:2*d], g[d:2*d]
	fastmath.LogSigmoid32To(lf, r[d:2*d])
	for j := range d {
		if mPrev == nil { // m' = ĩ, f = 0
			m[j], ig[j], fg[j] = it[j], 0, float32(math.Inf(-1))
			continue
		}
		a := lf[j] + mPrev[j]
		mj := max(a, it[j])
		m[j], ig[j], fg[j] = mj, it[j]-mj, a-mj
	}
	fastmath.Exp32To(g[:2*d], g[:2*d]) // i = exp(ĩ − m'), f = exp(log σ(f̃) + m − m')
	z, o := g[2*d:3*d], g[3*d:]
	fastmath.Tanh32To(z, r[2*d:3*d])
	fastmath.Sigmoid32To(o, r[3*d:])
	if mPrev == nil {
		for j := range d {
			c[j], n[j] = ig[j]*z[j], ig[j]
			h[j] = o[j] * c[j] / n[j]
		}
		return
	}
	for j := range d {
		c[j] = fg[j]*cPrev[j] + ig[j]*z[j]
		n[j] = fg[j]*nPrev[j] + ig[j]
		h[j] = o[j] * c[j] / n[j]
	}
}

// previous returns the cell, normaliser and stabiliser rows that enter
// step t of sequence i, nil at the first step from the zero state.
func (s *SLSTM[T]) previous(i, t int) (c, n, m []T) {
	H := s.HiddenSize
	if t > 0 {
		o := (t - 1) * H
		return s.c.Row(i)[o : o+H], s.n.Row(i)[o : o+H], s.m.Row(i)[o : o+H]
	}
	if st := s.used; st != nil {
		return st.C.Row(i), st.N.Row(i), st.M.Row(i)
	}
	return nil, nil, nil
}

// Backward takes the gradient of the hidden states dy (batch, steps·H),
// adds the parameter gradients and returns the input gradient (nil with
// SkipInputGrad). Per step, with r = c'/n' and everything after the step
// already in dc', dn' (m held constant, see SLSTM):
//
//	dõ = dh r σ′,  dc' += dh o / n',  dn' −= dh o c' / n'²
//	di = dc' tanh z̃ + dn',  df = dc' c + dn' n
//	dĩ = di i,  df̃ = df f (1 − σ(f̃)),  dz̃ = dc' i (1 − tanh² z̃)
//	dc = dc' f,  dn = dn' f,  dh_prev = Rᵀ [dĩ df̃ dz̃ dõ]
//
// The recurrent products of a step are one GEMM per head over the batch,
// and the gradient of R one GEMM per head over all steps.
func (s *SLSTM[T]) Backward(dy *nn.Matrix[T]) *nn.Matrix[T] {
	b, H, d := dy.Rows, s.HiddenSize, s.HiddenSize/s.Heads
	if b != s.x.Rows || dy.Cols != s.steps*H {
		panic(fmt.Sprintf("seq: sLSTM.Backward: gradient is %s, want %d×%d", dy.Shape(), s.x.Rows, s.steps*H))
	}
	draw := nn.Workspace(&s.draw, b, s.steps*4*H)
	clear(draw.Data)
	dhRec := nn.Workspace(&s.dhRec, b, H) // R-side gradient into h_{t}, from step t+1
	clear(dhRec.Data)
	dc, dn := make([]float64, b*H), make([]float64, b*H)
	dx := nn.Workspace(&s.dx, b, s.steps*s.InputSize)
	hPrev := nn.Workspace(&s.hPrev, b*s.steps, H)
	runBlocks(s.blocks(b), func(c chunk) { s.backwardBlock(c, dy, dhRec, dc, dn, hPrev, dx) })
	if st := s.used; st != nil { // the initial state's gradients
		d := &s.dinit
		d.H, d.C, d.N, d.M = nn.Workspace(d.H, b, H), nn.Workspace(d.C, b, H), nn.Workspace(d.N, b, H), nn.Workspace(d.M, b, H)
		copy(d.H.Data, dhRec.Data)
		for k := range d.C.Data {
			d.C.Data[k], d.N.Data[k] = T(dc[k]), T(dn[k])
			d.M.Data[k] = T(dc[k]*float64(st.C.Data[k]) + dn[k]*float64(st.N.Data[k]))
		}
	}
	// The parameters' gradients over every step at once, the heads split
	// between goroutines: dR += draw_tᵀ h_{t−1}, and the input side in
	// head-major order, then added to the gradients' rows in PyTorch's
	// order.
	rows := b * s.steps
	dwih, dbias := nn.Workspace(&s.dwih, 4*H, s.InputSize), nn.Workspace(&s.dbias, 1, 4*H)
	runBlocks(splitRange(s.Heads, runtime.GOMAXPROCS(0)), func(c chunk) {
		for k := c.b0; k < c.b0+c.size; k++ {
			blas.Gemm(blas.Trans, blas.NoTrans, 4*d, d, rows, 1, draw.Data[4*k*d:], 4*H, hPrev.Data[k*d:], H,
				1, s.whh.Grad[k*4*d*d:], d)
			blas.Gemm(blas.Trans, blas.NoTrans, 4*d, s.InputSize, rows, 1, draw.Data[4*k*d:], 4*H, s.x.Data, s.InputSize,
				0, dwih.Data[4*k*d*s.InputSize:], s.InputSize)
			db := dbias.Data[4*k*d : 4*(k+1)*d]
			clear(db)
			for r := 4 * k * d; r < len(draw.Data); r += 4 * H {
				for j, v := range draw.Data[r : r+4*d] {
					db[j] += v
				}
			}
		}
	})
	for r := range 4 * H {
		q := s.gateRow(r)
		s.bias.Grad[q] += dbias.Data[r]
		for j, v := range dwih.Row(r) {
			s.wih.Grad[q*s.InputSize+j] += v
		}
	}
	if s.SkipInputGrad {
		return nil
	}
	return dx
}

// backwardBlock runs Backward's time loop for the sequences of block c,
// from the gradients dy into draw; dhRec (b, H), dc and dn (b·H) carry the
// gradients of the state between steps. Then it writes the block's rows of
// hPrev (b·steps, H), the hidden states shifted by one step (the initial
// state, or zero, before the first), and of dx unless SkipInputGrad.
func (s *SLSTM[T]) backwardBlock(c chunk, dy, dhRec *nn.Matrix[T], dc, dn []float64, hPrev, dx *nn.Matrix[T]) {
	H, d := s.HiddenSize, s.HiddenSize/s.Heads
	draw := &s.draw
	sigF := make([]T, d) // σ(f̃) of one head
	for t := s.steps - 1; t >= 0; t-- {
		o := t * H
		for i := c.b0; i < c.b0+c.size; i++ {
			if t >= s.length(i) {
				continue
			}
			ct, nt := s.c.Row(i)[o:o+H], s.n.Row(i)[o:o+H]
			dci, dni := dc[i*H:(i+1)*H], dn[i*H:(i+1)*H]
			cPrev, nPrev, _ := s.previous(i, t)
			dyi, dhi := dy.Row(i)[o:o+H], dhRec.Row(i)
			for k := range s.Heads {
				u := k * d // the head's first unit; its gate block starts at 4u
				g := s.gates.Row(i)[4*(o+u) : 4*(o+u+d)]
				r := s.raw.Row(i)[4*(o+u) : 4*(o+u+d)]
				dr := draw.Row(i)[4*(o+u) : 4*(o+u+d)]
				fastmath.SigmoidTo(sigF, r[d:2*d])
				for j := range d {
					ig, fg, z, og := float64(g[j]), float64(g[d+j]), float64(g[2*d+j]), float64(g[3*d+j])
					cj, nj := float64(ct[u+j]), float64(nt[u+j])
					var cp, np float64
					if cPrev != nil {
						cp, np = float64(cPrev[u+j]), float64(nPrev[u+j])
					}
					dhj := float64(dyi[u+j]) + float64(dhi[u+j])
					dcj := dci[u+j] + dhj*og/nj
					dnj := dni[u+j] - dhj*og*cj/(nj*nj)
					dr[3*d+j] = T(dhj * cj / nj * og * (1 - og))
					dr[j] = T((dcj*z + dnj) * ig)
					dr[d+j] = T((dcj*cp + dnj*np) * fg * (1 - float64(sigF[j])))
					dr[2*d+j] = T(dcj * ig * (1 - z*z))
					dci[u+j], dni[u+j] = dcj*fg, dnj*fg
				}
			}
		}
		if t == 0 && s.used == nil {
			break
		}
		// dh_{t−1} = Rᵀ draw_t, per head one GEMM (rows × 4d)(4d × d) from
		// the head's four gate blocks.
		for k := 0; k < s.Heads; k++ {
			blas.Gemm(blas.NoTrans, blas.NoTrans, c.size, d, 4*d, 1, draw.Data[c.b0*draw.Cols+4*(o+k*d):], draw.Cols, s.whh.Value[k*4*d*d:], d,
				0, dhRec.Data[c.b0*H+k*d:], H)
		}
	}
	for i := c.b0; i < c.b0+c.size; i++ {
		if s.used != nil {
			copy(hPrev.Row(i*s.steps), s.used.H.Row(i))
		} else {
			clear(hPrev.Row(i * s.steps))
		}
		copy(hPrev.Data[(i*s.steps+1)*H:(i+1)*s.steps*H], s.h.Row(i)[:(s.steps-1)*H])
	}
	if !s.SkipInputGrad {
		rows, r0, In := c.size*s.steps, c.b0*s.steps, s.InputSize
		blas.Gemm(blas.NoTrans, blas.NoTrans, rows, In, 4*H, 1, draw.Data[r0*4*H:], 4*H, s.wihHeads.Data, In, 0, dx.Data[r0*In:], In)
	}
}

// String describes the layer.
func (s *SLSTM[T]) String() string {
	return fmt.Sprintf("sLSTM(%d, %d, heads=%d)", s.InputSize, s.HiddenSize, s.Heads)
}
