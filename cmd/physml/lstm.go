package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/figures"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/saved"
	"github.com/physml/physml/seq"
)

// lstmOptions are the flags of "physml lstm"; the defaults are the
// lecture's settings.
type lstmOptions struct {
	common
	cell          string
	preset        string
	heads         int
	hidden        int
	layers        int
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
.npz archive is written archive.npz:name.`

func runLSTM(args []string, stdout, stderr io.Writer) error {
	var o lstmOptions
	fs := newFlagSet("lstm", lstmSummary, stdout)
	o.common.register(fs)
	fs.StringVar(&o.cell, "cell", "lstm", cellUsage)
	fs.StringVar(&o.preset, "preset", "pytorch", "pytorch (the default) or keras: the lecture's Keras listing — pixels/255, Glorot and orthogonal weights with forget-gate bias 1, Adam ε 1e-7, validation on the last part unshuffled")
	fs.IntVar(&o.heads, "heads", 4, headsUsage)
	fs.StringVar(&o.norm, "norm", "none", "none, batchnorm or layernorm: normalise the last hidden states before the Dense layer (the lecture's exercise of a BatchNormalization layer after the LSTM)")
	fs.IntVar(&o.trace, "trace", 0, "write the gate activations and states of the first N test sequences after training (trace_*.npy) and a picture of the keep gate, the input gate and the cell state step by step (trace.png)")
	fs.IntVar(&o.hidden, "hidden", 128, "hidden size")
	fs.IntVar(&o.proj, "proj", 0, "project the LSTM's hidden state to this many values (PyTorch's proj_size; 0: none)")
	fs.IntVar(&o.layers, "layers", 1, "stacked recurrent layers")
	fs.BoolVar(&o.bidirectional, "bidirectional", false, "read the rows in both directions")
	fs.Float64Var(&o.dropout, "dropout", 0, "dropout between stacked layers")
	fs.Float64Var(&o.inputDropout, "input-dropout", 0, "Keras's dropout: drop this fraction of each layer's inputs, one mask per sequence reused at every step (lstm, gru, rnn)")
	fs.Float64Var(&o.recDropout, "recurrent-dropout", 0, "Keras's recurrent_dropout: drop this fraction of h(t−1) where the recurrent weights read it, one mask per sequence (lstm, gru, rnn)")
	fs.IntVar(&o.epochs, "epochs", 10, "training epochs")
	fs.IntVar(&o.batch, "batch", 64, "batch size")
	fs.Float64Var(&o.lr, "lr", 1e-3, "Adam learning rate")
	fs.StringVar(&o.schedule, "schedule", "none", "learning-rate schedule: none, step, exp or cosine")
	fs.Float64Var(&o.validation, "validation", 0.2, "fraction of the training images held out for validation")
	fs.Float64Var(&o.clip, "clip", 0, "clip the gradient norm to this (0: no clipping)")
	fs.IntVar(&o.patience, "patience", 0, "stop after this many epochs without a better validation loss (0: never)")
	fs.IntVar(&o.trainLimit, "train-limit", 0, "use only the first N training images (0: all 60000)")
	fs.IntVar(&o.testLimit, "test-limit", 0, "use only the first N test images (0: all 10000)")
	fs.StringVar(&o.input, "input", "", "your sequences (.npy or archive.npz:name) instead of MNIST")
	fs.StringVar(&o.labels, "labels", "", "class labels of --input, one per sequence")
	fs.StringVar(&o.lengths, "lengths", "", "valid lengths of the --input sequences (optional)")
	fs.Float64Var(&o.testFraction, "test", 0.2, "fraction of --input sequences held out for testing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := o.check(stderr); err != nil {
		return err
	}
	if o.float64 {
		return trainClassifier[float64](o, stdout, stderr)
	}
	return trainClassifier[float32](o, stdout, stderr)
}

func (o *lstmOptions) check(stderr io.Writer) error {
	if err := checkCell(o.cell, o.hidden, o.heads, o.bidirectional); err != nil {
		return err
	}
	if o.preset != "pytorch" && o.preset != "keras" {
		return usageError{fmt.Errorf("--preset %q: want pytorch or keras", o.preset)}
	}
	switch {
	case o.hidden <= 0 || o.layers <= 0:
		return usageError{fmt.Errorf("--hidden %d and --layers %d must be positive", o.hidden, o.layers)}
	case o.hidden > 1<<16 || o.layers > 1<<10:
		return usageError{fmt.Errorf("--hidden %d or --layers %d: too large (at most 65536 and 1024)", o.hidden, o.layers)}
	case o.epochs <= 0 || o.batch <= 0:
		return usageError{fmt.Errorf("--epochs %d and --batch %d must be positive", o.epochs, o.batch)}
	case o.patience < 0:
		return usageError{fmt.Errorf("--patience %d: want 0 (never stop early) or a positive count", o.patience)}
	case o.clip != 0 && !(o.clip > 0 && !math.IsInf(o.clip, 0)):
		return usageError{fmt.Errorf("--clip %g: want 0 (no clipping) or a positive finite norm", o.clip)}
	}
	if o.input == "" && (o.labels != "" || o.lengths != "") {
		return usageError{fmt.Errorf("--labels and --lengths go with --input")}
	}
	if c, err := seq.ParseCell(o.cell); err == nil && o.proj != 0 && (c != seq.LSTM || o.proj < 0 || o.proj >= o.hidden) {
		return usageError{fmt.Errorf("--proj %d: the LSTM projects its hidden state to fewer values than --hidden (%d)", o.proj, o.hidden)}
	}
	if o.norm != "none" && o.norm != "batchnorm" && o.norm != "layernorm" {
		return usageError{fmt.Errorf("--norm %q: want none, batchnorm or layernorm", o.norm)}
	}
	if o.trace < 0 || o.trace > 1000 {
		return usageError{fmt.Errorf("--trace %d: want 0 to 1000 sequences", o.trace)}
	}
	if c, err := seq.ParseCell(o.cell); err == nil && o.trace > 0 && (c == seq.SLSTMCell || c == seq.MLSTMCell || o.proj > 0) {
		return usageError{fmt.Errorf("--trace: the %s cell records no gate traces (lstm without --proj, gru and rnn do)", o.cell)}
	}
	if o.input != "" {
		if err := o.notWith("to --input (it is for MNIST; --test holds out a part of your sequences)", "test-limit", "data"); err != nil {
			return err
		}
	} else if err := o.notWith("to MNIST (it is for --input)", "test"); err != nil {
		return err
	}
	if o.input != "" && o.labels == "" {
		return usageError{fmt.Errorf("--input needs --labels: one class per sequence")}
	}
	if c, err := seq.ParseCell(o.cell); err == nil && (o.inputDropout != 0 || o.recDropout != 0) && (c == seq.SLSTMCell || c == seq.MLSTMCell) {
		return usageError{fmt.Errorf("--input-dropout and --recurrent-dropout: the %s cell has none (lstm, gru and rnn do)", o.cell)}
	}
	for _, err := range []error{checkFraction("dropout", o.dropout, 1), checkFraction("input-dropout", o.inputDropout, 1), checkFraction("recurrent-dropout", o.recDropout, 1), checkPositive("lr", o.lr), checkFraction("test", o.testFraction, 1),
		checkFraction("validation", o.validation, 1), checkLimit("train-limit", o.trainLimit), checkLimit("test-limit", o.testLimit)} {
		if err != nil {
			return err
		}
	}
	if _, err := parseSchedule(o.schedule, o.epochs); err != nil {
		return usageError{err}
	}
	if o.dropout > 0 && o.layers == 1 {
		// PyTorch warns likewise: dropout acts only between stacked layers.
		fmt.Fprintf(stderr, "physml lstm: warning: --dropout %g has no effect with one layer (it applies between stacked layers)\n", o.dropout)
	}
	return o.common.check()
}

const (
	cellUsage  = "recurrent cell: lstm, gru, rnn, rnn_relu, slstm or mlstm (xLSTM)"
	headsUsage = "heads of an slstm or mlstm cell (they must divide --hidden)"
)

// checkCell checks --cell, and --heads and --bidirectional against it.
func checkCell(name string, hidden, heads int, bidirectional bool) error {
	cell, err := seq.ParseCell(name)
	if err != nil {
		return usageError{fmt.Errorf("--cell %q: want lstm, gru, rnn, rnn_relu, slstm or mlstm", name)}
	}
	if cell == seq.SLSTMCell || cell == seq.MLSTMCell {
		if heads < 1 || hidden%heads != 0 {
			return usageError{fmt.Errorf("--heads %d: want a positive number that divides --hidden %d", heads, hidden)}
		}
		if bidirectional {
			return usageError{fmt.Errorf("--cell %s reads in one direction: --bidirectional is for lstm, gru and rnn", name)}
		}
	}
	return nil
}

// classificationInput loads MNIST, or the user's sequences with --input.
func classificationInput[T nn.Float](o lstmOptions) (classificationData[T], error) {
	if o.input == "" {
		train, test, err := o.mnist(o.trainLimit, o.testLimit)
		if err != nil {
			return classificationData[T]{}, err
		}
		norm := dataset.Standardize // PyTorch's Normalize((0.1307,), (0.3081,))
		if o.preset == "keras" {
			norm = dataset.Unit // Keras's x/255
		}
		return mnistClassification[T](train, test, norm), nil
	}
	s, err := dataset.ReadSequences(dataset.SequenceFiles{X: o.input, Labels: o.labels, Lengths: o.lengths}, dataset.Limits{Rows: o.trainLimit})
	if err != nil {
		return classificationData[T]{}, err
	}
	return userClassification[T](s, o.testFraction, o.seed, o.input)
}

// mnistSequences converts images to (batch, 28·28) sequences of pixels
// normalised by norm.
func mnistSequences[T nn.Float](im *dataset.Images, norm dataset.Normalization) nn.Dataset[T] {
	return nn.Dataset[T]{X: nn.MatrixFrom(im.Len(), dataset.MNISTPixels, dataset.Floats[T](im.Pixels, norm)), Labels: im.Labels}
}

func trainClassifier[T nn.Float](o lstmOptions, stdout, stderr io.Writer) error {
	d, err := classificationInput[T](o)
	if err != nil {
		return err
	}
	if n, nVal := d.train.Len(), int(math.Round(o.validation*float64(d.train.Len()))); o.validation > 0 && (nVal == 0 || nVal == n) {
		return usageError{fmt.Errorf("--validation %g of %d training samples leaves %d for training and %d for validation; both need at least one", o.validation, n, n-nVal, nVal)}
	}
	ctx, stop := o.start(stderr)
	defer stop()
	cell, _ := seq.ParseCell(o.cell)
	schedule, _ := parseSchedule(o.schedule, o.epochs)
	rcfg := seq.Config{InputSize: d.inputSize, HiddenSize: o.hidden, NumLayers: o.layers,
		Bidirectional: o.bidirectional, Dropout: o.dropout, Heads: o.heads, InputDropout: o.inputDropout, RecurrentDropout: o.recDropout, ProjSize: o.proj}
	adam := nn.AdamConfig{LR: o.lr}
	if o.preset == "keras" {
		rcfg.Init, adam.Eps = seq.InitKeras, 1e-7
		if cell == seq.LSTM {
			rcfg.ForgetBias = 1 // unit_forget_bias
		}
	}
	if err := checkModelMemory[T](seq.ParamCount(cell, rcfg, d.classes)); err != nil {
		return err
	}
	model := seq.NewClassifier[T](cell, rcfg, d.classes, nn.NewRand(o.seed))
	switch o.norm {
	case "batchnorm":
		model.Norm = nn.NewBatchNorm1d[T](model.RNN.OutputSize())
	case "layernorm":
		model.Norm = nn.NewLayerNorm[T](model.RNN.OutputSize())
	}
	if o.preset == "keras" {
		nn.XavierUniform(nn.NewRand(o.seed+1), model.FC.Weight.Value, model.FC.In, model.FC.Out, 1) // Dense: Glorot, zero bias
		clear(model.FC.Bias.Value)
	}
	opt := nn.NewAdam(model.Params(), adam)
	dtype := fmt.Sprintf("%T", T(0))
	norm := ""
	if model.Norm != nil {
		norm = fmt.Sprintf("%v, ", model.Norm)
	}
	fmt.Fprintf(stdout, "%v, %sDense(%d→%d); %d parameters, %s, backend %s\n", model.RNN, norm, model.RNN.OutputSize(), d.classes, nn.CountParams(model.Params()), dtype, backendLine())
	fmt.Fprintf(stdout, "%s; %.0f %% of the training part held out for validation\n", d.describe, 100*o.validation)

	prog := newProgress(stderr, o.epochs)
	cfg := nn.FitConfig[T]{Epochs: o.epochs, BatchSize: o.batch, Seed: o.seed, ValidationSplit: o.validation, ValidationLast: o.preset == "keras",
		Schedule: schedule, ClipNorm: o.clip, Patience: o.patience, OnBatch: prog.batch,
		OnEpoch: func(e nn.EpochStats) {
			prog.done()
			fmt.Fprintf(stdout, "epoch %2d  train loss %.4f  train acc %.4f  val loss %.4f  val acc %.4f  lr %.2g  %v\n",
				e.Epoch, e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValAccuracy, e.LR, e.Duration.Round(10*time.Millisecond))
		}}
	start := time.Now()
	hist, fitErr := nn.Fit(ctx, model, nn.CrossEntropy[T]{}, opt, d.train, cfg)
	prog.done()
	interrupted := fitErr != nil && errors.Is(fitErr, ctx.Err())
	if fitErr != nil && !interrupted {
		return fitErr
	}
	trainTime := time.Since(start)

	modelFile, err := model.EncodeFile(d.metadata)
	if err != nil {
		return err
	}
	files := []outputFile{{"lstm.safetensors", modelFile}}
	if len(hist.Epochs) > 0 {
		title := fmt.Sprintf("%v on MNIST rows", model.RNN.Cell)
		if o.input != "" {
			title = fmt.Sprintf("%v on %s", model.RNN.Cell, filepath.Base(o.input))
		}
		png, err := figures.History(title, hist)
		if err != nil {
			return err
		}
		files = append(files, outputFile{"lstm_curves.png", png})
	}
	if interrupted {
		// Save first; the test inference would only delay the exit.
		return o.saveInterrupted(files, len(hist.Epochs), stdout, fitErr)
	}

	inferStart := time.Now()
	logits := nn.PredictDataset[T](model, d.test, 1000)
	inferTime := time.Since(inferStart)
	predicted := nn.Argmax(logits)
	acc := nn.Accuracy(logits, d.test.Labels)
	fmt.Fprintf(stdout, "test accuracy %.4f (%d sequences); training %v, inference %.0f sequences/s\n",
		acc, d.test.Len(), trainTime.Round(10*time.Millisecond), float64(d.test.Len())/inferTime.Seconds())
	// The matrix is classes² counts: beyond maxDenseClasses the file lists
	// the pairs that occur (true, predicted, count) and nothing is printed.
	var cm [][]int
	if d.classes <= maxDenseClasses {
		cm = nn.ConfusionMatrix(predicted, d.test.Labels, d.classes)
		files = append(files, outputFile{"confusion.csv", []byte(confusionCSV(cm))})
	} else {
		files = append(files, outputFile{"confusion.csv", []byte(confusionPairs(predicted, d.test.Labels))})
	}
	if d.testRows != nil {
		probs, err := dataset.EncodeNpy([]int{logits.Rows, logits.Cols}, saved.Probabilities(nn.Convert[float32](logits)))
		if err != nil {
			return err
		}
		rows, err := testRowsFile(d.testRows)
		if err != nil {
			return err
		}
		files = append(files, outputFile{"probabilities.npy", probs}, rows)
	}
	if o.trace > 0 {
		traces, err := traceFiles(model, d.test, o.trace, o.input == "")
		if err != nil {
			return err
		}
		files = append(files, traces...)
	}
	if cm != nil {
		fmt.Fprint(stdout, confusionTable(cm))
	} else {
		fmt.Fprintf(stdout, "the confusion of %d classes is in confusion.csv as (true, predicted, count)\n", d.classes)
	}
	written, err := o.writeFiles(files)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", strings.Join(written, ", "))
	return nil
}

// maxDenseClasses is the most classes whose confusion matrix is printed
// and written whole.
const maxDenseClasses = 50

// confusionPairs lists the (true, predicted) pairs that occur with their
// counts, in order: a confusion matrix of many classes, sparse.
func confusionPairs(predicted, labels []int) string {
	counts := map[[2]int]int{}
	for i, p := range predicted {
		counts[[2]int{labels[i], p}]++
	}
	pairs := slices.SortedFunc(maps.Keys(counts), func(a, b [2]int) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	var b strings.Builder
	b.WriteString("true,predicted,count\n")
	for _, k := range pairs {
		fmt.Fprintf(&b, "%d,%d,%d\n", k[0], k[1], counts[k])
	}
	return b.String()
}

func confusionCSV(cm [][]int) string { return formatConfusion(cm, "true\\predicted", "%d", ",%d") }

func confusionTable(cm [][]int) string {
	return "confusion matrix (rows: true class, columns: predicted)\n" + formatConfusion(cm, "     ", "%5d", "%6d")
}

// formatConfusion writes a header of predicted classes after corner, then a
// row per true class: its label in the first format, the counts in cell.
func formatConfusion(cm [][]int, corner, first, cell string) string {
	var b strings.Builder
	b.WriteString(corner)
	for j := range cm {
		fmt.Fprintf(&b, cell, j)
	}
	b.WriteString("\n")
	for i, row := range cm {
		fmt.Fprintf(&b, first, i)
		for _, v := range row {
			fmt.Fprintf(&b, cell, v)
		}
		b.WriteString("\n")
	}
	return b.String()
}
