package seq

import "github.com/physml/physml/internal/kernels"

// stepFuncs compute one time step of one cell type for a chunk of b
// sequences: rows i = 0…b−1 of the step's buffers, the output rows with
// stride ldo. A sequence whose valid flag is 0 has ended before this step:
// its output row is zeroed and its state left as it is (valid nil: every
// sequence is within its length). newStepFuncs chooses them once per
// direction: the C kernels of internal/kernels for float32 in the netlib
// build, else the Go loops over the per-sequence steps of cells.go, which
// are the reference the kernels are tested against.
type stepFuncs[T Float] struct {
	// lstm: g (b, 4H) pre-activations in, activations [i f g o] out;
	// cp (b, H) receives c_{t−1}; cn, hn (b, H) the state, updated in
	// place; tc (b, H) receives tanh(c_t).
	lstm func(b, H int, g, cp, cn, hn, tc, out []T, ldo int, valid []uint8)
	// gru: g (b, 3H) input-side pre-activations in, activations [r z n]
	// out; hw (b, 3H) the hidden side W_hh h + b_hh; hp (b, H) h_{t−1};
	// hn (b, H) the state, updated in place.
	gru func(b, H int, g, hw, hp, hn, out []T, ldo int, valid []uint8)
	// rnn: g (b, H) pre-activations in, h_t out; hn (b, H) the state.
	rnn func(b, H int, g, hn, out []T, ldo int, valid []uint8)
	// backward writes the gate gradients of step t (s.dg, and s.dgh for
	// the GRU) and carries dh and dc back through the gates.
	backward func(d *direction[T], b, t int, valid []uint8, v stepViews[T], s stepGrads[T])
}

// newStepFuncs returns the step functions for cell and the element type T.
func newStepFuncs[T Float](cell CellType) stepFuncs[T] {
	f := stepFuncs[T]{lstm: lstmSteps[T], gru: gruSteps[T], rnn: rnnTanhSteps[T], backward: backwardRows[T]}
	if cell == RNNReLU {
		f.rnn = rnnReLUSteps[T]
	}
	if kernels.For32[T]() {
		f.lstm, f.gru = lstmStepsC[T], gruStepsC[T]
		if cell == RNNTanh {
			f.rnn = rnnTanhStepsC[T]
		}
		if cell == LSTM {
			f.backward = lstmBackwardC[T]
		}
	}
	return f
}

// ended reports whether sequence i has ended before this step.
func ended(valid []uint8, i int) bool { return valid != nil && valid[i] == 0 }

func lstmSteps[T Float](b, H int, g, cp, cn, hn, tc, out []T, ldo int, valid []uint8) {
	gh := 4 * H
	for i := range b {
		oi := out[i*ldo : i*ldo+H]
		if ended(valid, i) {
			clear(oi)
			continue
		}
		lstmStep(g[i*gh:(i+1)*gh], cp[i*H:(i+1)*H], cn[i*H:(i+1)*H], hn[i*H:(i+1)*H], tc[i*H:(i+1)*H], oi)
	}
}

func gruSteps[T Float](b, H int, g, hw, hp, hn, out []T, ldo int, valid []uint8) {
	gh := 3 * H
	for i := range b {
		oi := out[i*ldo : i*ldo+H]
		if ended(valid, i) {
			clear(oi)
			continue
		}
		gruStep(g[i*gh:(i+1)*gh], hw[i*gh:(i+1)*gh], hp[i*H:(i+1)*H], hn[i*H:(i+1)*H], oi)
	}
}

func rnnSteps[T Float](relu bool, b, H int, g, hn, out []T, ldo int, valid []uint8) {
	for i := range b {
		oi := out[i*ldo : i*ldo+H]
		if ended(valid, i) {
			clear(oi)
			continue
		}
		rnnStep(relu, g[i*H:(i+1)*H], hn[i*H:(i+1)*H], oi)
	}
}

func rnnTanhSteps[T Float](b, H int, g, hn, out []T, ldo int, valid []uint8) {
	rnnSteps(false, b, H, g, hn, out, ldo, valid)
}

func rnnReLUSteps[T Float](b, H int, g, hn, out []T, ldo int, valid []uint8) {
	rnnSteps(true, b, H, g, hn, out, ldo, valid)
}

// backwardRows is the Go backward step of every cell; v are the chunk's
// forward workspaces (all steps), s this step's gradient buffers.
func backwardRows[T Float](d *direction[T], b, t int, valid []uint8, v stepViews[T], s stepGrads[T]) {
	H := d.hidden
	gh := d.cell.gates() * H
	g, dg, dgh, hp, dOut, ldo, direct, dh, dc := s.g, s.dg, s.dgh, s.hp, s.dOut, s.ldo, s.direct, s.dh, s.dc
	cprev, tanc, hw := v.cprev, v.tanc, v.hw
	// Sequence i of step t: gates g[i·gh : (i+1)·gh] (this step's rows
	// only), its state rows (t·b + i)·H in cprev and tanc (all steps), and
	// its output gradient at row t·b + i of dOut.
	for i := range b {
		if ended(valid, i) {
			clear(dg[i*gh : (i+1)*gh])
			clear(dgh[i*gh : (i+1)*gh])
			continue
		}
		dy := dOut[(t*b+i)*ldo+s.col : (t*b+i)*ldo+s.col+H]
		dhi := dh[i*H : (i+1)*H]
		switch d.cell {
		case LSTM:
			lstmStepBackward(g[i*gh:(i+1)*gh], cprev[(t*b+i)*H:(t*b+i+1)*H], tanc[(t*b+i)*H:(t*b+i+1)*H],
				dhi, dy, dc[i*H:(i+1)*H], dg[i*gh:(i+1)*gh])
		case GRU:
			gruStepBackward(g[i*gh:(i+1)*gh], hw[(t*b+i)*gh:(t*b+i+1)*gh], hp[i*H:(i+1)*H],
				dhi, dy, dg[i*gh:(i+1)*gh], dgh[i*gh:(i+1)*gh], direct[i*H:(i+1)*H])
		default:
			rnnStepBackward(d.cell == RNNReLU, g[i*gh:(i+1)*gh], dhi, dy, dg[i*gh:(i+1)*gh])
		}
	}
}

// The C kernels, for T of 32 bits (the netlib build).

func lstmStepsC[T Float](b, H int, g, cp, cn, hn, tc, out []T, ldo int, valid []uint8) {
	f := kernels.Float32s[T]
	kernels.LSTMStep(b, H, f(g), f(cp), f(cn), f(hn), f(tc), f(out), ldo, valid)
}

func gruStepsC[T Float](b, H int, g, hw, hp, hn, out []T, ldo int, valid []uint8) {
	f := kernels.Float32s[T]
	kernels.GRUStep(b, H, f(g), f(hw), f(hp), f(hn), f(out), ldo, valid)
}

func rnnTanhStepsC[T Float](b, H int, g, hn, out []T, ldo int, valid []uint8) {
	f := kernels.Float32s[T]
	kernels.RNNTanhStep(b, H, f(g), f(hn), f(out), ldo, valid)
}

func lstmBackwardC[T Float](d *direction[T], b, t int, valid []uint8, v stepViews[T], s stepGrads[T]) {
	f := kernels.Float32s[T]
	H := d.hidden
	kernels.LSTMStepBackward(b, H, f(s.g), f(v.cprev[t*b*H:(t+1)*b*H]), f(v.tanc[t*b*H:(t+1)*b*H]), f(s.dh),
		f(s.dOut[t*b*s.ldo+s.col:]), s.ldo, f(s.dc), f(s.dg), valid)
}
