package seq

import (
	"fmt"
	"math/rand/v2"

	"github.com/physml/physml/nn"
)

// xlstm reports whether c is one of xLSTM's cells, which Recurrent stacks
// as whole layers (SLSTM, MLSTM) rather than as directions of its own.
func (c CellType) xlstm() bool { return c == SLSTMCell || c == MLSTMCell }

// xlstmLayer is what Recurrent needs of an SLSTM or MLSTM layer.
type xlstmLayer[T Float] interface {
	nn.Layer[T]
	SetLengths(lengths []int)
	setSkipInputGrad(skip bool)
}

func (s *SLSTM[T]) setSkipInputGrad(skip bool) { s.SkipInputGrad = skip }
func (l *MLSTM[T]) setSkipInputGrad(skip bool) { l.SkipInputGrad = skip }

// heads returns the configured number of heads (at least 1).
func (c Config) heads() int { return max(c.Heads, 1) }

// newXLSTMStack fills r, an sLSTM or mLSTM Recurrent of a checked
// configuration, with its layers, their
// parameters renamed with the layer suffix _l{k}, and the dropout between
// them.
func newXLSTMStack[T Float](r *Recurrent[T], rng *rand.Rand) *Recurrent[T] {
	cfg := r.Config // checked by NewRecurrent (Config.Check)
	for l := 0; l < cfg.NumLayers; l++ {
		in := cfg.InputSize
		if l > 0 {
			in = cfg.HiddenSize
		}
		var layer xlstmLayer[T]
		if r.Cell == SLSTMCell {
			layer = NewSLSTM[T](in, cfg.HiddenSize, cfg.heads(), rng)
		} else {
			layer = NewMLSTM[T](in, cfg.HiddenSize, cfg.heads(), rng)
		}
		for _, p := range layer.Params() {
			p.Name += fmt.Sprintf("_l%d", l) // a renamed view of the same storage
			r.params = append(r.params, p)
		}
		r.xlayers = append(r.xlayers, layer)
		if l < cfg.NumLayers-1 {
			r.dropout = append(r.dropout, nn.NewDropout[T](cfg.Dropout, nn.NewRand(rng.Uint64())))
		}
	}
	r.xout = make([]*nn.Matrix[T], cfg.NumLayers)
	return r
}

// lastStep returns the columns of sequence i's last valid step in a
// batch-first output of width H per step.
func (r *Recurrent[T]) lastStep(i int) (from, to int) {
	n := r.steps
	if r.lengths != nil {
		n = r.lengths[i]
	}
	return (n - 1) * r.HiddenSize, n * r.HiddenSize
}

// forwardXLSTM runs the stack of xLSTM layers and records each layer's
// output at the last valid step of every sequence as hn.
func (r *Recurrent[T]) forwardXLSTM(x *nn.Matrix[T], train bool) *nn.Matrix[T] {
	if x.Cols%r.InputSize != 0 || x.Cols == 0 {
		panic(fmt.Sprintf("seq: %v.Forward: input is %s, want (batch, steps·%d)", r.Cell, x.Shape(), r.InputSize))
	}
	if r.h0 != nil || r.c0 != nil {
		panic(fmt.Sprintf("seq: %v.Forward: the xLSTM cells start from the zero state; SetInitialState is for RNN, LSTM and GRU", r.Cell))
	}
	b, H := x.Rows, r.HiddenSize
	r.batch, r.steps = b, x.Cols/r.InputSize
	checkLengths(r.Cell.String(), r.lengths, b, r.steps)
	hn := nn.Workspace(&r.hn, r.NumLayers*b, H)
	in := x
	for l, layer := range r.xlayers {
		layer.SetLengths(r.lengths)
		out := layer.Forward(in, train)
		r.xout[l] = out
		for i := 0; i < b; i++ {
			from, to := r.lastStep(i)
			copy(hn.Row(l*b+i), out.Row(i)[from:to])
		}
		in = out
		if l < r.NumLayers-1 {
			in = r.dropout[l].Forward(out, train)
		}
	}
	return r.xout[r.NumLayers-1]
}

// backwardXLSTM back-propagates dy (or zero) and the gradients of hn set by
// SetFinalStateGrad through the stack, top layer first.
func (r *Recurrent[T]) backwardXLSTM(dy *nn.Matrix[T]) *nn.Matrix[T] {
	b, H := r.batch, r.HiddenSize
	if dy != nil && (dy.Rows != b || dy.Cols != r.steps*H) {
		panic(fmt.Sprintf("seq: %v.Backward: gradient is %s, want %d×%d", r.Cell, dy.Shape(), b, r.steps*H))
	}
	r.checkState("dhn", r.dhn, r.NumLayers*b, H)
	g := nn.Workspace(&r.dLastOut, b, r.steps*H)
	if dy == nil {
		clear(g.Data)
	} else {
		copy(g.Data, dy.Data)
	}
	var dx *nn.Matrix[T]
	for l := r.NumLayers - 1; l >= 0; l-- {
		if r.dhn != nil {
			for i := 0; i < b; i++ {
				from, to := r.lastStep(i)
				last := g.Row(i)[from:to]
				for j, v := range r.dhn.Row(l*b + i) {
					last[j] += v
				}
			}
		}
		r.xlayers[l].setSkipInputGrad(l == 0 && r.SkipInputGrad)
		dx = r.xlayers[l].Backward(g)
		if l > 0 {
			// the next gradient is the dropout's, a workspace of its own
			g = r.dropout[l-1].Backward(dx)
		}
	}
	r.dhn, r.dcn = nil, nil
	return dx
}

// xlstmParams returns the number of parameters of an sLSTM or mLSTM layer
// with in inputs, H hidden units and K heads (d = H/K), in float64 so that
// no size a file claims overflows.
func xlstmParams(cell CellType, in, H, K float64) float64 {
	if cell == SLSTMCell {
		return 4*H*in + 4*H + 4*H*H/K // weight_ih, bias, weight_hh (K × 4d × d)
	}
	return (4*H + 2*K) * (in + 1) // weight_ih and bias
}
