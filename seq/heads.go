package seq

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/physml/physml/nn"
)

// moduleName is the attribute name a PyTorch model would give the layer:
// "lstm", "gru", "rnn", "slstm" or "mlstm".
func moduleName(c CellType) string {
	switch c {
	case LSTM, GRU, SLSTMCell, MLSTMCell:
		return cellNames[c]
	}
	return "rnn"
}

// Classifier is the many-to-one model of the lecture: a recurrent layer reads
// the sequence and a Dense layer maps its last valid hidden state to class
// logits. For a bidirectional layer the last states of both directions are
// concatenated (the forward direction's at the last valid step, the
// backward direction's at step 0). The lecture's MNIST model is
// NewClassifier(LSTM, Config{InputSize: 28, HiddenSize: 128}, 10, rng) on
// images read row by row: 28 steps of 28 pixels.
//
// Its parameters are named as in a PyTorch module with attributes lstm (or
// gru, rnn) and fc: "lstm.weight_ih_l0", …, "fc.weight", "fc.bias".
type Classifier[T Float] struct {
	RNN *Recurrent[T]
	// Norm, when set, normalises the last states before FC: an
	// nn.BatchNorm1d or nn.LayerNorm of RNN.OutputSize() features — the
	// lecture's exercise of a BatchNormalization layer between the LSTM and
	// the Dense one. Its parameters (and BatchNorm1d's running statistics)
	// are "norm.weight", "norm.bias", "norm.running_mean", ….
	Norm nn.Layer[T]
	FC   *nn.Dense[T]

	last, dhn nn.Matrix[T]
}

// NewClassifier returns a recurrent classifier with PyTorch's default
// initialisation drawn from rng.
func NewClassifier[T Float](cell CellType, cfg Config, classes int, rng *rand.Rand) *Classifier[T] {
	r := NewRecurrent[T](cell, cfg, rng)
	r.SkipInputGrad = true // the images need no gradient; see InputGradient
	return &Classifier[T]{RNN: r, FC: nn.NewDense[T](r.OutputSize(), classes, rng)}
}

// InputGradient sets whether Backward computes the gradient with respect to
// the input sequences (off by default: training does not need it).
func (c *Classifier[T]) InputGradient(on bool) { c.RNN.SkipInputGrad = !on }

// SetLengths passes per-sequence lengths to the recurrent layer.
func (c *Classifier[T]) SetLengths(lengths []int) { c.RNN.SetLengths(lengths) }

// Forward returns the logits (batch, classes) for the sequences in x.
func (c *Classifier[T]) Forward(x *nn.Matrix[T], train bool) *nn.Matrix[T] {
	c.RNN.Forward(x, train)
	hn, _ := c.RNN.FinalState()
	b, h, dirs := x.Rows, c.RNN.stateSize(), c.RNN.directions()
	last := nn.Workspace(&c.last, b, dirs*h)
	copyTopStates(c.RNN, b, hn, last, true)
	if c.Norm != nil {
		return c.FC.Forward(c.Norm.Forward(last, train), train)
	}
	return c.FC.Forward(last, train)
}

// copyTopStates copies between the final states of r's top layer — rows
// (top·dirs + d)·b + i of states, (layers·dirs·b, H) — and features
// (b, dirs·H), whose row i concatenates the directions of sequence i:
// states to features when toFeatures is set, back otherwise.
func copyTopStates[T Float](r *Recurrent[T], b int, states, features *nn.Matrix[T], toFeatures bool) {
	h, dirs := r.stateSize(), r.directions()
	top := (r.NumLayers - 1) * dirs
	for d := 0; d < dirs; d++ {
		for i := 0; i < b; i++ {
			state := states.Row((top+d)*b + i)
			feature := features.Row(i)[d*h : (d+1)*h]
			if toFeatures {
				copy(feature, state)
			} else {
				copy(state, feature)
			}
		}
	}
}

// Backward back-propagates the logits' gradient through the Dense layer into
// the final hidden states and through time. It returns the input gradient
// only after InputGradient(true).
func (c *Classifier[T]) Backward(dlogits *nn.Matrix[T]) *nn.Matrix[T] {
	dlast := c.FC.Backward(dlogits)
	if c.Norm != nil {
		dlast = c.Norm.Backward(dlast)
	}
	r := c.RNN
	b, h, dirs := dlogits.Rows, r.stateSize(), r.directions()
	dhn := nn.Workspace(&c.dhn, r.NumLayers*dirs*b, h)
	clear(dhn.Data)
	copyTopStates(r, b, dhn, dlast, false)
	r.SetFinalStateGrad(dhn, nil)
	return r.Backward(nil) // the outputs of the other steps feed nothing

}

