package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/figures"
	"github.com/physml/physml/forecast"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/internal/progress"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/saved"
	"github.com/physml/physml/seq"
)

// lstmOptions are the flags of "physml lstm"; the defaults are the
// lecture's settings.
type lstmOptions struct {
	cli.Common
	cell          string
	preset        string
	heads         int
	layerList     string // --layers
	hidden        int    // its hidden size
	layers        int    // and number of layers
	bidirectional bool
	dropout       float64
	inputDropout  float64
	recDropout    float64
	epochs        int
	batch         int
	lr            float64
	schedule      string
	validation    float64
	clip          float64
	patience      int
	trainLimit    int
	testLimit     int
	input         string
	labels        string
	classes       int
	targets       string
	lengths       string
	testFraction  float64
	trace         int
	norm          string
	proj          int
}

const lstmSummary = `Train the lecture's MNIST classifier: a recurrent network reads each image row
by row (28 steps of 28 pixels) and a Dense layer maps its last hidden state to
the 10 classes. Defaults: LSTM(128), Dense(10), Adam 1e-3, batch 64, 10 epochs,
20 % validation split. Writes lstm.safetensors, lstm_curves.png and
confusion.csv into --out.

With --input X.npy --labels y.npy [--lengths L.npy] it classifies your own
sequences instead: X of shape (sequences, steps, features) or (sequences,
steps), labels 0 … classes−1, optional valid lengths (padded steps are
ignored). --test holds out a seeded random fraction for testing; every
feature is standardised with the training part's statistics. An array of an
.npz archive is written archive.npz:name. Writes, beside the model,
predictions.npy (the test sequences' classes), probabilities.npy,
test_rows.npy (their input rows) and split.npy (0 training, 1 validation,
2 test, per input row).

With --input X.npy --targets Y.npy it trains a regressor instead: Y holds
values at every step, of shape (sequences, steps) or (sequences, steps,
outputs); a Dense layer maps each step's hidden state to them (MSE on
targets standardised with the training part's statistics). It prints the
test RMSE and MAE of each output in the targets' units and writes
predictions.npy (the test sequences' outputs, (test, steps, outputs)),
metrics.json and test_rows.npy.`

