package blas

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func benchGemm[T Float](b *testing.B, m, n, k int) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randSlice[T](rng, m*k)
	y := randSlice[T](rng, k*n)
	z := make([]T, m*n)
	b.ReportAllocs()
	for b.Loop() {
		Gemm(NoTrans, NoTrans, m, n, k, 1, x, k, y, n, 0, z, n)
	}
	flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkGemm runs GEMM at the LSTM shapes of the lecture (batch 64, gates
// 4·128 = 512, inner 28 + 128 = 156 or 28) and at a large square size.
func BenchmarkGemm(b *testing.B) {
	for _, d := range [][3]int{{64, 512, 156}, {64, 512, 28}, {1024, 1024, 1024}} {
		name := fmt.Sprintf("%dx%dx%d", d[0], d[2], d[1])
		b.Run("S/"+name, func(b *testing.B) { benchGemm[float32](b, d[0], d[1], d[2]) })
		b.Run("D/"+name, func(b *testing.B) { benchGemm[float64](b, d[0], d[1], d[2]) })
	}
}
