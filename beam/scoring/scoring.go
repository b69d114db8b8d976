// Package scoring scores the rows of a Beam pipeline with a saved physml
// model: an autoencoder's reconstruction error per row, or a classifier's
// class probabilities.
//
// The model file is read once per DoFn instance (in Setup, on each worker,
// from any file system Beam knows) and rebuilt from its metadata by
// physml's saved package, as physml eval does; its input scaling is the one
// saved with it. The rows of each Block go through the model together, so
// the work is batched products through the BLAS path (with OpenBLAS on one
// thread per bundle: the runner runs a bundle per core).
package scoring

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/physml/physml/beam/shards"
	"github.com/physml/physml/blas"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/saved"
)

func init() {
	register.DoFn1x2[shards.Block, shards.Block, error](&scoreFn{})
}

// Score returns the scores of blocks, a PCollection of shards.Block, as a
// PCollection of shards.Block: for each input block one block of the same
// shard and rows whose Cols are the model's outputs per row (1 for an
// autoencoder, steps·outputs for a regressor).
func Score(s beam.Scope, modelPath string, blocks beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("scoring.Score"), &scoreFn{Model: modelPath}, blocks)
}

// Load reads the model file at path through Beam's file systems, reading
// at most dataset.MaxBytes.
func Load(ctx context.Context, path string) (*saved.Model, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, dataset.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > dataset.MaxBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes (dataset.MaxBytes)", path, dataset.MaxBytes)
	}
	m, err := saved.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

type scoreFn struct {
	Model string

	model *saved.Model
}

func (fn *scoreFn) Setup(ctx context.Context) error {
	m, err := Load(ctx, fn.Model)
	fn.model = m
	return err
}

func (fn *scoreFn) ProcessElement(b shards.Block) (shards.Block, error) {
	var scores []float64
	var err error
	// The runner runs a bundle per core: OpenBLAS's own threads would
	// only compete with them.
	blas.RunSingleThreaded(func() { scores, err = fn.model.Score(b.Data, b.Rows, b.Cols) })
	if err != nil {
		return shards.Block{}, fmt.Errorf("%s, rows %d to %d: %w", b.File, b.Row, b.Row+b.Rows-1, err)
	}
	return shards.Block{File: b.File, Row: b.Row, Rows: b.Rows, Cols: len(scores) / max(b.Rows, 1), Data: scores}, nil
}
