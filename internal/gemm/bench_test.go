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

// BenchmarkGemmTransA: weight gradients dWᵀ-shaped, C (m×n) += Aᵀ B with
// A (k × lda) the gate gradients of every step, on one goroutine as a
// recurrent layer computes them: a sequence autoencoder's (64×32, 1600
// rows of 128 gates) and the MNIST LSTM's (256×128, 1792 rows of 512).
func BenchmarkGemmTransA(b *testing.B) {
	if !Available() {
		b.Skip("no assembly kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range [][4]int{{64, 32, 1600, 128}, {256, 128, 1792, 512}} {
		m, n, k, lda := s[0], s[1], s[2], s[3]
		x, y, z := randomSlice[float32](rng, k*lda), randomSlice[float32](rng, k*n), randomSlice[float32](rng, m*n)
		b.Run(fmt.Sprintf("S/%dx%dx%d", m, n, k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				RunSerial(func() { Gemm(true, false, m, n, k, 1, x, lda, y, n, 1, z, n) })
			}
		})
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
