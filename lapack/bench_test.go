package lapack

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkEigSym decomposes a 784×784 covariance-sized symmetric matrix
// (MNIST has 784 pixels).
func BenchmarkEigSym(b *testing.B) {
	benchEig(b, 784, func(n int, a, values, vectors []float64) { EigSym(n, a, n, values, vectors, n) })
}

// BenchmarkEigSymTop50 computes the top 50 eigenpairs of a 784×784 matrix.
func BenchmarkEigSymTop50(b *testing.B) {
	benchEig(b, 50, func(n int, a, values, vectors []float64) { EigSymTop(n, 50, a, n, values, vectors, 50) })
}

// BenchmarkEigSymSpectrum50 computes every eigenvalue and the top 50
// eigenvectors of a 784×784 matrix, as the PCA's covariance solver does.
func BenchmarkEigSymSpectrum50(b *testing.B) {
	benchEig(b, 50, func(n int, a, values, vectors []float64) { EigSymSpectrum(n, 50, a, n, values, vectors, 50) })
}

// benchEig runs eig on a fresh copy of one random symmetric 784×784 matrix
// per iteration, with room for every eigenvalue and k eigenvectors.
func benchEig(b *testing.B, k int, eig func(n int, a, values, vectors []float64)) {
	const n = 784
	orig := randSym(rand.New(rand.NewPCG(1, 1)), n, n)
	a := make([]float64, n*n)
	values := make([]float64, n)
	vectors := make([]float64, n*k)
	for b.Loop() {
		copy(a, orig)
		eig(n, a, values, vectors)
	}
}

// BenchmarkSVD computes the thin SVD of a 10000×784 matrix.
func BenchmarkSVD(b *testing.B) {
	const m, n = 10000, 784
	orig := randMatrix(rand.New(rand.NewPCG(1, 1)), m, n, n)
	a := make([]float64, m*n)
	s := make([]float64, n)
	u := make([]float64, m*n)
	vt := make([]float64, n*n)
	for b.Loop() {
		copy(a, orig)
		SVD(m, n, a, n, s, u, n, vt, n)
	}
}
