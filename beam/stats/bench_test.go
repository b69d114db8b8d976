package stats

import (
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/beam/internal/beamtest"
	"github.com/physml/physml/beam/shards"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/decomposition"
)

// mnistGlob writes MNIST's training images in 8 shards for a benchmark.
func mnistGlob(b *testing.B) string {
	X, err := beamtest.Train()
	if err != nil {
		b.Skip(err)
	}
	glob, err := beamtest.Write(b.TempDir(), X, 8)
	if err != nil {
		b.Fatal(err)
	}
	return glob
}

// The PCA (40 components) of MNIST's 60000 × 784 in 8 .npy shards on the
// local runner: reading, the per-worker co-moments, merging, the
// eigendecomposition and writing the results.
func BenchmarkPipelinePCAMNIST8Shards(b *testing.B) {
	glob := mnistGlob(b)
	out := b.TempDir()
	b.ResetTimer()
	for range b.N {
		if err := run(func(s beam.Scope) {
			WritePCA(s, out, PCA(s, shards.Rows(s, shards.Read(s, glob, shards.Options{})), decomposition.PCA{NComponents: 40}))
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(60000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// The same in one process: read the 8 shards and fit decomposition.PCA
// (CovarianceEigen) of the whole.
func BenchmarkSingleProcessPCAMNIST8Shards(b *testing.B) {
	glob := mnistGlob(b)
	names, err := filepath.Glob(glob)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		var data []float64
		for _, name := range names {
			a, err := dataset.ReadNpy(name)
			if err != nil {
				b.Fatal(err)
			}
			data = append(data, a.Data...)
		}
		pca := decomposition.PCA{NComponents: 40, Solver: decomposition.CovarianceEigen}
		if err := pca.Fit(mat.NewDense(len(data)/784, 784, data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(60000*b.N)/b.Elapsed().Seconds(), "rows/s")
}
