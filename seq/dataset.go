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
}

// SplitSequences holds out a seeded random testFraction of the sequences
// of s for testing (nn.HoldOut) and standardises both parts with the
// statistics of the training part only, so that nothing of the test part
// leaks into training.
func SplitSequences[T Float](s *dataset.Sequences, testFraction float64, seed uint64) (*Split[T], error) {
	trainRows, testRows, err := nn.HoldOut(s.N, testFraction, seed)
	if err != nil {
		return nil, fmt.Errorf("seq: %d sequences: %w", s.N, err)
	}
	scaler, err := s.FitStandardization(trainRows)
	if err != nil {
		return nil, err
	}
	return &Split[T]{Train: DatasetOf[T](s, trainRows, scaler), Test: DatasetOf[T](s, testRows, scaler),
		TrainRows: trainRows, TestRows: testRows, Scaler: scaler}, nil
}
