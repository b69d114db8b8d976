package nn

import (
	"fmt"
	"math"
)

// HoldOut returns a seeded random split of n items into a training part
// and a test part: the last testFraction·n (rounded) of a shuffle of
// 0 … n−1. Both parts must be non-empty. The shuffle is that of
// NewRand(seed ^ 0x7e57), so that a test split and a validation split
// (Dataset.Split) of the same seed differ.
func HoldOut(n int, testFraction float64, seed uint64) (train, test []int, err error) {
	nTest := int(math.Round(testFraction * float64(n)))
	if !(testFraction > 0 && testFraction < 1) || nTest < 1 || nTest >= n {
		return nil, nil, fmt.Errorf("a test fraction of %g of %d leaves %d for training and %d for testing; both need at least one", testFraction, n, n-nTest, nTest)
	}
	perm := NewRand(seed ^ 0x7e57).Perm(n)
	return perm[:n-nTest], perm[n-nTest:], nil
}

// SplitCodes returns a code per row of n rows split into trainRows and
// testRows (HoldOut): 2 for a test row, and for a training row 1 where the
// validation split of FitConfig (ValidationSplit fraction, Seed seed,
// ValidationLast last) holds it out of the training dataset built from
// trainRows in order, else 0. fraction 0 holds none out. It is the
// split.npy of physml's training commands.
func SplitCodes(n int, trainRows, testRows []int, fraction float64, seed uint64, last bool) []float64 {
	codes := make([]float64, n)
	for _, i := range testRows {
		codes[i] = 2
	}
	if fraction > 0 && fraction < 1 {
		_, val := validationRows(len(trainRows), fraction, seed, last)
		for _, k := range val {
			codes[trainRows[k]] = 1
		}
	}
	return codes
}
