package simd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/physml/physml/internal/fastmath"
	"github.com/physml/physml/internal/simd"
)

// TestLogEqualsLog32: Log8 gives fastmath.Log32's results to the bit, on
// both sides of √2, for subnormal, zero, negative, infinite and NaN input.
func TestLogEqualsLog32(t *testing.T) {
	if !simd.Available() {
		t.Skip("no AVX2 on this machine")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	x := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 2, 0.5, 1.4142135, 1.4142137, 0.70710677,
		math.SmallestNonzeroFloat32, 1e-40, 1e-38, 0x1p-126, math.MaxFloat32,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-7, 1 - 1e-7, 0.9999999, 1.0000001}
	for range 30000 {
		x = append(x, float32(math.Exp(rng.Float64()*180-90)))
	}
	for range 10000 {
		x = append(x, float32(rng.Float64())) // probabilities
	}
	for len(x)%8 != 0 {
		x = append(x, 0.25)
	}
	got := make([]float32, len(x))
	if n := simd.Log8(got, x); n != len(x) {
		t.Fatalf("Log8 did %d of %d", n, len(x))
	}
	bad := 0
	for i, v := range x {
		want := fastmath.Log32(v)
		if math.Float32bits(got[i]) == math.Float32bits(want) || want != want && got[i] != got[i] {
			continue
		}
		if bad < 5 {
			t.Errorf("Log8(%v) = %v, Log32 gives %v", v, got[i], want)
		}
		bad++
	}
	if bad > 0 {
		t.Errorf("%d of %d values differ", bad, len(x))
	}
}
