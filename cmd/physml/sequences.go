package main

import (
	"fmt"
	"strconv"
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
	testRows    []int           // the input row of each test sequence, for the user's data
	describe    string          // for the first lines of output
	warning     string          // said on stderr before training, or ""
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
// seeded random testFraction for testing, features standardised with the
// training part's statistics) and, for a regressor, standardises its
// per-step targets likewise.
func userSequences[T nn.Float](s *dataset.Sequences, testFraction float64, seed uint64, source string) (sequenceData[T], error) {
	var d sequenceData[T]
	if _, _, err := splitRows(s.N, testFraction, seed, "sequences"); err != nil {
		return d, err
	}
	sp, err := seq.SplitSequences[T](s, testFraction, seed)
	if err != nil {
		return d, fmt.Errorf("%s: %w", source, err)
	}
	what := fmt.Sprintf("%d classes", s.Classes)
	switch {
	case s.Targets != nil:
		if s.TargetCols%s.Steps != 0 {
			return d, fmt.Errorf("%s: %d targets per sequence of %d steps: a recurrent regressor predicts every step, want targets of shape (sequences, steps[, outputs])", source, s.TargetCols, s.Steps)
		}
		d.outputs = s.TargetCols / s.Steps
		if err := sp.SetTargets(s.Targets, s.Steps, d.outputs); err != nil {
			return d, fmt.Errorf("%s: %w", source, err)
		}
		d.targets = sp.TargetScaler
		what = fmt.Sprintf("%d targets per step", d.outputs)
	case s.Classes < 2:
		return d, fmt.Errorf("%s: the labels hold %d class; classification needs at least 2", source, s.Classes)
	default:
		d.outputs = s.Classes
		d.warning = missingClasses(s.Labels, s.Classes, source)
	}
	d.train, d.test, d.inputSize, d.testRows, d.metadata = sp.Train, sp.Test, s.Features, sp.TestRows, sp.Metadata()
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
		return nil, nil, usageError{fmt.Errorf("--test: %d %s: %v", n, items, err)}
	}
	return trainRows, testRows, nil
}

// missingClasses returns a warning naming the classes below the largest
// label that no sequence has (labels 1 … 3 make four classes, class 0
// empty), or "".
func missingClasses(labels []int, classes int, source string) string {
	seen := make([]bool, classes)
	for _, l := range labels {
		seen[l] = true
	}
	var missing []string
	for c, ok := range seen {
		if !ok {
			missing = append(missing, strconv.Itoa(c))
		}
	}
	if missing == nil {
		return ""
	}
	return fmt.Sprintf("%s: no sequence has label %s, yet labels up to %d make %d classes (labels number the classes from 0): the classifier has an output for each", source, strings.Join(missing, ", "), classes-1, classes)
}
