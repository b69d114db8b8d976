package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/physml/physml/dataset"
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
                  reconstructions
  a forecaster:   forecast: the next --horizon steps after the end of the
                  series, every variable (recursively beyond the
                  forecaster's own horizon)

--input holds rows as in training: a table (.csv, .npy of (n, features)),
sequences (.npy of (n, steps[, features]), with --lengths), or a CSV time
series for a forecaster. For a model trained on MNIST, rows are pixel
values 0–255, and without --input the MNIST test images are used.`

type predictOptions struct {
	common
	model, input, lengths, labelColumn string
	example, timeColumn, fill          string
	horizon, limit                     int
}

func runPredict(args []string, stdout, _ io.Writer) error {
	var o predictOptions
	fs := newFlagSet("predict", predictSummary, stdout)
	o.common.register(fs)
	fs.StringVar(&o.model, "model", "", "the .safetensors file to apply (required)")
	fs.StringVar(&o.input, "input", "", "the data: rows, sequences or a CSV series (default: MNIST test images for an MNIST model)")
	fs.StringVar(&o.lengths, "lengths", "", "valid lengths of --input sequences")
	fs.StringVar(&o.labelColumn, "label-column", "", "a CSV column to leave out of the rows (labels)")
	fs.StringVar(&o.example, "example", "", "a forecaster's series shipped with physml instead of --input: "+strings.Join(dataset.ExampleNames(), " or "))
	fs.StringVar(&o.timeColumn, "time-column", "", "a forecaster's --input column of times")
	fs.StringVar(&o.fill, "fill", "", "a forecaster's missing values: an error (default), previous or linear")
	fs.IntVar(&o.horizon, "horizon", 0, "a forecaster's steps ahead (default: its own horizon)")
	fs.IntVar(&o.limit, "limit", 0, "use only the first N rows (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case o.model == "":
		return usageError{fmt.Errorf("--model is required")}
	case o.horizon < 0 || o.horizon > 1<<20:
		return usageError{fmt.Errorf("--horizon %d: want 1 to %d steps (0: the forecaster's own)", o.horizon, 1<<20)}
	case o.input != "" && o.example != "":
		return usageError{fmt.Errorf("give --input or --example, not both")}
	}
	if err := checkLimit("limit", o.limit); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	m, err := saved.Load(o.model)
	if err != nil {
		return err
	}
	var files []outputFile
	if m.Kind == saved.Forecaster {
		files, err = o.forecast(m, stdout)
	} else {
		files, err = o.rows(m, stdout)
	}
	if err != nil {
		return err
	}
	written, err := o.writeFiles(files)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", strings.Join(written, ", "))
	return nil
}

// forecast returns the forecaster's forecast of the steps after the end of
// the given series.
func (o *predictOptions) forecast(m *saved.Model, stdout io.Writer) ([]outputFile, error) {
	f := m.Forecaster
	if o.lengths != "" || o.labelColumn != "" || o.limit != 0 {
		return nil, usageError{fmt.Errorf("--lengths, --label-column and --limit are for rows; a forecaster reads a series (--input series.csv or --example)")}
	}
	fo := forecastOptions{input: o.input, example: o.example, timeColumn: o.timeColumn, fill: o.fill, names: f.Names}
	if (fo.input == "") == (fo.example == "") {
		return nil, usageError{fmt.Errorf("give the data to forecast from: --input series.csv or --example NAME (one of them)")}
	}
	s, source, err := fo.load()
	if err != nil {
		return nil, err
	}
	steps := o.horizon
	if steps == 0 {
		steps = f.Horizon
	}
	future, err := m.Forecast(s.Values, steps)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	fmt.Fprintf(stdout, "%s: forecast of %s for the %d steps after the %d of %s\n", o.model, strings.Join(f.Names, ", "), steps, s.Steps, source)
	// The steps continue the series: its step count, or its time column
	// at the last spacing.
	name, first, step := "step", float64(s.Steps), 1.0
	if s.Time != nil && s.Steps > 1 {
		name, first, step = s.TimeName, 2*s.Time[s.Steps-1]-s.Time[s.Steps-2], s.Time[s.Steps-1]-s.Time[s.Steps-2]
	}
	if o.example == "" && strings.HasSuffix(strings.ToLower(o.input), ".csv") {
		var rows []float64
		for k := 0; k < steps; k++ {
			rows = append(append(rows, first+float64(k)*step), future[k*f.Vars():(k+1)*f.Vars()]...)
		}
		text, err := dataset.EncodeCSV(append([]string{name}, f.Names...), rows)
		return []outputFile{{"forecast.csv", text}}, err
	}
	npy, err := dataset.EncodeNpy([]int{steps, f.Vars()}, future)
	if err != nil {
		return nil, err
	}
	return []outputFile{{"forecast.npy", npy}}, nil
}

// rows returns the model's outputs for the rows of --input (or the MNIST
// test images).
func (o *predictOptions) rows(m *saved.Model, stdout io.Writer) ([]outputFile, error) {
	if o.example != "" || o.timeColumn != "" || o.fill != "" || o.horizon != 0 {
		return nil, usageError{fmt.Errorf("--example, --time-column, --fill and --horizon are for forecasters; %s is a %v", o.model, m.Kind)}
	}
	r, err := o.readRows(m, rowSources{input: o.input, lengths: o.lengths, labelColumn: o.labelColumn, limit: o.limit}, o.model)
	if err != nil {
		return nil, err
	}
	x, n, width, lengths, names, source := r.x, r.n, r.width, r.lengths, r.names, r.source
	p, err := m.Predict(x, n, width, lengths)
	if err != nil {
		return nil, fmt.Errorf("%s with %s: %w", source, o.model, err)
	}
	fmt.Fprintf(stdout, "%s (%v): applied to %s (%s)\n", o.model, m.Kind, source, m.Scaling)
	asCSV := strings.HasSuffix(strings.ToLower(o.input), ".csv")
	out := arrays{csv: asCSV}
	switch m.Kind {
	case saved.Classifier:
		classes := make([]float64, n)
		for i, c := range p.Classes {
			classes[i] = float64(c)
		}
		out.add("classes", []int{n}, classes, []string{"class"})
		out.add("probabilities", []int{n, m.Outputs()}, p.Probabilities, numbered("p", m.Outputs()))
	case saved.Regressor:
		// Outputs at every step: (rows, steps, outputs), or a CSV row per
		// sequence of steps·outputs columns.
		k, per := m.Outputs(), len(p.Outputs)/max(n, 1)
		out.add("outputs", []int{n, per / k, k}, p.Outputs, numbered("output", per))
	default:
		if m.Kind == saved.AnomalyDetector {
			flags := make([]float64, n)
			flagged := 0
			for i, f := range p.Flags {
				if f {
					flags[i], flagged = 1, flagged+1
				}
			}
			out.add("scores", []int{n}, p.Errors, []string{"score"})
			out.add("flags", []int{n}, flags, []string{"flag"})
			fmt.Fprintf(stdout, "%d of %d rows flagged above the threshold %.6g\n", flagged, n, m.Detector.Threshold)
		} else {
			out.add("errors", []int{n}, p.Errors, []string{"error"})
		}
		out.add("codes", []int{n, p.CodeSize}, p.Codes, numbered("code", p.CodeSize))
		if names == nil {
			names = numbered("x", width)
		}
		out.add("reconstructions", []int{n, width}, p.Reconstructions, names)
	}
	return out.files, out.err
}

// arrays collects output arrays as .npy or CSV files.
type arrays struct {
	csv   bool
	files []outputFile
	err   error
}

// add adds the array named name, of the given shape, as name.npy or, with
// a header of a column per value of a row, name.csv.
func (a *arrays) add(name string, shape []int, data []float64, header []string) {
	if a.err != nil {
		return
	}
	if a.csv {
		text, err := dataset.EncodeCSV(header, data)
		a.err = err
		a.files = append(a.files, outputFile{name + ".csv", text})
		return
	}
	npy, err := dataset.EncodeNpy(shape, data)
	a.err = err
	a.files = append(a.files, outputFile{name + ".npy", npy})
}

// numbered returns prefix0, prefix1, ….
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}
