package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/figures"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/internal/progress"
	"github.com/physml/physml/lapack"
	"github.com/physml/physml/nn"
)

const covarianceSummary = `The lecture's covariance example: x ~ N(0, 1), y = 4 + 3x + ε with ε ~ N(0, 1).
Prints the 2×2 covariance matrix with 1/n and 1/(n-1), the correlation
matrix and its eigenvalues, and the principal axes.

With --input (a .csv with numeric columns, or a .npy of shape (samples,
features)) it computes the covariance (1/(n−1)) and the correlation of your
table's columns instead, prints them when there are at most 10 columns, and
writes covariance.npy, correlation.npy and correlation.png (a heat map with
the column names) into --out.`

func runCovariance(args []string, stdout, _ io.Writer) error {
	var c cli.Common
	fs := newFlagSet("covariance", covarianceSummary, stdout)
	c.Register(fs)
	c.RegisterTable(fs)
	n := fs.Int("n", 1000, "number of samples of the lecture's example")
	input := fs.String("input", "", "your table (.csv or .npy) instead of the lecture's example")
	labelColumn := fs.String("label-column", "", "a CSV column of labels, left out")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n < 2 {
		return usageError(fmt.Errorf("--n %d: need at least 2 samples", *n))
	}
	if *input != "" {
		if err := c.Check(); err != nil {
			return err
		}
		return tableCovariance(&c, *input, *labelColumn, stdout)
	}
	if err := c.NotWith("to the lecture's example (it is for --input)", "label-column", "drop", "columns", "delimiter", "out"); err != nil {
		return err
	}
	X := mat.NewDense(*n, 2, dataset.LinePlusNoise(*n, c.Seed))
	fmt.Fprintf(stdout, "x ~ N(0,1), y = 4 + 3x + ε, %d samples (population: var x = 1, cov = 3, var y = 10, ρ = 3/√10 = 0.9487)\n\n", *n)
	for _, ddof := range []int{0, 1} {
		c, err := decomposition.Covariance(X, ddof)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "covariance, 1/(n-%d):\n%.4f\n\n", ddof, mat.Formatted(c))
	}
	r, err := decomposition.Correlation(X)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "correlation:\n%.4f\n\n", mat.Formatted(r))
	values := make([]float64, 2)
	vectors := make([]float64, 4)
	a := mat.DenseCopyOf(r).RawMatrix().Data
	if !lapack.EigSym(2, a, 2, values, vectors, 2) {
		return errors.New("eigensolver did not converge")
	}
	fmt.Fprintf(stdout, "eigenvalues of the correlation matrix: %.4f (both positive: positive definite)\n", values)
	pca := decomposition.PCA{NComponents: 2}
	if err := pca.Fit(X); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "principal axes (rows):\n%.4f\nexplained variance ratio %.4f\n", mat.Formatted(pca.Components), pca.ExplainedVarianceRatio)
	return nil
}

// tableCovariance writes the covariance and the correlation of the
// columns of the table at path.
func tableCovariance(c *cli.Common, path, labelColumn string, stdout io.Writer) error {
	s, err := dataset.ReadSamples(dataset.SampleFiles{X: path, LabelColumn: labelColumn, Comma: c.Comma, Drop: c.Drop, Columns: c.Keep}, dataset.Limits{})
	if err != nil {
		return err
	}
	if s.N < 2 || len(s.Shape) > 1 {
		return fmt.Errorf("%s: %d samples of shape %v: want a table of at least 2 rows", path, s.N, s.Shape)
	}
	X := mat.NewDense(s.N, s.Features, s.X)
	cov, err := decomposition.Covariance(X, 1)
	if err != nil {
		return err
	}
	corr, err := decomposition.Correlation(X)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	names := s.FeatureNames()
	fmt.Fprintf(stdout, "%s: %d samples of %d columns (%s)\n", path, s.N, s.Features, strings.Join(names, ", "))
	if s.Features <= 10 {
		fmt.Fprintf(stdout, "covariance, 1/(n-1):\n%.4g\n\ncorrelation:\n%.4f\n", mat.Formatted(cov), mat.Formatted(corr))
	}
	p := s.Features
	out := &cli.Outputs{}
	out.Npy("covariance.npy", []int{p, p}, mat.DenseCopyOf(cov).RawMatrix().Data)
	out.Npy("correlation.npy", []int{p, p}, mat.DenseCopyOf(corr).RawMatrix().Data)
	out.File("correlation.png")(figures.CorrelationMap("correlation of "+filepath.Base(path), names, corr))
	return c.Write(out, stdout)
}

