package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func benchGemm[T Float](b *testing.B, m, n, k int) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randomSlice[T](rng, m*k)
	y := randomSlice[T](rng, k*n)
	z := make([]T, m*n)
	b.ReportAllocs()
	for b.Loop() {
		Gemm(false, false, m, n, k, 1, x, k, y, n, 0, z, n)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkGemm: the shapes of blas's benchmark (LSTM gates, 1024³).
func BenchmarkGemm(b *testing.B) {
	if !Available() {
		b.Skip("no assembly kernels on this machine")
	}
	for _, d := range [][3]int{{64, 512, 156}, {64, 512, 28}, {64, 512, 128}, {1024, 1024, 1024}} {
		name := fmt.Sprintf("%dx%dx%d", d[0], d[2], d[1])
		b.Run("S/"+name, func(b *testing.B) { benchGemm[float32](b, d[0], d[1], d[2]) })
		b.Run("D/"+name, func(b *testing.B) { benchGemm[float64](b, d[0], d[1], d[2]) })
	}
}

func BenchmarkSyrk(b *testing.B) {
	if !Available() {
		b.Skip("no assembly kernels on this machine")
	}
	n, k := 784, 6000
	rng := rand.New(rand.NewPCG(1, 1))
	x := randomSlice[float64](rng, k*n)
	c := make([]float64, n*n)
	for b.Loop() {
		Syrk(true, true, n, k, 1, x, n, 0, c, n)
	}
	b.ReportMetric(float64(n)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
