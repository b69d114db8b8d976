package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/saved"
)

const evalSummary = `Load a model saved by "physml lstm", "physml autoencoder" or "physml forecast"
(its architecture and how its inputs were scaled are in the safetensors
metadata) and evaluate it: accuracy for a classifier, RMSE and MAE of each
output for a regressor (--targets), reconstruction MSE for an autoencoder,
test RMSE and MAE for a forecaster.

A model trained on MNIST is evaluated on the MNIST test set. A model
trained on your data is evaluated on the data you give, scaled with the
training statistics saved in the file: --input X.npy --labels y.npy
[--lengths L.npy] for a classifier, --input (and optional --labels) for an
autoencoder, --input series.csv or --example NAME for a forecaster (its
last 15 %, as in training).`

type evalOptions struct {
	cli.Common
	model, input, labels, lengths, labelColumn string
	targets                                    string
	example, timeColumn, fill                  string
	testLimit                                  int
}

func runEval(args []string, stdout, _ io.Writer) error {
	var o evalOptions
	fs := newFlagSet("eval", evalSummary, stdout)
	o.Common.Register(fs)
	o.RegisterTable(fs)
	fs.StringVar(&o.model, "model", "", "the .safetensors file to evaluate (required)")
	fs.IntVar(&o.testLimit, "test-limit", 0, "use only the first N MNIST test images, or samples of --input (0: all)")
	fs.StringVar(&o.input, "input", "", "your data, for a model trained on --input: sequences, samples or a CSV series")
	fs.StringVar(&o.labels, "labels", "", "labels of --input (.npy or archive.npz:name)")
	fs.StringVar(&o.lengths, "lengths", "", "valid lengths of --input sequences")
	fs.StringVar(&o.targets, "targets", "", "per-step targets of a regressor's --input, (sequences, steps[, outputs])")
	fs.StringVar(&o.labelColumn, "label-column", "", "CSV column of labels of an autoencoder's --input")
	fs.StringVar(&o.example, "example", "", "a forecaster's series shipped with physml: "+strings.Join(dataset.ExampleNames(), " or "))
	fs.StringVar(&o.timeColumn, "time-column", "", "a forecaster's --input column of times")
	fs.StringVar(&o.fill, "fill", "", "a forecaster's missing values: an error (default), previous or linear")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.model == "" {
		return usageError(fmt.Errorf("--model is required"))
	}
	if err := cli.CheckLimit("test-limit", o.testLimit); err != nil {
		return err
	}
	if err := o.CheckFlags(); err != nil {
		return err
	}
	m, err := saved.Load(o.model)
	if err != nil {
		return err
	}
	if m.Kind == saved.Forecaster {
		return o.forecaster(m, stdout)
	}
	if o.example != "" || o.timeColumn != "" || o.fill != "" {
		return usageError(fmt.Errorf("--example, --time-column and --fill are for forecasters; %s is a %v", o.model, m.Kind))
	}
	if (m.Kind == saved.Regressor) != (o.targets != "") {
		return usageError(fmt.Errorf("--targets: a regressor, and only a regressor, is evaluated against targets"))
	}
	r, err := readRows(&o.Common, m, saved.Files{Input: o.input, Lengths: o.lengths, Labels: o.labels, LabelColumn: o.labelColumn, Targets: o.targets, Comma: o.Comma, Drop: o.Drop, Columns: o.Keep, Limit: o.testLimit}, o.model)
	if err != nil {
		return err
	}
	if m.Kind == saved.Classifier && r.Labels == nil {
		return usageError(fmt.Errorf("--labels: a classifier is evaluated against labels"))
	}
	ev, err := m.Evaluate(r.X, r.N, r.Width, r.Lengths, r.Labels, r.Targets)
	if err != nil {
		return fmt.Errorf("%s with %s: %w", r.Source, o.model, err)
	}
	fmt.Fprintf(stdout, "%s on %s: %s", o.model, r.Source, m.Report(ev))
	return nil
}

// forecaster prints the test RMSE and MAE of a saved forecaster (the
// average of its ensemble) on the test part of the given series.
func (o *evalOptions) forecaster(m *saved.Model, stdout io.Writer) error {
	f := m.Forecaster
	if o.lengths != "" || o.labels != "" || o.labelColumn != "" || o.testLimit != 0 {
		return usageError(fmt.Errorf("--lengths, --labels, --label-column and --test-limit are for rows; a forecaster reads a series"))
	}
	s, source, err := seriesSource{o.input, o.example, o.timeColumn, o.fill}.load(f.Columns(), o.Comma, o.Drop)
	if err != nil {
		return err
	}
	values, err := f.SeriesValues(s)
	if err != nil {
		return err
	}
	got, n, err := f.TestErrors(values)
	if err != nil {
		return fmt.Errorf("%s with %s: %w", source, o.model, err)
	}
	fmt.Fprintf(stdout, "%s: %d %v network(s), test RMSE %.4g  MAE %.4g  over %d windows of %s (%s units)\n", o.model, len(f.Members), f.Members[0].RNN.Cell, got.RMSE, got.MAE, n, source, strings.Join(s.Names, ", "))
	return nil
}
