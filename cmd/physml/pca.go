package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/figures"
	"github.com/physml/physml/internal/cli"
)

type pcaOptions struct {
	cli.Common
	input       string
	labelColumn string
	components  string
	solver      string
	correlation bool
	whiten      bool
	limit       int
}

const pcaSummary = `Principal component analysis of MNIST's training images (pixels/255), or of
--input: a .csv with numeric columns, a .npy (or archive.npz:name, or an
.npz of one array) of shape (samples, features), or images of shape
(samples, height, width). Prints the explained-variance table and writes
into --out components.npy, scores.npy, mean.npy, explained_variance.npy,
explained_variance_ratio.npy (scikit-learn's attributes), scree.png, for
images components.png (the first components as images), and, when there
are labels, scatter.png.`

func runPCA(args []string, stdout, stderr io.Writer) error {
	var o pcaOptions
	fs := newFlagSet("pca", pcaSummary, stdout)
	o.Common.Register(fs)
	o.RegisterTable(fs)
	fs.StringVar(&o.input, "input", "", "data file (.csv, .npy, .npz or archive.npz:name); default MNIST")
	fs.StringVar(&o.labelColumn, "label-column", "", "CSV column (name or index) of class labels, for the scatter plot")
	fs.StringVar(&o.components, "components", "50", "number of components, or a variance fraction in (0, 1)")
	fs.StringVar(&o.solver, "solver", "auto", "auto, covariance, svd or randomized")
	fs.BoolVar(&o.correlation, "correlation", false, "standardise the columns first (PCA of the correlation matrix)")
	fs.BoolVar(&o.whiten, "whiten", false, "scale the scores to unit variance")
	fs.IntVar(&o.limit, "limit", 0, "use only the first N samples (0: all); the rest of the file is not read")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	pca, err := o.model()
	if err != nil {
		return usageError(err)
	}
	if err := o.Common.Check(); err != nil {
		return err
	}
	X, labels, imageShape, err := o.load()
	if err != nil {
		return err
	}
	if o.correlation {
		if X, err = decomposition.Standardize(X); err != nil {
			return err
		}
	}
	ctx, stop := o.Start(stderr)
	defer stop()
	n, p := X.Dims()
	start := time.Now()
	scores, err := pca.FitTransformContext(ctx, X)
	if ctx.Err() != nil {
		return errors.New("interrupted during the fit; nothing written")
	} else if err != nil {
		return err
	}
	elapsed := time.Since(start)
	k, _ := pca.Components.Dims()
	fmt.Fprintf(stdout, "PCA of %d samples × %d features: %d components, solver %v, %v (backend %s)\n", n, p, k, pca.UsedSolver, elapsed.Round(time.Millisecond), blas.Describe())
	fmt.Fprint(stdout, pca.VarianceTable(20))

	// Everything is encoded and drawn before the first file is written.
	out := &cli.Outputs{}
	out.Npy("components.npy", []int{k, p}, pca.Components.RawMatrix().Data)
	out.Npy("scores.npy", []int{n, k}, scores.RawMatrix().Data)
	out.Npy("mean.npy", []int{p}, pca.Mean)
	out.Npy("explained_variance.npy", []int{k}, pca.ExplainedVariance)
	out.Npy("explained_variance_ratio.npy", []int{k}, pca.ExplainedVarianceRatio)
	out.File("scree.png")(figures.Scree(pca.ExplainedVarianceRatio))
	if labels != nil && k >= 2 {
		out.File("scatter.png")(figures.PCAScatter(scores, pca.ExplainedVarianceRatio, labels))
	}
	if imageShape != nil {
		out.File("components.png")(figures.Components(pca.Components, imageShape[0], imageShape[1]))
	}
	if ctx.Err() != nil {
		return errors.New("interrupted; nothing written")
	}
	return o.Write(out, stdout)
}

func (o *pcaOptions) model() (*decomposition.PCA, error) {
	pca := &decomposition.PCA{Whiten: o.whiten, Seed: o.Seed}
	var err error
	if pca.Solver, err = decomposition.ParseSolver(o.solver); err != nil {
		return nil, fmt.Errorf("--solver: %v", err)
	}
	if pca.NComponents, pca.VarianceFraction, err = decomposition.ParseComponents(o.components); err != nil {
		return nil, fmt.Errorf("--%v", err)
	}
	if o.limit < 0 {
		return nil, fmt.Errorf("--limit %d must not be negative", o.limit)
	}
	return pca, nil
}

// load reads --input, or MNIST's training images, reading no further than
// --limit samples into the file. For images it returns their shape.
func (o *pcaOptions) load() (x *mat.Dense, labels []int, imageShape []int, err error) {
	lim := dataset.Limits{Rows: o.limit}
	if o.input == "" {
		train, _, err := o.MNIST(o.limit, 1)
		if err != nil {
			return nil, nil, nil, err
		}
		return mat.NewDense(train.Len(), dataset.MNISTPixels, dataset.Floats[float64](train.Pixels, dataset.Unit)), train.Labels,
			[]int{dataset.MNISTRows, dataset.MNISTCols}, nil
	}
	if o.labelColumn != "" && !strings.EqualFold(filepath.Ext(o.input), ".csv") {
		return nil, nil, nil, usageError(fmt.Errorf("--label-column applies to .csv input only"))
	}
	s, err := dataset.ReadSamples(dataset.SampleFiles{X: o.input, LabelColumn: o.labelColumn, Comma: o.Comma, Drop: o.Drop, Columns: o.Keep}, lim)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(s.Shape) == 2 {
		imageShape = s.Shape
	}
	return mat.NewDense(s.N, s.Features, s.X), s.Labels, imageShape, nil
}
