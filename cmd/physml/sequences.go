package main

import (
	"fmt"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// sequenceData is what a recurrent model trains and is tested on: the
// lecture's MNIST rows, or the user's sequences with labels (a classifier)
// or per-step targets (a regressor).
type sequenceData[T nn.Float] struct {
	train, test nn.Dataset[T]
	inputSize   int
	outputs     int             // classes of a classifier; values per step of a regressor
	targets     *dataset.Scaler // a regressor's target standardisation
	trainRows   []int           // the input row of each training sequence, for the user's data
	testRows    []int           // and of each test sequence
	split       []float64       // each input row's part (nn.SplitCodes), for the user's data
	describe    string          // for the first lines of output
	metadata    map[string]string
}

// mnistClassification is MNIST read row by row: 28 steps of 28 pixels
// normalised by norm.
func mnistClassification[T nn.Float](train, test *dataset.Images, norm dataset.Normalization) sequenceData[T] {
	return sequenceData[T]{
		train: seq.MNISTRows[T](train, norm), test: seq.MNISTRows[T](test, norm), inputSize: dataset.MNISTCols, outputs: 10,
		describe: fmt.Sprintf("MNIST rows: %d training and %d test images, pixels %v", train.Len(), test.Len(), norm),
		metadata: map[string]string{nn.KeyData: "mnist", nn.KeyNormalization: norm.String()},
	}
}

// userSequences splits the user's sequences with seq.SplitSequences (a
// seeded random testFraction for testing; features, and a regressor's
// targets, standardised with the training part's statistics). classes,
// when positive, is the number of classes (--classes): labels may then
// skip some; otherwise a class below the largest label that no sequence
// has is an error naming it.
func userSequences[T nn.Float](s *dataset.Sequences, testFraction float64, seed uint64, source string, classes int) (sequenceData[T], error) {
	if s.Targets == nil && classes > 0 {
		if classes < s.Classes {
			return sequenceData[T]{}, usageError(fmt.Errorf("--classes %d: %s has labels up to %d", classes, source, s.Classes-1))
		}
		s.Classes = classes
	} else if missing := dataset.MissingClasses(s.Labels, s.Classes); s.Targets == nil && missing != nil {
		return sequenceData[T]{}, usageError(fmt.Errorf("%s: no sequence has label %s, yet labels up to %d make %d classes (labels number the classes from 0): relabel them 0 … %d, or give --classes %d to train an output for each",
			source, strings.ReplaceAll(strings.Trim(fmt.Sprint(missing), "[]"), " ", ", "), s.Classes-1, s.Classes, s.Classes-1-len(missing), s.Classes))
	}
	if _, _, err := splitRows(s.N, testFraction, seed, "sequences"); err != nil {
		return sequenceData[T]{}, err
	}
	sp, err := seq.SplitSequences[T](s, testFraction, seed)
	if err != nil {
		return sequenceData[T]{}, fmt.Errorf("%s: %w", source, err)
	}
	d := sequenceData[T]{train: sp.Train, test: sp.Test, inputSize: s.Features, outputs: sp.Outputs, targets: sp.TargetScaler,
		trainRows: sp.TrainRows, testRows: sp.TestRows, metadata: sp.Metadata()}
	what := fmt.Sprintf("%d targets per step", d.outputs)
	if s.Targets == nil {
		what = fmt.Sprintf("%d classes", s.Classes)
	}
	d.describe = fmt.Sprintf("%s: %d sequences of %d steps × %d features, %s; %d for training, %d for testing",
		source, s.N, s.Steps, s.Features, what, len(sp.TrainRows), len(sp.TestRows))
	return d, nil
}

// splitRows returns a seeded random split of n items (named in errors)
// into a training part and the last testFraction of the shuffle, for
// testing (nn.HoldOut).
func splitRows(n int, testFraction float64, seed uint64, items string) (trainRows, testRows []int, err error) {
	trainRows, testRows, err = nn.HoldOut(n, testFraction, seed)
	if err != nil {
		return nil, nil, usageError(fmt.Errorf("--test: %d %s: %v", n, items, err))
	}
	return trainRows, testRows, nil
}
