package ae

import (
	"fmt"
	"math/rand/v2"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// DetectorNet is the autoencoder an anomaly detector is built on: a dense
// autoencoder (Dense) or a sequence autoencoder (Sequence), one of them
// set, and the input scaling of a dense one.
type DetectorNet struct {
	Dense    *Config
	Sequence *SequenceConfig
	Scaling  dataset.Scaling // a dense autoencoder's input scaling (DetectorConfig.Scaling)
}

// SequenceDetectorNet returns the sequence autoencoder of a detector of
// set's sequences (set.Steps > 0): a cell (seq.LSTM or seq.GRU) in
// len(hidden) stacked layers of hidden[0] units, all of one size, in the
// encoder and in the decoder, and a code of code values.
func SequenceDetectorNet(set *AnomalySet, cell seq.CellType, hidden []int, code int) (DetectorNet, error) {
	if set.Steps == 0 || set.N == 0 || len(hidden) == 0 {
		return DetectorNet{}, fmt.Errorf("ae: a %v autoencoder needs sequences: rows of steps × features, and hidden sizes", cell)
	}
	for _, h := range hidden {
		if h != hidden[0] {
			return DetectorNet{}, fmt.Errorf("ae: stacked recurrent layers of sizes %v: they share one hidden size", hidden)
		}
	}
	c := SequenceConfig{Cell: cell, Features: len(set.X) / set.N / set.Steps, Hidden: hidden[0], Layers: len(hidden), Code: code}
	return DetectorNet{Sequence: &c}, c.Validate()
}

// DenseDetectorNet returns the dense autoencoder of a detector of set's
// rows: the inputs, the hidden sizes and the code, ReLU between them,
// trained with MSE. Its inputs are scaled by scaling, or, when scaling is
// nil, by DefaultScaling of the set's shape (unit for images, minmax for
// tables); its outputs pass through a sigmoid where the scaled data lie in
// [0, 1] (unit and minmax scaling, and unscaled images), and through the
// identity otherwise (standardised or unscaled table rows).
func DenseDetectorNet(set *AnomalySet, hidden []int, code int, scaling *dataset.Scaling) (DetectorNet, error) {
	if set.N == 0 {
		return DetectorNet{}, fmt.Errorf("ae: a detector of no rows")
	}
	kind := DefaultScaling(&dataset.Samples{Shape: set.Image})
	if scaling != nil {
		kind = *scaling
	}
	c := Config{Layers: append(append([]int{len(set.X) / set.N}, hidden...), code), Hidden: ReLU, Code: Identity, Output: Sigmoid, Loss: MSELoss}
	if kind == dataset.Standard || kind == dataset.NoScaling && set.Image == nil {
		c.Output = Identity
	}
	return DetectorNet{Dense: &c, Scaling: kind}, c.Validate()
}

// ParamCount returns the number of parameters of the autoencoder.
func (n DetectorNet) ParamCount() float64 {
	if n.Sequence != nil {
		return n.Sequence.ParamCount()
	}
	return n.Dense.ParamCount()
}

// NewDetectorModel returns the untrained autoencoder of n, initialised
// from rng: an *Autoencoder or a *SequenceAE.
func NewDetectorModel[T Float](n DetectorNet, rng *rand.Rand) (nn.Layer[T], error) {
	if n.Sequence != nil {
		return NewSequenceAE[T](*n.Sequence, rng)
	}
	return New[T](*n.Dense, rng)
}
