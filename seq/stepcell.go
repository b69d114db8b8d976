package seq

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/physml/physml/nn"
)

// StepCell advances a single LSTM, GRU or RNN cell one step at a time, for
// users who drive the time loop themselves: generation, or forecasting one
// step ahead. It mirrors torch.nn.LSTMCell, GRUCell and RNNCell (parameters
// "weight_ih", "weight_hh", "bias_ih", "bias_hh") and runs forward only; train
// through Recurrent, whose StepCell method returns a StepCell sharing the
// trained parameters.
type StepCell[T Float] struct {
	Cell                  CellType
	InputSize, HiddenSize int
	WeightIH, WeightHH    nn.Param[T]
	BiasIH, BiasHH        nn.Param[T]
	bias                  bool
	gates, hw, scratch    nn.Matrix[T]
	bias2                 []T // b_ih + b_hh
}

// NewLSTMCell returns a torch.nn.LSTMCell-compatible cell initialised from
// rng (uniform in ±1/√hidden).
func NewLSTMCell[T Float](input, hidden int, rng *rand.Rand) *StepCell[T] {
	return newStepCell[T](LSTM, input, hidden, rng)
}

// NewGRUCell returns a torch.nn.GRUCell-compatible cell initialised from rng.
func NewGRUCell[T Float](input, hidden int, rng *rand.Rand) *StepCell[T] {
	return newStepCell[T](GRU, input, hidden, rng)
}

func newStepCell[T Float](cell CellType, input, hidden int, rng *rand.Rand) *StepCell[T] {
	gh := cell.gates() * hidden
	c := &StepCell[T]{Cell: cell, InputSize: input, HiddenSize: hidden, bias: true,
		WeightIH: nn.NewParam[T]("weight_ih", gh, input), WeightHH: nn.NewParam[T]("weight_hh", gh, hidden),
		BiasIH: nn.NewParam[T]("bias_ih", gh), BiasHH: nn.NewParam[T]("bias_hh", gh)}
	for _, p := range c.Params() {
		nn.Uniform(rng, p.Value, 1/math.Sqrt(float64(hidden)))
	}
	return c
}

// StepCell returns a StepCell that shares the parameters of the given layer and
// direction (0 forward, 1 reverse) of r.
func (r *Recurrent[T]) StepCell(layer, dir int) *StepCell[T] {
	if r.Cell.xlstm() {
		panic(fmt.Sprintf("seq: StepCell of an %v stack: use the layer's own Step", r.Cell))
	}
	d := r.layers[layer][dir]
	return &StepCell[T]{Cell: r.Cell, InputSize: d.in, HiddenSize: d.hidden, bias: d.bias,
		WeightIH: d.wih, WeightHH: d.whh, BiasIH: d.bih, BiasHH: d.bhh}
}

// Params returns weight_ih, weight_hh, bias_ih and bias_hh.
func (c *StepCell[T]) Params() []nn.Param[T] {
	if !c.bias {
		return []nn.Param[T]{c.WeightIH, c.WeightHH}
	}
	return []nn.Param[T]{c.WeightIH, c.WeightHH, c.BiasIH, c.BiasHH}
}

// Step advances the state by one input x (batch, InputSize): h (batch,
// HiddenSize) and, for an LSTM, c are updated in place; c is ignored by GRU
// and RNN cells (pass nil).
func (c *StepCell[T]) Step(x, h, cell *nn.Matrix[T]) {
	b, H := x.Rows, c.HiddenSize
	if x.Cols != c.InputSize || h.Rows != b || h.Cols != H || (c.Cell == LSTM && (cell == nil || cell.Rows != b || cell.Cols != H)) {
		panic(fmt.Sprintf("seq: %v step: x is %s, h %s, want (b, %d) and (b, %d)", c.Cell, x.Shape(), h.Shape(), c.InputSize, H))
	}
	gh := c.Cell.gates() * H
	g := nn.Workspace(&c.gates, b, gh)
	beta := T(0)
	if c.bias {
		beta = 1
		c.bias2 = projectionBias(c.Cell, c.BiasIH.Value, c.BiasHH.Value, c.bias2)
		for i := 0; i < b; i++ {
			copy(g.Row(i), c.bias2)
		}
	}
	gemmNT(b, gh, c.InputSize, x.Data, c.InputSize, c.WeightIH.Value, c.InputSize, beta, g.Data, gh)
	if c.Cell == GRU {
		hw := nn.Workspace(&c.hw, b, gh)
		hbeta := T(0)
		if c.bias {
			hbeta = 1
			for i := 0; i < b; i++ {
				copy(hw.Row(i), c.BiasHH.Value)
			}
		}
		gemmNT(b, gh, H, h.Data, H, c.WeightHH.Value, H, hbeta, hw.Data, gh)
		for i := 0; i < b; i++ {
			// gruStep reads h[j] before writing it, so h may be both.
			gruStep(g.Row(i), hw.Row(i), h.Row(i), h.Row(i), h.Row(i))
		}
		return
	}
	gemmNT(b, gh, H, h.Data, H, c.WeightHH.Value, H, 1, g.Data, gh)
	if c.Cell == LSTM {
		tc := nn.Workspace(&c.scratch, b, H)
		for i := 0; i < b; i++ {
			lstmStep(g.Row(i), cell.Row(i), cell.Row(i), h.Row(i), tc.Row(i), h.Row(i))
		}
		return
	}
	for i := 0; i < b; i++ {
		rnnStep(c.Cell == RNNReLU, g.Row(i), h.Row(i), h.Row(i))
	}
}
