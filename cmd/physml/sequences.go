package main

import (
	"fmt"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// classificationData is what the classifier trains and is tested on: the
// lecture's MNIST rows, or the user's sequences.
type classificationData[T nn.Float] struct {
	train, test nn.Dataset[T]
	inputSize   int
	classes     int
	testRows    []int             // the input row of each test sequence, for the user's data
	describe    string            // for the first lines of output
	metadata    map[string]string // how the inputs were prepared, for the model file
}

// mnistClassification is MNIST read row by row: 28 steps of 28 pixels
// normalised by norm.
func mnistClassification[T nn.Float](train, test *dataset.Images, norm dataset.Normalization) classificationData[T] {
	return classificationData[T]{
		train: mnistSequences[T](train, norm), test: mnistSequences[T](test, norm), inputSize: dataset.MNISTCols, classes: 10,
		describe: fmt.Sprintf("MNIST rows: %d training and %d test images, pixels %v", train.Len(), test.Len(), norm),
		metadata: map[string]string{nn.KeyData: "mnist", nn.KeyNormalization: norm.String()},
	}
}

// userClassification splits the user's sequences into a training part and
// the last testFraction of a seeded shuffle as the test part, and
// standardises every feature with the mean and standard deviation of the
// training part's valid steps (no statistics from the test part leak in).
func userClassification[T nn.Float](s *dataset.Sequences, testFraction float64, seed uint64, source string) (classificationData[T], error) {
	var d classificationData[T]
	if s.Labels == nil {
		return d, fmt.Errorf("%s: classification needs --labels", source)
	}
	if s.Classes < 2 {
		return d, fmt.Errorf("%s: the labels hold %d class; classification needs at least 2", source, s.Classes)
	}
	trainRows, testRows, err := splitRows(s.N, testFraction, seed, "sequences")
	if err != nil {
		return d, err
	}
	scaler, err := s.FitStandardization(trainRows)
	if err != nil {
		return d, fmt.Errorf("%s: %w", source, err)
	}
	mean, std := scaler.Offset, scaler.Scale
	d.train, d.test = seq.DatasetOf[T](s, trainRows, scaler), seq.DatasetOf[T](s, testRows, scaler)
	d.inputSize, d.classes, d.testRows = s.Features, s.Classes, testRows
	d.describe = fmt.Sprintf("%s: %d sequences of %d steps × %d features, %d classes; %d for training, %d for testing",
		source, s.N, s.Steps, s.Features, s.Classes, len(trainRows), len(testRows))
	d.metadata = map[string]string{nn.KeyData: "user", nn.KeyNormalization: "standard",
		nn.KeyFeatureMean: dataset.JoinFloats(mean), nn.KeyFeatureStd: dataset.JoinFloats(std)}
	return d, nil
}

// splitRows returns a seeded random split of n items (named in errors)
// into a training part and the last testFraction of the shuffle, for
// testing (nn.HoldOut).
func splitRows(n int, testFraction float64, seed uint64, items string) (trainRows, testRows []int, err error) {
	trainRows, testRows, err = nn.HoldOut(n, testFraction, seed)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("--test: %d %s: %v", n, items, err)}
	}
	return trainRows, testRows, nil
}
