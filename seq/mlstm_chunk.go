package seq

import (
	"math"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/fastmath"
	"github.com/physml/physml/internal/kernels"
)

// The chunkwise form of the mLSTM (NX-AI's chunkwise kernels: parallel
// within a chunk, recurrent between chunks) computes the parallel form's
// numbers at a cost linear in the steps. With a_s = ĩ_s − F_s and its
// running maximum M_t = max_{s≤t} a_s, the parallel form's stabiliser is
// m_t = F_t + M_t and its weights are D_ts = exp(a_s − M_t). Between the
// chunks a head carries, as a recurrent mLSTM does, its memory and
// normaliser, scaled to the running maximum A_i before chunk i:
//
//	S_i = Σ_{s before the chunk} exp(a_s − A_i) v_s k_sᵀ,   z_i = Σ exp(a_s − A_i) k_s
//
// so that a step t of chunk i reads e_t S_i q_t and e_t z_i·q_t with e_t =
// exp(A_i − M_t) ≤ 1, and adds its own chunk's terms, which are the
// parallel form on a chunk × chunk block. Backward runs the chunks in
// reverse with the same state for the gradients: the sum over later chunks
// of exp(B − M_t) G_t q_tᵀ, B the running maximum at the chunk's end.
// Every product over d is a small matrix product (headGemm).

// mlstmChunks is the part of a head's workspace that the chunkwise form
// adds, for S steps of up to nc chunks.
type mlstmChunks[T Float] struct {
	a, M, e     []float64 // a_s, M_t and e_t, S each
	A           []float64 // A_i per chunk (−Inf for the first)
	state       []T       // S_i per chunk (d×d, S_i[a][c] pairing value a with key c)
	z           []float64 // z_i per chunk (d)
	G           []T       // dh̃_t / norm_t, S×d
	beta, gamma []float64 // the normaliser's gradient through |b_t| and through m_t
	tmp, tmp2   []T       // c×d
	back        []T       // the backward state, d×d
	u           []float64 // its normaliser part: Σ exp(B − M_t) β_t q_t
}

func newMLSTMChunks[T Float](S, d, c int) *mlstmChunks[T] {
	nc := (S + c - 1) / c
	f := func(n int) []float64 { return make([]float64, n) }
	g := func(n int) []T { return make([]T, n) }
	return &mlstmChunks[T]{a: f(S), M: f(S), e: f(S), A: f(nc), state: g(nc * d * d), z: f(nc * d),
		G: g(S * d), beta: f(S), gamma: f(S), tmp: g(c * d), tmp2: g(c * d), back: g(d * d), u: f(d)}
}

// forwardChunks computes forward's results (the normalisers, h̃, the
// stabilisers and their argmax) in chunks of hd.c steps, keeping each
// chunk's incoming state for backwardChunks.
func (hd *mlstmHead[T]) forwardChunks() {
	d, L, c, w := hd.d, hd.L, hd.c, hd.chunks
	M, arg := math.Inf(-1), 0
	for t := 0; t < L; t++ {
		hd.F[t] = hd.lf[t]
		if t > 0 {
			hd.F[t] += hd.F[t-1]
		}
		w.a[t] = hd.ig[t] - hd.F[t]
		if w.a[t] > M {
			M, arg = w.a[t], t
		}
		w.M[t], hd.arg[t], hd.m[t] = M, arg, hd.F[t]+M
	}
	nc := (L + c - 1) / c
	for i := 0; i < nc; i++ {
		c0, n := i*c, min(c, L-i*c)
		q, k, v, ht := hd.q[c0*d:], hd.k[c0*d:], hd.v[c0*d:], hd.ht[c0*d:(c0+n)*d]
		A := math.Inf(-1)
		if i > 0 {
			A = w.M[c0-1]
		}
		w.A[i] = A
		hd.chunkMatrices(c0, n, hd.sum[c0:c0+n])
		headGemm(false, false, n, d, n, hd.C, c, v, d, 0, ht, d) // this chunk's Σ C_ts v_s
		if i > 0 {
			Si, z := w.state[i*d*d:(i+1)*d*d], w.z[i*d:(i+1)*d]
			headGemm(false, true, n, d, d, q, d, Si, d, 0, w.tmp, d) // S_i q_t
			for t := 0; t < n; t++ {
				e := math.Exp(A - w.M[c0+t])
				w.e[c0+t] = e
				var qz float64
				for a := 0; a < d; a++ {
					qz += float64(q[t*d+a]) * z[a]
					ht[t*d+a] = T(float64(ht[t*d+a]) + e*float64(w.tmp[t*d+a]))
				}
				hd.sum[c0+t] += e * qz
			}
		}
		for t := c0; t < c0+n; t++ {
			hd.norm[t] = math.Max(math.Abs(hd.sum[t]), math.Exp(-hd.m[t])) + mlstmEps
			inv := 1 / hd.norm[t]
			for a, x := range hd.ht[t*d : (t+1)*d] {
				hd.ht[t*d+a] = T(float64(x) * inv)
			}
		}
		if i+1 == nc {
			break
		}
		// S_{i+1} = exp(A_i − A_{i+1}) S_i + Σ_s exp(a_s − A_{i+1}) v_s k_sᵀ.
		next, zNext := w.state[(i+1)*d*d:(i+2)*d*d], w.z[(i+1)*d:(i+2)*d]
		An := w.M[c0+n-1]
		r := 0.0 // the first chunk has no state to carry
		if i > 0 {
			r = math.Exp(A - An)
			copy(next, w.state[i*d*d:(i+1)*d*d])
			for a, x := range w.z[i*d : (i+1)*d] {
				zNext[a] = r * x
			}
		} else {
			clear(zNext)
		}
		for s := 0; s < n; s++ {
			g := math.Exp(w.a[c0+s] - An)
			for a := 0; a < d; a++ {
				x := g * float64(k[s*d+a])
				w.tmp[s*d+a] = T(x)
				zNext[a] += x
			}
		}
		headGemm(true, false, d, d, n, v, d, w.tmp, d, r, next, d)
	}
}

