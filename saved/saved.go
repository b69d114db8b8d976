// Package saved is physml's one model layer: it loads any model file that
// physml writes — classifiers and regressors of sequences, dense and
// variational autoencoders, sequence autoencoders, forecasters and anomaly
// detectors — from the file alone, and applies the model to new data as it
// was trained: the input scaling the training run saved in the file's
// metadata is applied before the model sees a row.
//
// One registry (Kinds) maps each kind to how its file is recognised and
// decoded. physml eval, predict and export, and the Beam scorer (module
// github.com/physml/physml/beam), build their models with this package;
// a kind that a use does not fit is refused by name, with the reason.
//
// A row is what the model reads as one sample: an autoencoder's p input
// values, or a sequence of steps × features values, step by step (an MNIST
// image's 784 pixels are 28 steps of 28). Rows of models trained on MNIST
// hold pixel values from 0 to 255, as the IDX files do; rows of models
// trained on the user's data (nn.KeyData = user) hold the data in its own
// units. A forecaster reads a series instead (Forecast).
//
// Scores (Score, one row of Outputs values per row) are an autoencoder's
// per-row reconstruction error (the mean over the row of its loss, MSE or
// BCE), a detector's anomaly score (the same error), a classifier's class
// probabilities (the softmax of its logits) and a regressor's outputs.
// Predict returns everything a kind gives: classes, codes,
// reconstructions in the data's units, flags.
//
// A Model is not safe for concurrent use (its networks own their
// workspaces); Clone gives an independent copy for another goroutine.
package saved

