package saved

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/physml/physml/nn"
)

// Preparation says how the inputs of the model's exported graph (package
// onnx) must be prepared: as in training, which the model file's metadata
// records.
func (m *Model) Preparation() string {
	meta := m.Metadata
	switch n := meta[nn.KeyNormalization]; {
	case meta[nn.KeyData] == "mnist" && n == "unit":
		return "the graph expects MNIST pixels divided by 255, as in training"
	case meta[nn.KeyData] == "mnist" && n == "symmetric":
		return "the graph expects MNIST pixels p as 2p/255 − 1, as in training"
	case meta[nn.KeyData] == "mnist" && n == "standardize":
		return "the graph expects MNIST pixels p as (p/255 − 0.1307)/0.3081, as in training"
	}
	var keys []string
	for k := range meta {
		if k == nn.KeyFeatureMean || k == nn.KeyFeatureStd || strings.HasPrefix(k, nn.InputScalingPrefix) || k == nn.KeyNormalization {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "the graph expects its inputs as the model saw them in training"
	}
	sort.Strings(keys)
	return "the graph expects inputs prepared as in training: see the model file's metadata " + strings.Join(keys, ", ")
}

// Exportable returns the network to export as an ONNX graph (package
// onnx) and a description of its inputs and outputs, or an error naming
// why the kind has no export: a classifier (its *seq.Classifier) and a
// dense autoencoder or a detector on one (its *ae.Autoencoder) have;
// forecasters, regressors, VAEs and sequence autoencoders have not yet.
func (m *Model) Exportable() (net any, description string, err error) {
	switch m.Kind {
	case Classifier:
		c := m.Classifier
		return c, fmt.Sprintf("%v classifier: input (batch, steps, %d), output logits (batch, %d)", c.RNN.Cell, c.RNN.InputSize, c.FC.Out), nil
	case Autoencoder, AnomalyDetector:
		a := m.Autoencoder
		if m.Kind == AnomalyDetector {
			if a = m.Detector.Dense; a == nil {
				return nil, "", errors.New("an anomaly detector on a sequence or variational autoencoder has no ONNX export yet; dense ones do")
			}
		}
		return a, fmt.Sprintf("autoencoder %v: input (batch, %d), outputs reconstruction (batch, %d) and code (batch, %d)", a.Layers, a.Layers[0], a.Layers[0], a.Layers[len(a.Layers)-1]), nil
	case Forecaster:
		return nil, "", errors.New("a forecast model (an ensemble on standardised windows) has no ONNX export yet; classifiers and autoencoders do")
	}
	return nil, "", fmt.Errorf("a %v has no ONNX export yet; the classifiers of physml lstm and the dense autoencoders of physml autoencoder and anomaly do", m.Kind)
}
