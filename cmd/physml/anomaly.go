package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/figures"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

type anomalyOptions struct {
	common
	input, labels, lengths, example string
	normal, anomalous               string
	model, layers, normalize        string
	hidden, code, epochs, batch     int
	lr, quantile                    float64
	trainLimit, testLimit           int
}

const anomalySummary = `Anomaly detection with an autoencoder: train it on normal data only, set the
threshold at the --quantile of the reconstruction errors of held-out normal
data, and score the test data. Prints the threshold and the flagged
fractions and, with labels, the ROC AUC, the average precision, precision
and recall at the threshold, and the AUC of each kind of anomaly.

Data: --input X.npy with --labels y.npy (0 normal; 1, 2, … kinds of
anomaly; without labels every row counts as normal and the scores are all
there is); the normal rows are split 60/20/20 into training, calibration
(threshold) and test, and every anomalous row is tested. Tables and images
go to a dense autoencoder; sequences (X of shape (n, steps, features) or
(n, steps), optional --lengths) to an LSTM or GRU autoencoder with --model
lstm|gru. --example signals simulates noisy damped oscillations with
spikes, level shifts, dropouts and frequency changes. Without --input or
--example: MNIST, training on the --normal digits and testing them against
the --anomalous ones.

A first Ctrl-C or SIGTERM ends the training: the model as it is then is
calibrated, scored and saved, and the command exits 1.

Writes into --out: anomaly.safetensors; scores.npy (the error of every row,
in input order); split.npy (0 training, 1 calibration, 2 test);
metrics.json; errors.png (the test errors of normal and anomalous rows,
threshold marked) and, with labels, roc.png.`

func runAnomaly(args []string, stdout, stderr io.Writer) error {
	var o anomalyOptions
	fs := newFlagSet("anomaly", anomalySummary, stdout)
	o.common.register(fs)
	fs.StringVar(&o.input, "input", "", "your data (.npy, archive.npz:name or .csv) instead of MNIST")
	fs.StringVar(&o.labels, "labels", "", "labels of --input: 0 normal, 1, 2, … kinds of anomaly")
	fs.StringVar(&o.lengths, "lengths", "", "valid lengths of --input sequences")
	fs.StringVar(&o.example, "example", "", "simulated data instead of --input: signals")
	fs.StringVar(&o.normal, "normal", "0,1,2,3,4,5,6,7,8", "MNIST digits that are normal")
	fs.StringVar(&o.anomalous, "anomalous", "9", "MNIST digits that are anomalies")
	fs.StringVar(&o.model, "model", "auto", "autoencoder: dense, lstm or gru (auto: lstm for --example signals and with --lengths, else dense)")
	fs.StringVar(&o.layers, "layers", "128", "dense: hidden sizes between the inputs and the code, comma-separated")
	fs.IntVar(&o.hidden, "hidden", 32, "lstm, gru: hidden size")
	fs.IntVar(&o.code, "code", 16, "size of the code")
	fs.StringVar(&o.normalize, "normalize", "", "dense: none, unit, minmax or standard (default unit for images, minmax for tables); sequences are standardised")
	fs.IntVar(&o.epochs, "epochs", 0, "training epochs (0: 100 for lstm and gru, 20 for dense)")
	fs.IntVar(&o.batch, "batch", 32, "batch size")
	fs.Float64Var(&o.lr, "lr", 3e-3, "Adam learning rate")
	fs.Float64Var(&o.quantile, "quantile", 0.99, "threshold: this quantile of the calibration errors (0.99 flags about 1 % of normal data)")
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
	if o.epochs == 0 {
		o.epochs = 20
		if d.wantSequences {
			o.epochs = 100
		}
	}
	if o.float64 {
		return detectAnomalies[float64](o, d, stdout, stderr)
	}
	return detectAnomalies[float32](o, d, stdout, stderr)
}