func runLSTM(args []string, stdout, stderr io.Writer) error {
	var o lstmOptions
	fs := newFlagSet("lstm", lstmSummary, stdout)
	o.Common.Register(fs)
	fs.StringVar(&o.cell, "cell", "lstm", cellUsage)
	fs.StringVar(&o.preset, "preset", "pytorch", "pytorch (the default) or keras: the lecture's Keras listing — pixels/255, Glorot and orthogonal weights with forget-gate bias 1, Adam ε 1e-7, validation on the last part unshuffled")
	fs.IntVar(&o.heads, "heads", 4, headsUsage)
	fs.StringVar(&o.norm, "norm", "none", "none, batchnorm or layernorm: normalise the last hidden states before the Dense layer (the lecture's exercise of a BatchNormalization layer after the LSTM)")
	fs.IntVar(&o.trace, "trace", 0, "write the gate activations and states of the first N test sequences after training (trace_*.npy) and a picture of the keep gate, the input gate and the cell state step by step (trace.png)")
	fs.StringVar(&o.layerList, "layers", "128", "hidden size of each stacked recurrent layer, comma-separated (128,128: two layers)")
	cli.Renamed(fs, "hidden", layersHint)
	fs.IntVar(&o.proj, "proj", 0, "project the LSTM's hidden state to this many values (PyTorch's proj_size; 0: none)")
	fs.BoolVar(&o.bidirectional, "bidirectional", false, "read the rows in both directions")
	fs.Float64Var(&o.dropout, "dropout", 0, "dropout between stacked layers")
	fs.Float64Var(&o.inputDropout, "input-dropout", 0, "Keras's dropout: drop this fraction of each layer's inputs, one mask per sequence reused at every step (lstm, gru, rnn)")
	fs.Float64Var(&o.recDropout, "recurrent-dropout", 0, "Keras's recurrent_dropout: drop this fraction of h(t−1) where the recurrent weights read it, one mask per sequence (lstm, gru, rnn)")
	fs.IntVar(&o.epochs, "epochs", 10, "training epochs (with --input: up to 300, stopping early; see --patience)")
	fs.IntVar(&o.batch, "batch", 64, "batch size (with --input: 16 to 64, by the data size)")
	fs.Float64Var(&o.lr, "lr", 1e-3, "Adam learning rate (with --input: 3e-3 below 10000 sequences)")
	fs.StringVar(&o.schedule, "schedule", "none", "learning-rate schedule: none, step, exp or cosine")
	fs.Float64Var(&o.validation, "validation", 0.2, "fraction of the training images held out for validation")
	fs.Float64Var(&o.clip, "clip", 0, "clip the gradient norm to this (0: no clipping)")
	fs.IntVar(&o.patience, "patience", 0, "stop after this many epochs without a better validation loss and keep the best epoch's weights (0: never; with --input and no --epochs: 20)")
	fs.IntVar(&o.trainLimit, "train-limit", 0, "use only the first N training images (0: all 60000)")
	fs.IntVar(&o.testLimit, "test-limit", 0, "use only the first N test images (0: all 10000)")
	fs.StringVar(&o.input, "input", "", "your sequences (.npy or archive.npz:name) instead of MNIST")
	fs.StringVar(&o.labels, "labels", "", "class labels of --input, one per sequence")
	fs.IntVar(&o.classes, "classes", 0, "number of classes of --labels, when some have no sequence (0: the largest label + 1, every class present)")
	fs.StringVar(&o.targets, "targets", "", "per-step regression targets of --input, (sequences, steps[, outputs]), instead of --labels")
	fs.StringVar(&o.lengths, "lengths", "", "valid lengths of the --input sequences (optional)")
	fs.Float64Var(&o.testFraction, "test", 0.2, "fraction of --input sequences held out for testing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := o.check(stderr); err != nil {
		return err
	}
	if o.Float64 {
		return trainSequenceModel[float64](o, stdout, stderr)
	}
	return trainSequenceModel[float32](o, stdout, stderr)
}

func (o *lstmOptions) check(stderr io.Writer) error {
	var err error
	if o.hidden, o.layers, err = recurrentLayers(o.layerList); err != nil {
		return err
	}
	if err := cli.FirstError(cli.CheckFraction("dropout", o.dropout, 1), cli.CheckFraction("input-dropout", o.inputDropout, 1), cli.CheckFraction("recurrent-dropout", o.recDropout, 1)); err != nil {
		return err
	}
	if _, err := checkCell(o.cell, o.config(0)); err != nil {
		return err
	}
	if o.preset != "pytorch" && o.preset != "keras" {
		return usageError(fmt.Errorf("--preset %q: want pytorch or keras", o.preset))
	}
	switch {
	case o.epochs <= 0 || o.batch <= 0:
		return usageError(fmt.Errorf("--epochs %d and --batch %d must be positive", o.epochs, o.batch))
	case o.patience < 0:
		return usageError(fmt.Errorf("--patience %d: want 0 (never stop early) or a positive count", o.patience))
	case o.clip != 0 && !(o.clip > 0 && !math.IsInf(o.clip, 0)):
		return usageError(fmt.Errorf("--clip %g: want 0 (no clipping) or a positive finite norm", o.clip))
	}
	if o.input == "" && (o.labels != "" || o.lengths != "" || o.targets != "") {
		return usageError(fmt.Errorf("--labels, --targets and --lengths go with --input"))
	}
	if o.targets != "" {
		if err := o.NotWith("to --targets (a regressor of sequences of one length, without a norm layer or traces)", "labels", "lengths", "norm", "trace", "classes"); err != nil {
			return err
		}
	}
	if o.norm != "none" && o.norm != "batchnorm" && o.norm != "layernorm" {
		return usageError(fmt.Errorf("--norm %q: want none, batchnorm or layernorm", o.norm))
	}
	if o.classes < 0 || o.classes > dataset.MaxClasses {
		return usageError(fmt.Errorf("--classes %d: want 0 (from the labels) to %d", o.classes, dataset.MaxClasses))
	}
	if o.trace < 0 || o.trace > 1000 {
		return usageError(fmt.Errorf("--trace %d: want 0 to 1000 sequences", o.trace))
	}
	if c, err := seq.ParseCell(o.cell); err == nil && o.trace > 0 && (c == seq.SLSTMCell || c == seq.MLSTMCell || o.proj > 0) {
		return usageError(fmt.Errorf("--trace: the %s cell records no gate traces (lstm without --proj, gru and rnn do)", o.cell))
	}
	if o.input != "" {
		if err := o.NotWith("to --input (it is for MNIST; --test holds out a part of your sequences)", "test-limit", "data"); err != nil {
			return err
		}
	} else if err := o.NotWith("to MNIST (it is for --input)", "test", "classes"); err != nil {
		return err
	}
	if o.input != "" && o.labels == "" && o.targets == "" {
		return usageError(fmt.Errorf("--input needs --labels (one class per sequence) or --targets (values at every step)"))
	}
	if err := cli.FirstError(cli.CheckPositive("lr", o.lr), cli.CheckFraction("test", o.testFraction, 1),
		cli.CheckFraction("validation", o.validation, 1), cli.CheckLimit("train-limit", o.trainLimit), cli.CheckLimit("test-limit", o.testLimit)); err != nil {
		return err
	}
	if _, err := nn.ParseSchedule(o.schedule, o.epochs); err != nil {
		return usageError(err)
	}
	if o.dropout > 0 && o.layers == 1 {
		// PyTorch warns likewise: dropout acts only between stacked layers.
		fmt.Fprintf(stderr, "physml lstm: warning: --dropout %g has no effect with one layer (it applies between stacked layers)\n", o.dropout)
	}
	return o.Common.Check()
}

