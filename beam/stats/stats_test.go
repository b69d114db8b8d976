package stats

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/beam/internal/beamtest"
	"github.com/physml/physml/beam/shards"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/internal/numcheck"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

// writeShards writes the rows of X into k .npy shards in dir and returns
// their glob.
func writeShards(t testing.TB, dir string, X *mat.Dense, k int) string {
	t.Helper()
	glob, err := beamtest.Write(dir, X, k)
	if err != nil {
		t.Fatal(err)
	}
	return glob
}

// readNpy reads a .npy file the pipeline wrote.
func readNpy(t testing.TB, path string) *dataset.Array {
	t.Helper()
	a, err := dataset.ReadNpy(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// run builds a pipeline with build and runs it on the default runner.
func run(build func(s beam.Scope)) error {
	p, s := beam.NewPipelineWithRoot()
	build(s)
	return beamtest.Run(p)
}

// wavy returns n × p values with correlated columns of different scales.
func wavy(n, p int) *mat.Dense {
	X := mat.NewDense(n, p, nil)
	for i := range n {
		for j := range p {
			X.Set(i, j, float64(j+1)*math.Sin(0.37*float64(i)*float64(j%5+1)+float64(j))+0.01*float64(i%7))
		}
	}
	return X
}

// mnistRows returns MNIST's 60000 training images as rows of pixels in [0, 1].
func mnistRows(t testing.TB) *mat.Dense {
	X, err := beamtest.Train()
	if err != nil {
		t.Skip(err)
	}
	return X
}

// comparePCA checks got, read back from WritePCA's files, against the
// batch PCA want: relative differences of the variances, absolute ones of
// the components (unit rows) and the mean.
func comparePCA(t *testing.T, got, want *decomposition.PCA, tol float64) {
	t.Helper()
	if gr, gc := got.Components.Dims(); gr != len(want.ExplainedVariance) || gc != want.NFeatures {
		t.Fatalf("components %d×%d; want %d×%d", gr, gc, len(want.ExplainedVariance), want.NFeatures)
	}
	numcheck.CloseRel(t, "explained variance", got.ExplainedVariance, want.ExplainedVariance, tol, 0)
	numcheck.CloseRel(t, "explained variance ratio", got.ExplainedVarianceRatio, want.ExplainedVarianceRatio, tol, 0)
	numcheck.CloseRel(t, "singular values", got.SingularValues, want.SingularValues, tol, 0)
	numcheck.Close(t, "components", got.Components.RawMatrix().Data, want.Components.RawMatrix().Data, tol)
	numcheck.Close(t, "mean", got.Mean, want.Mean, tol)
}

// pipelinePCA runs the PCA pipeline on the shards of glob and reads back
// what WritePCA wrote.
func pipelinePCA(t *testing.T, glob string, opt decomposition.PCA) *decomposition.PCA {
	t.Helper()
	out := t.TempDir()
	if err := run(func(s beam.Scope) {
		WritePCA(s, out, PCA(s, shards.Rows(s, shards.Read(s, glob, shards.Options{})), opt))
	}); err != nil {
		t.Fatal(err)
	}
	comp := readNpy(t, filepath.Join(out, "components.npy"))
	got := &decomposition.PCA{PCAFit: decomposition.PCAFit{
		Components:             mat.NewDense(comp.Shape[0], comp.Shape[1], comp.Data),
		ExplainedVariance:      readNpy(t, filepath.Join(out, "explained_variance.npy")).Data,
		ExplainedVarianceRatio: readNpy(t, filepath.Join(out, "explained_variance_ratio.npy")).Data,
		SingularValues:         readNpy(t, filepath.Join(out, "singular_values.npy")).Data,
		Mean:                   readNpy(t, filepath.Join(out, "mean.npy")).Data,
	}}
	return got
}

func TestPCAOfShardsEqualsPCAOfTheWhole(t *testing.T) {
	X := wavy(3001, 12)
	glob := writeShards(t, t.TempDir(), X, 5)
	want := &decomposition.PCA{NComponents: 6, Solver: decomposition.CovarianceEigen}
	if err := want.Fit(X); err != nil {
		t.Fatal(err)
	}
	got := pipelinePCA(t, glob, decomposition.PCA{NComponents: 6})
	comparePCA(t, got, want, 1e-12)
}

// The test: MNIST's 60000 × 784 training images in 8 shards.
func TestPCAOfMNISTShards(t *testing.T) {
	if testing.Short() {
		t.Skip("MNIST in 8 shards: not with -short")
	}
	X := mnistRows(t)
	glob := writeShards(t, t.TempDir(), X, 8)
	// Rounding moves a component by about ε·λ₁/gap to its neighbours: the
	// first 40 of MNIST's differ by at most 6.5e-13 (the 50th, 0.6 % from
	// the 51st, by 1.7e-12).
	const k = 40
	want := &decomposition.PCA{NComponents: k, Solver: decomposition.CovarianceEigen}
	if err := want.Fit(X); err != nil {
		t.Fatal(err)
	}
	got := pipelinePCA(t, glob, decomposition.PCA{NComponents: k})
	comparePCA(t, got, want, 1e-12)

	out := filepath.Join(t.TempDir(), "cov.npy")
	if err := run(func(s beam.Scope) {
		WriteMatrix(s, out, Covariance(s, shards.Rows(s, shards.Read(s, glob, shards.Options{})), 1))
	}); err != nil {
		t.Fatal(err)
	}
	cov, err := decomposition.Covariance(X, 1)
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "covariance", readNpy(t, out).Data, symData(cov), 1e-12*maxAbs(symData(cov)))
}

func symData(m *mat.SymDense) []float64 {
	n := m.SymmetricDim()
	out := make([]float64, 0, n*n)
	for i := range n {
		for j := range n {
			out = append(out, m.At(i, j))
		}
	}
	return out
}

func maxAbs(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

func TestCovarianceAndCorrelationOfShards(t *testing.T) {
	X := wavy(1500, 7)
	glob := writeShards(t, t.TempDir(), X, 3)
	dir := t.TempDir()
	covPath, corrPath, cov0Path := filepath.Join(dir, "cov.npy"), filepath.Join(dir, "corr.npy"), filepath.Join(dir, "cov0.npy")
	if err := run(func(s beam.Scope) {
		rows := shards.Rows(s, shards.Read(s, glob, shards.Options{BlockRows: 100}))
		WriteMatrix(s, covPath, Covariance(s, rows, 1))
		WriteMatrix(s, cov0Path, Covariance(s, rows, 0))
		WriteMatrix(s, corrPath, Correlation(s, rows))
	}); err != nil {
		t.Fatal(err)
	}
	var m decomposition.Moments
	if err := m.Add(X); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want func() (*mat.SymDense, error)
	}{
		{covPath, func() (*mat.SymDense, error) { return m.Covariance(1) }},
		{cov0Path, func() (*mat.SymDense, error) { return m.Covariance(0) }},
		{corrPath, m.Correlation},
	} {
		want, err := c.want()
		if err != nil {
			t.Fatal(err)
		}
		a := readNpy(t, c.path)
		if len(a.Shape) != 2 || a.Shape[0] != 7 || a.Shape[1] != 7 {
			t.Fatalf("%s: shape %v; want [7 7]", c.path, a.Shape)
		}
		numcheck.Close(t, filepath.Base(c.path), a.Data, symData(want), 1e-14*maxAbs(symData(want))) // measured 1.4e-14 on values up to about 25
	}
}

func TestBadShardsFailThePipelineNamingFileAndRow(t *testing.T) {
	X := wavy(300, 4)
	for _, c := range []struct {
		name  string
		plant func(dir string)
		want  []string
	}{
		{"NaN row", func(dir string) {
			// A NaN at row 7 of a 10-row shard.
			d := make([]float64, 40)
			d[7*4+2] = math.NaN()
			if err := shards.WriteNpy(context.Background(), filepath.Join(dir, "shard-01.npy"), 10, 4, d); err != nil {
				t.Fatal(err)
			}
		}, []string{"shard-01.npy, row 7, column 2: NaN"}},
		{"wrong width", func(dir string) {
			if err := shards.WriteNpy(context.Background(), filepath.Join(dir, "shard-02.npy"), 5, 3, make([]float64, 15)); err != nil {
				t.Fatal(err)
			}
		}, []string{"shard-02.npy, row 0: 3 values per row", "shard-00.npy, has 4"}},
		{"not an npy", func(dir string) {
			if err := os.WriteFile(filepath.Join(dir, "shard-03.npy"), []byte("hello"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"shard-03.npy: not a .npy file"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			glob := writeShards(t, dir, X, 3)
			c.plant(dir)
			err := run(func(s beam.Scope) {
				WriteMatrix(s, filepath.Join(dir, "cov.npy"), Covariance(s, shards.Rows(s, shards.Read(s, glob, shards.Options{})), 1))
			})
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if _, serr := os.Stat(filepath.Join(dir, "cov.npy")); serr == nil {
				t.Error("the failed pipeline wrote its output")
			}
		})
	}
}