func (o *anomalyOptions) check() error {
	switch {
	case o.input != "" && o.example != "":
		return usageError{errors.New("give --input or --example, not both")}
	case o.example != "" && o.example != "signals":
		return usageError{fmt.Errorf("--example %q: want signals", o.example)}
	case o.input == "" && (o.labels != "" || o.lengths != ""):
		return usageError{errors.New("--labels and --lengths go with --input")}
	case o.model != "auto" && o.model != "dense" && o.model != "lstm" && o.model != "gru":
		return usageError{fmt.Errorf("--model %q: want auto, dense, lstm or gru", o.model)}
	case o.hidden < 1 || o.code < 1 || o.hidden > 1<<14 || o.code > 1<<14:
		return usageError{fmt.Errorf("--hidden %d and --code %d: want 1 to 16384", o.hidden, o.code)}
	case o.epochs < 0 || o.batch < 1:
		return usageError{fmt.Errorf("--epochs %d (0: the default) must not be negative and --batch %d must be positive", o.epochs, o.batch)}
	case !(o.quantile > 0 && o.quantile < 1):
		return usageError{fmt.Errorf("--quantile %g: want a value in (0, 1)", o.quantile)}
	}
	if o.model == "dense" {
		if err := o.notWith("to --model dense (it is for sequences: --model lstm or gru)", "lengths", "hidden"); err != nil {
			return err
		}
	}
	if o.input != "" || o.example != "" {
		if err := o.notWith("to --input or --example (it selects MNIST digits)", "normal", "anomalous", "test-limit", "data"); err != nil {
			return err
		}
	}
	if _, err := parseInts(o.layers); err != nil {
		return usageError{fmt.Errorf("--layers: %v", err)}
	}
	if o.normalize != "" {
		if _, err := dataset.ParseScaling(o.normalize); err != nil {
			return usageError{fmt.Errorf("--normalize: %v", err)}
		}
	}
	for _, err := range []error{checkPositive("lr", o.lr), checkLimit("train-limit", o.trainLimit), checkLimit("test-limit", o.testLimit)} {
		if err != nil {
			return err
		}
	}
	return o.common.check()
}

// anomalyData is what the detector trains on, calibrates with and tests:
// rows of x, split by index; labels 0 normal, k > 0 the anomaly kinds[k].
type anomalyData struct {
	x             []float64 // n rows of per values
	n, per        int
	steps         int   // for sequences: steps of features values; 0 for tables and images
	lengths       []int // valid steps of sequences, or nil
	image         []int // (height, width) of images, or nil
	labels        []int // nil without labels
	kinds         []string
	train, calib  []int
	test          []int
	describe      string
	scaling       string // for dense models: the scaling to fit on the training rows
	wantSequences bool
	mnist         bool   // MNIST pixels/255
	source        string // the data's name in messages
}

// load reads --input, simulates --example signals or selects MNIST digits,
// and splits the rows.
func (o *anomalyOptions) load() (*anomalyData, error) {
	d := &anomalyData{scaling: o.normalize, source: cmp.Or(o.input, o.example)}
	seqModel := o.model == "lstm" || o.model == "gru" || (o.model == "auto" && (o.example != "" || o.lengths != ""))
	switch {
	case o.example != "":
		n := 2000
		if o.trainLimit > 0 {
			n = o.trainLimit
		}
		s, err := dataset.Signals(n, signalSteps, o.seed)
		if err != nil {
			return nil, usageError{err}
		}
		d.fromSequences(s)
		d.kinds = dataset.SignalKinds
		d.describe = fmt.Sprintf("simulated signals: %d damped oscillations of %d steps (seed %d)", n, signalSteps, o.seed)
	case o.input != "" && seqModel:
		s, err := dataset.ReadSequences(dataset.SequenceFiles{X: o.input, Labels: o.labels, Lengths: o.lengths}, dataset.Limits{Rows: o.trainLimit})
		if err != nil {
			return nil, err
		}
		d.fromSequences(s)
		d.describe = fmt.Sprintf("%s: %d sequences of %d steps × %d features", o.input, s.N, s.Steps, s.Features)
	case o.input != "":
		s, err := dataset.ReadSamples(dataset.SampleFiles{X: o.input, Labels: o.labels}, dataset.Limits{Rows: o.trainLimit})
		if err != nil {
			return nil, err
		}
		d.x, d.n, d.per, d.labels = s.X, s.N, s.Features, s.Labels
		if len(s.Shape) == 2 {
			d.image = s.Shape
		}
		d.describe = fmt.Sprintf("%s: %d samples of %d values", o.input, s.N, s.Features)
	default:
		if err := d.fromMNIST(o); err != nil {
			return nil, err
		}
		d.wantSequences = seqModel
		return d, nil
	}
	d.wantSequences = seqModel
	if d.labels != nil && d.kinds == nil {
		classes := 0
		for _, l := range d.labels {
			classes = max(classes, l+1)
		}
		d.kinds = []string{"normal"}
		for k := 1; k < classes; k++ {
			d.kinds = append(d.kinds, "label "+strconv.Itoa(k))
		}
	}
	return d, d.split(o.seed)
}

