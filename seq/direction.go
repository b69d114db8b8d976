package seq

import (
	"sync"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/nn"
)

// direction is one direction of one layer: its parameters and the
// workspaces that the forward pass fills for the backward pass. All
// workspaces are time-major: row t·batch + i holds step t of sequence i.
type direction[T Float] struct {
	cell        CellType
	in, hidden  int
	reverse     bool
	col         int // first column of this direction in the layer output
	bias        bool
	wih, whh    nn.Param[T]
	bih, bhh    nn.Param[T]
	gates       nn.Matrix[T] // (steps·b, G·H): gate activations (RNN: h')
	hw          nn.Matrix[T] // GRU: W_hh h + b_hh per step
	hprev       nn.Matrix[T] // (steps·b, H): hidden state entering step t
	cprev, tanc nn.Matrix[T] // LSTM: cell entering step t, tanh of the new cell
	dG, dGh     nn.Matrix[T] // gate gradients (input side, hidden side for GRU)
	dhPrev      nn.Matrix[T] // (b, H)
	direct      nn.Matrix[T] // GRU: z ⊙ dh', the direct path to h
	ones        []T
	bias2       []T     // b_ih + b_hh, the bias of the input projection
	valid       []uint8 // per sequence: is the current step within its length
	step        stepFuncs[T]
	// Recurrent dropout: the pass's mask (b, H) on h_{t−1}, nil when off,
	// and the masked states entering each step (steps·b, H).
	hmask    []T
	hmaskBuf []T // hmask's storage, reused from pass to pass
	hdrop    nn.Matrix[T]
	// The projected LSTM (proj > 0): h_t = W_hr (o ⊙ tanh c_t) of P
	// values; hraw (steps·b, H) keeps o ⊙ tanh c_t, dHp (steps·b, P) the
	// gradients w.r.t. h_t, pj (b, P) and draw (b, H) are scratch rows.
	proj      int
	whr       nn.Param[T]
	hraw, dHp nn.Matrix[T]
	pj, draw  nn.Matrix[T]
	zeroDy    []T
	// W_hhᵀ and W_hh packed for the per-step products of a pass.
	whhT, whhN blas.PackedB[T]
}

// width returns the width of the hidden state h: P when the LSTM projects
// it, else H.
func (d *direction[T]) width() int {
	if d.proj > 0 {
		return d.proj
	}
	return d.hidden
}

// pass is the shape of one pass over a batch: b sequences of steps steps,
// split into chunks whose time loops run concurrently, with per-sequence
// lengths (nil: every sequence uses all steps).
type pass struct {
	b, steps int
	chunks   []chunk
	lengths  []int
}

// lengthsOf returns the lengths of chunk c's sequences (nil when all are
// full).
func (ps pass) lengthsOf(c chunk) []int {
	if ps.lengths == nil {
		return nil
	}
	return ps.lengths[c.b0 : c.b0+c.size]
}

// state holds a direction's hidden state h and (LSTM) cell c for the batch,
// (b, H) row-major each, or their gradients; nil slices mean zero.
type state[T Float] struct{ h, c []T }

// chunkOf returns the rows of s that belong to chunk c: W values of h
// (P when the LSTM projects, else H) and H of c per sequence.
func (s state[T]) chunkOf(c chunk, W, H int) state[T] {
	return state[T]{h: rows(s.h, c, 1, W), c: rows(s.c, c, 1, H)}
}

// withinLength reports whether step t of sequence i is within its length.
func withinLength(lengths []int, i, t int) bool { return lengths == nil || t < lengths[i] }

// validFlags returns, for the sequences of chunk c (with lengths, the
// chunk's own), whether step t is within their length — the form the C
// kernels take — or nil when every sequence uses all steps.
func (d *direction[T]) validFlags(c chunk, lengths []int, t int) []uint8 {
	if lengths == nil {
		return nil
	}
	v := d.valid[c.b0 : c.b0+c.size]
	for i, l := range lengths {
		v[i] = 0
		if t < l {
			v[i] = 1
		}
	}
	return v
}

// stepViews are the rows of the forward pass's workspaces that belong to
// one chunk (nil for the buffers the cell type does not use).
type stepViews[T Float] struct {
	gates, hprev, cprev, tanc, hw []T
}

