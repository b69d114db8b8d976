package main

import (
	"fmt"

	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/saved"
)

// readRows reads the rows for m named by f (saved.Model.ReadRows), or,
// for a model trained on MNIST and no --input, the first f.Limit MNIST
// test images (pixels 0–255).
func readRows(c *cli.Common, m *saved.Model, f saved.Files, model string) (*saved.Rows, error) {
	mnist := m.Metadata[nn.KeyData] != "user"
	switch {
	case f.Input == "" && !mnist:
		return nil, usageError(fmt.Errorf("%s was trained on your data: give the data to apply it to with --input", model))
	case f.Input != "" && mnist:
		return nil, usageError(fmt.Errorf("%s was trained on MNIST and reads MNIST images; --input is for models trained on your data", model))
	case f.Input == "":
		_, test, err := c.MNIST(1, f.Limit)
		if err != nil {
			return nil, err
		}
		r, err := m.MNISTRows(test)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", model, err)
		}
		return r, nil
	case m.Sequences() && f.LabelColumn != "":
		return nil, usageError(fmt.Errorf("--label-column is for CSV tables; %s reads sequences", model))
	case !m.Sequences() && (f.Lengths != "" || f.Targets != ""):
		return nil, usageError(fmt.Errorf("--lengths is for sequences (and --targets for a regressor's); %s reads rows of %d values", model, m.Features()))
	}
	r, err := m.ReadRows(f)
	if err == nil && r.Lengths == nil && m.Metadata[nn.KeyLengths] == "true" {
		// Read to full length, padded sequences would give other numbers
		// than in training (an accuracy of 0.983 became 0.961).
		return nil, usageError(fmt.Errorf("%s was trained on sequences with --lengths: give the lengths of these too (--lengths)", model))
	}
	return r, err
}
