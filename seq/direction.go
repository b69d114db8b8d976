package seq

import (
	"unsafe"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/kernels"
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
	valid       []uint8 // per sequence: is the current step within its length
}

// useKernels reports whether the fused C kernels of the netlib build serve
// this element type.
func useKernels[T Float]() bool {
	var z T
	return kernels.Available && unsafe.Sizeof(z) == 4
}

// f32 reinterprets a float32-sized slice; only called when useKernels is true.
func f32[T Float](s []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// validAt returns the validity flags of step t, or nil when all sequences
// are long enough.
func (d *direction[T]) validAt(lengths []int, b, t int) []uint8 {
	if lengths == nil {
		return nil
	}
	if cap(d.valid) < b {
		d.valid = make([]uint8, b)
	}
	v := d.valid[:b]
	for i, l := range lengths {
		v[i] = 0
		if t < l {
			v[i] = 1
		}
	}
	return v
}

func valid(lengths []int, i, t int) bool { return lengths == nil || t < lengths[i] }

// forward runs the recurrence over the time-major input x (steps·b, in),
// writing h of each valid step into columns [col, col+H) of out and the
// final state into hn, cn. h0 and c0 may be nil (zero).
func (d *direction[T]) forward(x, out *nn.Matrix[T], b, steps int, lengths []int, h0, c0, hn, cn []T) {
	H := d.hidden
	gh := d.cell.gates() * H
	ldo := out.Cols
	gates := nn.Workspace(&d.gates, steps*b, gh)
	hprev := nn.Workspace(&d.hprev, steps*b, H)

	// Input projection of all steps in one GEMM: gates = X W_ihᵀ + b_ih (+ b_hh).
	beta := T(0)
	if d.bias {
		beta = 1
		for r := 0; r < steps*b; r++ {
			row := gates.Data[r*gh : (r+1)*gh]
			copy(row, d.bih.Value)
			if d.cell != GRU {
				blas.Axpy(1, d.bhh.Value, row)
			}
		}
	}
	gemmNT(steps*b, gh, d.in, x.Data, d.in, d.wih.Value, d.in, beta, gates.Data, gh)

	if h0 != nil {
		copy(hn, h0)
	} else {
		clear(hn)
	}
	if c0 != nil {
		copy(cn, c0)
	} else {
		clear(cn)
	}
	var cprev, tanc, hw *nn.Matrix[T]
	switch d.cell {
	case LSTM:
		cprev = nn.Workspace(&d.cprev, steps*b, H)
		tanc = nn.Workspace(&d.tanc, steps*b, H)
	case GRU:
		hw = nn.Workspace(&d.hw, steps*b, gh)
	}

	for s := 0; s < steps; s++ {
		t := s
		if d.reverse {
			t = steps - 1 - s
		}
		hp := hprev.Data[t*b*H : (t+1)*b*H]
		copy(hp, hn)
		g := gates.Data[t*b*gh : (t+1)*b*gh]
		switch d.cell {
		case LSTM:
			cp := cprev.Data[t*b*H : (t+1)*b*H]
			copy(cp, cn)
			gemmNT(b, gh, H, hn, H, d.whh.Value, H, 1, g, gh)
			tc := tanc.Data[t*b*H : (t+1)*b*H]
			if useKernels[T]() {
				kernels.LSTMStep(b, H, f32(g), f32(cp), f32(cn), f32(hn), f32(tc), f32(out.Data[t*b*ldo+d.col:]), ldo, d.validAt(lengths, b, t))
				continue
			}
			for i := 0; i < b; i++ {
				o := out.Data[(t*b+i)*ldo+d.col : (t*b+i)*ldo+d.col+H]
				if !valid(lengths, i, t) {
					clear(o)
					continue
				}
				lstmStep(g[i*gh:(i+1)*gh], cp[i*H:(i+1)*H], cn[i*H:(i+1)*H], hn[i*H:(i+1)*H], tc[i*H:(i+1)*H], o)
			}
		case GRU:
			hwt := hw.Data[t*b*gh : (t+1)*b*gh]
			hbeta := T(0)
			if d.bias {
				hbeta = 1
				for i := 0; i < b; i++ {
					copy(hwt[i*gh:(i+1)*gh], d.bhh.Value)
				}
			}
			gemmNT(b, gh, H, hn, H, d.whh.Value, H, hbeta, hwt, gh)
			if useKernels[T]() {
				kernels.GRUStep(b, H, f32(g), f32(hwt), f32(hp), f32(hn), f32(out.Data[t*b*ldo+d.col:]), ldo, d.validAt(lengths, b, t))
				continue
			}
			for i := 0; i < b; i++ {
				o := out.Data[(t*b+i)*ldo+d.col : (t*b+i)*ldo+d.col+H]
				if !valid(lengths, i, t) {
					clear(o)
					continue
				}
				gruStep(g[i*gh:(i+1)*gh], hwt[i*gh:(i+1)*gh], hp[i*H:(i+1)*H], hn[i*H:(i+1)*H], o)
			}
		default:
			gemmNT(b, gh, H, hn, H, d.whh.Value, H, 1, g, gh)
			if d.cell == RNNTanh && useKernels[T]() {
				kernels.RNNTanhStep(b, H, f32(g), f32(hn), f32(out.Data[t*b*ldo+d.col:]), ldo, d.validAt(lengths, b, t))
				continue
			}
			for i := 0; i < b; i++ {
				o := out.Data[(t*b+i)*ldo+d.col : (t*b+i)*ldo+d.col+H]
				if !valid(lengths, i, t) {
					clear(o)
					continue
				}
				rnnStep(d.cell == RNNReLU, g[i*gh:(i+1)*gh], hn[i*H:(i+1)*H], o)
			}
		}
	}
}

// backward runs backpropagation through time. dOut holds the gradient with
// respect to the layer output (columns [col, col+H) are this direction's),
// dhn and dcn those with respect to the final state (nil: zero). It
// accumulates the parameter gradients, writes (or, if accumulate, adds) the
// input gradient into dIn and the initial-state gradients into dh0, dc0.
func (d *direction[T]) backward(x, dOut, dIn *nn.Matrix[T], accumulate bool, b, steps int, lengths []int, dhn, dcn, dh0, dc0 []T) {
	H := d.hidden
	gh := d.cell.gates() * H
	ldo := dOut.Cols
	dh, dc := dh0, dc0 // running gradients w.r.t. the state, ending as dh0, dc0
	if dhn != nil {
		copy(dh, dhn)
	} else {
		clear(dh)
	}
	if dcn != nil {
		copy(dc, dcn)
	} else {
		clear(dc)
	}
	dG := nn.Workspace(&d.dG, steps*b, gh)
	dGh := dG // gradient w.r.t. the hidden-side pre-activations
	if d.cell == GRU {
		dGh = nn.Workspace(&d.dGh, steps*b, gh)
		nn.Workspace(&d.direct, b, H)
	}
	dhPrev := nn.Workspace(&d.dhPrev, b, H)

	for s := steps - 1; s >= 0; s-- {
		t := s
		if d.reverse {
			t = steps - 1 - s
		}
		g := d.gates.Data[t*b*gh : (t+1)*b*gh]
		dg := dG.Data[t*b*gh : (t+1)*b*gh]
		dgh := dGh.Data[t*b*gh : (t+1)*b*gh]
		hp := d.hprev.Data[t*b*H : (t+1)*b*H]
		for i := 0; i < b; i++ {
			if !valid(lengths, i, t) {
				clear(dg[i*gh : (i+1)*gh])
				clear(dgh[i*gh : (i+1)*gh])
				continue
			}
			dy := dOut.Data[(t*b+i)*ldo+d.col : (t*b+i)*ldo+d.col+H]
			dhi := dh[i*H : (i+1)*H]
			switch d.cell {
			case LSTM:
				lstmStepBackward(g[i*gh:(i+1)*gh], d.cprev.Data[(t*b+i)*H:(t*b+i+1)*H], d.tanc.Data[(t*b+i)*H:(t*b+i+1)*H],
					dhi, dy, dc[i*H:(i+1)*H], dg[i*gh:(i+1)*gh])
			case GRU:
				gruStepBackward(g[i*gh:(i+1)*gh], d.hw.Data[(t*b+i)*gh:(t*b+i+1)*gh], hp[i*H:(i+1)*H],
					dhi, dy, dg[i*gh:(i+1)*gh], dgh[i*gh:(i+1)*gh], d.direct.Data[i*H:(i+1)*H])
			default:
				rnnStepBackward(d.cell == RNNReLU, g[i*gh:(i+1)*gh], dhi, dy, dg[i*gh:(i+1)*gh])
			}
		}
		// dh_prev = dG_h W_hh for the whole batch, one GEMM.
		blas.Gemm(blas.NoTrans, blas.NoTrans, b, H, gh, 1, dgh, gh, d.whh.Value, H, 0, dhPrev.Data, H)
		for i := 0; i < b; i++ {
			if !valid(lengths, i, t) {
				continue // the state passed through this step unchanged
			}
			dhi := dh[i*H : (i+1)*H]
			copy(dhi, dhPrev.Data[i*H:(i+1)*H])
			if d.cell == GRU {
				blas.Axpy(1, d.direct.Data[i*H:(i+1)*H], dhi)
			}
		}
	}

	// Weight gradients of all steps, one GEMM each.
	n := steps * b
	blas.Gemm(blas.Trans, blas.NoTrans, gh, d.in, n, 1, dG.Data, gh, x.Data, d.in, 1, d.wih.Grad, d.in)
	blas.Gemm(blas.Trans, blas.NoTrans, gh, H, n, 1, dGh.Data, gh, d.hprev.Data, H, 1, d.whh.Grad, H)
	if d.bias {
		if len(d.ones) < n {
			d.ones = make([]T, n)
			for i := range d.ones {
				d.ones[i] = 1
			}
		}
		blas.Gemv(blas.Trans, n, gh, 1, dG.Data, gh, d.ones, 1, 1, d.bih.Grad, 1)
		blas.Gemv(blas.Trans, n, gh, 1, dGh.Data, gh, d.ones, 1, 1, d.bhh.Grad, 1)
	}
	beta := T(0)
	if accumulate {
		beta = 1
	}
	blas.Gemm(blas.NoTrans, blas.NoTrans, n, d.in, gh, 1, dG.Data, gh, d.wih.Value, d.in, beta, dIn.Data, d.in)
}
