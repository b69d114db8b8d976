package decomposition

import "math/rand/v2"

// newGaussian returns the seeded generator of the randomized solver.
func newGaussian(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x853c49e6748fea9b))
}
