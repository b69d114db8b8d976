package ae

import (
	"fmt"
	"math/rand/v2"

	"github.com/physml/physml/nn"
)

// GaussianNoise returns a corruption for nn.FitConfig.Corrupt that adds
// N(0, std²) noise to every input element, drawn afresh for each batch from a
// generator seeded with seed. Targets are not touched.
func GaussianNoise[T Float](std float64, seed uint64) func(x *nn.Matrix[T]) {
	if std < 0 {
		panic(fmt.Sprintf("ae: noise standard deviation %g is negative", std))
	}
	rng := nn.NewRand(seed)
	return func(x *nn.Matrix[T]) {
		for i := range x.Data {
			x.Data[i] += T(std * rng.NormFloat64())
		}
	}
}

// MaskingNoise returns a corruption for nn.FitConfig.Corrupt that sets each
// input element to zero with probability p, afresh for each batch, seeded.
func MaskingNoise[T Float](p float64, seed uint64) func(x *nn.Matrix[T]) {
	if p < 0 || p >= 1 {
		panic(fmt.Sprintf("ae: masking probability %g outside [0, 1)", p))
	}
	rng := nn.NewRand(seed)
	return func(x *nn.Matrix[T]) { mask(rng, x, p) }
}

func mask[T Float](rng *rand.Rand, x *nn.Matrix[T], p float64) {
	for i := range x.Data {
		if rng.Float64() < p {
			x.Data[i] = 0
		}
	}
}
