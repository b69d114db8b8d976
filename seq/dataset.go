package seq

import (
	"fmt"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

// DatasetOf gathers the sequences of s that rows lists (all when nil) into
// an nn.Dataset for a recurrent model: each feature j of every valid step
// scaled as (x − scaler.Offset[j]) / scaler.Scale[j] (padding stays zero),
// with the sequences' labels and lengths when s has them (targets are
// left to the caller). The
// scaler has one entry per feature, as s.FitStandardization returns it.
func DatasetOf[T Float](s *dataset.Sequences, rows []int, scaler dataset.Scaler) nn.Dataset[T] {
	if len(scaler.Offset) != s.Features || len(scaler.Scale) != s.Features {
		panic(fmt.Sprintf("seq: a scaler of %d features for sequences of %d", len(scaler.Offset), s.Features))
	}
	if rows == nil {
		rows = make([]int, s.N)
		for i := range rows {
			rows[i] = i
		}
	}
	per := s.Steps * s.Features
	d := nn.Dataset[T]{X: nn.NewMatrix[T](len(rows), per)}
	if s.Labels != nil {
		d.Labels = make([]int, len(rows))
	}
	if s.Lengths != nil {
		d.Lengths = make([]int, len(rows))
	}
	for r, i := range rows {
		out := d.X.Row(r)
		for t := 0; t < s.Length(i); t++ {
			for j := 0; j < s.Features; j++ {
				out[t*s.Features+j] = T((s.X[i*per+t*s.Features+j] - scaler.Offset[j]) / scaler.Scale[j])
			}
		}
		if s.Labels != nil {
			d.Labels[r] = s.Labels[i]
		}
		if s.Lengths != nil {
			d.Lengths[r] = s.Lengths[i]
		}
	}
	return d
}

// Split is a sequence set split for a recurrent model: the training and
// test sequences gathered (DatasetOf) with their labels and lengths, every
// feature standardised with the training sequences' valid steps.
type Split[T Float] struct {
	Train, Test         nn.Dataset[T]
	TrainRows, TestRows []int // the sequences of each part, by index into the set
	Scaler              dataset.Scaler
	// TargetScaler standardises the regression targets, after SetTargets;
	// nil for a classification split.
	TargetScaler *dataset.Scaler
	// Outputs is what a model of the split outputs: the classes of a set
	// with labels, the values per step of a set with targets (0 when the
	// set has neither).
	Outputs int
	// Lengths reports that the sequences have valid lengths (padded
	// beyond), which a model trained on them needs given too.
	Lengths bool
	// Features is the number of values per step: a model's input size.
	Features int

	mnist *dataset.Normalization // the pixels' normalisation of MNISTSplit
}

// SplitSequences holds out a seeded random testFraction of the sequences
// of s for testing (nn.HoldOut) and standardises both parts with the
// statistics of the training part only, so that nothing of the test part
// leaks into training. Targets of s, one value per step and output
// (s.TargetCols a multiple of s.Steps), are set with SetTargets; labels
// must make at least two classes.
func SplitSequences[T Float](s *dataset.Sequences, testFraction float64, seed uint64) (*Split[T], error) {
	trainRows, testRows, err := nn.HoldOut(s.N, testFraction, seed)
	if err != nil {
		return nil, fmt.Errorf("seq: %d sequences: %w", s.N, err)
	}
	scaler, err := s.FitStandardization(trainRows)
	if err != nil {
		return nil, err
	}
	sp := &Split[T]{Train: DatasetOf[T](s, trainRows, scaler), Test: DatasetOf[T](s, testRows, scaler),
		TrainRows: trainRows, TestRows: testRows, Scaler: scaler, Lengths: s.Lengths != nil, Features: s.Features}
	switch {
	case s.Targets != nil:
		if s.Steps == 0 || s.TargetCols%s.Steps != 0 {
			return nil, fmt.Errorf("seq: %d targets per sequence of %d steps: a recurrent regressor predicts every step, want targets of shape (sequences, steps[, outputs])", s.TargetCols, s.Steps)
		}
		sp.Outputs = s.TargetCols / s.Steps
		if err := sp.SetTargets(s.Targets, s.Steps, sp.Outputs); err != nil {
			return nil, err
		}
	case s.Labels != nil && s.Classes < 2:
		return nil, fmt.Errorf("seq: the labels hold %d class; classification needs at least 2", s.Classes)
	case s.Labels != nil:
		sp.Outputs = s.Classes
	}
	return sp, nil
}

// SetTargets adds per-step regression targets to the split, for a
// Regressor: targets holds steps × outputs values for every sequence of
// the set the split was made from, in its order. Each output is
// standardised with the mean and deviation of the training sequences'
// values (TargetScaler), as the inputs are.
func (sp *Split[T]) SetTargets(targets []float64, steps, outputs int) error {
	n := len(sp.TrainRows) + len(sp.TestRows)
	if steps < 1 || outputs < 1 || len(targets) != n*steps*outputs {
		return fmt.Errorf("seq: %d target values for %d sequences of %d steps × %d outputs", len(targets), n, steps, outputs)
	}
	t := &dataset.Sequences{N: n, Steps: steps, Features: outputs, X: targets}
	scaler, err := t.FitStandardization(sp.TrainRows)
	if err != nil {
		return fmt.Errorf("seq: targets: %w", err)
	}
	sp.Train.Y, sp.Test.Y = DatasetOf[T](t, sp.TrainRows, scaler).X, DatasetOf[T](t, sp.TestRows, scaler).X
	sp.TargetScaler = &scaler
	return nil
}

// Metadata returns how the split scaled its data, as model-file metadata:
// for MNISTSplit, nn.KeyData "mnist" and the pixels' normalisation
// (nn.KeyNormalization); otherwise nn.KeyData "user", the inputs'
// standardisation (nn.KeyFeatureMean, nn.KeyFeatureStd),
// nn.KeyLengths when the sequences have lengths and, after SetTargets, the
// targets' standardisation (nn.KeyTargetMean, nn.KeyTargetStd).
func (sp *Split[T]) Metadata() map[string]string {
	if sp.mnist != nil {
		return map[string]string{nn.KeyData: "mnist", nn.KeyNormalization: sp.mnist.String()}
	}
	meta := map[string]string{nn.KeyData: "user", nn.KeyNormalization: "standard",
		nn.KeyFeatureMean: dataset.JoinFloats(sp.Scaler.Offset), nn.KeyFeatureStd: dataset.JoinFloats(sp.Scaler.Scale)}
	if sp.Lengths {
		meta[nn.KeyLengths] = "true"
	}
	if sp.TargetScaler != nil {
		meta[nn.KeyTargetMean] = dataset.JoinFloats(sp.TargetScaler.Offset)
		meta[nn.KeyTargetStd] = dataset.JoinFloats(sp.TargetScaler.Scale)
	}
	return meta
}

// MNISTRows returns MNIST images as the lecture's sequences: each image
// read row by row, 28 steps of 28 pixels normalised by norm, with its
// label.
func MNISTRows[T Float](im *dataset.Images, norm dataset.Normalization) nn.Dataset[T] {
	return nn.Dataset[T]{X: nn.MatrixFrom(im.Len(), dataset.MNISTPixels, dataset.Floats[T](im.Pixels, norm)), Labels: im.Labels}
}

// MNISTSplit returns MNIST's training and test images as the lecture's
// sequences (MNISTRows): 28 steps of 28 pixels normalised by norm, with
// their labels, 10 classes. It has no rows (TrainRows and TestRows are
// nil: the images are not drawn from one set) and no scaler.
func MNISTSplit[T Float](train, test *dataset.Images, norm dataset.Normalization) *Split[T] {
	return &Split[T]{Train: MNISTRows[T](train, norm), Test: MNISTRows[T](test, norm), Outputs: 10, Features: dataset.MNISTCols, mnist: &norm}
}

// SplitCodes returns the part of every sequence of the set the split was
// made from, in its order: 0 training, 1 validation (the fraction of the
// training sequences that nn.Fit holds out with seed, the last ones when
// last is set) and 2 test (nn.SplitCodes); nil for MNISTSplit.
func (sp *Split[T]) SplitCodes(validation float64, seed uint64, last bool) []float64 {
	if sp.TestRows == nil {
		return nil
	}
	return nn.SplitCodes(len(sp.TrainRows)+len(sp.TestRows), sp.TrainRows, sp.TestRows, validation, seed, last)
}
