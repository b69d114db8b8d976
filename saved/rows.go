package saved

import (
	"fmt"

	"github.com/physml/physml/dataset"
)

// Rows are rows of data for a model, as its kind reads them: X holds N
// rows of Width values (row-major), in the data's own units.
type Rows struct {
	X        []float64
	N, Width int
	Lengths  []int     // valid steps of each sequence, or nil
	Labels   []int     // class labels, or nil
	Targets  []float64 // a regressor's per-step targets, or nil
	Names    []string  // a CSV header's feature names, or nil
	Source   string    // the data's name for messages ("12 sequences of x.npy")
}

// Files names the data files a model is applied to: Input with its
// companions, as dataset.ReadSequences and dataset.ReadSamples read them.
// Limit keeps the first rows (0: all).
type Files struct {
	Input, Lengths, Labels, Targets string
	LabelColumn                     string   // a CSV column of labels, left out of the rows
	Comma                           rune     // a CSV's separator (0 detects it)
	Drop                            []string // a CSV's columns to leave out
	Columns                         []string // a CSV's only columns to read
	Limit                           int
}

// ReadRows reads the rows of f as the model reads them: sequences (with
// lengths, labels and targets) for a sequence model, a table or images
// (with labels) for the others. Lengths and targets given to a model of
// tables, and a label column given to a sequence model, are errors.
func (m *Model) ReadRows(f Files) (*Rows, error) {
	lim := dataset.Limits{Rows: f.Limit}
	if m.Sequences() {
		if f.LabelColumn != "" {
			return nil, fmt.Errorf("a label column is for CSV tables; the %v reads sequences", m.Kind)
		}
		s, err := dataset.ReadSequences(dataset.SequenceFiles{X: f.Input, Lengths: f.Lengths, Labels: f.Labels, Targets: f.Targets}, lim)
		if err != nil {
			return nil, err
		}
		return &Rows{X: s.X, N: s.N, Width: s.Steps * s.Features, Lengths: s.Lengths, Labels: s.Labels, Targets: s.Targets,
			Source: fmt.Sprintf("%d sequences of %s", s.N, f.Input)}, nil
	}
	if f.Lengths != "" || f.Targets != "" {
		return nil, fmt.Errorf("lengths are for sequences (and targets for a regressor's); the %v reads rows of %d values", m.Kind, m.Features())
	}
	s, err := dataset.ReadSamples(dataset.SampleFiles{X: f.Input, Labels: f.Labels, LabelColumn: f.LabelColumn, Comma: f.Comma, Drop: f.Drop, Columns: f.Columns}, lim)
	if err != nil {
		return nil, err
	}
	return &Rows{X: s.X, N: s.N, Width: s.Features, Labels: s.Labels, Names: s.Names,
		Source: fmt.Sprintf("%d samples of %s", s.N, f.Input)}, nil
}

// MNISTRows returns the images as the rows of a model trained on MNIST
// reads them: pixel values from 0 to 255 (Prepare scales them as in
// training), with their labels. A model that does not read MNIST's rows
// (784 values, or sequences of 28) is an error.
func (m *Model) MNISTRows(images *dataset.Images) (*Rows, error) {
	if m.Sequences() && m.Features() != dataset.MNISTCols || !m.Sequences() && m.Features() != dataset.MNISTPixels {
		return nil, fmt.Errorf("the %v reads rows of %d values; MNIST images have %d pixels", m.Kind, m.Features(), dataset.MNISTPixels)
	}
	x := make([]float64, len(images.Pixels))
	for i, p := range images.Pixels {
		x[i] = float64(p)
	}
	return &Rows{X: x, N: images.Len(), Width: dataset.MNISTPixels, Labels: images.Labels,
		Source: fmt.Sprintf("%d MNIST test images", images.Len())}, nil
}
