package saved

import (
	"fmt"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

// sequenceScaling sets the scaling of a sequence model of features
// features per step: the standardisation the training run saved
// (nn.KeyFeatureMean and nn.KeyFeatureStd), or MNIST's pixel
// normalisation, or none for a file that records neither. A classifier
// file without nn.KeyData predates the key and was trained on MNIST.
func (m *Model) sequenceScaling(features int, classifier bool) error {
	m.features, m.sequence = features, true
	meta := m.Metadata
	_, standardized := meta[nn.KeyFeatureMean]
	switch {
	case meta[nn.KeyData] == "user" || standardized:
		s, err := Standardization(meta, features)
		if err != nil {
			return err
		}
		m.scaleBy(s)
	case meta[nn.KeyData] == "mnist" || classifier:
		norm, err := dataset.ParseNormalization(meta[nn.KeyNormalization])
		if err != nil {
			norm = dataset.Standardize // files written before the key
		}
		m.normalizeBy(norm)
	default:
		m.scale = func(v float64, _ int) float64 { return v }
		m.Scaling = "none (the file records no input scaling)"
	}
	return nil
}

// tableScaling sets the scaling of a model of p inputs per row: the
// scaler the training run saved for the user's data (nn.KeyData = user),
// or else MNIST's pixel normalisation (def for files written before
// nn.KeyNormalization).
func (m *Model) tableScaling(p int, def dataset.Normalization) error {
	m.features = p
	if m.Metadata[nn.KeyData] == "user" {
		s, err := dataset.ScalerFromMetadata(m.Metadata, nn.InputScalingPrefix, p)
		if err != nil {
			return fmt.Errorf("the saved input scaling: %v", err)
		}
		m.scaleBy(s)
		return nil
	}
	norm, err := dataset.ParseNormalization(m.Metadata[nn.KeyNormalization])
	if err != nil {
		norm = def
	}
	m.normalizeBy(norm)
	return nil
}

// isMNIST reports whether a detector's file is of MNIST pixels divided by
// 255: nn.KeyData says so, or (files written before the detector saved
// nn.KeyData) 784 inputs that the training run did not scale further.
func isMNIST(meta map[string]string, inputs int, scaling string) bool {
	if data, ok := meta[nn.KeyData]; ok {
		return data == "mnist"
	}
	return inputs == dataset.MNISTPixels && scaling == dataset.NoScaling.String()
}

// Standardization returns the per-feature standardisation a sequence
// model's training run saved (nn.KeyFeatureMean and nn.KeyFeatureStd)
// for features values per step.
func Standardization(meta map[string]string, features int) (dataset.Scaler, error) {
	s, err := dataset.ScalerFromMetadata(map[string]string{"scaling": "standard", "offset": meta[nn.KeyFeatureMean], "scale": meta[nn.KeyFeatureStd]}, "", features)
	if err != nil {
		return dataset.Scaler{}, fmt.Errorf("the saved feature statistics: %v", err)
	}
	return s, nil
}

// NormalizationFor is the pixel normalisation of an MNIST autoencoder
// whose file predates the nn.KeyNormalization key: [−1, 1] for a tanh
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
