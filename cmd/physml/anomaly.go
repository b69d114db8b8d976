package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/blas"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/figures"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/internal/progress"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

type anomalyOptions struct {
	cli.Common
	input, labels, lengths, example string
	labelColumn                     string
	normal, anomalous               string
	arch, layers, normalize, score  string
	code, epochs, batch, patience   int
	lr, quantile                    float64
	trainLimit, testLimit           int
}

const anomalySummary = `Anomaly detection with an autoencoder: train it on normal data only, set the
threshold at the --quantile of the scores (--score) of held-out normal
data, and score the test data. Prints the threshold and the flagged
fractions and, with labels, the ROC AUC of every kind of score, the
average precision, precision and recall at the threshold, and the AUC of
each kind of anomaly.

Data: --input X.npy with --labels y.npy, or a CSV with --label-column (0
normal; 1, 2, … kinds of anomaly; without labels every row counts as
normal and the scores are all there is); the normal rows are split
60/20/20 into training, calibration (threshold) and test, and every
anomalous row is tested. Tables and images go to a dense autoencoder (a
variational one with --arch vae or --score elbo); sequences (X of shape
(n, steps, features) or (n, steps), optional --lengths) to an LSTM or GRU
autoencoder with --arch lstm|gru. --example signals simulates noisy
damped oscillations with spikes, level shifts, dropouts and frequency
changes. Without --input or --example: MNIST, training on the --normal
digits and testing them against the --anomalous ones for 20 epochs; other
data train until the validation loss stops improving (see --patience).

A first Ctrl-C or SIGTERM ends the training: the model as it is then is
calibrated, scored and saved, and the command exits 1.

Writes into --out: anomaly.safetensors; scores.npy (the score of every row,
in input order); scores_by_kind.csv (every row's score of each kind, a
column per --score kind the model has); split.npy (0 training, 1
calibration, 2 test); for sequences step_errors.npy (the reconstruction
error at every step of every row), step_scores.npy (where the fault is:
the error of a one-step forecaster of normal sequences at every step,
standardised against the calibration rows'; with --example signals the
command reports how often its largest lies inside the fault) and
faults.png (the three most and the three least anomalous flagged test
sequences over their step scores); metrics.json; errors.png (the test
scores of normal and anomalous rows, threshold marked) and, with labels,
roc.png.`

