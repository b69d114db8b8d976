package seq

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/physml/physml/blas"
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
// state, output zero and receive no gradient). Its parameters are
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

	// Saved by Forward for Backward, (batch, steps·X) each.
	x, raw, gates, c, n, m, h nn.Matrix[T]
	steps                     int
	dx                        nn.Matrix[T]
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

func (s *SLSTM[T]) length(i int) int {
	if s.lengths == nil {
		return s.steps
	}
	return s.lengths[i]
}

// recurrent adds R h to the pre-activations row raw (4H) for the state h
// (H): for head k, gate g and unit j, Σ_l R[k][g·d + j][l] h[k·d + l].
func (s *SLSTM[T]) recurrent(raw, h []T) {
	H, d := s.HiddenSize, s.HiddenSize/s.Heads
	for k := 0; k < s.Heads; k++ {
		hk := h[k*d : (k+1)*d]
		for g := 0; g < 4; g++ {
			for j := 0; j < d; j++ {
				row := s.whh.Value[(k*4*d+g*d+j)*d : (k*4*d+g*d+j+1)*d]
				var sum T
				for l, v := range hk {
					sum += row[l] * v
				}
				raw[g*H+k*d+j] += sum
			}
		}
	}
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
	T4 := s.steps * 4 * H
	copy(nn.Workspace(&s.x, b, x.Cols).Data, x.Data)
	raw := nn.Workspace(&s.raw, b, T4)
	gates := nn.Workspace(&s.gates, b, T4)
	c, n, m, h := nn.Workspace(&s.c, b, s.steps*H), nn.Workspace(&s.n, b, s.steps*H), nn.Workspace(&s.m, b, s.steps*H), nn.Workspace(&s.h, b, s.steps*H)
	// The input projection of every step at once: (b·steps, In)(In, 4H).
	blas.Gemm(blas.NoTrans, blas.Trans, b*s.steps, 4*H, s.InputSize, 1, x.Data, s.InputSize, s.wih.Value, s.InputSize, 0, raw.Data, 4*H)
	zero := make([]T, H)
	for i := 0; i < b; i++ {
		cPrev, nPrev, mPrev, hPrev := zero, zero, zero, zero
		for t := 0; t < s.steps; t++ {
			o := t * H
			ct, nt, mt, ht := c.Row(i)[o:o+H], n.Row(i)[o:o+H], m.Row(i)[o:o+H], h.Row(i)[o:o+H]
			if t >= s.length(i) { // padding: the state stays, the output is zero
				copy(ct, cPrev)
				copy(nt, nPrev)
				copy(mt, mPrev)
				clear(ht)
				cPrev, nPrev, mPrev = ct, nt, mt
				continue
			}
			r := raw.Row(i)[4*o : 4*o+4*H]
			for k := range r {
				r[k] += s.bias.Value[k]
			}
			s.recurrent(r, hPrev)
			g := gates.Row(i)[4*o : 4*o+4*H]
			for j := 0; j < H; j++ {
				iT, fT, zT, oT := float64(r[j]), float64(r[H+j]), float64(r[2*H+j]), float64(r[3*H+j])
				logF := -math.Log1p(math.Exp(-fT)) // log σ(f̃)
				if fT < -30 {
					logF = fT - math.Log1p(math.Exp(fT))
				}
				mNew := iT
				if t > 0 {
					mNew = math.Max(logF+float64(mPrev[j]), iT)
				}
				ig, fg := math.Exp(iT-mNew), math.Exp(logF+float64(mPrev[j])-mNew)
				z, og := math.Tanh(zT), 1/(1+math.Exp(-oT))
				cNew := fg*float64(cPrev[j]) + ig*z
				nNew := fg*float64(nPrev[j]) + ig
				g[j], g[H+j], g[2*H+j], g[3*H+j] = T(ig), T(fg), T(z), T(og)
				ct[j], nt[j], mt[j] = T(cNew), T(nNew), T(mNew)
				ht[j] = T(og * cNew / nNew)
			}
			cPrev, nPrev, mPrev, hPrev = ct, nt, mt, ht
		}
	}
	return h
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
func (s *SLSTM[T]) Backward(dy *nn.Matrix[T]) *nn.Matrix[T] {
	b, H, d := dy.Rows, s.HiddenSize, s.HiddenSize/s.Heads
	draw := nn.NewMatrix[T](b, s.steps*4*H)
	dc, dn, dh, dhPrev := make([]float64, H), make([]float64, H), make([]T, H), make([]T, H)
	for i := 0; i < b; i++ {
		clear(dc)
		clear(dn)
		clear(dhPrev)
		for t := s.length(i) - 1; t >= 0; t-- {
			o := t * H
			g := s.gates.Row(i)[4*o : 4*o+4*H]
			r := s.raw.Row(i)[4*o : 4*o+4*H]
			ct, nt := s.c.Row(i)[o:o+H], s.n.Row(i)[o:o+H]
			dr := draw.Row(i)[4*o : 4*o+4*H]
			for j := 0; j < H; j++ {
				dh[j] = dy.Row(i)[o+j] + dhPrev[j]
			}
			for j := 0; j < H; j++ {
				ig, fg, z, og := float64(g[j]), float64(g[H+j]), float64(g[2*H+j]), float64(g[3*H+j])
				cj, nj := float64(ct[j]), float64(nt[j])
				var cPrev, nPrev float64
				if t > 0 {
					cPrev, nPrev = float64(s.c.Row(i)[o-H+j]), float64(s.n.Row(i)[o-H+j])
				}
				dhj := float64(dh[j])
				dr[3*H+j] = T(dhj * cj / nj * og * (1 - og))
				dc[j] += dhj * og / nj
				dn[j] -= dhj * og * cj / (nj * nj)
				di := dc[j]*z + dn[j]
				df := dc[j]*cPrev + dn[j]*nPrev
				sigF := 1 / (1 + math.Exp(-float64(r[H+j])))
				dr[j] = T(di * ig)
				dr[H+j] = T(df * fg * (1 - sigF))
				dr[2*H+j] = T(dc[j] * ig * (1 - z*z))
				dc[j] *= fg
				dn[j] *= fg
			}
			// dh_prev = Rᵀ draw, per head; dR += draw ⊗ h_prev.
			clear(dhPrev)
			if t == 0 {
				continue
			}
			hPrev := s.h.Row(i)[o-H : o]
			for k := 0; k < s.Heads; k++ {
				for gi := 0; gi < 4; gi++ {
					for j := 0; j < d; j++ {
						row := (k*4*d + gi*d + j) * d
						v := dr[gi*H+k*d+j]
						for l := 0; l < d; l++ {
							dhPrev[k*d+l] += s.whh.Value[row+l] * v
							s.whh.Grad[row+l] += v * hPrev[k*d+l]
						}
					}
				}
			}
		}
	}
	// The input side of every step at once.
	for i := 0; i < b; i++ {
		for t := 0; t < s.steps; t++ {
			for k, v := range draw.Row(i)[t*4*H : (t+1)*4*H] {
				s.bias.Grad[k] += v
			}
		}
	}
	blas.Gemm(blas.Trans, blas.NoTrans, 4*H, s.InputSize, b*s.steps, 1, draw.Data, 4*H, s.x.Data, s.InputSize, 1, s.wih.Grad, s.InputSize)
	if s.SkipInputGrad {
		return nil
	}
	dx := nn.Workspace(&s.dx, b, s.steps*s.InputSize)
	blas.Gemm(blas.NoTrans, blas.NoTrans, b*s.steps, s.InputSize, 4*H, 1, draw.Data, 4*H, s.wih.Value, s.InputSize, 0, dx.Data, s.InputSize)
	return dx
}

// String describes the layer.
func (s *SLSTM[T]) String() string {
	return fmt.Sprintf("sLSTM(%d, %d, heads=%d)", s.InputSize, s.HiddenSize, s.Heads)
}
