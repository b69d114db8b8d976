package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/blas"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/internal/progress"
	"github.com/physml/physml/nn"
)

type aeOptions struct {
	cli.Common
	layers       string
	code         int
	hiddenAct    string
	codeAct      string
	outputAct    string
	loss         string
	denoise      string
	tied         bool
	batchNorm    bool
	sparsity     float64
	epochs       int
	batch        int
	lr           float64
	trainLimit   int
	testLimit    int
	input        string
	labels       string
	labelColumn  string
	normalize    string
	testFraction float64
	preset       string
	patience     int
}

const aeSummary = `Train the lecture's MNIST autoencoder 784-256-64-256-784 (ReLU, sigmoid output,
binary cross-entropy, Adam 1e-3, batch 128, 10 epochs) and report the test
reconstruction MSE per epoch beside that of PCA with as many components as
the code. --loss mse --output-activation tanh gives the PyTorch variant (inputs scaled
to [-1, 1]).

With --input it learns your own samples instead: a table (.csv with numeric
columns, or .npy/archive.npz:name of shape (samples, features)) or images
(shape (samples, height, width)), with optional --labels y.npy (or
--label-column of a CSV) to colour the latent picture. --test holds out a
seeded random fraction for testing; --normalize scales the features with the
training part's statistics.

Writes into --out: autoencoder.safetensors; reconstructions.png (test images
over their autoencoder and PCA reconstructions, or, for a table, four test
rows as profiles); codes.npy, the codes of the test samples; latent.png,
the codes (or their first two principal components) coloured by label;
autoencoder_loss.png; and for --input predictions.npy (.csv for a CSV
input: the test samples' reconstructions in the data's units),
test_rows.npy and split.npy (0 training, 1 validation, 2 test, per input
row).`