func runAnomaly(args []string, stdout, stderr io.Writer) error {
	var o anomalyOptions
	fs := newFlagSet("anomaly", anomalySummary, stdout)
	o.Common.Register(fs)
	o.RegisterTable(fs)
	fs.StringVar(&o.input, "input", "", "your data (.npy, archive.npz:name or .csv) instead of MNIST")
	fs.StringVar(&o.labels, "labels", "", "labels of --input: 0 normal, 1, 2, … kinds of anomaly")
	fs.StringVar(&o.labelColumn, "label-column", "", "CSV column (name or index) of the labels of --input, left out of the features: 0 normal, 1, 2, … kinds of anomaly")
	fs.StringVar(&o.lengths, "lengths", "", "valid lengths of --input sequences")
	fs.StringVar(&o.example, "example", "", "simulated data instead of --input: signals")
	fs.StringVar(&o.normal, "normal", "0,1,2,3,4,5,6,7,8", "MNIST digits that are normal")
	fs.StringVar(&o.anomalous, "anomalous", "9", "MNIST digits that are anomalies")
	fs.StringVar(&o.arch, "arch", "auto", "the autoencoder: dense, vae (variational, the elbo score's), lstm or gru (auto: lstm for --example signals and with --lengths, vae with --score elbo, else dense)")
	cli.Renamed(fs, "model", "--arch (--model names a model file, in eval, predict and export)")
	fs.StringVar(&o.layers, "layers", "", "hidden sizes, comma-separated: dense, the layers between the inputs and the code (default 128); lstm and gru, the hidden size of each stacked layer (default 32)")
	cli.Renamed(fs, "hidden", layersHint)
	fs.IntVar(&o.code, "code", 16, "size of the code")
	fs.StringVar(&o.normalize, "normalize", "", "dense: none, unit, minmax or standard (default unit for images, minmax for tables); sequences are standardised")
	fs.IntVar(&o.epochs, "epochs", 20, "training epochs (on --input and --example data, without --epochs: up to 300, early stopping)")
	fs.IntVar(&o.patience, "patience", 0, "stop after this many epochs without a better validation loss (on 20 % of the training rows) and keep the best epoch's weights (0: never; on --input and --example data without --epochs: 20)")
	fs.IntVar(&o.batch, "batch", 32, "batch size")
	fs.Float64Var(&o.lr, "lr", 3e-3, "Adam learning rate")
	fs.Float64Var(&o.quantile, "quantile", 0.99, "threshold: this quantile of the calibration rows' scores (0.99 flags about 1 % of normal data)")
	fs.StringVar(&o.score, "score", "combined", "what a row's score measures: reconstruction (the autoencoder's error), latent (−log-density of its code under a Gaussian mixture of the normal training codes), combined (the larger of the two, each standardised on the calibration rows) or elbo (a variational autoencoder's estimate of −log p(x), the negative ELBO importance-weighted over 16 codes)")
	fs.IntVar(&o.trainLimit, "train-limit", 0, "use only the first N MNIST training images (0: all), or the first N rows of --input or the signals (0: 2000 signals)")
	fs.IntVar(&o.testLimit, "test-limit", 0, "use only the first N MNIST test images (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	d, err := o.load()
	if err != nil {
		return err
	}
	if !d.mnist {
		o.OwnDataDefaults(d.N, &o.epochs, &o.batch, &o.patience, &o.lr, stdout)
	}
	if o.Float64 {
		return detectAnomalies[float64](o, d, stdout, stderr)
	}
	return detectAnomalies[float32](o, d, stdout, stderr)
}

func (o *anomalyOptions) check() error {
	switch {
	case o.input != "" && o.example != "":
		return usageError(errors.New("give --input or --example, not both"))
	case o.example != "" && o.example != "signals":
		return usageError(fmt.Errorf("--example %q: want signals", o.example))
	case o.input == "" && (o.labels != "" || o.lengths != "" || o.labelColumn != ""):
		return usageError(errors.New("--labels, --label-column and --lengths go with --input"))
	case o.labels != "" && o.labelColumn != "":
		return usageError(errors.New("give --labels or --label-column, not both"))
	case o.arch != "auto" && o.arch != "dense" && o.arch != "vae" && o.arch != "lstm" && o.arch != "gru":
		return usageError(fmt.Errorf("--arch %q: want auto, dense, vae, lstm or gru", o.arch))
	case o.code < 1 || o.code > 1<<14:
		return usageError(fmt.Errorf("--code %d: want 1 to 16384", o.code))
	case o.epochs < 1 || o.batch < 1 || o.patience < 0:
		return usageError(fmt.Errorf("--epochs %d and --batch %d must be positive, --patience %d not negative", o.epochs, o.batch, o.patience))
	case !(o.quantile > 0 && o.quantile < 1):
		return usageError(fmt.Errorf("--quantile %g: want a value in (0, 1)", o.quantile))
	}
	if _, err := ae.ParseScoreKind(o.score); err != nil {
		return usageError(fmt.Errorf("--%v", err))
	}
	if o.score == ae.ELBOScore.String() {
		switch {
		case o.arch == "auto" && o.example == "" && o.lengths == "":
			o.arch = "vae"
		case o.arch != "vae":
			return usageError(fmt.Errorf("--score elbo is a variational autoencoder's: --arch vae, on rows of a table or images (not sequences)"))
		}
	}
	if o.arch == "dense" || o.arch == "vae" {
		if err := o.NotWith(fmt.Sprintf("to --arch %s (it is for sequences: --arch lstm or gru)", o.arch), "lengths"); err != nil {
			return err
		}
	}
	if o.input != "" || o.example != "" {
		if err := o.NotWith("to --input or --example (it selects MNIST digits)", "normal", "anomalous", "test-limit", "data"); err != nil {
			return err
		}
	}
	if o.arch == "lstm" || o.arch == "gru" || o.arch == "auto" && (o.example != "" || o.lengths != "") {
		hidden, _, err := recurrentLayers(cmp.Or(o.layers, "32"))
		if err != nil {
			return err
		}
		if hidden > 1<<14 {
			return usageError(fmt.Errorf("--layers %s: want hidden sizes of at most 16384", o.layers))
		}
	} else if _, err := cli.ParseSizes(cmp.Or(o.layers, "128")); err != nil {
		return usageError(fmt.Errorf("--layers: %v", err))
	}
	if o.normalize != "" {
		if _, err := dataset.ParseScaling(o.normalize); err != nil {
			return usageError(fmt.Errorf("--normalize: %v", err))
		}
	}
	if err := cli.FirstError(cli.CheckPositive("lr", o.lr), cli.CheckLimit("train-limit", o.trainLimit), cli.CheckLimit("test-limit", o.testLimit)); err != nil {
		return err
	}
	return o.Common.Check()
}

// anomalyData is the detector's data (ae.AnomalySet) with what the
// command says of it.
type anomalyData struct {
	*ae.AnomalySet
	describe      string // for the first lines of output
	wantSequences bool
	spans         []dataset.Span // the faults of --example signals
	mnist         bool           // MNIST pixels/255
	source        string         // the data's name in messages
}

// load reads --input, simulates --example signals or selects MNIST digits,
// and splits the rows.
func (o *anomalyOptions) load() (*anomalyData, error) {
	d := &anomalyData{source: cmp.Or(o.input, o.example)}
	d.wantSequences = o.arch == "lstm" || o.arch == "gru" || (o.arch == "auto" && (o.example != "" || o.lengths != ""))
	var err error
	switch {
	case o.example != "":
		n := cmp.Or(o.trainLimit, 2000)
		s, spans, serr := dataset.SignalsWithFaults(n, signalSteps, o.Seed)
		if serr != nil {
			return nil, usageError(serr)
		}
		d.AnomalySet, err = ae.SequenceAnomalies(s, dataset.SignalKinds, o.Seed)
		d.spans = spans
		d.describe = fmt.Sprintf("simulated signals: %d damped oscillations of %d steps (seed %d)", n, signalSteps, o.Seed)
	case o.input != "" && d.wantSequences:
		if o.labelColumn != "" {
			return nil, usageError(errors.New("--label-column is for CSV tables; sequences take --labels"))
		}
		s, rerr := dataset.ReadSequences(dataset.SequenceFiles{X: o.input, Labels: o.labels, Lengths: o.lengths}, dataset.Limits{Rows: o.trainLimit})
		if rerr != nil {
			return nil, rerr
		}
		d.AnomalySet, err = ae.SequenceAnomalies(s, nil, o.Seed)
		d.describe = fmt.Sprintf("%s: %d sequences of %d steps × %d features", o.input, s.N, s.Steps, s.Features)
	case o.input != "":
		s, rerr := dataset.ReadSamples(dataset.SampleFiles{X: o.input, Labels: o.labels, LabelColumn: o.labelColumn, Comma: o.Comma, Drop: o.Drop, Columns: o.Keep}, dataset.Limits{Rows: o.trainLimit})
		if rerr != nil {
			return nil, rerr
		}
		d.AnomalySet, err = ae.SampleAnomalies(s, o.Seed)
		d.describe = fmt.Sprintf("%s: %d samples of %d values", o.input, s.N, s.Features)
	default:
		normal, err := dataset.ParseDigits(o.normal)
		if err != nil {
			return nil, usageError(fmt.Errorf("--normal %v", err))
		}
		anomalous, err := dataset.ParseDigits(o.anomalous)
		if err != nil {
			return nil, usageError(fmt.Errorf("--anomalous %v", err))
		}
		for _, digit := range anomalous {
			if slices.Contains(normal, digit) {
				return nil, usageError(fmt.Errorf("digit %d is both --normal and --anomalous", digit))
			}
		}
		train, test, err := o.MNIST(o.trainLimit, o.testLimit)
		if err != nil {
			return nil, err
		}
		if d.AnomalySet, err = ae.MNISTAnomalies(train, test, normal, anomalous, o.Seed); err != nil {
			return nil, err
		}
		d.mnist, d.source = true, "MNIST"
		d.describe = fmt.Sprintf("MNIST: normal digits %v, anomalous %v", normal, anomalous)
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

func detectAnomalies[T nn.Float](o anomalyOptions, d *anomalyData, stdout, stderr io.Writer) error {
	ctx, stop := o.Start(stderr)
	defer stop()
	model, cfg, err := anomalyModel[T](o, d)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, d.describe)
	fmt.Fprintf(stdout, "%v; %d parameters; %d training, %d calibration, %d test rows; backend %s\n",
		model, nn.CountParams(model.Params()), len(d.Train), len(d.Calib), len(d.Test), blas.Describe())
	prog, last := progress.New(stderr, o.epochs), o.epochs
	locating, located := false, 0 // the fault locator's training, its complete epochs
	cfg.OnBatch = func(b nn.BatchProgress) { prog.Batch(b) }
	cfg.OnEpoch = func(e nn.EpochStats) {
		prog.Done()
		if locating {
			located = e.Epoch
		}
		if e.Epoch == 1 || e.Epoch%10 == 0 || e.Epoch == last {
			fmt.Fprintf(stdout, "epoch %3d  train loss %.5f  %v\n", e.Epoch, e.TrainLoss, e.Duration.Round(10*time.Millisecond))
		}
	}
	cfg.OnLocator = func() {
		fmt.Fprintf(stdout, "the fault locator, a one-step forecaster of the normal sequences, until its validation loss stops falling (patience %d):\n", ae.LocatorPatience)
		prog, last, locating = progress.New(stderr, ae.LocatorMaxEpochs), ae.LocatorMaxEpochs, true
	}
	run, fitErr := ae.Detect(ctx, model, d.AnomalySet, cfg)
	prog.Done()
	interrupted := fitErr != nil && errors.Is(fitErr, ctx.Err())
	if run == nil || fitErr != nil && !interrupted {
		return fmt.Errorf("%s: %w", d.source, fitErr)
	}
	if interrupted {
		// Scoring takes one pass: the detector as trained so far is
		// calibrated, scored and saved, and the run ends with the interrupt.
		what := fmt.Sprintf("%d complete epochs", len(run.History.Epochs))
		if locating {
			what = fmt.Sprintf("the autoencoder's %d epochs and %d complete epochs of the fault locator", len(run.History.Epochs), located)
		}
		fmt.Fprintf(stdout, "interrupted after %s: calibrated and scored the model as it is\n", what)
	}
	det, scores, metrics := run.Detector, run.Scores, run.Metrics
	if run.StepScores != nil && d.spans != nil {
		metrics.FaultLocated = ae.LocatedFaults(run.StepScores, d.Steps, d.Test, d.Labels, d.spans, d.Kinds)
	}
	fmt.Fprint(stdout, metrics.Report(d.Kinds))

	// Everything is ready before the first file is written.
	extra := map[string]string{}
	if d.mnist {
		extra[nn.KeyData], extra[nn.KeyNormalization] = "mnist", dataset.Unit.String()
	}
	out := &cli.Outputs{}
	out.File("anomaly.safetensors")(det.EncodeFile(extra))
	out.Npy("scores.npy", []int{d.N}, scores)
	out.File("scores_by_kind.csv")(dataset.EncodeCSV(run.ScoreTable()))
	out.Npy("split.npy", []int{d.N}, d.SplitCodes())
	if run.StepErrors != nil {
		out.Npy("step_errors.npy", []int{d.N, d.Steps}, run.StepErrors)
	}
	if run.StepScores != nil {
		out.Npy("step_scores.npy", []int{d.N, d.Steps}, run.StepScores)
		if signals := figures.FlaggedSignals(d.AnomalySet, scores, run.StepScores, det.Threshold, 3); signals != nil {
			out.File("faults.png")(figures.Faults(signals))
		}
	}
	out.JSON("metrics.json", metrics)
	testScores, testLabels, anomalous := d.TestScores(scores)
	out.File("errors.png")(figures.ErrorHistogram(testScores, anomalous, det.Threshold, det.Score.Quantity()))
	if metrics.Separation != nil {
		out.File("roc.png")(figures.ROC(testScores, testLabels, d.Kinds))
	}
	if err := o.WriteRun(out, stdout, interrupted); err != nil {
		return err
	}
	return fitErr
}

// anomalyModel returns the untrained autoencoder of the flags
// (ae.DenseDetectorNet, ae.VariationalDetectorNet or
// ae.SequenceDetectorNet) and the detector's
// training settings.
func anomalyModel[T nn.Float](o anomalyOptions, d *anomalyData) (nn.Layer[T], ae.DetectorConfig, error) {
	cfg := ae.DetectorConfig{Quantile: o.quantile, Epochs: o.epochs, Patience: o.patience, BatchSize: o.batch, LR: o.lr, Seed: o.Seed}
	cfg.Score, _ = ae.ParseScoreKind(o.score)
	var net ae.DetectorNet
	var err error
	if d.wantSequences {
		if d.Steps == 0 {
			return nil, cfg, usageError(fmt.Errorf("--arch %s needs sequences: --input X.npy of shape (n, steps[, features]), or --example signals", o.arch))
		}
		cell := seq.LSTM
		if o.arch == "gru" {
			cell = seq.GRU
		}
		hidden, _ := cli.ParseSizes(cmp.Or(o.layers, "32"))
		net, err = ae.SequenceDetectorNet(d.AnomalySet, cell, hidden, o.code)
	} else {
		var scaling *dataset.Scaling
		if d.mnist {
			none := dataset.NoScaling // pixels/255 already
			scaling = &none
		} else if o.normalize != "" {
			kind, _ := dataset.ParseScaling(o.normalize)
			scaling = &kind
		}
		hidden, _ := cli.ParseSizes(cmp.Or(o.layers, "128"))
		if o.arch == "vae" {
			net, err = ae.VariationalDetectorNet(d.AnomalySet, hidden, o.code, scaling)
		} else {
			net, err = ae.DenseDetectorNet(d.AnomalySet, hidden, o.code, scaling)
		}
		cfg.Scaling = net.Scaling
	}
	if err != nil {
		return nil, cfg, usageError(err)
	}
	if err := cli.CheckModelMemory[T](net.ParamCount()); err != nil {
		return nil, cfg, err
	}
	m, err := ae.NewDetectorModel[T](net, nn.NewRand(o.Seed))
	if err != nil {
		return nil, cfg, usageError(err)
	}
	return m, cfg, nil
}

// signalSteps is the length of the simulated signals of --example signals.
const signalSteps = 50