func (d *direction[T]) views(c chunk, steps int) stepViews[T] {
	H := d.hidden
	gh := d.cell.gates() * H
	v := stepViews[T]{gates: rows(d.gates.Data, c, steps, gh), hprev: rows(d.hprev.Data, c, steps, d.width())}
	switch d.cell {
	case LSTM:
		v.cprev, v.tanc = rows(d.cprev.Data, c, steps, H), rows(d.tanc.Data, c, steps, H)
	case GRU:
		v.hw = rows(d.hw.Data, c, steps, gh)
	}
	return v
}

// chunk is a block of sequences [b0, b0+size) of the batch. Workspaces are
// chunk-major and time-major inside a chunk: row steps·b0 + t·size + i holds
// step t of sequence b0 + i, so that each chunk's rows are contiguous and
// the chunks can run their time loops concurrently.
type chunk struct{ b0, size int }

// rows returns the rows [steps·b0, steps·(b0+size)) of a workspace of width w:
// chunk c's steps rows per sequence (steps = 1 for the per-sequence state
// and scratch buffers).
func rows[T Float](data []T, c chunk, steps, w int) []T {
	return data[steps*c.b0*w : steps*(c.b0+c.size)*w]
}

// forward runs the recurrence over the input x (steps·b rows in chunk
// layout, in columns), writing h of each valid step into columns
// [col, col+H) of out and the final state into final (b×H, batch order),
// starting from init (nil slices: zero).
func (d *direction[T]) forward(x, out *nn.Matrix[T], ps pass, init, final state[T]) {
	H, W, b, steps := d.hidden, d.width(), ps.b, ps.steps
	gh := d.cell.gates() * H
	gates := nn.Workspace(&d.gates, steps*b, gh)
	nn.Workspace(&d.hprev, steps*b, W)
	if d.proj > 0 {
		nn.Workspace(&d.hraw, steps*b, H)
		nn.Workspace(&d.pj, b, d.proj)
	}
	switch d.cell {
	case LSTM:
		nn.Workspace(&d.cprev, steps*b, H)
		nn.Workspace(&d.tanc, steps*b, H)
	case GRU:
		nn.Workspace(&d.hw, steps*b, gh)
	}
	if cap(d.valid) < b {
		d.valid = make([]uint8, b)
	}
	if d.hmask != nil {
		nn.Workspace(&d.hdrop, steps*b, W)
	}

	var bias []T
	if d.bias {
		bias = d.inputBias()
	}
	for _, s := range [][2][]T{{final.h, init.h}, {final.c, init.c}} {
		if s[1] != nil {
			copy(s[0], s[1])
		} else {
			clear(s[0])
		}
	}
	// W_hhᵀ, packed once for the steps' products h W_hhᵀ.
	d.whhT.Pack(blas.Trans, d.width(), d.cell.gates()*d.hidden, d.whh.Value, d.width())
	parallel(ps.chunks, func(c chunk) {
		// Input projection of all steps of the chunk in one GEMM:
		// gates = X W_ihᵀ + b_ih (+ b_hh).
		n := steps * c.size
		g := rows(gates.Data, c, steps, gh)
		beta := T(0)
		if bias != nil {
			beta = 1
			for r := 0; r < n; r++ {
				copy(g[r*gh:(r+1)*gh], bias)
			}
		}
		gemmNT(n, gh, d.in, rows(x.Data, c, steps, d.in), d.in, d.wih.Value, d.in, beta, g, gh)
		d.forwardChunk(c, steps, ps.lengthsOf(c), out, final.chunkOf(c, W, H))
	})
}

// inputBias returns the bias of the input projection, computed once per
// pass into a reused buffer.
func (d *direction[T]) inputBias() []T {
	d.bias2 = projectionBias(d.cell, d.bih.Value, d.bhh.Value, d.bias2)
	return d.bias2
}

// projectionBias returns b_ih + b_hh in dst (reused when large enough) —
// b_ih alone for the GRU, whose b_hn stays inside the reset gate.
func projectionBias[T Float](cell CellType, bih, bhh, dst []T) []T {
	if cap(dst) < len(bih) {
		dst = make([]T, len(bih))
	}
	dst = dst[:len(bih)]
	copy(dst, bih)
	if cell != GRU {
		for i, v := range bhh {
			dst[i] += v
		}
	}
	return dst
}