func runAutoencoder(args []string, stdout, stderr io.Writer) error {
	var o aeOptions
	fs := newFlagSet("autoencoder", aeSummary, stdout)
	o.Common.Register(fs)
	o.RegisterTable(fs)
	fs.StringVar(&o.layers, "layers", "256", "hidden encoder sizes between the inputs and the code, comma-separated")
	fs.IntVar(&o.code, "code", 64, "size of the code (the bottleneck)")
	fs.StringVar(&o.hiddenAct, "activation", "relu", "activation of the hidden layers: relu, leakyrelu, sigmoid, tanh or identity")
	fs.StringVar(&o.codeAct, "code-activation", "", "activation of the code: linear, relu, leakyrelu, sigmoid or tanh (default: linear for --input, so that codes take any sign; MNIST: --activation's, as in the lecture)")
	fs.StringVar(&o.outputAct, "output-activation", "sigmoid", "output activation: sigmoid ([0,1] inputs), tanh ([-1,1] inputs), relu, leakyrelu, identity")
	o.registerRenamed(fs)
	fs.StringVar(&o.loss, "loss", "bce", "reconstruction loss: bce (needs --output-activation sigmoid and inputs in [0, 1]) or mse")
	fs.StringVar(&o.denoise, "denoise", "", "train as a denoising autoencoder: gauss:STD or mask:P")
	fs.BoolVar(&o.tied, "tied", false, "tie the decoder weights to the encoder's transposes")
	fs.BoolVar(&o.batchNorm, "batchnorm", false, "batch normalisation between each hidden layer and its activation")
	fs.Float64Var(&o.sparsity, "sparsity", 0, "weight of an L1 penalty on the code")
	fs.IntVar(&o.epochs, "epochs", 10, "training epochs")
	fs.IntVar(&o.batch, "batch", 128, "batch size")
	fs.Float64Var(&o.lr, "lr", 1e-3, "Adam learning rate")
	fs.StringVar(&o.preset, "preset", "pytorch", "pytorch (the default) or keras: the lecture's Keras listing — Glorot-uniform weights and zero biases, Adam ε 1e-7, and the validation loss on the test set after each epoch (validation_data=(x_test, x_test))")
	o.registerData(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	if o.Float64 {
		return trainAutoencoder[float64](o, stdout, stderr)
	}
	return trainAutoencoder[float32](o, stdout, stderr)
}

// ownData sets the own-data defaults (ownDataDefaults) for training on
// n rows of --input, and returns the fraction of them held out for the
// validation loss that early stopping watches (0 without early stopping,
// for MNIST and for the Keras preset, which validates on the test set).
func (o *aeOptions) ownData(n int, stdout io.Writer) float64 {
	if o.input == "" || o.preset == "keras" {
		return 0
	}
	o.OwnDataDefaults(n, &o.epochs, &o.batch, &o.patience, &o.lr, stdout)
	if o.patience == 0 {
		return 0 // no early stopping: every training row trains
	}
	return 0.2
}

// registerRenamed registers the activations' earlier spellings.
func (o *aeOptions) registerRenamed(fs *flag.FlagSet) {
	cli.Renamed(fs, "hidden", "--activation (in lstm, forecast and anomaly, --layers gives hidden sizes)")
	cli.Renamed(fs, "output", "--output-activation (--out names the output folder)")
}

// registerData registers the data flags the autoencoder and the VAE share.
func (o *aeOptions) registerData(fs *flag.FlagSet) {
	fs.IntVar(&o.trainLimit, "train-limit", 0, "use only the first N training images (0: all 60000), or the first N rows of --input")
	fs.IntVar(&o.testLimit, "test-limit", 0, "use only the first N test images (0: all 10000)")
	fs.StringVar(&o.input, "input", "", "your samples (.csv, .npy or archive.npz:name) instead of MNIST")
	fs.StringVar(&o.labels, "labels", "", "class labels of --input (.npy or archive.npz:name), one per sample, for latent.png")
	fs.StringVar(&o.labelColumn, "label-column", "", "CSV column (name or index) of class labels, for latent.png")
	fs.StringVar(&o.normalize, "normalize", "", "scaling of --input: none, unit (all values to [0, 1] together), minmax (each feature to [0, 1]) or standard (each feature to mean 0, std 1); default unit for images, minmax for tables")
	fs.Float64Var(&o.testFraction, "test", 0.2, "fraction of --input samples held out for testing")
	fs.IntVar(&o.patience, "patience", 0, "with --input: stop after this many epochs without a better validation loss (on 20 % of the training part) and keep the best epoch's weights (0: never; without --epochs: 20)")
}

// check validates the flags before anything is read.
func (o *aeOptions) check() error {
	if _, err := o.config(dataset.MNISTPixels); err != nil {
		return usageError(err)
	}
	if o.preset != "" && o.preset != "pytorch" && o.preset != "keras" { // "": vae, which has no --preset
		return usageError(fmt.Errorf("--preset %q: want pytorch or keras", o.preset))
	}
	if o.input == "" && (o.labels != "" || o.labelColumn != "" || o.normalize != "") {
		return usageError(fmt.Errorf("--labels, --label-column and --normalize go with --input"))
	}
	if o.input != "" && o.testLimit != 0 {
		return usageError(fmt.Errorf("--test-limit applies to MNIST; with --input, --test sets the test fraction"))
	}
	if o.normalize != "" {
		if _, err := dataset.ParseScaling(o.normalize); err != nil {
			return usageError(fmt.Errorf("--normalize: %v", err))
		}
	}
	if err := cli.FirstError(cli.CheckLimit("train-limit", o.trainLimit), cli.CheckLimit("test-limit", o.testLimit), cli.CheckFraction("test", o.testFraction, 1)); err != nil {
		return err
	}
	return o.Common.Check()
}

// config returns the architecture for samples of p features.
func (o *aeOptions) config(p int) (ae.Config, error) {
	var cfg ae.Config
	hidden, err := cli.ParseSizes(o.layers)
	if err != nil {
		return cfg, fmt.Errorf("--layers: %v", err)
	}
	if o.code <= 0 {
		return cfg, fmt.Errorf("--code %d must be positive", o.code)
	}
	cfg.Layers = append(append([]int{p}, hidden...), o.code)
	if cfg.Hidden, err = ae.ParseActivation(o.hiddenAct); err != nil {
		return cfg, fmt.Errorf("--activation: %v", err)
	}
	cfg.Code = cfg.Hidden
	if o.input != "" {
		cfg.Code = ae.Identity
	}
	if o.codeAct != "" {
		if cfg.Code, err = ae.ParseActivation(o.codeAct); err != nil {
			return cfg, fmt.Errorf("--code-activation: %v", err)
		}
	}
	if cfg.Output, err = ae.ParseActivation(o.outputAct); err != nil {
		return cfg, fmt.Errorf("--output-activation: %v", err)
	}
	if cfg.Loss, err = ae.ParseLoss(o.loss); err != nil {
		return cfg, fmt.Errorf("--loss: %v", err)
	}
	cfg.TiedWeights, cfg.Sparsity, cfg.BatchNorm = o.tied, o.sparsity, o.batchNorm
	if _, err := ae.ParseNoise(o.denoise); err != nil {
		return cfg, fmt.Errorf("--denoise: %v", err)
	}
	if o.epochs <= 0 || o.batch <= 0 || !(o.lr > 0) || math.IsInf(o.lr, 0) {
		return cfg, fmt.Errorf("--epochs %d, --batch %d and --lr %g must be positive (and finite)", o.epochs, o.batch, o.lr)
	}
	if !(o.sparsity >= 0) || math.IsInf(o.sparsity, 0) {
		return cfg, fmt.Errorf("--sparsity %g: want 0 (none) or a positive finite weight", o.sparsity)
	}
	return cfg, cfg.Validate()
}

func trainAutoencoder[T nn.Float](o aeOptions, stdout, stderr io.Writer) error {
	d, cfg, validation, err := prepareAE[T](&o, stdout)
	if err != nil {
		return err
	}
	ctx, stop := o.Start(stderr)
	defer stop()
	if err := cli.CheckModelMemory[T](cfg.ParamCount()); err != nil {
		return err
	}
	model, err := ae.New[T](cfg, nn.NewRand(o.Seed))
	if err != nil {
		return err
	}
	adam := nn.AdamConfig{LR: o.lr}
	if o.preset == "keras" {
		nn.KerasDenseInit(model.Params(), nn.NewRand(o.Seed+1))
		adam.Eps = 1e-7
	}
	x, xt := d.Train, d.Test
	fitCfg := nn.FitConfig[T]{Epochs: o.epochs, BatchSize: o.batch, Seed: o.Seed, ValidationSplit: validation, Patience: o.patience}
	noise, _ := ae.ParseNoise(o.denoise)
	fitCfg.Corrupt = ae.Corruption[T](noise, o.Seed+1)
	dtype := fmt.Sprintf("%T", T(0))
	fmt.Fprintln(stdout, d.describe)
	fmt.Fprintf(stdout, "%v; %d parameters, %s, backend %s\n", model, nn.CountParams(model.Params()), dtype, blas.Describe())
	var testMSE []float64
	fitCfg.OnEpoch = func(e nn.EpochStats) {
		testMSE = append(testMSE, model.ReconstructionMSE(xt))
		val := ""
		if o.preset == "keras" {
			// Keras's val_loss of validation_data=(x_test, x_test): the
			// loss on the test set.
			val = fmt.Sprintf("  val_loss (test %v) %.4f", cfg.Loss, mean(model.ReconstructionErrors(xt)))
		}
		fmt.Fprintf(stdout, "epoch %2d  train %v %.4f%s  test reconstruction MSE %.4f  %v\n", e.Epoch, cfg.Loss, e.TrainLoss, val, testMSE[len(testMSE)-1], e.Duration.Round(10*time.Millisecond))
	}
	hist, interrupted, fitErr := progress.Fit(ctx, model, model.TrainingLoss(), nn.NewAdam(model.Params(), adam), nn.Dataset[T]{X: x, Y: x}, fitCfg, stdout, stderr)
	if fitErr != nil && !interrupted {
		return fitErr
	}
	out := &cli.Outputs{CSV: isCSV(o.input)}
	out.File("autoencoder.safetensors")(model.EncodeFile(d.Metadata()))
	if interrupted {
		// Save first: the pictures would only delay the exit.
		return o.SaveInterrupted(out, len(hist.Epochs), stdout, fitErr)
	}
	aePictures(out, model, d, cfg, hist, testMSE, validation, o.Seed, stdout)
	fmt.Fprintf(stdout, "test reconstruction MSE %.4f\n", testMSE[len(testMSE)-1])
	return o.WriteAfter(ctx, out, stdout)
}

// mean returns the mean of v.
func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// prepareAE loads the data of an autoencoder or a VAE, returns its
// architecture and, with the own-data defaults applied (ownData), the
// fraction held out for validation. Binary cross-entropy on data outside
// [0, 1] is refused.
func prepareAE[T nn.Float](o *aeOptions, stdout io.Writer) (aeData[T], ae.Config, float64, error) {
	d, err := autoencoderInput[T](*o)
	if err != nil {
		return d, ae.Config{}, 0, err
	}
	cfg, err := o.config(d.Train.Cols)
	if err != nil {
		return d, cfg, 0, usageError(err)
	}
	if lo, hi := span(d.Train.Data); cfg.Loss == ae.BCELoss && (lo < 0 || hi > 1) {
		return d, cfg, 0, fmt.Errorf("--loss bce needs inputs in [0, 1], but the scaled training data span [%g, %g]: use --normalize unit or minmax, or --loss mse", lo, hi)
	}
	return d, cfg, o.ownData(d.Train.Rows, stdout), nil
}

// span returns the smallest and largest of values.
func span[T nn.Float](values []T) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range values {
		lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
	}
	return lo, hi
}