func (d *anomalyData) fromSequences(s *dataset.Sequences) {
	d.x, d.n, d.per, d.steps, d.lengths, d.labels = s.X, s.N, s.Steps*s.Features, s.Steps, s.Lengths, s.Labels
}

// split shuffles the normal rows into 60 % training, 20 % calibration and
// 20 % test; every anomalous row is tested.
func (d *anomalyData) split(seed uint64) (err error) {
	d.train, d.calib, d.test, err = ae.SplitNormal(d.n, d.labels, seed)
	return err
}

// fromMNIST takes the training images of the --normal digits (80 % for
// training, 20 % for calibration) and the test images of the --normal and
// --anomalous digits.
func (d *anomalyData) fromMNIST(o *anomalyOptions) error {
	normal, err := parseDigits("normal", o.normal)
	if err != nil {
		return err
	}
	anomalous, err := parseDigits("anomalous", o.anomalous)
	if err != nil {
		return err
	}
	kind := map[int]int{}
	d.kinds = []string{"normal"}
	for _, digit := range normal {
		kind[digit] = 0
	}
	for _, digit := range anomalous {
		if _, dup := kind[digit]; dup {
			return usageError{fmt.Errorf("digit %d is both --normal and --anomalous", digit)}
		}
		kind[digit] = len(d.kinds)
		d.kinds = append(d.kinds, "digit "+strconv.Itoa(digit))
	}
	train, test, err := o.mnist(o.trainLimit, o.testLimit)
	if err != nil {
		return err
	}
	d.per, d.image = dataset.MNISTPixels, []int{dataset.MNISTRows, dataset.MNISTCols}
	var normalRows []int
	add := func(im *dataset.Images, i int) {
		d.x = append(d.x, dataset.Floats[float64](im.Pixels[i*d.per:(i+1)*d.per], dataset.Unit)...)
		d.labels = append(d.labels, kind[im.Labels[i]])
		d.n++
	}
	for i, l := range train.Labels {
		if k, ok := kind[l]; ok && k == 0 {
			normalRows = append(normalRows, d.n)
			add(train, i)
		}
	}
	for i, l := range test.Labels {
		if _, ok := kind[l]; ok {
			d.test = append(d.test, d.n)
			add(test, i)
		}
	}
	if len(normalRows) < 5 || len(d.test) == 0 {
		return fmt.Errorf("MNIST: %d training images of the normal digits and %d test images: too few", len(normalRows), len(d.test))
	}
	perm := nn.NewRand(o.seed ^ 0xa40).Perm(len(normalRows))
	nTrain := len(normalRows) * 4 / 5
	for r, p := range perm {
		if r < nTrain {
			d.train = append(d.train, normalRows[p])
		} else {
			d.calib = append(d.calib, normalRows[p])
		}
	}
	d.scaling = dataset.NoScaling.String() // pixels/255 already
	d.mnist, d.source = true, "MNIST"
	d.describe = fmt.Sprintf("MNIST: normal digits %v, anomalous %v", normal, anomalous)
	return nil
}