// forwardChunk runs the time loop for one chunk of b sequences: one GEMM for
// all gates per step, then one fused loop (a C kernel in the netlib build).
func (d *direction[T]) forwardChunk(c chunk, steps int, lengths []int, outM *nn.Matrix[T], st state[T]) {
	b, H, W := c.size, d.hidden, d.width()
	hn, cn := st.h, st.c // (b, W) and (b, H): the state, updated step by step
	gh := d.cell.gates() * H
	ldo := outM.Cols
	v := d.views(c, steps)
	// The chunk's workspaces, time-major (row t·b + i is step t of the
	// chunk's sequence i): gates (steps·b, gh) with gh = gates·H, hprev
	// (steps·b, H) the state entering each step, and for the LSTM cprev and
	// tanc (steps·b, H), for the GRU hw (steps·b, gh). out (steps·b, ldo)
	// holds this direction's h' in columns [col, col+H).
	gates, hprev, cprev, tanc, hw := v.gates, v.hprev, v.cprev, v.tanc, v.hw
	out := rows(outM.Data, c, steps, ldo)
	for s := 0; s < steps; s++ {
		t := s
		if d.reverse {
			t = steps - 1 - s
		}
		hp := hprev[t*b*W : (t+1)*b*W]
		copy(hp, hn)
		hr := hn // what W_hh reads: h_{t−1}, masked under recurrent dropout
		if d.hmask != nil {
			hr = rows(d.hdrop.Data, c, steps, W)[t*b*W : (t+1)*b*W]
			for k, m := range rows(d.hmask, c, 1, W) {
				hr[k] = hn[k] * m
			}
		}
		g := gates[t*b*gh : (t+1)*b*gh]
		o := out[t*b*ldo+d.col:]
		switch d.cell {
		case LSTM:
			cp := cprev[t*b*H : (t+1)*b*H]
			copy(cp, cn)
			blas.GemmPacked(blas.NoTrans, b, 1, hr, W, &d.whhT, 1, g, gh)
			tc := tanc[t*b*H : (t+1)*b*H]
			if d.proj == 0 {
				d.step.lstm(b, H, g, cp, cn, hn, tc, o, ldo, d.validFlags(c, lengths, t))
				continue
			}
			// o ⊙ tanh c_t into hraw (zero for ended sequences), then
			// h_t = hraw W_hrᵀ for the sequences within their lengths.
			valid := d.validFlags(c, lengths, t)
			raw := rows(d.hraw.Data, c, steps, H)[t*b*H : (t+1)*b*H]
			d.step.lstm(b, H, g, cp, cn, raw, tc, raw, H, valid)
			P := d.proj
			pj := rows(d.pj.Data, c, 1, P)
			gemmNT(b, P, H, raw, H, d.whr.Value, H, 0, pj, P)
			for i := range b {
				oi := o[i*ldo : i*ldo+P]
				if ended(valid, i) {
					clear(oi)
					continue
				}
				copy(hn[i*P:(i+1)*P], pj[i*P:(i+1)*P])
				copy(oi, pj[i*P:(i+1)*P])
			}
		case GRU:
			hwt := hw[t*b*gh : (t+1)*b*gh]
			hbeta := T(0)
			if d.bias {
				hbeta = 1
				for i := 0; i < b; i++ {
					copy(hwt[i*gh:(i+1)*gh], d.bhh.Value)
				}
			}
			blas.GemmPacked(blas.NoTrans, b, 1, hr, H, &d.whhT, hbeta, hwt, gh)
			d.step.gru(b, H, g, hwt, hp, hn, o, ldo, d.validFlags(c, lengths, t))
		default:
			blas.GemmPacked(blas.NoTrans, b, 1, hr, H, &d.whhT, 1, g, gh)
			d.step.rnn(b, H, g, hn, o, ldo, d.validFlags(c, lengths, t))
		}
	}
}