const (
	cellUsage  = "recurrent cell: lstm, gru, rnn, rnn_relu, slstm or mlstm (xLSTM)"
	headsUsage = "heads of an slstm or mlstm cell (they must divide the hidden size of --layers)"
)

// config returns the recurrent layers' configuration of the flags, for
// inputSize features per step.
func (o *lstmOptions) config(inputSize int) seq.Config {
	return seq.Config{InputSize: inputSize, HiddenSize: o.hidden, NumLayers: o.layers, Bidirectional: o.bidirectional,
		Dropout: o.dropout, Heads: o.heads, InputDropout: o.inputDropout, RecurrentDropout: o.recDropout, ProjSize: o.proj}
}

// checkCell parses --cell and checks the recurrent settings of cfg against
// it (seq.Config.Check).
func checkCell(name string, cfg seq.Config) (seq.CellType, error) {
	cell, err := seq.ParseCell(name)
	if err != nil {
		return 0, usageError(fmt.Errorf("--cell %q: want lstm, gru, rnn, rnn_relu, slstm or mlstm", name))
	}
	if err := cfg.Check(cell); err != nil {
		return 0, usageError(fmt.Errorf("--cell %s: %s", name, strings.TrimPrefix(err.Error(), "seq: ")))
	}
	return cell, nil
}

// sequenceInput loads MNIST, or the user's sequences with --input.
func sequenceInput[T nn.Float](o lstmOptions) (sequenceData[T], error) {
	if o.input == "" {
		train, test, err := o.MNIST(o.trainLimit, o.testLimit)
		if err != nil {
			return sequenceData[T]{}, err
		}
		norm := dataset.Standardize // PyTorch's Normalize((0.1307,), (0.3081,))
		if o.preset == "keras" {
			norm = dataset.Unit // Keras's x/255
		}
		return sequenceData[T]{Split: seq.MNISTSplit[T](train, test, norm),
			describe: fmt.Sprintf("MNIST rows: %d training and %d test images, pixels %v", train.Len(), test.Len(), norm)}, nil
	}
	s, err := dataset.ReadSequences(dataset.SequenceFiles{X: o.input, Labels: o.labels, Lengths: o.lengths, Targets: o.targets}, dataset.Limits{Rows: o.trainLimit})
	if err != nil {
		return sequenceData[T]{}, err
	}
	return userSequences[T](s, o.testFraction, o.Seed, o.input, o.classes)
}

