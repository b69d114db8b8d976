// Package saved loads the model files physml writes — autoencoders and
// sequence classifiers — and scores rows of data with them as they were
// trained: the input scaling the training run saved in the file's metadata
// is applied before the model sees a row.
//
// A row is what the model reads as one sample: an autoencoder's p input
// values, or a classifier's sequence of steps × features values, step by
// step (an MNIST image's 784 pixels are 28 steps of 28). Rows of models
// trained on MNIST hold pixel values from 0 to 255, as the IDX files do;
// rows of models trained on the user's data (physml.data = user) hold the
// data in its own units.
//
// Scores are an autoencoder's per-row reconstruction error (its training
// loss: MSE or BCE, the mean over the row) and a classifier's class
// probabilities (the softmax of its logits). physml eval and the Beam
// scorer (module github.com/physml/physml/beam) build their models with
// this package.
package saved

import (
	"fmt"
	"math"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// Kind is the kind of model a file holds.
type Kind int

// The kinds of models that score rows.
const (
	Autoencoder Kind = iota + 1 // physml.model = autoencoder
	Classifier                  // physml.model = classifier
)

// String returns the kind's metadata name.
func (k Kind) String() string {
	switch k {
	case Autoencoder:
		return "autoencoder"
	case Classifier:
		return "classifier"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Model is a saved model with the input scaling of its training run.
type Model struct {
	Kind Kind
	// Autoencoder is set when Kind is Autoencoder, Classifier when it is
	// Classifier.
	Autoencoder *ae.Autoencoder[float32]
	Classifier  *seq.Classifier[float32]
	// Metadata is all of the file's metadata.
	Metadata map[string]string
	// Scaling describes the input scaling, for messages.
	Scaling string

	// features is the period of the scaling along a row: the
	// autoencoder's inputs, the classifier's features per step.
	features int
	// scale maps value v of column j (of features) to the model's input.
	scale func(v float64, j int) float64
}

// Load reads the model file at path.
func Load(path string) (*Model, error) {
	tensors, meta, err := nn.ReadSafetensors(path)
	if err != nil {
		return nil, err
	}
	m, err := Decode(tensors, meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Parse reads a model file held in memory (a file of a distributed file
// system read by its client, say).
func Parse(data []byte) (*Model, error) {
	tensors, meta, err := nn.ParseSafetensors(data)
	if err != nil {
		return nil, err
	}
	return Decode(tensors, meta)
}

// Decode builds the model that tensors and meta (as nn.ReadSafetensors
// returns them) describe, with its input scaling.
func Decode(tensors map[string]nn.Tensor, meta map[string]string) (*Model, error) {
	user := meta["physml.data"] == "user"
	switch meta["physml.model"] {
	case "autoencoder":
		a, err := ae.Decode[float32](tensors, meta)
		if err != nil {
			return nil, err
		}
		m := &Model{Kind: Autoencoder, Autoencoder: a, Metadata: meta, features: a.Layers[0]}
		if user {
			s, err := dataset.ScalerFromMetadata(meta, "physml.input_", m.features)
			if err != nil {
				return nil, fmt.Errorf("the saved input scaling: %v", err)
			}
			m.scaleBy(s)
			return m, nil
		}
		norm, err := dataset.ParseNormalization(meta["physml.normalization"])
		if err != nil {
			norm = NormalizationFor(a.Output) // files written before the key
		}
		m.normalizeBy(norm)
		return m, nil
	case "classifier":
		c, err := seq.DecodeClassifier[float32](tensors, meta)
		if err != nil {
			return nil, err
		}
		m := &Model{Kind: Classifier, Classifier: c, Metadata: meta, features: c.RNN.InputSize}
		if user {
			s, err := Standardization(meta, m.features)
			if err != nil {
				return nil, err
			}
			m.scaleBy(s)
			return m, nil
		}
		norm, err := dataset.ParseNormalization(meta["physml.normalization"])
		if err != nil {
			norm = dataset.Standardize // files written before the key
		}
		m.normalizeBy(norm)
		return m, nil
	}
	return nil, fmt.Errorf("metadata physml.model is %q; scoring takes an autoencoder or a classifier (files of physml autoencoder, anomaly or lstm)", meta["physml.model"])
}

// Standardization returns the per-feature standardisation a sequence
// model's training run saved (physml.feature_mean and physml.feature_std)
// for features values per step.
func Standardization(meta map[string]string, features int) (dataset.Scaler, error) {
	s, err := dataset.ScalerFromMetadata(map[string]string{"scaling": "standard", "offset": meta["physml.feature_mean"], "scale": meta["physml.feature_std"]}, "", features)
	if err != nil {
		return dataset.Scaler{}, fmt.Errorf("the saved feature statistics: %v", err)
	}
	return s, nil
}

// NormalizationFor is the pixel normalisation of an MNIST autoencoder
// whose file predates the physml.normalization key: [−1, 1] for a tanh
// output, else [0, 1].
func NormalizationFor(out ae.Activation) dataset.Normalization {
	if out == ae.Tanh {
		return dataset.Symmetric
	}
	return dataset.Unit
}

func (m *Model) scaleBy(s dataset.Scaler) {
	m.scale = func(v float64, j int) float64 { return (v - s.Offset[j]) / s.Scale[j] }
	m.Scaling = fmt.Sprintf("%v scaling of the training data", s.Kind)
}

func (m *Model) normalizeBy(n dataset.Normalization) {
	m.scale = func(v float64, _ int) float64 { return n.Value(v) }
	m.Scaling = fmt.Sprintf("MNIST pixels 0–255, %v normalisation", n)
}

// Features returns the values per row of an autoencoder, or the features
// per step of a classifier, whose rows hold any number of steps.
func (m *Model) Features() int { return m.features }

// Outputs returns the scores per row: 1 for an autoencoder, the number of
// classes for a classifier.
func (m *Model) Outputs() int {
	if m.Kind == Classifier {
		return m.Classifier.FC.Out
	}
	return 1
}

// CheckWidth returns an error unless rows of width values suit the model.
func (m *Model) CheckWidth(width int) error {
	switch {
	case m.Kind == Autoencoder && width != m.features:
		return fmt.Errorf("rows of %d values; the autoencoder reads %d", width, m.features)
	case m.Kind == Classifier && (width <= 0 || width%m.features != 0):
		return fmt.Errorf("rows of %d values; the classifier reads sequences of steps of %d features", width, m.features)
	}
	return nil
}

// Prepare returns the model's input for rows × width values x (row-major):
// each value scaled as in training, in float32. NaN or ±Inf is an error
// naming its row and column.
func (m *Model) Prepare(x []float64, rows, width int) (*nn.Matrix[float32], error) {
	if err := m.CheckWidth(width); err != nil {
		return nil, err
	}
	if rows < 0 || len(x) != rows*width {
		return nil, fmt.Errorf("saved: %d values for %d rows of %d", len(x), rows, width)
	}
	in := nn.NewMatrix[float32](rows, width)
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("row %d, column %d: %v", k/width, k%width, v)
		}
		in.Data[k] = float32(m.scale(v, k%width%m.features))
	}
	return in, nil
}

// Score returns the scores of rows × width values x, rows × Outputs()
// values: an autoencoder's reconstruction errors as its ReconstructionErrors
// computes them, a classifier's class probabilities.
func (m *Model) Score(x []float64, rows, width int) ([]float64, error) {
	in, err := m.Prepare(x, rows, width)
	if err != nil {
		return nil, err
	}
	if m.Kind == Autoencoder {
		return m.Autoencoder.ReconstructionErrors(in), nil
	}
	return Probabilities(nn.Predict[float32](m.Classifier, in, 512)), nil
}

// Probabilities returns the softmax of each row of logits, in float64.
func Probabilities(logits *nn.Matrix[float32]) []float64 {
	out := make([]float64, len(logits.Data))
	for i := range logits.Rows {
		row, p := logits.Row(i), out[i*logits.Cols:(i+1)*logits.Cols]
		top := math.Inf(-1)
		for _, v := range row {
			top = max(top, float64(v))
		}
		var sum float64
		for j, v := range row {
			p[j] = math.Exp(float64(v) - top)
			sum += p[j]
		}
		for j := range p {
			p[j] /= sum
		}
	}
	return out
}