// backward runs backpropagation through time. dOut holds the gradient with
// respect to the layer output (columns [col, col+H) are this direction's),
// dFinal those with respect to the final state (nil slices: zero). It
// accumulates the parameter gradients, writes (or, if accumulate, adds) the
// input gradient into dIn (skipped when dIn is nil) and the initial-state
// gradients into dInit.
func (d *direction[T]) backward(x, dOut, dIn *nn.Matrix[T], accumulate bool, ps pass, dFinal, dInit state[T]) {
	H, b, steps, chunks := d.hidden, ps.b, ps.steps, ps.chunks
	gh := d.cell.gates() * H
	// dInit holds the running gradients w.r.t. the state, ending as those
	// of the initial state.
	for _, s := range [][2][]T{{dInit.h, dFinal.h}, {dInit.c, dFinal.c}} {
		if s[1] != nil {
			copy(s[0], s[1])
		} else {
			clear(s[0])
		}
	}
	dG := nn.Workspace(&d.dG, steps*b, gh)
	dGh := dG // gradient w.r.t. the hidden-side pre-activations
	if d.cell == GRU {
		dGh = nn.Workspace(&d.dGh, steps*b, gh)
		nn.Workspace(&d.direct, b, H)
	}
	W := d.width()
	nn.Workspace(&d.dhPrev, b, W)
	if d.proj > 0 {
		nn.Workspace(&d.dHp, steps*b, d.proj)
		nn.Workspace(&d.draw, b, H)
		if len(d.zeroDy) < steps*b*H {
			d.zeroDy = make([]T, steps*b*H)
		}
	}
	beta := T(0)
	if accumulate {
		beta = 1
	}
	// W_hh, packed once for the steps' products dG_h W_hh.
	d.whhN.Pack(blas.NoTrans, gh, d.width(), d.whh.Value, d.width())
	parallel(chunks, func(c chunk) {
		d.backwardChunk(c, steps, ps.lengthsOf(c), dOut, dInit.chunkOf(c, W, H))
		// Input gradient of the chunk's steps in one GEMM: dX = dG W_ih.
		if dIn == nil {
			return // not wanted (the first layer of a model whose data needs no gradient)
		}
		blas.Gemm(blas.NoTrans, blas.NoTrans, steps*c.size, d.in, gh, 1, rows(dG.Data, c, steps, gh), gh, d.wih.Value, d.in,
			beta, rows(dIn.Data, c, steps, d.in), d.in)
	})

	// Weight gradients of all steps, one GEMM each, split by gate rows
	// across the workers: dW_ih += dGᵀ X, dW_hh += dG_hᵀ H_prev (the
	// masked states under recurrent dropout).
	n := steps * b
	hprev := d.hprev.Data
	if d.hmask != nil {
		hprev = d.hdrop.Data
	}
	if d.bias && len(d.ones) < n {
		d.ones = make([]T, n)
		for i := range d.ones {
			d.ones[i] = 1
		}
	}
	parallel(splitRange(gh, len(chunks)), func(r chunk) {
		g0, m := r.b0, r.size
		blas.Gemm(blas.Trans, blas.NoTrans, m, d.in, n, 1, dG.Data[g0:], gh, x.Data, d.in, 1, d.wih.Grad[g0*d.in:], d.in)
		blas.Gemm(blas.Trans, blas.NoTrans, m, W, n, 1, dGh.Data[g0:], gh, hprev, W, 1, d.whh.Grad[g0*W:], W)
		if d.bias {
			blas.Gemv(blas.Trans, n, m, 1, dG.Data[g0:], gh, d.ones, 1, 1, d.bih.Grad[g0:g0+m], 1)
			blas.Gemv(blas.Trans, n, m, 1, dGh.Data[g0:], gh, d.ones, 1, 1, d.bhh.Grad[g0:g0+m], 1)
		}
	})
	if d.proj > 0 {
		// dW_hr += dH_pᵀ H_raw over all steps.
		blas.Gemm(blas.Trans, blas.NoTrans, d.proj, H, n, 1, d.dHp.Data, d.proj, d.hraw.Data, H, 1, d.whr.Grad, H)
	}
}

// splitRange divides [0, n) into k nearly equal blocks.
func splitRange(n, k int) []chunk {
	k = max(1, min(k, n))
	out := make([]chunk, k)
	for i := range out {
		out[i] = chunk{i * n / k, (i+1)*n/k - i*n/k}
	}
	return out
}

