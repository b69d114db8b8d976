package seq

import (
	"fmt"
	"math"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// A plain reference of the recurrent layers: one sequence at a time, one
// step at a time, whole-sequence backpropagation through time, no chunks,
// no goroutines, no BLAS — the lecture's equations as they are written.
// TestFastLayerEqualsReference holds the fast layer to it.

// refWeights are one direction's parameters, gate-major as PyTorch stores
// them: rows [i; f; g; o] (LSTM), [r; z; n] (GRU) or one block (RNN).
type refWeights struct {
	wih, whh, bih, bhh []float64 // (G·H × in), (G·H × H), (G·H), (G·H)
	in, h              int
}

// gates returns a = W_ih x + b_ih and b = W_hh h + b_hh, apart (the GRU
// needs them apart).
func (w refWeights) gates(x, h []float64) (a, b []float64) {
	g := len(w.bih)
	a, b = make([]float64, g), make([]float64, g)
	for k := 0; k < g; k++ {
		a[k], b[k] = w.bih[k], w.bhh[k]
		for j, v := range x {
			a[k] += w.wih[k*w.in+j] * v
		}
		for j, v := range h {
			b[k] += w.whh[k*w.h+j] * v
		}
	}
	return a, b
}

// refGrads accumulates one direction's parameter gradients.
type refGrads struct{ wih, whh, bih, bhh []float64 }

// add takes the pre-activation gradients dA (input side) and dB (hidden
// side) of one step into the parameter gradients, and returns the
// gradients with respect to x and h.
func (g refGrads) add(w refWeights, x, h, dA, dB []float64) (dx, dh []float64) {
	dx, dh = make([]float64, w.in), make([]float64, w.h)
	for k := range dA {
		g.bih[k] += dA[k]
		g.bhh[k] += dB[k]
		for j := range x {
			g.wih[k*w.in+j] += dA[k] * x[j]
			dx[j] += w.wih[k*w.in+j] * dA[k]
		}
		for j := range h {
			g.whh[k*w.h+j] += dB[k] * h[j]
			dh[j] += w.whh[k*w.h+j] * dB[k]
		}
	}
	return dx, dh
}

func sigmoid(v float64) float64 { return 1 / (1 + math.Exp(-v)) }

// refStep is one step's saved values for the backward pass.
type refStep struct {
	x, h, c     []float64 // input, and the state before the step
	gate        []float64 // activated gates: i f g o (LSTM), r z n (GRU), h' (RNN)
	hn, cn, pre []float64 // the state after the step, and the RNN's pre-activation
	hiddenN     []float64 // GRU: W_hn h + b_hn
}

// stepForward runs one step of the cell from state (h, c).
func stepForward(cell CellType, w refWeights, x, h, c []float64) refStep {
	H := w.h
	a, b := w.gates(x, h)
	s := refStep{x: x, h: h, c: c, hn: make([]float64, H), cn: make([]float64, H)}
	switch cell {
	case LSTM: // i, f, g, o = σ, σ, tanh, σ of a + b; c' = f c + i g; h' = o tanh c'
		s.gate = make([]float64, 4*H)
		for j := 0; j < H; j++ {
			i, f := sigmoid(a[j]+b[j]), sigmoid(a[H+j]+b[H+j])
			g, o := math.Tanh(a[2*H+j]+b[2*H+j]), sigmoid(a[3*H+j]+b[3*H+j])
			s.gate[j], s.gate[H+j], s.gate[2*H+j], s.gate[3*H+j] = i, f, g, o
			s.cn[j] = f*c[j] + i*g
			s.hn[j] = o * math.Tanh(s.cn[j])
		}
	case GRU: // r, z = σ(a + b); n = tanh(a_n + r (W_hn h + b_hn)); h' = (1 − z) n + z h
		s.gate, s.hiddenN = make([]float64, 3*H), b[2*H:]
		for j := 0; j < H; j++ {
			r, z := sigmoid(a[j]+b[j]), sigmoid(a[H+j]+b[H+j])
			n := math.Tanh(a[2*H+j] + r*b[2*H+j])
			s.gate[j], s.gate[H+j], s.gate[2*H+j] = r, z, n
			s.hn[j] = (1-z)*n + z*h[j]
		}
	default: // h' = tanh(a + b) or max(a + b, 0)
		s.pre = make([]float64, H)
		for j := 0; j < H; j++ {
			s.pre[j] = a[j] + b[j]
			s.hn[j] = math.Tanh(s.pre[j])
			if cell == RNNReLU {
				s.hn[j] = math.Max(s.pre[j], 0)
			}
		}
	}
	return s
}

// stepBackward takes the gradients dh', dc' after a step and returns those
// before it and with respect to its input, adding to the parameter
// gradients.
func stepBackward(cell CellType, w refWeights, g refGrads, s refStep, dhn, dcn []float64) (dx, dh, dc []float64) {
	H := w.h
	dA, dB := make([]float64, len(w.bih)), make([]float64, len(w.bih))
	dc = make([]float64, H)
	var dhDirect []float64
	switch cell {
	case LSTM:
		for j := 0; j < H; j++ {
			i, f, gg, o := s.gate[j], s.gate[H+j], s.gate[2*H+j], s.gate[3*H+j]
			tc := math.Tanh(s.cn[j])
			do := dhn[j] * tc
			dcj := dcn[j] + dhn[j]*o*(1-tc*tc)
			di, df, dg := dcj*gg, dcj*s.c[j], dcj*i
			dc[j] = dcj * f
			dA[j], dA[H+j], dA[2*H+j], dA[3*H+j] = di*i*(1-i), df*f*(1-f), dg*(1-gg*gg), do*o*(1-o)
		}
		copy(dB, dA)
	case GRU:
		dhDirect = make([]float64, H)
		for j := 0; j < H; j++ {
			r, z, n := s.gate[j], s.gate[H+j], s.gate[2*H+j]
			dn := dhn[j] * (1 - z)
			dz := dhn[j] * (s.h[j] - n)
			dhDirect[j] = dhn[j] * z
			dan := dn * (1 - n*n)
			dr := dan * s.hiddenN[j]
			dA[j], dA[H+j], dA[2*H+j] = dr*r*(1-r), dz*z*(1-z), dan
			dB[j], dB[H+j], dB[2*H+j] = dA[j], dA[H+j], dan*r
		}
	default:
		for j := 0; j < H; j++ {
			d := dhn[j] * (1 - s.hn[j]*s.hn[j])
			if cell == RNNReLU {
				d = 0
				if s.pre[j] > 0 {
					d = dhn[j]
				}
			}
			dA[j] = d
		}
		copy(dB, dA)
	}
	dx, dh = g.add(w, s.x, s.h, dA, dB)
	for j := range dhDirect {
		dh[j] += dhDirect[j]
	}
	return dx, dh, dc
}

// refLayer is the reference stack: weights[layer][direction].
type refLayer struct {
	cell    CellType
	weights [][]refWeights
	grads   [][]refGrads
}

// forwardBackward runs one sequence x (steps × in, n valid steps) through
// the stack, then back with the output gradient dy (steps × dirs·H; the
// padded steps' rows are ignored), and returns the outputs (zero at padded
// steps) and the input gradient.
func (r refLayer) forwardBackward(x [][]float64, n int, dy [][]float64) (y, dx [][]float64) {
	type dirRun struct{ steps []refStep }
	var runs [][]dirRun
	input := x
	for l, ws := range r.weights {
		H := ws[0].h
		out := make([][]float64, len(x))
		for t := range out {
			out[t] = make([]float64, len(ws)*H)
		}
		runs = append(runs, make([]dirRun, len(ws)))
		for d, w := range ws {
			h, c := make([]float64, H), make([]float64, H)
			for k := 0; k < n; k++ {
				t := k
				if d == 1 {
					t = n - 1 - k // the reverse direction reads the valid steps backwards
				}
				s := stepForward(r.cell, w, input[t], h, c)
				runs[l][d].steps = append(runs[l][d].steps, s)
				h, c = s.hn, s.cn
				copy(out[t][d*H:], h)
			}
		}
		input = out
	}
	y = input
	grad := dy
	for l := len(r.weights) - 1; l >= 0; l-- {
		ws := r.weights[l]
		H := ws[0].h
		in := ws[0].in
		below := make([][]float64, len(x))
		for t := range below {
			below[t] = make([]float64, in)
		}
		for d, w := range ws {
			dh, dc := make([]float64, H), make([]float64, H)
			for k := n - 1; k >= 0; k-- {
				t := k
				if d == 1 {
					t = n - 1 - k
				}
				for j := 0; j < H; j++ {
					dh[j] += grad[t][d*H+j]
				}
				var dxt []float64
				dxt, dh, dc = stepBackward(r.cell, w, r.grads[l][d], runs[l][d].steps[k], dh, dc)
				for j, v := range dxt {
					below[t][j] += v
				}
			}
		}
		grad = below
	}
	return y, grad
}

// TestFastLayerEqualsReference: for every cell type, one and two layers,
// one and two directions, and variable lengths, the fast layer's outputs,
// input gradient and parameter gradients equal the reference's to 1e-12 in
// float64.
func TestFastLayerEqualsReference(t *testing.T) {
	const batch, steps, in, H = 3, 5, 2, 3
	lengths := []int{5, 2, 4}
	for _, cell := range []CellType{LSTM, GRU, RNNTanh, RNNReLU} {
		for _, layers := range []int{1, 2} {
			for _, bi := range []bool{false, true} {
				name := fmt.Sprintf("%v, %d layers, bidirectional %v", cell, layers, bi)
				r := NewRecurrent[float64](cell, Config{InputSize: in, HiddenSize: H, NumLayers: layers, Bidirectional: bi}, nn.NewRand(3))
				dirs := r.directions()
				rng := nn.NewRand(4)
				x := nn.NewMatrix[float64](batch, steps*in)
				dy := nn.NewMatrix[float64](batch, steps*dirs*H)
				for i := range x.Data {
					x.Data[i] = rng.NormFloat64()
				}
				for i := range dy.Data {
					dy.Data[i] = rng.NormFloat64()
				}
				r.SetLengths(lengths)
				nn.ZeroGrad(r.Params())
				y := r.Forward(x, true).Clone()
				dx := r.Backward(dy).Clone()

				// The same weights in the reference, by PyTorch's names.
				byName := map[string][]float64{}
				for _, p := range r.Params() {
					byName[p.Name] = p.Value
				}
				ref := refLayer{cell: cell}
				for l := 0; l < layers; l++ {
					var ws []refWeights
					var gs []refGrads
					for d := 0; d < dirs; d++ {
						suffix := fmt.Sprintf("_l%d", l)
						if d == 1 {
							suffix += "_reverse"
						}
						w := refWeights{wih: byName["weight_ih"+suffix], whh: byName["weight_hh"+suffix], bih: byName["bias_ih"+suffix],
							bhh: byName["bias_hh"+suffix], in: in, h: H}
						if l > 0 {
							w.in = dirs * H
						}
						ws = append(ws, w)
						gs = append(gs, refGrads{make([]float64, len(w.wih)), make([]float64, len(w.whh)), make([]float64, len(w.bih)), make([]float64, len(w.bhh))})
					}
					ref.weights, ref.grads = append(ref.weights, ws), append(ref.grads, gs)
				}
				var worst numcheck.Worst
				for i := 0; i < batch; i++ {
					xs, dys := make([][]float64, steps), make([][]float64, steps)
					for t := 0; t < steps; t++ {
						xs[t] = x.Row(i)[t*in : (t+1)*in]
						dys[t] = dy.Row(i)[t*dirs*H : (t+1)*dirs*H]
					}
					ry, rdx := ref.forwardBackward(xs, lengths[i], dys)
					for t := 0; t < steps; t++ {
						worst.Add(numcheck.MaxAbsDiff(y.Row(i)[t*dirs*H:(t+1)*dirs*H], ry[t]))
						if t < lengths[i] {
							worst.Add(numcheck.MaxAbsDiff(dx.Row(i)[t*in:(t+1)*in], rdx[t]))
						}
					}
				}
				for l := range ref.grads {
					for d, g := range ref.grads[l] {
						suffix := fmt.Sprintf("_l%d", l)
						if d == 1 {
							suffix += "_reverse"
						}
						for _, p := range r.Params() {
							switch p.Name {
							case "weight_ih" + suffix:
								worst.Add(numcheck.MaxAbsDiff(p.Grad, g.wih))
							case "weight_hh" + suffix:
								worst.Add(numcheck.MaxAbsDiff(p.Grad, g.whh))
							case "bias_ih" + suffix:
								worst.Add(numcheck.MaxAbsDiff(p.Grad, g.bih))
							case "bias_hh" + suffix:
								worst.Add(numcheck.MaxAbsDiff(p.Grad, g.bhh))
							}
						}
					}
				}
				if !numcheck.Within(float64(worst), 1e-12) {
					t.Errorf("%s: largest difference from the reference %g", name, float64(worst))
				} else if testing.Verbose() {
					t.Logf("%s: largest difference %.2g", name, float64(worst))
				}
			}
		}
	}
}
