package main

import (
	"fmt"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// sequenceData is what a recurrent model trains and is tested on (the
// lecture's MNIST rows, or the user's sequences with labels or per-step
// targets), with what the command says of it.
type sequenceData[T nn.Float] struct {
	*seq.Split[T]
	describe string
	split    []float64 // each input row's part (seq.Split.SplitCodes), for the user's data
}

// userSequences splits the user's sequences with seq.SplitSequences, with
// --classes classes when positive (dataset.Sequences.SetClasses).
func userSequences[T nn.Float](s *dataset.Sequences, testFraction float64, seed uint64, source string, classes int) (sequenceData[T], error) {
	if s.Targets == nil {
		if err := s.SetClasses(classes); err != nil {
			return sequenceData[T]{}, usageError(fmt.Errorf("%s: %s (--classes)", source, strings.TrimPrefix(err.Error(), "dataset: ")))
		}
	}
	if _, _, err := splitRows(s.N, testFraction, seed, "sequences"); err != nil {
		return sequenceData[T]{}, err
	}
	sp, err := seq.SplitSequences[T](s, testFraction, seed)
	if err != nil {
		return sequenceData[T]{}, fmt.Errorf("%s: %w", source, err)
	}
	what := fmt.Sprintf("%d targets per step", sp.Outputs)
	if s.Targets == nil {
		what = fmt.Sprintf("%d classes", s.Classes)
	}
	return sequenceData[T]{Split: sp, describe: fmt.Sprintf("%s: %d sequences of %d steps × %d features, %s; %d for training, %d for testing",
		source, s.N, s.Steps, s.Features, what, len(sp.TrainRows), len(sp.TestRows))}, nil
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