// backwardChunk runs the backward time loop for one chunk; ds holds the
// chunk's running state gradients.
func (d *direction[T]) backwardChunk(c chunk, steps int, lengths []int, dOutM *nn.Matrix[T], ds state[T]) {
	b, H, W := c.size, d.hidden, d.width()
	dh, dc := ds.h, ds.c // (b, W), (b, H)
	gh := d.cell.gates() * H
	ldo := dOutM.Cols
	v := d.views(c, steps)
	// As in forwardChunk: gates, dG, dGh (steps·b, gh), hprev, cprev, tanc
	// (steps·b, H) time-major; dOut (steps·b, ldo) the output gradient, this
	// direction's in columns [col, col+H); dh, dc, dhPrev, direct (b, H).
	gates, hprev := v.gates, v.hprev
	dOut := rows(dOutM.Data, c, steps, ldo)
	dG := rows(d.dG.Data, c, steps, gh)
	dGh := dG
	var direct []T
	if d.cell == GRU {
		dGh = rows(d.dGh.Data, c, steps, gh)
		direct = rows(d.direct.Data, c, 1, H)
	}
	dhPrev := rows(d.dhPrev.Data, c, 1, W)
	for s := steps - 1; s >= 0; s-- {
		t := s
		if d.reverse {
			t = steps - 1 - s
		}
		st := stepGrads[T]{g: gates[t*b*gh : (t+1)*b*gh], dg: dG[t*b*gh : (t+1)*b*gh], dgh: dGh[t*b*gh : (t+1)*b*gh],
			hp: hprev[t*b*W : (t+1)*b*W], dOut: dOut, ldo: ldo, col: d.col, direct: direct, dh: dh, dc: dc}
		valid := d.validFlags(c, lengths, t)
		if d.proj > 0 {
			// dh_t = dh + dy_t (kept for dW_hr), then through the
			// projection: dh_raw = dh_t W_hr, with no output gradient of
			// its own.
			P := d.proj
			dhp := rows(d.dHp.Data, c, steps, P)[t*b*P : (t+1)*b*P]
			for i := range b {
				row := dhp[i*P : (i+1)*P]
				if ended(valid, i) {
					clear(row)
					continue
				}
				dy := dOut[(t*b+i)*ldo+d.col : (t*b+i)*ldo+d.col+P]
				for j := range row {
					row[j] = dh[i*P+j] + dy[j]
				}
			}
			draw := rows(d.draw.Data, c, 1, H)
			blas.Gemm(blas.NoTrans, blas.NoTrans, b, H, P, 1, dhp, P, d.whr.Value, H, 0, draw, H)
			st.dh, st.dOut, st.ldo, st.col = draw, d.zeroDy, H, 0
		}
		d.step.backward(d, b, t, valid, v, st)
		dgh := st.dgh
		// dh_prev = dG_h W_hh for the whole chunk, one GEMM.
		blas.GemmPacked(blas.NoTrans, b, 1, dgh, gh, &d.whhN, 0, dhPrev, W)
		if d.hmask != nil {
			for k, m := range rows(d.hmask, c, 1, W) {
				dhPrev[k] *= m
			}
		}
		for i := 0; i < b; i++ {
			if !withinLength(lengths, i, t) {
				continue // the state passed through this step unchanged
			}
			dhi := dh[i*W : (i+1)*W]
			copy(dhi, dhPrev[i*W:(i+1)*W])
			if d.cell == GRU {
				for j, v := range direct[i*H : (i+1)*H] {
					dhi[j] += v
				}
			}
		}
	}
}

// stepGrads are the buffers of one backward step of a chunk of b sequences:
// the gate activations g (b, gh) and their gradients dg (input side) and
// dgh (hidden side; dg itself but for the GRU), the hidden state entering
// the step hp (b, H), the chunk's output gradient dOut (all steps, row
// stride ldo), the GRU's direct path, and the running state gradients.
type stepGrads[T Float] struct {
	g, dg, dgh, hp []T
	dOut           []T
	ldo, col       int // dOut's row stride and this direction's first column
	direct         []T
	dh, dc         []T
}

// parallel runs fn for every chunk, the first on the calling goroutine and
// the others concurrently. The layer holds OpenBLAS to one thread for the
// whole pass (see Recurrent.Forward), so the workers do not oversubscribe.
func parallel(chunks []chunk, fn func(chunk)) {
	if len(chunks) == 1 {
		fn(chunks[0])
		return
	}
	var wg sync.WaitGroup
	for _, c := range chunks[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(c)
		}()
	}
	fn(chunks[0])
	wg.Wait()
}
