package fastmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestVectorFunctionsEqualScalar: Sigmoid32To and Tanh32To give the scalar
// functions' results to the bit, on every branch of Exp32 (overflow,
// underflow, subnormal results, the two-step scaling near the top), on both
// sides of Tanh32's 0.2, and on values that are not numbers.
func TestVectorFunctionsEqualScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var x []float32
	for _, v := range []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.2, -0.2, 0.19999999, 0.20000002,
		88.72283, 88.72284, 88.7228, -88.72283, -103.97, -103.96999, 103.97, -87.3, 87.3, 44.36, -51.9,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.MaxFloat32, -math.MaxFloat32,
		math.SmallestNonzeroFloat32, 1e-30, -1e-30} {
		x = append(x, v)
	}
	for range 20000 {
		x = append(x, float32(rng.NormFloat64()*3))
	}
	for range 20000 {
		x = append(x, float32((rng.Float64()-0.5)*240)) // past both ends of Exp32's range
	}
	for range 2000 {
		x = append(x, float32((rng.Float64()-0.5)*0.5)) // around Tanh32's polynomial
	}
	x = append(x, 3, -3, 0.1) // a length that is not a multiple of eight
	check := func(name string, vector func(dst, x []float32), scalar func(float32) float32) {
		dst := make([]float32, len(x))
		vector(dst, x)
		bad := 0
		for i, v := range x {
			want := scalar(v)
			if math.Float32bits(dst[i]) == math.Float32bits(want) || want != want && dst[i] != dst[i] {
				continue
			}
			if bad < 5 {
				t.Errorf("%s(%v) = %v, the scalar function gives %v", name, v, dst[i], want)
			}
			bad++
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d values differ", name, bad, len(x))
		}
		// In place, and on a length below one vector.
		inPlace := append([]float32(nil), x...)
		vector(inPlace, inPlace)
		for i := range x {
			if math.Float32bits(inPlace[i]) != math.Float32bits(dst[i]) {
				t.Fatalf("%s in place differs at %d", name, i)
			}
		}
		short := make([]float32, 5)
		vector(short, x[:5])
		for i := range short {
			if w := scalar(x[i]); math.Float32bits(short[i]) != math.Float32bits(w) && w == w {
				t.Errorf("%s of 5 values: %v at %d, want %v", name, short[i], i, w)
			}
		}
	}
	check("Sigmoid32To", Sigmoid32To, Sigmoid32)
	check("Tanh32To", Tanh32To, Tanh32)
	check("Exp32To", Exp32To, Exp32)
	check("LogSigmoid32To", LogSigmoid32To, LogSigmoid32)
	defer func() {
		if recover() == nil {
			t.Error("slices of different lengths did not panic")
		}
	}()
	Sigmoid32To(make([]float32, 3), make([]float32, 4))
}

func BenchmarkVector(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i)/512 - 4
	}
	dst := make([]float32, len(x))
	b.Run("Sigmoid32To", func(b *testing.B) {
		for b.Loop() {
			Sigmoid32To(dst, x)
		}
		b.ReportMetric(float64(len(x)*b.N)/b.Elapsed().Seconds()/1e9, "Gvalues/s")
	})
	b.Run("Tanh32To", func(b *testing.B) {
		for b.Loop() {
			Tanh32To(dst, x)
		}
		b.ReportMetric(float64(len(x)*b.N)/b.Elapsed().Seconds()/1e9, "Gvalues/s")
	})
	b.Run("Sigmoid32", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				dst[i] = Sigmoid32(v)
			}
		}
		b.ReportMetric(float64(len(x)*b.N)/b.Elapsed().Seconds()/1e9, "Gvalues/s")
	})
}