// Clone returns an independent copy of c for use on another goroutine: the
// same parameter values and settings, its own storage and workspaces.
func (c *Classifier[T]) Clone() *Classifier[T] {
	out := NewClassifier[T](c.RNN.Cell, c.RNN.Config, c.FC.Out, nn.NewRand(0))
	out.RNN.SkipInputGrad = c.RNN.SkipInputGrad
	if kind := normKind(c.Norm); kind != "" {
		out.Norm, _ = newNorm[T](kind, c.RNN.OutputSize())
	}
	nn.CopyParamValues(out.StateDict(), c.StateDict())
	return out
}

// StateDict returns the parameters and BatchNorm1d's running statistics:
// what a model file holds.
func (c *Classifier[T]) StateDict() []nn.Param[T] {
	return append(c.Params(), c.Buffers()...)
}

// Buffers returns the Norm's buffers (BatchNorm1d's running statistics),
// named "norm.running_mean", …: what nn.StateDict and nn.Fit's early
// stopping save beside the parameters.
func (c *Classifier[T]) Buffers() []nn.Param[T] {
	if b, ok := c.Norm.(nn.Buffered[T]); ok {
		return nn.Prefixed("norm", b.Buffers())
	}
	return nil
}

// normKind names the normalisation layer n: "batchnorm", "layernorm", or
// "" for none; "other" for a layer a model file cannot describe.
func normKind[T Float](n nn.Layer[T]) string {
	switch n.(type) {
	case nil:
		return ""
	case *nn.BatchNorm1d[T]:
		return "batchnorm"
	case *nn.LayerNorm[T]:
		return "layernorm"
	}
	return "other"
}

// newNorm returns the normalisation layer named kind over features.
func newNorm[T Float](kind string, features int) (nn.Layer[T], error) {
	switch kind {
	case "batchnorm":
		return nn.NewBatchNorm1d[T](features), nil
	case "layernorm":
		return nn.NewLayerNorm[T](features), nil
	}
	return nil, fmt.Errorf("seq: normalisation %q: want batchnorm or layernorm", kind)
}

// Params returns the recurrent parameters prefixed "lstm." (or "gru.",
// "rnn."), the normalisation's prefixed "norm." and the Dense ones prefixed
// "fc.".
func (c *Classifier[T]) Params() []nn.Param[T] {
	out := nn.Prefixed(moduleName(c.RNN.Cell), c.RNN.Params())
	if c.Norm != nil {
		out = append(out, nn.Prefixed("norm", c.Norm.Params())...)
	}
	return append(out, nn.Prefixed("fc", c.FC.Params())...)
}

// String describes the model.
func (c *Classifier[T]) String() string {
	if c.Norm != nil {
		return fmt.Sprintf("Classifier(%v, norm=%v, fc=%v)", c.RNN, c.Norm, c.FC)
	}
	return fmt.Sprintf("Classifier(%v, fc=%v)", c.RNN, c.FC)
}

// Regressor is a many-to-many model: a recurrent layer followed by the same
// Dense layer on every step, for time-series forecasting. It maps
// (batch, steps·InputSize) to (batch, steps·outputs). Parameter names are
// "lstm.…" (or "gru.…", "rnn.…") and "fc.weight", "fc.bias". With variable
// lengths the outputs past a sequence's end are the Dense bias: give them
// targets equal to the prediction, or mask them in the loss.
type Regressor[T Float] struct {
	RNN *Recurrent[T]
	FC  *nn.Dense[T]

	y, dh nn.Matrix[T]
}

// NewRegressor returns a many-to-many recurrent model with outputs values per
// step, initialised from rng.
func NewRegressor[T Float](cell CellType, cfg Config, outputs int, rng *rand.Rand) *Regressor[T] {
	r := NewRecurrent[T](cell, cfg, rng)
	r.SkipInputGrad = true // the series need no gradient; see InputGradient
	return &Regressor[T]{RNN: r, FC: nn.NewDense[T](r.OutputSize(), outputs, rng)}
}

