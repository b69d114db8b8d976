// Package beamtest helps the tests and benchmarks of the Beam pipelines:
// it runs a pipeline on the default runner without the runner's log, and
// writes data (MNIST's training images) as .npy shards.
package beamtest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/beam/shards"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/mnistdir"
)

// Train returns MNIST's 60000 training images as rows of 784 pixel values
// in [0, 1] (or an error when the files are not to be found).
func Train() (*mat.Dense, error) {
	dir, err := mnistdir.Find()
	if err != nil {
		return nil, err
	}
	train, _, err := dataset.LoadMNIST(dir)
	if err != nil {
		return nil, err
	}
	return mat.NewDense(train.Len(), dataset.MNISTPixels, dataset.Floats[float64](train.Pixels, dataset.Unit)), nil
}

// Write writes the rows of X into k float64 .npy shards in dir, as equal
// as can be (shard-00.npy, …), and returns their glob.
func Write(dir string, X *mat.Dense, k int) (string, error) {
	n, p := X.Dims()
	for i := range k {
		lo, hi := i*n/k, (i+1)*n/k
		data := make([]float64, 0, (hi-lo)*p)
		for r := lo; r < hi; r++ {
			data = append(data, X.RawRowView(r)...)
		}
		if err := shards.WriteNpy(context.Background(), filepath.Join(dir, fmt.Sprintf("shard-%02d.npy", i)), hi-lo, p, data); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, "shard-*.npy"), nil
}

// Run runs p on the default runner (set by ptest.MainWithDefault), showing
// only the runner's warnings: a failing pipeline's error is returned, not
// logged.
func Run(p *beam.Pipeline) error {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError + 4})))
	return beamx.Run(context.Background(), p)
}
