package dataset

import "math/rand/v2"

// permutation returns a seeded random permutation of 0 … n−1.
func permutation(n int, seed uint64) []int {
	return rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d)).Perm(n)
}
