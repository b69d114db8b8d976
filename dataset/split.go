package dataset

import (
	"math"
	"math/rand/v2"
)

// permutation returns a seeded random permutation of 0 … n−1.
func permutation(n int, seed uint64) []int {
	return rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d)).Perm(n)
}

// Split shuffles n sample indices with seed and returns the first
// (1 − fraction)·n as training and the rest as validation indices.
func Split(n int, fraction float64, seed uint64) (train, validation []int) {
	perm := permutation(n, seed)
	nVal := int(math.Round(fraction * float64(n)))
	return perm[:n-nVal], perm[n-nVal:]
}
