package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/saved"
)

const predictSummary = `Apply any model saved by physml to new data and write its outputs into
--out, with the data prepared as in training (the scaling saved in the
model file). Outputs are .npy files, or CSV files when --input is a CSV:

  a classifier:   classes, probabilities (a column per class)
  a regressor:    outputs
  an autoencoder, a VAE or a sequence autoencoder:
                  codes, reconstructions (in the data's units), errors
  an anomaly detector: scores, flags (1 above its threshold), codes and
                  reconstructions; of sequences also step_scores (the
                  fault locator's score of every step: where the fault is)
  a forecaster:   forecast: the next --horizon steps after the end of the
                  series, every variable (recursively beyond the
                  forecaster's own horizon), and the bounds of its
                  prediction intervals within its horizon (forecast_lower,
                  forecast_upper; in a CSV, columns NAME_lower, NAME_upper).
                  A forecaster with covariates reads their values over the
                  steps forecast from --future, a CSV of those columns.

--input holds rows as in training: a table (.csv, .npy of (n, features)),
sequences (.npy of (n, steps[, features]), with --lengths), or a CSV time
series for a forecaster. For a model trained on MNIST, rows are pixel
values 0–255, and without --input the MNIST test images are used.`

type predictOptions struct {
	cli.Common
	model, input, lengths, labelColumn string
	example, timeColumn, fill, future  string
	horizon, limit                     int
}

func runPredict(args []string, stdout, _ io.Writer) error {
	var o predictOptions
	fs := newFlagSet("predict", predictSummary, stdout)
	o.Common.Register(fs)
	o.RegisterTable(fs)
	fs.StringVar(&o.model, "model", "", "the .safetensors file to apply (required)")
	fs.StringVar(&o.input, "input", "", "the data: rows, sequences or a CSV series (default: MNIST test images for an MNIST model)")
	fs.StringVar(&o.lengths, "lengths", "", "valid lengths of --input sequences")
	fs.StringVar(&o.labelColumn, "label-column", "", "a CSV column to leave out of the rows (labels)")
	fs.StringVar(&o.example, "example", "", "a forecaster's series shipped with physml instead of --input: "+strings.Join(dataset.ExampleNames(), " or "))
	fs.StringVar(&o.timeColumn, "time-column", "", "a forecaster's --input column of times")
	fs.StringVar(&o.fill, "fill", "", "a forecaster's missing values: an error (default), previous or linear")
	fs.IntVar(&o.horizon, "horizon", 0, "a forecaster's steps ahead (default: its own horizon, or the rows of --future)")
	fs.StringVar(&o.future, "future", "", "a CSV of a forecaster's covariates over the steps to forecast, a row per step")
	fs.IntVar(&o.limit, "limit", 0, "use only the first N rows (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case o.model == "":
		return usageError(fmt.Errorf("--model is required"))
	case o.horizon < 0 || o.horizon > 1<<20:
		return usageError(fmt.Errorf("--horizon %d: want 1 to %d steps (0: the forecaster's own)", o.horizon, 1<<20))
	case o.input != "" && o.example != "":
		return usageError(fmt.Errorf("give --input or --example, not both"))
	}
	if err := cli.CheckLimit("limit", o.limit); err != nil {
		return err
	}
	if err := o.Check(); err != nil {
		return err
	}
	m, err := saved.Load(o.model)
	if err != nil {
		return err
	}
	out := &cli.Outputs{CSV: isCSV(o.input)}
	if m.Kind == saved.Forecaster {
		err = o.forecast(out, m, stdout)
	} else {
		err = o.rows(out, m, stdout)
	}
	if err != nil {
		return err
	}
	return o.Write(out, stdout)
}

// forecast adds the forecaster's forecast of the steps after the end of
// the given series.
func (o *predictOptions) forecast(out *cli.Outputs, m *saved.Model, stdout io.Writer) error {
	f := m.Forecaster
	if o.lengths != "" || o.labelColumn != "" || o.limit != 0 {
		return usageError(fmt.Errorf("--lengths, --label-column and --limit are for rows; a forecaster reads a series (--input series.csv or --example)"))
	}
	s, source, err := seriesSource{o.input, o.example, o.timeColumn, o.fill}.load(f.Columns(), o.Comma, o.Drop)
	if err != nil {
		return err
	}
	var future *dataset.TimeSeries
	switch {
	case len(f.Covariates) > 0 && o.future == "":
		return usageError(fmt.Errorf("%s reads the covariates %s ahead of the steps it forecasts: give their values over those steps with --future FILE.csv", o.model, strings.Join(f.Covariates, ", ")))
	case len(f.Covariates) == 0 && o.future != "":
		return usageError(fmt.Errorf("--future: %s has no covariates", o.model))
	case o.future != "":
		if future, _, err = (seriesSource{input: o.future, timeColumn: o.timeColumn}).load(f.Covariates, o.Comma, o.Drop); err != nil {
			return err
		}
	}
	p, err := m.ForecastSeries(s, future, o.horizon)
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	fmt.Fprintf(stdout, "%s: forecast of %s for the %d steps after the %d of %s\n", o.model, strings.Join(f.Names, ", "), p.Steps, s.Steps, source)
	if p.NoIntervals != "" {
		fmt.Fprintf(stdout, "no intervals: %s\n", p.NoIntervals)
	}
	for _, a := range p.Arrays(out.CSV) {
		out.Table(a.Name, a.Shape, a.Data, a.Columns)
	}
	return nil
}

// isCSV reports whether path names a CSV file.
func isCSV(path string) bool { return strings.HasSuffix(strings.ToLower(path), ".csv") }

// rows adds the model's outputs for the rows of --input (or the MNIST
// test images).
func (o *predictOptions) rows(out *cli.Outputs, m *saved.Model, stdout io.Writer) error {
	if o.example != "" || o.timeColumn != "" || o.fill != "" || o.horizon != 0 || o.future != "" {
		return usageError(fmt.Errorf("--example, --time-column, --fill, --horizon and --future are for forecasters; %s is a %v", o.model, m.Kind))
	}
	r, err := readRows(&o.Common, m, saved.Files{Input: o.input, Lengths: o.lengths, LabelColumn: o.labelColumn, Comma: o.Comma, Drop: o.Drop, Columns: o.Keep, Limit: o.limit}, o.model)
	if err != nil {
		return err
	}
	x, n, width, lengths, names, source := r.X, r.N, r.Width, r.Lengths, r.Names, r.Source
	p, err := m.Predict(x, n, width, lengths)
	if err != nil {
		return fmt.Errorf("%s with %s: %w", source, o.model, err)
	}
	fmt.Fprintf(stdout, "%s (%v): applied to %s (%s)\n", o.model, m.Kind, source, m.Scaling)
	for _, a := range p.Arrays(m, width, names) {
		out.Table(a.Name, a.Shape, a.Data, a.Columns)
	}
	if m.Kind == saved.AnomalyDetector {
		flagged := 0
		for _, f := range p.Flags {
			if f {
				flagged++
			}
		}
		fmt.Fprintf(stdout, "%d of %d rows flagged above the threshold %.6g\n", flagged, n, m.Detector.Threshold)
	}
	return nil
}
