package main

import (
	"fmt"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/saved"
)

// modelRows are rows of data for a saved model, as its kind reads them.
type modelRows struct {
	x        []float64
	n, width int
	lengths  []int // valid steps of sequences, or nil
	labels   []int // class labels, or nil
	targets  []float64
	names    []string // a CSV header's feature names, or nil
	source   string   // the data's name in messages
}

// rowSources names where rows come from: --input with its companions, and
// the MNIST test set for a model trained on MNIST when input is empty.
type rowSources struct {
	input, lengths, labels, labelColumn string
	targets                             string
	limit                               int
}

// readRows reads the rows for m from src: sequences for a sequence model
// (with lengths and labels), tables for the others, or the MNIST test
// images (pixels 0–255) for a model trained on MNIST.
func (c *common) readRows(m *saved.Model, src rowSources, model string) (*modelRows, error) {
	mnist := m.Metadata[nn.KeyData] != "user"
	switch {
	case src.input == "" && !mnist:
		return nil, usageError{fmt.Errorf("%s was trained on your data: give the data to apply it to with --input", model)}
	case src.input != "" && mnist:
		return nil, usageError{fmt.Errorf("%s was trained on MNIST and reads MNIST images; --input is for models trained on your data", model)}
	case src.input == "":
		if m.Sequences() && m.Features() != dataset.MNISTCols || !m.Sequences() && m.Features() != dataset.MNISTPixels {
			return nil, fmt.Errorf("%s reads rows of %d values; MNIST images have %d pixels", model, m.Features(), dataset.MNISTPixels)
		}
		_, test, err := c.mnist(1, src.limit)
		if err != nil {
			return nil, err
		}
		return &modelRows{x: pixelValues(test.Pixels), n: test.Len(), width: dataset.MNISTPixels, labels: test.Labels,
			source: fmt.Sprintf("%d MNIST test images", test.Len())}, nil
	case m.Sequences():
		if src.labelColumn != "" {
			return nil, usageError{fmt.Errorf("--label-column is for CSV tables; %s reads sequences", model)}
		}
		s, err := dataset.ReadSequences(dataset.SequenceFiles{X: src.input, Lengths: src.lengths, Labels: src.labels, Targets: src.targets}, dataset.Limits{Rows: src.limit})
		if err != nil {
			return nil, err
		}
		return &modelRows{x: s.X, n: s.N, width: s.Steps * s.Features, lengths: s.Lengths, labels: s.Labels, targets: s.Targets,
			source: fmt.Sprintf("%d sequences of %s", s.N, src.input)}, nil
	}
	if src.lengths != "" || src.targets != "" {
		return nil, usageError{fmt.Errorf("--lengths is for sequences (and --targets for a regressor's); %s reads rows of %d values", model, m.Features())}
	}
	s, err := dataset.ReadSamples(dataset.SampleFiles{X: src.input, Labels: src.labels, LabelColumn: src.labelColumn}, dataset.Limits{Rows: src.limit})
	if err != nil {
		return nil, err
	}
	return &modelRows{x: s.X, n: s.N, width: s.Features, labels: s.Labels, names: s.Names,
		source: fmt.Sprintf("%d samples of %s", s.N, src.input)}, nil
}

// pixelValues returns the pixels as numbers from 0 to 255, the rows
// saved.Model.Prepare scales as in training.
func pixelValues(pixels []byte) []float64 {
	out := make([]float64, len(pixels))
	for i, p := range pixels {
		out[i] = float64(p)
	}
	return out
}