const linearAESummary = `Train a linear autoencoder 784-k-784 (identity activations, MSE) on MNIST
images and compare it with PCA: the principal angles between the decoder's
subspace and the top-k principal subspace, and both reconstruction errors.`

func runLinearAE(args []string, stdout, stderr io.Writer) error {
	var c cli.Common
	fs := newFlagSet("linear-ae", linearAESummary, stdout)
	c.Register(fs)
	k := fs.Int("code", 16, "code size (number of components)")
	cli.Renamed(fs, "k", "--code")
	epochs := fs.Int("epochs", 60, "training epochs")
	lr := fs.Float64("lr", 5e-3, "Adam learning rate (cosine-annealed)")
	batch := fs.Int("batch", 128, "batch size")
	n := fs.Int("train-limit", 10000, "use only the first N MNIST training images")
	cli.Renamed(fs, "limit", "--train-limit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *k <= 0 || *k >= dataset.MNISTPixels || *epochs <= 0 || !(*lr > 0) || math.IsInf(*lr, 0) || *batch <= 0 || *n < 2 {
		return usageError(fmt.Errorf("--code in [1, 783], --epochs, --lr, --batch positive and --train-limit ≥ 2 required"))
	}
	if err := c.Check(); err != nil {
		return err
	}
	train, _, err := c.MNIST(*n, 1)
	if err != nil {
		return err
	}
	if train.Len() < 2 {
		return fmt.Errorf("the MNIST training file holds %d image; the comparison needs at least 2", train.Len())
	}
	ctx, stop := c.Start(stderr)
	defer stop()
	x := nn.MatrixFrom(train.Len(), dataset.MNISTPixels, dataset.Floats[float32](train.Pixels, dataset.Unit))
	a := ae.NewLinear[float32](dataset.MNISTPixels, *k, c.Seed)
	prog := progress.New(stderr, *epochs)
	start := time.Now()
	res, err := ae.CompareLinearWithPCA(ctx, a, x, nn.NewAdam(a.Params(), nn.AdamConfig{LR: *lr}), nn.FitConfig[float32]{
		Epochs: *epochs, BatchSize: *batch, Seed: c.Seed, Schedule: nn.CosineAnnealing{TMax: *epochs, Min: 1e-6},
		OnBatch: prog.Batch, OnEpoch: func(nn.EpochStats) { prog.Done() }})
	prog.Done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "linear autoencoder 784-%d-784 on %d images, %d epochs (%v)\n", *k, train.Len(), *epochs, time.Since(start).Round(10*time.Millisecond))
	fmt.Fprintf(stdout, "principal angles to the PCA subspace (rad): %.4f\n", res.Angles)
	fmt.Fprintf(stdout, "%-22s %s\n%-22s %.6f\n%-22s %.6f\n", "reconstruction MSE", "", "  linear autoencoder", res.AutoencoderMSE, "  PCA (k components)", res.PCAMSE)
	fmt.Fprintf(stdout, "the autoencoder's error is %.2f %% above PCA's; largest angle %.4f rad\n", 100*(res.AutoencoderMSE/res.PCAMSE-1), res.Angles[len(res.Angles)-1])
	return nil
}
