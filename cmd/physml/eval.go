package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/forecast"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/saved"
	"github.com/physml/physml/seq"
)

const evalSummary = `Load a model saved by "physml lstm", "physml autoencoder" or "physml forecast"
(its architecture and how its inputs were scaled are in the safetensors
metadata) and evaluate it: accuracy for a classifier, reconstruction MSE
for an autoencoder, test RMSE and MAE for a forecaster.

A model trained on MNIST is evaluated on the MNIST test set. A model
trained on your data is evaluated on the data you give, scaled with the
training statistics saved in the file: --input X.npy --labels y.npy
[--lengths L.npy] for a classifier, --input (and optional --labels) for an
autoencoder, --input series.csv or --example NAME for a forecaster (its
last 15 %, as in training).`

type evalOptions struct {
	common
	model, input, labels, lengths, labelColumn string
	example, timeColumn, fill                  string
	testLimit                                  int
}

func runEval(args []string, stdout, _ io.Writer) error {
	var o evalOptions
	fs := newFlagSet("eval", evalSummary, stdout)
	o.common.register(fs)
	fs.StringVar(&o.model, "model", "", "the .safetensors file to evaluate (required)")
	fs.IntVar(&o.testLimit, "test-limit", 0, "use only the first N MNIST test images, or samples of --input (0: all)")
	fs.StringVar(&o.input, "input", "", "your data, for a model trained on --input: sequences, samples or a CSV series")
	fs.StringVar(&o.labels, "labels", "", "labels of --input (.npy or archive.npz:name)")
	fs.StringVar(&o.lengths, "lengths", "", "valid lengths of --input sequences")
	fs.StringVar(&o.labelColumn, "label-column", "", "CSV column of labels of an autoencoder's --input")
	fs.StringVar(&o.example, "example", "", "a forecaster's series shipped with physml: "+strings.Join(dataset.ExampleNames(), " or "))
	fs.StringVar(&o.timeColumn, "time-column", "", "a forecaster's --input column of times")
	fs.StringVar(&o.fill, "fill", "", "a forecaster's missing values: an error (default), previous or linear")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.model == "" {
		return usageError{fmt.Errorf("--model is required")}
	}
	if err := checkLimit("test-limit", o.testLimit); err != nil {
		return err
	}
	if err := o.checkFlags(); err != nil {
		return err
	}
	tensors, meta, err := nn.ReadSafetensors(o.model)
	if err != nil {
		return err
	}
	user := meta["physml.data"] == "user"
	if !user && (o.input != "" || o.example != "") {
		return usageError{fmt.Errorf("%s was trained on MNIST and is evaluated on its test set; --input and --example are for models trained on your data", o.model)}
	}
	if user && o.input == "" && o.example == "" {
		return usageError{fmt.Errorf("%s was trained on your data (--input): give the data to evaluate it on with --input", o.model)}
	}
	switch {
	case meta["physml.task"] == "forecast":
		return o.forecaster(tensors, meta, stdout)
	case meta["physml.model"] == "classifier" || meta["physml.model"] == "autoencoder":
		m, err := saved.Decode(tensors, meta)
		if err != nil {
			return fmt.Errorf("%s: %w", o.model, err)
		}
		if m.Kind == saved.Classifier {
			return o.classifier(m, stdout)
		}
		return o.autoencoder(m, stdout)
	}
	return fmt.Errorf("%s: metadata physml.model is %q; want a file written by physml lstm, autoencoder or forecast", o.model, meta["physml.model"])
}