func trainSequenceModel[T nn.Float](o lstmOptions, stdout, stderr io.Writer) error {
	d, err := sequenceInput[T](o)
	if err != nil {
		return err
	}
	if n, nVal := d.Train.Len(), int(math.Round(o.validation*float64(d.Train.Len()))); o.validation > 0 && (nVal == 0 || nVal == n) {
		return usageError(fmt.Errorf("--validation %g of %d training samples leaves %d for training and %d for validation; both need at least one", o.validation, n, n-nVal, nVal))
	}
	if steps := d.Test.X.Cols / d.Features; o.trace > 0 && steps > maxTraceSteps {
		return usageError(fmt.Errorf("--trace: sequences of %d steps; trace.png draws at most %d steps (one row of pixels each)", steps, maxTraceSteps))
	}
	if o.input != "" && o.validation > 0 {
		o.OwnDataDefaults(d.Train.Len(), &o.epochs, &o.batch, &o.patience, &o.lr, stdout)
	}
	d.split = d.SplitCodes(o.validation, o.Seed, o.preset == "keras")
	ctx, stop := o.Start(stderr)
	defer stop()
	cell, _ := seq.ParseCell(o.cell)
	schedule, _ := nn.ParseSchedule(o.schedule, o.epochs)
	spec := seq.ModelSpec{Cell: cell, Outputs: d.Outputs, Regressor: d.TargetScaler != nil, Norm: o.norm, Keras: o.preset == "keras", Seed: o.Seed,
		Config: o.config(d.Features)}
	if err := cli.CheckModelMemory[T](seq.ParamCount(cell, spec.Config, d.Outputs)); err != nil {
		return err
	}
	// A classifier (CrossEntropy on the last state) or, with --targets, a
	// regressor (MSE at every step).
	m, err := seq.NewModel[T](spec)
	if err != nil {
		return usageError(err)
	}
	model, regressor := m.Net, spec.Regressor
	adam := nn.AdamConfig{LR: o.lr}
	if spec.Keras {
		adam.Eps = 1e-7
	}
	opt := nn.NewAdam(model.Params(), adam)
	fmt.Fprintf(stdout, "%v; %d parameters, %T, backend %s\n", m, nn.CountParams(model.Params()), T(0), blas.Describe())
	fmt.Fprintf(stdout, "%s; %.0f %% of the training part held out for validation\n", d.describe, 100*o.validation)

	cfg := nn.FitConfig[T]{Epochs: o.epochs, BatchSize: o.batch, Seed: o.Seed, ValidationSplit: o.validation, ValidationLast: o.preset == "keras",
		Schedule: schedule, ClipNorm: o.clip, Patience: o.patience,
		OnEpoch: func(e nn.EpochStats) {
			if regressor {
				fmt.Fprintf(stdout, "epoch %2d  train MSE %.4f  val MSE %.4f (standardised)  lr %.2g  %v\n",
					e.Epoch, e.TrainLoss, e.ValidationLoss, e.LR, e.Duration.Round(10*time.Millisecond))
				return
			}
			fmt.Fprintf(stdout, "epoch %2d  train loss %.4f  train acc %.4f  val loss %.4f  val acc %.4f  lr %.2g  %v\n",
				e.Epoch, e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.LR, e.Duration.Round(10*time.Millisecond))
		}}
	start := time.Now()
	hist, interrupted, fitErr := progress.Fit(ctx, model, m.Loss, opt, d.Train, cfg, stdout, stderr)
	if fitErr != nil && !interrupted {
		return fitErr
	}
	trainTime := time.Since(start)

	out := &cli.Outputs{}
	out.File("lstm.safetensors")(m.EncodeFile(d.Metadata()))
	if len(hist.Epochs) > 0 {
		title := fmt.Sprintf("%v on MNIST rows", m.RNN.Cell)
		if o.input != "" {
			title = fmt.Sprintf("%v on %s", m.RNN.Cell, filepath.Base(o.input))
		}
		if regressor {
			out.File("lstm_curves.png")(figures.RegressionHistory(title, hist))
		} else {
			out.File("lstm_curves.png")(figures.History(title, hist))
		}
	}
	if interrupted {
		// Save first; the test inference would only delay the exit.
		return o.SaveInterrupted(out, len(hist.Epochs), stdout, fitErr)
	}

	inferStart := time.Now()
	outputs := nn.PredictDataset[T](model, d.Test, 1000)
	inferTime := time.Since(inferStart)
	if regressor {
		regressionResults(out, stdout, d, outputs)
	} else {
		classificationResults(out, stdout, d, outputs)
	}
	fmt.Fprintf(stdout, "training %v, inference %.0f sequences/s\n", trainTime.Round(10*time.Millisecond), float64(d.Test.Len())/inferTime.Seconds())
	if o.trace > 0 {
		traceFiles(out, model.(*seq.Classifier[T]), d.Test, o.trace, o.input == "")
	}
	return o.WriteAfter(ctx, out, stdout)
}

