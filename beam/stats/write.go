package stats

import (
	"context"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/beam/shards"
	"github.com/physml/physml/decomposition"
)

func init() {
	register.DoFn2x1[context.Context, *mat.SymDense, error](&writeMatrixFn{})
	register.DoFn2x1[context.Context, *decomposition.PCA, error](&writePCAFn{})
}

// WriteMatrix writes the matrix (*mat.SymDense) of col, as Covariance and
// Correlation return it, to path as a p×p float64 .npy file.
func WriteMatrix(s beam.Scope, path string, col beam.PCollection) {
	beam.ParDo0(s.Scope("stats.WriteMatrix"), &writeMatrixFn{Path: path}, col)
}

type writeMatrixFn struct{ Path string }

func (fn *writeMatrixFn) ProcessElement(ctx context.Context, m *mat.SymDense) error {
	n := m.SymmetricDim()
	data := make([]float64, n*n)
	for i := range n {
		for j := range n {
			data[i*n+j] = m.At(i, j)
		}
	}
	return shards.WriteNpy(ctx, fn.Path, n, n, data)
}

// PCAFiles are the files WritePCA writes in its folder, in this order:
// the components (k×p), the variance along each, its ratio to the total,
// the singular values (k each) and the mean (p).
var PCAFiles = []string{"components.npy", "explained_variance.npy", "explained_variance_ratio.npy", "singular_values.npy", "mean.npy"}

// WritePCA writes the fitted PCA of col into the folder dir as the .npy
// files PCAFiles names, under scikit-learn's attribute names.
func WritePCA(s beam.Scope, dir string, col beam.PCollection) {
	beam.ParDo0(s.Scope("stats.WritePCA"), &writePCAFn{Dir: dir}, col)
}

type writePCAFn struct{ Dir string }

func (fn *writePCAFn) ProcessElement(ctx context.Context, p *decomposition.PCA) error {
	k, d := p.Components.Dims()
	name := func(i int) string { return strings.TrimSuffix(fn.Dir, "/") + "/" + PCAFiles[i] }
	if err := shards.WriteNpy(ctx, name(0), k, d, p.Components.RawMatrix().Data); err != nil {
		return err
	}
	for i, v := range [][]float64{p.ExplainedVariance, p.ExplainedVarianceRatio, p.SingularValues, p.Mean} {
		if err := shards.WriteNpy(ctx, name(i+1), len(v), 0, v); err != nil {
			return err
		}
	}
	return nil
}
