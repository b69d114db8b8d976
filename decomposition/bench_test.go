package decomposition

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/mnistdir"
)

// mnistTrain returns MNIST's 60000×784 training images scaled to [0, 1].
func mnistTrain(b *testing.B) *mat.Dense {
	dir, err := mnistdir.Find()
	if err != nil {
		b.Fatal(err)
	}
	train, _, err := dataset.LoadMNIST(dir)
	if err != nil {
		b.Fatal(err)
	}
	return mat.NewDense(train.Len(), dataset.MNISTPixels, dataset.Floats[float64](train.Pixels, dataset.Unit))
}

// BenchmarkPCAMNIST fits 50 components to MNIST's training images with each
// solver and reports the explained-variance ratio of the 50.
func BenchmarkPCAMNIST(b *testing.B) {
	X := mnistTrain(b)
	for _, solver := range []Solver{CovarianceEigen, FullSVD, RandomizedSVD} {
		b.Run(solver.String(), func(b *testing.B) {
			b.ReportAllocs()
			var ratio float64
			for b.Loop() {
				pca := PCA{NComponents: 50, Solver: solver}
				if err := pca.Fit(X); err != nil {
					b.Fatal(err)
				}
				ratio = 0
				for _, r := range pca.ExplainedVarianceRatio {
					ratio += r
				}
			}
			b.ReportMetric(ratio*1e6, "ppm-ratio50") // the ratio in millionths: the benchmark output keeps 6 digits
		})
	}
}

// BenchmarkCovarianceMNIST computes the 784×784 covariance of MNIST's
// training images.
func BenchmarkCovarianceMNIST(b *testing.B) {
	X := mnistTrain(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Covariance(X, 1); err != nil {
			b.Fatal(err)
		}
	}
}