// maxTraceSteps is the most steps --trace draws.
const maxTraceSteps = 1000

// maxDenseClasses is the most classes whose confusion matrix is printed
// and written whole.
const maxDenseClasses = 50

// classificationResults prints the test accuracy and the confusion matrix
// of a classifier's test logits and adds confusion.csv and, for the user's
// data, predictions.npy (the test sequences' classes), probabilities.npy,
// test_rows.npy and split.npy.
func classificationResults[T nn.Float](out *cli.Outputs, stdout io.Writer, d sequenceData[T], logits *nn.Matrix[T]) {
	predicted := nn.Argmax(logits)
	fmt.Fprintf(stdout, "test accuracy %.4f (%d sequences)\n", nn.Accuracy(logits, d.Test.Labels), d.Test.Len())
	// The matrix is classes² counts: beyond maxDenseClasses the file lists
	// the pairs that occur (true, predicted, count) and nothing is printed.
	if d.Outputs <= maxDenseClasses {
		cm := nn.ConfusionMatrix(predicted, d.Test.Labels, d.Outputs)
		fmt.Fprint(stdout, nn.ConfusionTable(cm))
		out.Add("confusion.csv", []byte(nn.ConfusionCSV(cm)), nil)
	} else {
		fmt.Fprintf(stdout, "the confusion of %d classes is in confusion.csv as (true, predicted, count)\n", d.Outputs)
		out.Add("confusion.csv", []byte(nn.ConfusionPairsCSV(predicted, d.Test.Labels)), nil)
	}
	if d.TestRows != nil {
		classes := make([]float64, len(predicted))
		for i, c := range predicted {
			classes[i] = float64(c)
		}
		out.Npy("predictions.npy", []int{len(classes)}, classes)
		out.Npy("probabilities.npy", []int{logits.Rows, logits.Cols}, saved.Probabilities(nn.Convert[float32](logits)))
		out.Rows(d.TestRows, d.split)
	}
}

// regressionResults prints a regressor's test RMSE and MAE of each output
// in the targets' units and adds predictions.npy (test sequences, steps,
// outputs), metrics.json, test_rows.npy and split.npy.
func regressionResults[T nn.Float](out *cli.Outputs, stdout io.Writer, d sequenceData[T], outputs *nn.Matrix[T]) {
	pred, truth := dataset.Inverse(*d.TargetScaler, outputs.Data), dataset.Inverse(*d.TargetScaler, d.Test.Y.Data)
	k := d.Outputs
	errs := forecast.ErrorsPerColumn(pred, truth, k)
	fmt.Fprintf(stdout, "test errors in the targets' units over %d sequences × %d steps:\n", d.Test.Len(), outputs.Cols/k)
	for j, e := range errs {
		fmt.Fprintf(stdout, "  output %d: RMSE %.6g  MAE %.6g\n", j, e.RMSE, e.MAE)
	}
	out.Npy("predictions.npy", []int{outputs.Rows, outputs.Cols / k, k}, pred)
	out.JSON("metrics.json", forecast.RegressionMetrics{TestSequences: d.Test.Len(), ErrorsPerOutput: errs})
	out.Rows(d.TestRows, d.split)
}
