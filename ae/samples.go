package ae

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

// DefaultScaling returns the scaling an autoencoder of s uses when none is
// chosen: all values to [0, 1] together (dataset.UnitRange) for images,
// each feature to [0, 1] (dataset.MinMax) for a table.
func DefaultScaling(s *dataset.Samples) dataset.Scaling {
	if len(s.Shape) == 2 {
		return dataset.UnitRange
	}
	return dataset.MinMax
}

// SampleSplit is a table or image set split for an autoencoder: the
// training and test rows, scaled with statistics of the training rows
// only.
type SampleSplit[T nn.Float] struct {
	Train, Test         *nn.Matrix[T] // one sample per row, scaled
	TrainRows, TestRows []int         // the samples of each part, by index into the set
	TestLabels          []int         // the test samples' labels; nil without labels
	Scaler              dataset.Scaler
	Shape               []int // one sample's shape, as s.Shape
}

// SplitSamples holds out a seeded random testFraction of the samples of s
// for testing (nn.HoldOut) and scales both parts with a scaler of kind
// fitted on the training part.
func SplitSamples[T nn.Float](s *dataset.Samples, kind dataset.Scaling, testFraction float64, seed uint64) (*SampleSplit[T], error) {
	trainRows, testRows, err := nn.HoldOut(s.N, testFraction, seed)
	if err != nil {
		return nil, fmt.Errorf("ae: %d samples: %w", s.N, err)
	}
	p := s.Features
	scaler, err := dataset.FitScaler(kind, s.X, p, trainRows)
	if err != nil {
		return nil, err
	}
	gather := func(rows []int) *nn.Matrix[T] {
		x := make([]float64, 0, len(rows)*p)
		for _, i := range rows {
			x = append(x, s.X[i*p:(i+1)*p]...)
		}
		return nn.MatrixFrom(len(rows), p, dataset.Transform[T](scaler, x))
	}
	sp := &SampleSplit[T]{Train: gather(trainRows), Test: gather(testRows), TrainRows: trainRows, TestRows: testRows, Scaler: scaler, Shape: s.Shape}
	if s.Labels != nil {
		sp.TestLabels = make([]int, len(testRows))
		for r, i := range testRows {
			sp.TestLabels[r] = s.Labels[i]
		}
	}
	return sp, nil
}

// Metadata returns how the split scaled its samples, as model-file
// metadata: the scaler (nn.InputScalingPrefix keys), nn.KeyData "user" and
// the sample shape (nn.KeyInputShape).
func (sp *SampleSplit[T]) Metadata() map[string]string {
	meta := sp.Scaler.Metadata(nn.InputScalingPrefix)
	meta[nn.KeyData] = "user"
	shape := make([]string, len(sp.Shape))
	for i, v := range sp.Shape {
		shape[i] = strconv.Itoa(v)
	}
	meta[nn.KeyInputShape] = strings.Join(shape, ",")
	return meta
}