func parseDigits(name, s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 0 || v > 9 || seen[v] {
			return nil, usageError{fmt.Errorf("--%s %q: want distinct digits 0 to 9, comma-separated", name, s)}
		}
		seen[v] = true
		out = append(out, v)
	}
	return out, nil
}

func detectAnomalies[T nn.Float](o anomalyOptions, d *anomalyData, stdout, stderr io.Writer) error {
	ctx, stop := o.start(stderr)
	defer stop()
	model, cfg, err := anomalyModel[T](o, d)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, d.describe)
	fmt.Fprintf(stdout, "%v; %d parameters; %d training, %d calibration, %d test rows; backend %s\n",
		model, nn.CountParams(model.Params()), len(d.train), len(d.calib), len(d.test), backendLine())
	prog := newProgress(stderr, o.epochs)
	cfg.OnBatch = prog.batch
	cfg.OnEpoch = func(e nn.EpochStats) {
		prog.done()
		if e.Epoch == 1 || e.Epoch%10 == 0 || e.Epoch == o.epochs {
			fmt.Fprintf(stdout, "epoch %3d  train loss %.5f  %v\n", e.Epoch, e.TrainLoss, e.Duration.Round(10*time.Millisecond))
		}
	}
	rows := ae.Rows{X: d.x, N: d.n, Lengths: d.lengths}
	det, hist, fitErr := ae.FitDetector(ctx, model, rows, d.train, d.calib, cfg)
	prog.done()
	interrupted := fitErr != nil && errors.Is(fitErr, ctx.Err())
	if fitErr != nil && !interrupted {
		return fitErr
	}
	if interrupted {
		// Scoring takes one pass: the detector as trained so far is
		// calibrated, scored and saved, and the run ends with the interrupt.
		fmt.Fprintf(stdout, "interrupted after %d complete epochs: calibrating and scoring the model as it is\n", len(hist.Epochs))
	}
	scores, err := det.Scores(rows)
	if err != nil {
		return fmt.Errorf("%s: %w", d.source, err)
	}
	calib := make([]float64, len(d.calib))
	for r, i := range d.calib {
		calib[r] = scores[i]
	}
	det.Calibrate(calib) // the threshold of exactly these scores
	metrics := ae.EvaluateScores(scores, d.labels, d.test, det.Threshold, det.Quantile, d.kinds)
	printAnomalyMetrics(stdout, d, metrics)

	// Everything is ready before the first file is written.
	extra := map[string]string{}
	if d.mnist {
		extra[nn.KeyData], extra[nn.KeyNormalization] = "mnist", dataset.Unit.String()
	}
	modelFile, err := det.EncodeFile(extra)
	if err != nil {
		return err
	}
	scoresNpy, err := dataset.EncodeNpy([]int{d.n}, scores)
	if err != nil {
		return err
	}
	split := make([]float64, d.n)
	for part, rows := range [][]int{d.train, d.calib, d.test} {
		for _, i := range rows {
			split[i] = float64(part)
		}
	}
	splitNpy, err := dataset.EncodeNpy([]int{d.n}, split)
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(metrics, "", "  ")
	if err != nil {
		return err
	}
	files := []outputFile{{"anomaly.safetensors", modelFile}, {"scores.npy", scoresNpy}, {"split.npy", splitNpy}, {"metrics.json", append(js, '\n')}}
	testScores, testLabels := make([]float64, len(d.test)), make([]int, len(d.test))
	anomalous := make([]bool, len(d.test))
	for r, i := range d.test {
		testScores[r] = scores[i]
		if d.labels != nil {
			testLabels[r], anomalous[r] = d.labels[i], d.labels[i] != 0
		}
	}
	histogram, err := figures.ErrorHistogram(testScores, anomalous, det.Threshold)
	if err != nil {
		return err
	}
	files = append(files, outputFile{"errors.png", histogram})
	if metrics.Separation != nil {
		roc, err := figures.ROC(testScores, testLabels, d.kinds)
		if err != nil {
			return err
		}
		files = append(files, outputFile{"roc.png", roc})
	}
	written, err := o.writeFiles(files)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", strings.Join(written, ", "))
	if interrupted {
		return fitErr
	}
	return nil
}

