package ae

import (
	"fmt"
	"math/rand/v2"

	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// SequenceConfig describes a recurrent autoencoder of sequences.
type SequenceConfig struct {
	Cell     seq.CellType // seq.LSTM or seq.GRU (or an RNN)
	Features int          // values per step
	Hidden   int          // hidden size of the encoder's and the decoder's recurrent layers
	Layers   int          // stacked recurrent layers in each (default 1)
	Code     int          // size of the code
}

// Validate reports a configuration that cannot work.
func (c SequenceConfig) Validate() error {
	if c.Features <= 0 || c.Hidden <= 0 || c.Code <= 0 || c.Layers < 0 {
		return fmt.Errorf("ae: sequence autoencoder with %d features, hidden size %d, %d layers and a code of %d: sizes must be positive", c.Features, c.Hidden, c.Layers, c.Code)
	}
	return nil
}

// SequenceAE is the recurrent autoencoder of sequences (the Keras
// RepeatVector design): the encoder's recurrent layer reads the sequence and
// a Dense layer maps its last valid hidden state to the code; the decoder
// reads the code repeated at every step with a recurrent layer, and a
// Dense layer maps each step's hidden state back to the features, the
// sequence reconstructed backwards from its last valid step and returned
// in order.
//
// It implements nn.Layer on batch-first sequences (batch, steps·Features)
// and takes per-sequence lengths (SetLengths; nn.Fit passes them): padded
// steps are read by neither recurrent layer and are left out of the loss
// and of ReconstructionErrors. Parameters are named as a PyTorch module
// with attributes encoder and decoder, each with lstm (or gru, rnn) and fc:
// "encoder.lstm.weight_ih_l0", …, "decoder.fc.bias".
type SequenceAE[T Float] struct {
	SequenceConfig
	Encoder *seq.Classifier[T] // recurrent layer and Dense to the code
	Decoder *seq.Regressor[T]  // recurrent layer over the repeated code and Dense per step

	lengths         []int
	steps           int
	repeated, dcode nn.Matrix[T]
	out, ddec       nn.Matrix[T] // the reconstruction in input order, and its gradient in decoder order
}

// NewSequenceAE returns a sequence autoencoder with PyTorch's default
// initialisation drawn from rng.
func NewSequenceAE[T Float](cfg SequenceConfig, rng *rand.Rand) (*SequenceAE[T], error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Layers == 0 {
		cfg.Layers = 1
	}
	a := &SequenceAE[T]{SequenceConfig: cfg}
	a.Encoder = seq.NewClassifier[T](cfg.Cell, seq.Config{InputSize: cfg.Features, HiddenSize: cfg.Hidden, NumLayers: cfg.Layers}, cfg.Code, rng)
	a.Decoder = seq.NewRegressor[T](cfg.Cell, seq.Config{InputSize: cfg.Code, HiddenSize: cfg.Hidden, NumLayers: cfg.Layers}, cfg.Features, rng)
	a.Decoder.InputGradient(true) // the gradient flows on into the code
	return a, nil
}

// SetLengths sets the valid steps of each sequence of the next batches
// (nil: all steps valid).
func (a *SequenceAE[T]) SetLengths(lengths []int) {
	a.lengths = lengths
	a.Encoder.SetLengths(lengths)
	a.Decoder.SetLengths(lengths)
}

// length returns the valid steps of sequence i of the batch.
func (a *SequenceAE[T]) length(i int) int {
	if a.lengths == nil {
		return a.steps
	}
	return a.lengths[i]
}

// Forward encodes the sequences x (batch, steps·Features) to codes,
// repeats each code at every step and decodes them to (batch,
// steps·Features).
func (a *SequenceAE[T]) Forward(x *nn.Matrix[T], train bool) *nn.Matrix[T] {
	if x.Cols%a.Features != 0 {
		panic(fmt.Sprintf("ae: sequences of %d values are not steps of %d features", x.Cols, a.Features))
	}
	a.steps = x.Cols / a.Features
	code := a.Encoder.Forward(x, train) // (batch, Code)
	rep := nn.Workspace(&a.repeated, x.Rows, a.steps*a.Code)
	for i := 0; i < x.Rows; i++ {
		row := rep.Row(i)
		for t := 0; t < a.steps; t++ {
			copy(row[t*a.Code:(t+1)*a.Code], code.Row(i))
		}
	}
	// The decoder reconstructs the sequence backwards (its step t gives
	// input step length−1−t), as Srivastava et al. (2015) do: its first
	// outputs are the steps the encoder read last, which makes the start of
	// training far easier. The result is put back in order.
	return a.reverseValid(&a.out, a.Decoder.Forward(rep, train))
}

// reverseValid returns, in the workspace w, the rows of m with the order of
// their valid steps reversed (step t ↔ length−1−t) and padding zero; it is
// its own inverse.
func (a *SequenceAE[T]) reverseValid(w *nn.Matrix[T], m *nn.Matrix[T]) *nn.Matrix[T] {
	out := nn.Workspace(w, m.Rows, m.Cols)
	clear(out.Data)
	f := a.Features
	for i := 0; i < m.Rows; i++ {
		n := a.length(i)
		for t := 0; t < n; t++ {
			copy(out.Row(i)[t*f:(t+1)*f], m.Row(i)[(n-1-t)*f:(n-t)*f])
		}
	}
	return out
}

// Backward back-propagates the reconstruction gradient (put in the
// decoder's backward order) through the decoder, sums the repeated code's gradient over the valid steps, and
// back-propagates it through the encoder. It returns nil (the data needs no
// gradient).
func (a *SequenceAE[T]) Backward(dy *nn.Matrix[T]) *nn.Matrix[T] {
	drep := a.Decoder.Backward(a.reverseValid(&a.ddec, dy)) // (batch, steps·Code)
	dcode := nn.Workspace(&a.dcode, dy.Rows, a.Code)
	clear(dcode.Data)
	for i := 0; i < dy.Rows; i++ {
		row, d := drep.Row(i), dcode.Row(i)
		for t := 0; t < a.length(i); t++ {
			for j := range d {
				d[j] += row[t*a.Code+j]
			}
		}
	}
	a.Encoder.Backward(dcode)
	return nil
}

// Params returns the parameters with PyTorch names: "encoder.lstm.…",
// "encoder.fc.…", "decoder.lstm.…", "decoder.fc.…".
func (a *SequenceAE[T]) Params() []nn.Param[T] {
	return append(nn.Prefixed("encoder", a.Encoder.Params()), nn.Prefixed("decoder", a.Decoder.Params())...)
}

// TrainingLoss returns the mean squared error over the valid steps of the
// batch (padded steps are left out of the sum and of the count).
func (a *SequenceAE[T]) TrainingLoss() nn.Loss[T] {
	return maskedMSE[T]{features: a.Features, lengths: func() []int { return a.lengths }}
}

// maskedMSE is the mean squared error over the valid steps of a batch of
// sequences of features values per step, whose lengths (nil: every step
// valid) the model was last given.
type maskedMSE[T Float] struct {
	features int
	lengths  func() []int
}

// Evaluate implements nn.Loss: L = Σ_valid (p − y)² / N_valid.
func (l maskedMSE[T]) Evaluate(pred *nn.Matrix[T], target nn.Target[T], grad *nn.Matrix[T]) float64 {
	y := target.Values
	if y == nil || y.Rows != pred.Rows || y.Cols != pred.Cols {
		panic("ae: sequence loss needs targets of the prediction's shape")
	}
	lengths := l.lengths()
	valid := func(i int) int {
		if lengths == nil {
			return pred.Cols
		}
		return lengths[i] * l.features
	}
	var n int
	for i := 0; i < pred.Rows; i++ {
		n += valid(i)
	}
	var sum float64
	clear(grad.Data)
	for i := 0; i < pred.Rows; i++ {
		p, t, g := pred.Row(i), y.Row(i), grad.Row(i)
		for k := 0; k < valid(i); k++ {
			d := float64(p[k]) - float64(t[k])
			sum += d * d
			g[k] = T(2 * d / float64(n))
		}
	}
	return sum / float64(n)
}

// ReconstructionErrors returns each sequence's mean squared error over its
// valid steps and features (lengths nil: all steps valid): the anomaly
// score.
func (a *SequenceAE[T]) ReconstructionErrors(x *nn.Matrix[T], lengths []int) []float64 {
	return a.errorsOf(x, nn.PredictDataset[T](a, nn.Dataset[T]{X: x, Lengths: lengths}, 256), lengths)
}

// errorsOf returns ReconstructionErrors of the sequences x whose
// reconstructions are rec.
func (a *SequenceAE[T]) errorsOf(x, rec *nn.Matrix[T], lengths []int) []float64 {
	errs := make([]float64, x.Rows)
	for i := range errs {
		valid := x.Cols
		if lengths != nil {
			valid = lengths[i] * a.Features
		}
		xr, rr := x.Row(i), rec.Row(i)
		var s float64
		for k := 0; k < valid; k++ {
			d := float64(rr[k]) - float64(xr[k])
			s += d * d
		}
		errs[i] = s / float64(valid)
	}
	return errs
}

// StepErrors returns each sequence's squared reconstruction error at each
// step, averaged over the features: rows × steps values, row-major, zero
// past a sequence's length (lengths nil: all steps valid). Their mean over
// the valid steps is ReconstructionErrors; their peak is where a fault
// sits.
func (a *SequenceAE[T]) StepErrors(x *nn.Matrix[T], lengths []int) []float64 {
	rec := nn.PredictDataset[T](a, nn.Dataset[T]{X: x, Lengths: lengths}, 256)
	f := a.Features
	steps := x.Cols / f
	errs := make([]float64, x.Rows*steps)
	for i := 0; i < x.Rows; i++ {
		valid := steps
		if lengths != nil {
			valid = lengths[i]
		}
		xr, rr := x.Row(i), rec.Row(i)
		for t := 0; t < valid; t++ {
			var s float64
			for k := t * f; k < (t+1)*f; k++ {
				d := float64(rr[k]) - float64(xr[k])
				s += d * d
			}
			errs[i*steps+t] = s / float64(f)
		}
	}
	return errs
}

// Encode returns the codes of the sequences x with the given lengths (nil:
// all steps valid).
func (a *SequenceAE[T]) Encode(x *nn.Matrix[T], lengths []int) *nn.Matrix[T] {
	return nn.PredictDataset[T](a.Encoder, nn.Dataset[T]{X: x, Lengths: lengths}, 256)
}

// Clone returns an independent copy of a for use on another goroutine.
func (a *SequenceAE[T]) Clone() *SequenceAE[T] {
	out, err := NewSequenceAE[T](a.SequenceConfig, nn.NewRand(0))
	if err != nil {
		panic("ae: Clone: " + err.Error()) // a's configuration was valid
	}
	nn.CopyParamValues(out.Params(), a.Params())
	return out
}

// String describes the architecture.
func (a *SequenceAE[T]) String() string {
	return fmt.Sprintf("SequenceAE(%v, %d features, hidden %d, %d layers, code %d)", a.Cell, a.Features, a.Hidden, a.Layers, a.Code)
}