// classifier prints the accuracy of m on the MNIST test set, or on the
// user's sequences scaled with the saved statistics.
func (o *evalOptions) classifier(m *saved.Model, stdout io.Writer) error {
	c := m.Classifier
	var d nn.Dataset[float32]
	var what string
	if m.Metadata["physml.data"] == "user" {
		if o.labels == "" {
			return usageError{fmt.Errorf("--labels: a classifier is evaluated against labels")}
		}
		s, err := dataset.ReadSequences(dataset.SequenceFiles{X: o.input, Labels: o.labels, Lengths: o.lengths}, dataset.Limits{Rows: o.testLimit})
		if err != nil {
			return err
		}
		if s.Features != c.RNN.InputSize {
			return fmt.Errorf("%s: %d features per step; %s reads %d", o.input, s.Features, o.model, c.RNN.InputSize)
		}
		if s.Classes > c.FC.Out {
			return fmt.Errorf("%s: labels up to %d; %s knows %d classes", o.labels, s.Classes-1, o.model, c.FC.Out)
		}
		scaler, err := saved.Standardization(m.Metadata, s.Features)
		if err != nil {
			return fmt.Errorf("%s: %w", o.model, err)
		}
		d = seq.DatasetOf[float32](s, nil, scaler) // padding stays zero
		what = fmt.Sprintf("%d sequences of %s", s.N, o.input)
	} else {
		if c.RNN.InputSize != dataset.MNISTCols || c.FC.Out != 10 {
			return fmt.Errorf("%s: a classifier of %d inputs per step and %d classes cannot read MNIST rows (28 pixels, 10 classes)", o.model, c.RNN.InputSize, c.FC.Out)
		}
		_, test, err := o.mnist(1, o.testLimit)
		if err != nil {
			return err
		}
		x, err := m.Prepare(pixelValues(test.Pixels), test.Len(), dataset.MNISTPixels)
		if err != nil {
			return err
		}
		d = nn.Dataset[float32]{X: x, Labels: test.Labels}
		what = fmt.Sprintf("%d images", test.Len())
	}
	logits := nn.PredictDataset[float32](c, d, 1000)
	fmt.Fprintf(stdout, "%s: %v classifier, test accuracy %.4f on %s\n", o.model, c.RNN, nn.Accuracy(logits, d.Labels), what)
	return nil
}

// pixelValues returns the pixels as numbers from 0 to 255, the rows
// saved.Model.Prepare scales as in training.
func pixelValues(pixels []byte) []float64 {
	out := make([]float64, len(pixels))
	for i, p := range pixels {
		out[i] = float64(p)
	}
	return out
}

// autoencoder prints the reconstruction MSE of m on the MNIST test set, or
// on the user's samples scaled as in training.
func (o *evalOptions) autoencoder(m *saved.Model, stdout io.Writer) error {
	p := m.Features()
	var x *nn.Matrix[float32]
	var what string
	if m.Metadata["physml.data"] == "user" {
		s, err := dataset.ReadSamples(dataset.SampleFiles{X: o.input, Labels: o.labels, LabelColumn: o.labelColumn}, dataset.Limits{Rows: o.testLimit})
		if err != nil {
			return err
		}
		if s.Features != p {
			return fmt.Errorf("%s: samples of %d values; %s reads %d", o.input, s.Features, o.model, p)
		}
		if x, err = m.Prepare(s.X, s.N, p); err != nil {
			return fmt.Errorf("%s: %w", o.input, err)
		}
		what = fmt.Sprintf("%d samples of %s (%s)", s.N, o.input, m.Scaling)
	} else {
		if p != dataset.MNISTPixels {
			return fmt.Errorf("%s: an autoencoder of %d inputs; MNIST images have %d pixels", o.model, p, dataset.MNISTPixels)
		}
		_, test, err := o.mnist(1, o.testLimit)
		if err != nil {
			return err
		}
		if x, err = m.Prepare(pixelValues(test.Pixels), test.Len(), p); err != nil {
			return err
		}
		what = fmt.Sprintf("%d images", test.Len())
	}
	fmt.Fprintf(stdout, "%s: autoencoder %s, test reconstruction MSE %.4f on %s\n", o.model, strings.ReplaceAll(m.Metadata["physml.layers"], ",", "-"), m.Autoencoder.ReconstructionMSE(x), what)
	return nil
}

// forecaster prints the test RMSE and MAE of a saved forecaster (the
// average of its ensemble) on the test part of the given series.
func (o *evalOptions) forecaster(tensors map[string]nn.Tensor, meta map[string]string, stdout io.Writer) error {
	f, err := forecast.Decode[float32](tensors, meta)
	if err != nil {
		return fmt.Errorf("%s: %w", o.model, err)
	}
	fo := forecastOptions{input: o.input, example: o.example, timeColumn: o.timeColumn, fill: o.fill, columns: strings.Join(f.Names, ",")}
	if (fo.input == "") == (fo.example == "") {
		return usageError{fmt.Errorf("give --input series.csv or --example NAME (one of them)")}
	}
	s, source, err := fo.load()
	if err != nil {
		return err
	}
	sp := f.Split.Of(s.Steps)
	pred, truth, n, err := f.PredictWindows(s.Values, sp.ValidationEnd, s.Steps)
	if err != nil {
		return fmt.Errorf("%s with %s: %w", source, o.model, err)
	}
	got := forecast.ErrorsOf(pred, truth)
	fmt.Fprintf(stdout, "%s: %d %v network(s), test RMSE %.4g  MAE %.4g  over %d windows of %s (%s units)\n", o.model, len(f.Members), f.Members[0].RNN.Cell, got.RMSE, got.MAE, n, source, strings.Join(s.Names, ", "))
	return nil
}
