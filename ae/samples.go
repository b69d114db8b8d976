package ae

import (
	"fmt"
	"math"
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
	Shape               []int    // one sample's shape, as s.Shape
	Names               []string // a table's feature names (numbered without a header); nil for images

	mnist  *dataset.Normalization // MNIST's pixel normalisation, for MNISTSamples
	lo, hi float64                // the range of the data's values, for Display of images
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
	if len(s.Shape) == 2 {
		sp.lo, sp.hi = span(s.X)
	} else {
		sp.Names = s.FeatureNames()
	}
	if s.Labels != nil {
		sp.TestLabels = make([]int, len(testRows))
		for r, i := range testRows {
			sp.TestLabels[r] = s.Labels[i]
		}
	}
	return sp, nil
}

// MNISTSamples returns MNIST's training and test images as a split:
// every pixel normalised by norm, with the test images' labels.
func MNISTSamples[T nn.Float](train, test *dataset.Images, norm dataset.Normalization) *SampleSplit[T] {
	return &SampleSplit[T]{
		Train:      nn.MatrixFrom(train.Len(), dataset.MNISTPixels, dataset.Floats[T](train.Pixels, norm)),
		Test:       nn.MatrixFrom(test.Len(), dataset.MNISTPixels, dataset.Floats[T](test.Pixels, norm)),
		TestLabels: test.Labels, Shape: []int{dataset.MNISTRows, dataset.MNISTCols}, mnist: &norm,
	}
}

// Display maps a row as the autoencoder sees it (of Train, Test, or a
// reconstruction) to what a picture shows: intensities in [0, 1] for
// images (MNIST's pixels; the user's images from the smallest value of
// the set to its largest), the data's own units for a table's rows.
func (sp *SampleSplit[T]) Display(row []T) []float64 {
	if sp.mnist != nil {
		out := make([]float64, len(row))
		for i, v := range row {
			out[i] = float64(v)
			if *sp.mnist == dataset.Symmetric {
				out[i] = (out[i] + 1) / 2
			}
		}
		return out
	}
	v := dataset.Inverse(sp.Scaler, row)
	if len(sp.Shape) == 2 {
		for k := range v {
			v[k] = (v[k] - sp.lo) / max(sp.hi-sp.lo, 1e-300)
		}
	}
	return v
}

// span returns the smallest and largest of values.
func span(values []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}

// Metadata returns how the split scaled its samples, as model-file
// metadata: the scaler (nn.InputScalingPrefix keys), nn.KeyData "user" and
// the sample shape (nn.KeyInputShape); for MNISTSamples, nn.KeyData
// "mnist" and the pixels' normalisation (nn.KeyNormalization).
func (sp *SampleSplit[T]) Metadata() map[string]string {
	if sp.mnist != nil {
		return map[string]string{nn.KeyData: "mnist", nn.KeyNormalization: sp.mnist.String()}
	}
	meta := sp.Scaler.Metadata(nn.InputScalingPrefix)
	meta[nn.KeyData] = "user"
	shape := make([]string, len(sp.Shape))
	for i, v := range sp.Shape {
		shape[i] = strconv.Itoa(v)
	}
	meta[nn.KeyInputShape] = strings.Join(shape, ",")
	return meta
}
