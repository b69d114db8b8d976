package seq

import (
	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/fastmath"
	"github.com/physml/physml/internal/kernels"
	"github.com/physml/physml/internal/simd"
)

// lstmStep is the fused LSTM update of one sequence at one step. gates
// holds the pre-activations of i, f, g, o (H each) and receives their
// activations; cp is the cell entering the step; c and h receive the new
// cell and hidden state, tc receives tanh(c') for the backward pass and out
// receives h'.
//
//	i = σ(ĩ),  f = σ(f̃),  g = tanh(g̃),  o = σ(õ)
//	c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
func lstmStep[T Float](gates, cp, c, h, tc, out []T) {
	H := len(h)
	gi, gf, gg, gout := gates[:H], gates[H:2*H], gates[2*H:3*H], gates[3*H:4*H]
	cp, c, tc, out = cp[:H], c[:H], tc[:H], out[:H]
	fastmath.SigmoidTo(gates[:2*H], gates[:2*H]) // i and f
	fastmath.TanhTo(gg, gg)
	fastmath.SigmoidTo(gout, gout)
	for j := range h {
		c[j] = gf[j]*cp[j] + gi[j]*gg[j]
	}
	fastmath.TanhTo(tc, c)
	for j := range h {
		h[j] = gout[j] * tc[j]
		out[j] = h[j]
	}
}

// lstmStepBackward is the backward pass of lstmStep for one sequence. gates
// holds the activations i, f, g, o; dh is the gradient w.r.t. h' from
// later steps, dy that from the output; dc holds the gradient w.r.t. c'
// from later steps and receives the one w.r.t. c. dgates receives the
// gradients w.r.t. the pre-activations ĩ, f̃, g̃, õ:
//
//	dh' = dh + dy
//	dc' = dc + dh' ⊙ o ⊙ (1 − tanh² c')
//	dõ = dh' ⊙ tanh c' ⊙ o (1 − o)
//	dĩ = dc' ⊙ g ⊙ i (1 − i),  df̃ = dc' ⊙ c ⊙ f (1 − f),  dg̃ = dc' ⊙ i ⊙ (1 − g²)
//	dc_prev = dc' ⊙ f
func lstmStepBackward[T Float](gates, cp, tc, dh, dy, dc, dgates []T) {
	H := len(dh)
	gi, gf, gg, gout := gates[:H], gates[H:2*H], gates[2*H:3*H], gates[3*H:4*H]
	di, df, dg, do := dgates[:H], dgates[H:2*H], dgates[2*H:3*H], dgates[3*H:4*H]
	cp, tc, dy, dc = cp[:H], tc[:H], dy[:H], dc[:H]
	done := 0
	if blas.Is32[T]() && simd.Available() {
		// Eight units at a time in assembly, the same operations in order.
		f := kernels.Float32s[T]
		done = simd.LSTMBackward8(f(gates), f(cp), f(tc), f(dh), f(dy), f(dc), f(dgates))
	}
	for j := done; j < H; j++ {
		i, f, g, o, t := gi[j], gf[j], gg[j], gout[j], tc[j]
		dhj := dh[j] + dy[j]
		dcj := dc[j] + dhj*o*(1-t*t)
		do[j] = dhj * t * o * (1 - o)
		di[j] = dcj * g * i * (1 - i)
		df[j] = dcj * cp[j] * f * (1 - f)
		dg[j] = dcj * i * (1 - g*g)
		dc[j] = dcj * f
	}
}

// gruStep is the fused GRU update: g holds the input-side pre-activations
// (W_i x + b_i for r, z, n) and receives r, z, n; hw holds W_h h + b_h.
//
//	r = σ(x_r + h_r),  z = σ(x_z + h_z),  n = tanh(x_n + r ⊙ h_n)
//	h' = (1 − z) ⊙ n + z ⊙ h
func gruStep[T Float](g, hw, hp, h, out []T) {
	H := len(h)
	gr, gz, gn := g[:H], g[H:2*H], g[2*H:3*H]
	hr, hz, hn := hw[:H], hw[H:2*H], hw[2*H:3*H]
	hp, out = hp[:H], out[:H]
	for j := range h {
		gr[j] += hr[j]
		gz[j] += hz[j]
	}
	fastmath.SigmoidTo(g[:2*H], g[:2*H]) // r and z
	for j := range h {
		gn[j] += gr[j] * hn[j]
	}
	fastmath.TanhTo(gn, gn) // n
	for j := range h {
		z := gz[j]
		hNew := (1-z)*gn[j] + z*hp[j]
		h[j] = hNew
		out[j] = hNew
	}
}

// gruStepBackward is the backward pass of gruStep: dg receives the gradients
// w.r.t. the input-side pre-activations, dgh those w.r.t. W_h h + b_h, and
// direct the part of dh that flows straight to h (z ⊙ dh'). With
// dh' = dh + dy and h_n = (W_h h + b_h) for n:
//
//	dn = dh' ⊙ (1 − z) ⊙ (1 − n²)
//	dz = dh' ⊙ (h − n) ⊙ z (1 − z)
//	dr = dn ⊙ h_n ⊙ r (1 − r)
//	input side: (dr, dz, dn); hidden side: (dr, dz, dn ⊙ r); direct = dh' ⊙ z
func gruStepBackward[T Float](g, hw, hp, dh, dy, dg, dgh, direct []T) {
	H := len(dh)
	gr, gz, gn := g[:H], g[H:2*H], g[2*H:3*H]
	hn := hw[2*H : 3*H]
	hp, dy, direct = hp[:H], dy[:H], direct[:H]
	for j := range dh {
		r, z, n := gr[j], gz[j], gn[j]
		dhj := dh[j] + dy[j]
		dn := dhj * (1 - z) * (1 - n*n)
		dz := dhj * (hp[j] - n) * z * (1 - z)
		dr := dn * hn[j] * r * (1 - r)
		dg[j], dg[H+j], dg[2*H+j] = dr, dz, dn
		dgh[j], dgh[H+j], dgh[2*H+j] = dr, dz, dn*r
		direct[j] = dhj * z
	}
}

// rnnStep applies tanh (or ReLU) to the pre-activations g, which receive h'.
func rnnStep[T Float](relu bool, g, h, out []T) {
	g, out = g[:len(h)], out[:len(h)]
	if relu {
		for j, v := range g {
			g[j] = max(v, 0)
		}
	} else {
		fastmath.TanhTo(g, g)
	}
	copy(h, g)
	copy(out, g)
}

// rnnStepBackward writes the gradient w.r.t. the pre-activations into dg.
func rnnStepBackward[T Float](relu bool, g, dh, dy, dg []T) {
	dy, dg = dy[:len(dh)], dg[:len(dh)]
	for j := range dh {
		d := dh[j] + dy[j]
		if relu {
			if g[j] <= 0 {
				d = 0
			}
		} else {
			d *= 1 - g[j]*g[j]
		}
		dg[j] = d
	}
}