// InputGradient sets whether Backward computes the gradient with respect to
// the input sequences (off by default: training does not need it).
func (m *Regressor[T]) InputGradient(on bool) { m.RNN.SkipInputGrad = !on }

// SetLengths passes per-sequence lengths to the recurrent layer.
func (m *Regressor[T]) SetLengths(lengths []int) { m.RNN.SetLengths(lengths) }

// Forward returns the per-step outputs (batch, steps·outputs).
func (m *Regressor[T]) Forward(x *nn.Matrix[T], train bool) *nn.Matrix[T] {
	h := m.RNN.Forward(x, train)
	steps := m.RNN.steps
	perStep := &nn.Matrix[T]{Rows: h.Rows * steps, Cols: m.RNN.OutputSize(), Data: h.Data}
	out := m.FC.Forward(perStep, train)
	m.y = nn.Matrix[T]{Rows: x.Rows, Cols: steps * m.FC.Out, Data: out.Data}
	return &m.y
}

// Backward back-propagates through the per-step Dense layer and through time.
// It returns the input gradient only after InputGradient(true).
func (m *Regressor[T]) Backward(dy *nn.Matrix[T]) *nn.Matrix[T] {
	steps := m.RNN.steps
	dh := m.FC.Backward(&nn.Matrix[T]{Rows: dy.Rows * steps, Cols: m.FC.Out, Data: dy.Data})
	m.dh = nn.Matrix[T]{Rows: dy.Rows, Cols: steps * m.RNN.OutputSize(), Data: dh.Data}
	return m.RNN.Backward(&m.dh)
}

// Clone returns an independent copy of m for use on another goroutine: the
// same parameter values and settings, its own storage and workspaces.
func (m *Regressor[T]) Clone() *Regressor[T] {
	out := NewRegressor[T](m.RNN.Cell, m.RNN.Config, m.FC.Out, nn.NewRand(0))
	out.RNN.SkipInputGrad = m.RNN.SkipInputGrad
	nn.CopyParamValues(out.Params(), m.Params())
	return out
}

// Params returns the recurrent and Dense parameters with PyTorch names.
func (m *Regressor[T]) Params() []nn.Param[T] {
	return append(nn.Prefixed(moduleName(m.RNN.Cell), m.RNN.Params()), nn.Prefixed("fc", m.FC.Params())...)
}

// String describes the model.
func (m *Regressor[T]) String() string {
	return fmt.Sprintf("Regressor(%v, fc=%v)", m.RNN, m.FC)
}

// StripPrefix returns params renamed without a leading "prefix.", for
// loading a bare torch.nn.LSTM state_dict into the layer of a model.
func StripPrefix[T Float](prefix string, params []nn.Param[T]) []nn.Param[T] {
	out := make([]nn.Param[T], len(params))
	for i, p := range params {
		p.Name = strings.TrimPrefix(p.Name, prefix+".")
		out[i] = p
	}
	return out
}

// FromSequences lays out sequences given as [sequence][step][feature] in
// the batch-first matrix the layers read, (n, steps·features) with steps
// the longest sequence's: shorter sequences are padded with zeros and their
// lengths returned (nil when all are as long). Steps with another number of
// features than the first are an error naming them.
func FromSequences[T Float](data [][][]float64) (x *nn.Matrix[T], lengths []int, err error) {
	steps, features := 0, -1
	for i, s := range data {
		steps = max(steps, len(s))
		for t, v := range s {
			if features < 0 {
				features = len(v)
			}
			if len(v) != features || features == 0 {
				return nil, nil, fmt.Errorf("seq: FromSequences: step %d of sequence %d has %d features, want %d (and at least one)", t, i, len(v), features)
			}
		}
		if len(s) == 0 {
			return nil, nil, fmt.Errorf("seq: FromSequences: sequence %d is empty", i)
		}
	}
	if len(data) == 0 {
		return nn.NewMatrix[T](0, 0), nil, nil
	}
	x = nn.NewMatrix[T](len(data), steps*features)
	lengths = make([]int, len(data))
	ragged := false
	for i, s := range data {
		lengths[i] = len(s)
		ragged = ragged || len(s) != steps
		for t, v := range s {
			for j, f := range v {
				x.Row(i)[t*features+j] = T(f)
			}
		}
	}
	if !ragged {
		lengths = nil
	}
	return x, lengths, nil
}
