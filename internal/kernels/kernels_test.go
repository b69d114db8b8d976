package kernels

import (
	"math/rand/v2"
	"testing"
)

func randSlice(rng *rand.Rand, n int, scale float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = (2*rng.Float32() - 1) * scale
	}
	return s
}

func BenchmarkLSTMStep(b *testing.B) {
	if !Available {
		b.Skip("C kernels need the netlib build")
	}
	const batch, h = 64, 128
	rng := rand.New(rand.NewPCG(1, 2))
	orig := randSlice(rng, batch*4*h, 3)
	g := make([]float32, len(orig))
	cp := randSlice(rng, batch*h, 1)
	c, hn, tc, out := make([]float32, batch*h), make([]float32, batch*h), make([]float32, batch*h), make([]float32, batch*h)
	for b.Loop() {
		copy(g, orig)
		LSTMStep(batch, h, g, cp, c, hn, tc, out, h, nil)
	}
}
