package ae

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

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

// Noise is a denoising autoencoder's corruption of its inputs: Gaussian
// noise of standard deviation Level ("gauss") or masking with probability
// Level ("mask"). The zero Noise corrupts nothing.
type Noise struct {
	Kind  string // "gauss", "mask" or "" (none)
	Level float64
}

// ParseNoise parses "gauss:STD" (STD ≥ 0) or "mask:P" (0 ≤ P < 1); ""
// is no noise.
func ParseNoise(s string) (Noise, error) {
	if s == "" {
		return Noise{}, nil
	}
	kind, val, ok := strings.Cut(s, ":")
	level, err := strconv.ParseFloat(val, 64)
	if !ok || err != nil || (kind != "gauss" && kind != "mask") || !(level >= 0) || math.IsInf(level, 0) || (kind == "mask" && level >= 1) {
		return Noise{}, fmt.Errorf("noise %q: want gauss:STD or mask:P with 0 ≤ P < 1", s)
	}
	return Noise{kind, level}, nil
}

// Corruption returns the corruption for nn.FitConfig.Corrupt
// (GaussianNoise or MaskingNoise, seeded), or nil for no noise.
func Corruption[T Float](n Noise, seed uint64) func(x *nn.Matrix[T]) {
	switch n.Kind {
	case "gauss":
		return GaussianNoise[T](n.Level, seed)
	case "mask":
		return MaskingNoise[T](n.Level, seed)
	}
	return nil
}
