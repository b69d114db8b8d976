package ae

import (
	"fmt"
	"math/rand/v2"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// DetectorNet is the autoencoder an anomaly detector is built on: a dense
// autoencoder (Dense), a sequence autoencoder (Sequence) or a variational
// autoencoder (Variational), one of them set, and the input scaling of a
// dense or variational one.
type DetectorNet struct {
	Dense       *Config
	Sequence    *SequenceConfig
	Variational *VAEConfig
	Scaling     dataset.Scaling // a dense or variational autoencoder's input scaling (DetectorConfig.Scaling)
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
	if !unitRange(set, kind) {
		c.Output = Identity
	}
	return DetectorNet{Dense: &c, Scaling: kind}, c.Validate()
}

// unitRange reports whether set's rows scaled by kind lie in [0, 1]: unit
// and minmax scaling, and unscaled images.
func unitRange(set *AnomalySet, kind dataset.Scaling) bool {
	return !(kind == dataset.Standard || kind == dataset.NoScaling && set.Image == nil)
}

// VariationalDetectorNet returns the variational autoencoder of a
// detector of set's rows, for ELBOScore: the inputs, the hidden sizes and
// a latent space of code values, ReLU between them, scaled as
// DenseDetectorNet scales them. Where the scaled data lie in [0, 1] its
// outputs pass through a sigmoid and p(x|z) is a Bernoulli (binary
// cross-entropy, as PyTorch's VAE example); otherwise they are linear and
// p(x|z) a Gaussian (squared error).
func VariationalDetectorNet(set *AnomalySet, hidden []int, code int, scaling *dataset.Scaling) (DetectorNet, error) {
	dense, err := DenseDetectorNet(set, hidden, code, scaling)
	if err != nil {
		return DetectorNet{}, err
	}
	c := VAEConfig{Layers: dense.Dense.Layers, Hidden: ReLU, Output: Sigmoid, Loss: BCELoss}
	if !unitRange(set, dense.Scaling) {
		c.Output, c.Loss = Identity, MSELoss
	}
	return DetectorNet{Variational: &c, Scaling: dense.Scaling}, c.Validate()
}

// ParamCount returns the number of parameters of the autoencoder.
func (n DetectorNet) ParamCount() float64 {
	switch {
	case n.Sequence != nil:
		return n.Sequence.ParamCount()
	case n.Variational != nil:
		return n.Variational.ParamCount()
	}
	return n.Dense.ParamCount()
}

// NewDetectorModel returns the untrained autoencoder of n, initialised
// from rng: an *Autoencoder, a *SequenceAE or a *VAE (its noise seeded
// from rng too).
func NewDetectorModel[T Float](n DetectorNet, rng *rand.Rand) (nn.Layer[T], error) {
	switch {
	case n.Sequence != nil:
		return NewSequenceAE[T](*n.Sequence, rng)
	case n.Variational != nil:
		return NewVAE[T](*n.Variational, rng, rng.Uint64())
	}
	return New[T](*n.Dense, rng)
}