// chunkMatrices sets hd.D and hd.C (c×c) to the block of the n steps from
// c0 on with itself, D_ts = exp(a_s − M_t) and C_ts = (q_t·k_s) D_ts for
// s ≤ t (zero above the diagonal), and sums (unless nil) to the rows' sums.
func (hd *mlstmHead[T]) chunkMatrices(c0, n int, sums []float64) {
	d, c, w := hd.d, hd.c, hd.chunks
	headGemm(false, true, n, n, d, hd.q[c0*d:], d, hd.k[c0*d:], d, 0, hd.C, c)
	a := w.a[c0 : c0+n]
	for t := 0; t < n; t++ {
		Mt := w.M[c0+t]
		Drow, Crow := hd.D[t*c:t*c+n], hd.C[t*c:t*c+n]
		var sum float64
		if blas.Is32[T]() {
			d32 := kernels.Float32s(Drow[:t+1])
			for s := range d32 {
				d32[s] = float32(a[s] - Mt)
			}
			fastmath.Exp32To(d32, d32)
			for s := 0; s <= t; s++ {
				x := float64(Crow[s]) * float64(Drow[s])
				Crow[s] = T(x)
				sum += x
			}
		} else {
			for s := 0; s <= t; s++ {
				D := math.Exp(a[s] - Mt)
				x := float64(Crow[s]) * D
				Drow[s], Crow[s] = T(D), T(x)
				sum += x
			}
		}
		clear(Drow[t+1:])
		clear(Crow[t+1:])
		if sums != nil {
			sums[t] = sum
		}
	}
}