// anomalyModel returns the untrained autoencoder of the flags and the
// detector's training settings: a dense autoencoder (sigmoid outputs for
// data scaled to [0, 1], identity ones otherwise; MSE) or an LSTM or GRU
// sequence autoencoder.
func anomalyModel[T nn.Float](o anomalyOptions, d *anomalyData) (nn.Layer[T], ae.DetectorConfig, error) {
	cfg := ae.DetectorConfig{Quantile: o.quantile, Epochs: o.epochs, BatchSize: o.batch, LR: o.lr, Seed: o.seed}
	if d.wantSequences {
		if d.steps == 0 {
			return nil, cfg, usageError{fmt.Errorf("--model %s needs sequences: --input X.npy of shape (n, steps[, features]), or --example signals", o.model)}
		}
		cell := seq.LSTM
		if o.model == "gru" {
			cell = seq.GRU
		}
		sc := ae.SequenceConfig{Cell: cell, Features: d.per / d.steps, Hidden: o.hidden, Code: o.code}
		if err := checkModelMemory[T](sc.ParamCount()); err != nil {
			return nil, cfg, err
		}
		m, err := ae.NewSequenceAE[T](sc, nn.NewRand(o.seed))
		if err != nil {
			return nil, cfg, usageError{err}
		}
		return m, cfg, nil
	}
	scaling := d.scaling
	if scaling == "" {
		scaling = dataset.MinMax.String()
		if d.image != nil {
			scaling = dataset.UnitRange.String()
		}
	}
	kind, err := dataset.ParseScaling(scaling)
	if err != nil {
		return nil, cfg, usageError{fmt.Errorf("--normalize: %v", err)}
	}
	cfg.Scaling = kind
	hidden, _ := parseInts(o.layers)
	ac := ae.Config{Layers: append(append([]int{d.per}, hidden...), o.code), Hidden: ae.ReLU, Code: ae.ReLU, Output: ae.Sigmoid, Loss: ae.MSELoss}
	if kind == dataset.Standard || kind == dataset.NoScaling && d.image == nil {
		ac.Output = ae.Identity
	}
	if err := checkModelMemory[T](ac.ParamCount()); err != nil {
		return nil, cfg, err
	}
	m, err := ae.New[T](ac, nn.NewRand(o.seed))
	if err != nil {
		return nil, cfg, usageError{err}
	}
	return m, cfg, nil
}

func printAnomalyMetrics(w io.Writer, d *anomalyData, m ae.AnomalyMetrics) {
	fmt.Fprintf(w, "threshold %.6g (the %.3g quantile of %d calibration errors)\n", m.Threshold, m.Quantile, len(d.calib))
	fmt.Fprintf(w, "flagged: %.4f of %d normal test rows", m.FlaggedNormalFraction, m.TestNormal)
	if m.Separation == nil {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, ", %.4f of %d anomalies\n", m.FlaggedAnomalyFraction, m.Anomalies)
	fmt.Fprintf(w, "ROC AUC %.4f  average precision %.4f  at the threshold: precision %.4f, recall %.4f\n",
		m.ROCAUC, m.AveragePrecision, m.Precision, m.Recall)
	for k := 1; k < len(d.kinds); k++ {
		if auc, ok := m.ROCAUCPerKind[d.kinds[k]]; ok {
			fmt.Fprintf(w, "  ROC AUC %-18s %.4f\n", d.kinds[k], auc)
		}
	}
}

// signalSteps is the length of the simulated signals of --example signals.
const signalSteps = 50