import (
	"fmt"
	"strings"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/forecast"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// Kind is the kind of model a file holds.
type Kind int

// The kinds of model files.
const (
	Autoencoder         Kind = iota + 1 // a dense autoencoder (nn.KeyModel autoencoder)
	Classifier                          // a recurrent classifier (classifier)
	Regressor                           // a recurrent regressor (regressor)
	VAE                                 // a variational autoencoder (vae)
	SequenceAutoencoder                 // a recurrent autoencoder of sequences (sequence_autoencoder)
	Forecaster                          // an ensemble forecaster (nn.KeyTask forecast)
	AnomalyDetector                     // an autoencoder with a threshold (nn.KeyTask anomaly)
)

// kindInfo is a kind's entry in the registry: its name, how its file is
// recognised, and how it is decoded.
type kindInfo struct {
	kind   Kind
	name   string
	is     func(meta map[string]string) bool
	decode func(m *Model, tensors map[string]nn.Tensor) error
}

// registry lists every kind; the workflows (task keys) come before the
// models they are built on.
var registry = []kindInfo{
	{Forecaster, "forecaster", func(meta map[string]string) bool { return meta[nn.KeyTask] == forecast.TaskForecast }, decodeForecaster},
	{AnomalyDetector, "anomaly_detector", func(meta map[string]string) bool { return meta[nn.KeyTask] == ae.TaskAnomaly }, decodeDetector},
	{Classifier, "classifier", isModel("classifier"), decodeClassifier},
	{Regressor, "regressor", isModel("regressor"), decodeRegressor},
	{Autoencoder, "autoencoder", isModel("autoencoder"), decodeAutoencoder},
	{VAE, "vae", isModel(ae.ModelVAE), decodeVAE},
	{SequenceAutoencoder, "sequence_autoencoder", isModel(ae.ModelSequenceAutoencoder), decodeSequenceAE},
}

func isModel(name string) func(map[string]string) bool {
	return func(meta map[string]string) bool { return meta[nn.KeyModel] == name }
}

// Kinds returns every kind of the registry.
func Kinds() []Kind {
	out := make([]Kind, len(registry))
	for i, k := range registry {
		out[i] = k.kind
	}
	return out
}

// String returns the kind's name: autoencoder, classifier, regressor, vae,
// sequence_autoencoder, forecaster or anomaly_detector.
func (k Kind) String() string {
	for _, r := range registry {
		if r.kind == k {
			return r.name
		}
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Model is a saved model with the input scaling of its training run.
// Exactly one of the model fields is set, the one of Kind.
type Model struct {
	Kind Kind

	Autoencoder         *ae.Autoencoder[float32]
	Classifier          *seq.Classifier[float32]
	Regressor           *seq.Regressor[float32]
	VAE                 *ae.VAE[float32]
	SequenceAutoencoder *ae.SequenceAE[float32]
	Forecaster          *forecast.Forecaster[float32]
	Detector            *ae.AnomalyDetector[float32]

	// Metadata is all of the file's metadata.
	Metadata map[string]string
	// Scaling describes the input scaling, for messages.
	Scaling string

	// targets maps a regressor's outputs back to its targets' units; nil
	// when the training run did not scale them.
	targets *dataset.Scaler
	// features is the period of the scaling along a row: an autoencoder's
	// inputs, a sequence model's features per step.
	features int
	// sequence is true when rows are sequences of steps of features.
	sequence bool
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
// returns them) describe, with its input scaling: the first kind of the
// registry that recognises the metadata decodes it.
func Decode(tensors map[string]nn.Tensor, meta map[string]string) (*Model, error) {
	if task, ok := meta[nn.KeyTask]; ok && task != forecast.TaskForecast && task != ae.TaskAnomaly {
		return nil, fmt.Errorf("metadata %s is %q: a task physml does not know (%s or %s)", nn.KeyTask, task, forecast.TaskForecast, ae.TaskAnomaly)
	}
	for _, r := range registry {
		if !r.is(meta) {
			continue
		}
		m := &Model{Kind: r.kind, Metadata: meta}
		if err := r.decode(m, tensors); err != nil {
			return nil, err
		}
		return m, nil
	}
	var names []string
	for _, r := range registry {
		names = append(names, r.name)
	}
	return nil, fmt.Errorf("metadata %s is %q and %s %q: not a model physml knows (%s)", nn.KeyModel, meta[nn.KeyModel], nn.KeyTask, meta[nn.KeyTask], strings.Join(names, ", "))
}

func decodeClassifier(m *Model, tensors map[string]nn.Tensor) (err error) {
	if m.Classifier, err = seq.DecodeClassifier[float32](tensors, m.Metadata); err != nil {
		return err
	}
	return m.sequenceScaling(m.Classifier.RNN.InputSize, true)
}

func decodeRegressor(m *Model, tensors map[string]nn.Tensor) (err error) {
	if m.Regressor, err = seq.DecodeRegressor[float32](tensors, m.Metadata); err != nil {
		return err
	}
	if _, ok := m.Metadata[nn.KeyTargetMean]; ok {
		t, err := dataset.ScalerFromMetadata(map[string]string{"scaling": "standard", "offset": m.Metadata[nn.KeyTargetMean], "scale": m.Metadata[nn.KeyTargetStd]}, "", m.Regressor.FC.Out)
		if err != nil {
			return fmt.Errorf("the saved target statistics: %v", err)
		}
		m.targets = &t
	}
	return m.sequenceScaling(m.Regressor.RNN.InputSize, false)
}

func decodeSequenceAE(m *Model, tensors map[string]nn.Tensor) (err error) {
	if m.SequenceAutoencoder, err = ae.DecodeSequenceAE[float32](tensors, m.Metadata); err != nil {
		return err
	}
	return m.sequenceScaling(m.SequenceAutoencoder.Features, false)
}

func decodeAutoencoder(m *Model, tensors map[string]nn.Tensor) (err error) {
	if m.Autoencoder, err = ae.DecodeAutoencoder[float32](tensors, m.Metadata); err != nil {
		return err
	}
	return m.tableScaling(m.Autoencoder.Layers[0], NormalizationFor(m.Autoencoder.Output))
}

func decodeVAE(m *Model, tensors map[string]nn.Tensor) (err error) {
	if m.VAE, err = ae.DecodeVAE[float32](tensors, m.Metadata); err != nil {
		return err
	}
	return m.tableScaling(m.VAE.Layers[0], NormalizationFor(m.VAE.Output))
}

func decodeForecaster(m *Model, tensors map[string]nn.Tensor) (err error) {
	if m.Forecaster, err = forecast.Decode[float32](tensors, m.Metadata); err != nil {
		return err
	}
	m.features, m.sequence = m.Forecaster.Inputs(), true
	m.scaleBy(m.Forecaster.Scaler)
	return nil
}

func decodeDetector(m *Model, tensors map[string]nn.Tensor) (err error) {
	if m.Detector, err = ae.DecodeDetector[float32](tensors, m.Metadata); err != nil {
		return err
	}
	d := m.Detector
	m.features, m.sequence = d.Features(), d.Sequence != nil
	if isMNIST(m.Metadata, d.Features(), d.Scaler.Kind.String()) {
		// Pixels divided by 255, then the detector's own scaling (none for
		// the command's MNIST detectors).
		s := d.Scaler
		m.scale = func(v float64, j int) float64 { return (v/255 - s.Offset[j]) / s.Scale[j] }
		m.Scaling = fmt.Sprintf("MNIST pixels 0–255, divided by 255, then %v scaling", s.Kind)
		return nil
	}
	m.scaleBy(d.Scaler)
	return nil
}

// Clone returns an independent copy of m, with networks of its own, for
// use in another goroutine.
func (m *Model) Clone() *Model {
	c := *m
	switch {
	case m.Autoencoder != nil:
		c.Autoencoder = m.Autoencoder.Clone()
	case m.Classifier != nil:
		c.Classifier = m.Classifier.Clone()
	case m.Regressor != nil:
		c.Regressor = m.Regressor.Clone()
	case m.VAE != nil:
		c.VAE = m.VAE.Clone()
	case m.SequenceAutoencoder != nil:
		c.SequenceAutoencoder = m.SequenceAutoencoder.Clone()
	case m.Forecaster != nil:
		c.Forecaster = m.Forecaster.Clone()
	case m.Detector != nil:
		c.Detector = m.Detector.Clone()
	}
	return &c
}