// backwardChunks is backward for the chunkwise form (after
// forwardChunks). With G_t = dh̃_t/norm_t, and β_t and γ_t the normaliser's
// gradient through |b_t| and through exp(−m_t), every pair s ≤ t has
// dC_ts = G_t·v_s + β_t, and
//
//	dv_s = Σ_t C_ts G_t,  dq_t = Σ_s dC_ts D_ts k_s,  dk_s = Σ_t dC_ts D_ts q_t
//
// summed within the chunk by the block's matrices and across chunks
// through the states. The stabiliser's gradients follow from those: Σ_t
// dC_ts C_ts = k_s·dk_s goes to a_s, and Σ_s dC_ts C_ts = q_t·dq_t,
// negated, to M_t and so to a at its argmax.
func (hd *mlstmHead[T]) backwardChunks() {
	d, L, c, w := hd.d, hd.L, hd.c, hd.chunks
	for t := 0; t < L; t++ {
		dn := hd.normGrad(t, w.G)
		if math.Abs(hd.sum[t]) > math.Exp(-hd.m[t]) {
			w.beta[t], w.gamma[t] = dn*sign(hd.sum[t]), 0
		} else {
			w.beta[t], w.gamma[t] = 0, -dn*math.Exp(-hd.m[t])
		}
	}
	clear(w.back)
	clear(w.u)
	nc := (L + c - 1) / c
	for i := nc - 1; i >= 0; i-- {
		c0, n := i*c, min(c, L-i*c)
		q, k, v, G := hd.q[c0*d:], hd.k[c0*d:], hd.v[c0*d:], w.G[c0*d:]
		dq, dk, dv := hd.dq[c0*d:(c0+n)*d], hd.dk[c0*d:(c0+n)*d], hd.dv[c0*d:(c0+n)*d]
		// Pairs within the chunk.
		hd.chunkMatrices(c0, n, nil)
		headGemm(true, false, n, d, n, hd.C, c, G, d, 0, dv, d)    // Σ_t C_ts G_t
		headGemm(false, true, n, n, d, G, d, v, d, 0, hd.dlogD, c) // G_t·v_s
		for t := 0; t < n; t++ {
			beta, row, Drow := w.beta[c0+t], hd.dlogD[t*c:t*c+n], hd.D[t*c:t*c+n]
			dqk := hd.dqk[t*c : t*c+n]
			for s := 0; s <= t; s++ {
				dqk[s] = T((float64(row[s]) + beta) * float64(Drow[s]))
			}
			clear(dqk[t+1:])
		}
		headGemm(false, false, n, d, n, hd.dqk, c, k, d, 0, dq, d)
		headGemm(true, false, n, d, n, hd.dqk, c, q, d, 0, dk, d)
		// Pairs with earlier chunks: dq_t += e_t (S_iᵀ G_t + β_t z_i).
		if i > 0 {
			Si, z := w.state[i*d*d:(i+1)*d*d], w.z[i*d:(i+1)*d]
			headGemm(false, false, n, d, d, G, d, Si, d, 0, w.tmp, d)
			for t := 0; t < n; t++ {
				e, beta := w.e[c0+t], w.beta[c0+t]
				for a := 0; a < d; a++ {
					dq[t*d+a] = T(float64(dq[t*d+a]) + e*(float64(w.tmp[t*d+a])+beta*z[a]))
				}
			}
		}
		// Pairs with later chunks, through the backward state (reference
		// B = A_{i+1}): dv_s += f_s back k_s, dk_s += f_s (backᵀ v_s + u),
		// f_s = exp(a_s − B).
		if i+1 < nc {
			B := w.A[i+1]
			headGemm(false, true, n, d, d, k, d, w.back, d, 0, w.tmp, d)
			headGemm(false, false, n, d, d, v, d, w.back, d, 0, w.tmp2, d)
			for s := 0; s < n; s++ {
				f := math.Exp(w.a[c0+s] - B)
				for a := 0; a < d; a++ {
					dv[s*d+a] = T(float64(dv[s*d+a]) + f*float64(w.tmp[s*d+a]))
					dk[s*d+a] = T(float64(dk[s*d+a]) + f*(float64(w.tmp2[s*d+a])+w.u[a]))
				}
			}
		}
		if i == 0 {
			break
		}
		// The backward state for chunk i−1, reference A_i: this chunk's
		// steps join it with weights e_t.
		r := 0.0 // nothing after the last chunk
		if i+1 < nc {
			r = math.Exp(w.A[i] - w.A[i+1])
		}
		for a := range w.u {
			w.u[a] *= r
		}
		for t := 0; t < n; t++ {
			e, beta := w.e[c0+t], w.beta[c0+t]
			for a := 0; a < d; a++ {
				w.tmp[t*d+a] = T(e * float64(q[t*d+a]))
				w.u[a] += e * beta * float64(q[t*d+a])
			}
		}
		headGemm(true, false, d, d, n, G, d, w.tmp, d, r, w.back, d)
	}
	// The stabiliser's gradients, then dĩ = da and dlog σ(f̃) from
	// dF_t = γ_t − da_t (F_t enters m_t and, negated, a_t).
	for t := 0; t < L; t++ {
		var da, R float64
		for a := 0; a < d; a++ {
			da += float64(hd.k[t*d+a]) * float64(hd.dk[t*d+a])
			R += float64(hd.q[t*d+a]) * float64(hd.dq[t*d+a])
		}
		hd.dig[t] += da
		hd.dig[hd.arg[t]] += w.gamma[t] - R
	}
	dF := hd.dlf
	for t := 0; t < L; t++ {
		dF[t] = w.gamma[t] - hd.dig[t]
	}
	for u := L - 2; u >= 0; u-- {
		dF[u] += dF[u+1]
	}
}
