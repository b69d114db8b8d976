package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

type aeOptions struct {
	common
	layers     string
	code       int
	hiddenAct  string
	outputAct  string
	loss       string
	denoise    string
	tied       bool
	sparsity   float64
	epochs     int
	batch      int
	lr         float64
	trainLimit int
	testLimit  int
}

const aeSummary = `Train the lecture's MNIST autoencoder 784-256-64-256-784 (ReLU, sigmoid output,
binary cross-entropy, Adam 1e-3, batch 128, 10 epochs) and report the test
reconstruction MSE per epoch. --loss mse --output tanh gives the PyTorch
variant (inputs scaled to [-1, 1]). Writes autoencoder.safetensors,
reconstructions.png (8 test digits over their reconstructions) and
autoencoder_loss.png into --out.`

func runAutoencoder(args []string, stdout, stderr io.Writer) error {
	var o aeOptions
	fs := newFlagSet("autoencoder", aeSummary, stdout)
	o.common.register(fs)
	fs.StringVar(&o.layers, "layers", "256", "hidden encoder sizes between the 784 inputs and the code, comma-separated")
	fs.IntVar(&o.code, "code", 64, "size of the code (the bottleneck)")
	fs.StringVar(&o.hiddenAct, "hidden", "relu", "hidden activation: relu, leakyrelu, sigmoid, tanh or identity")
	fs.StringVar(&o.outputAct, "output", "sigmoid", "output activation: sigmoid ([0,1] inputs), tanh ([-1,1] inputs), relu, leakyrelu, identity")
	fs.StringVar(&o.loss, "loss", "bce", "reconstruction loss: bce (needs --output sigmoid) or mse")
	fs.StringVar(&o.denoise, "denoise", "", "train as a denoising autoencoder: gauss:STD or mask:P")
	fs.BoolVar(&o.tied, "tied", false, "tie the decoder weights to the encoder's transposes")
	fs.Float64Var(&o.sparsity, "sparsity", 0, "weight of an L1 penalty on the code")
	fs.IntVar(&o.epochs, "epochs", 10, "training epochs")
	fs.IntVar(&o.batch, "batch", 128, "batch size")
	fs.Float64Var(&o.lr, "lr", 1e-3, "Adam learning rate")
	fs.IntVar(&o.trainLimit, "train-limit", 0, "use only the first N training images (0: all 60000)")
	fs.IntVar(&o.testLimit, "test-limit", 0, "use only the first N test images (0: all 10000)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := o.config()
	if err != nil {
		return usageError{err}
	}
	for _, err := range []error{checkLimit("train-limit", o.trainLimit), checkLimit("test-limit", o.testLimit), o.common.check()} {
		if err != nil {
			return err
		}
	}
	if o.float64 {
		return trainAutoencoder[float64](o, cfg, stdout, stderr)
	}
	return trainAutoencoder[float32](o, cfg, stdout, stderr)
}

func (o *aeOptions) config() (ae.Config, error) {
	var cfg ae.Config
	hidden, err := parseInts(o.layers)
	if err != nil {
		return cfg, fmt.Errorf("--layers: %v", err)
	}
	if o.code <= 0 {
		return cfg, fmt.Errorf("--code %d must be positive", o.code)
	}
	cfg.Layers = append(append([]int{dataset.MNISTPixels}, hidden...), o.code)
	if cfg.Hidden, err = ae.ParseActivation(o.hiddenAct); err != nil {
		return cfg, fmt.Errorf("--hidden: %v", err)
	}
	cfg.Code = cfg.Hidden
	if cfg.Output, err = ae.ParseActivation(o.outputAct); err != nil {
		return cfg, fmt.Errorf("--output: %v", err)
	}
	if cfg.Loss, err = ae.ParseLoss(o.loss); err != nil {
		return cfg, fmt.Errorf("--loss: %v", err)
	}
	cfg.TiedWeights, cfg.Sparsity = o.tied, o.sparsity
	if _, _, err := parseNoise(o.denoise); err != nil {
		return cfg, err
	}
	if o.epochs <= 0 || o.batch <= 0 || !(o.lr > 0) || math.IsInf(o.lr, 0) {
		return cfg, fmt.Errorf("--epochs %d, --batch %d and --lr %g must be positive (and finite)", o.epochs, o.batch, o.lr)
	}
	if !(o.sparsity >= 0) || math.IsInf(o.sparsity, 0) {
		return cfg, fmt.Errorf("--sparsity %g: want 0 (none) or a positive finite weight", o.sparsity)
	}
	return cfg, cfg.Validate()
}

func parseNoise(s string) (kind string, level float64, err error) {
	if s == "" {
		return "", 0, nil
	}
	kind, val, ok := strings.Cut(s, ":")
	level, perr := strconv.ParseFloat(val, 64)
	if !ok || perr != nil || (kind != "gauss" && kind != "mask") || !(level >= 0) || math.IsInf(level, 0) || (kind == "mask" && level >= 1) {
		return "", 0, fmt.Errorf("--denoise %q: want gauss:STD or mask:P with 0 ≤ P < 1", s)
	}
	return kind, level, nil
}

// normalizationFor picks the input scaling that matches the output range.
func normalizationFor(out ae.Activation) dataset.Normalization {
	if out == ae.Tanh {
		return dataset.Symmetric
	}
	return dataset.Unit
}

func trainAutoencoder[T nn.Float](o aeOptions, cfg ae.Config, stdout, stderr io.Writer) error {
	train, test, err := o.mnist(o.trainLimit, o.testLimit)
	if err != nil {
		return err
	}
	ctx, stop := o.start(stderr)
	defer stop()
	model, err := ae.New[T](cfg, nn.NewRand(o.seed))
	if err != nil {
		return err
	}
	norm := normalizationFor(cfg.Output)
	x := nn.MatrixFrom(train.Len(), dataset.MNISTPixels, dataset.Floats[T](train.Pixels, norm))
	xt := nn.MatrixFrom(test.Len(), dataset.MNISTPixels, dataset.Floats[T](test.Pixels, norm))
	fitCfg := nn.FitConfig[T]{Epochs: o.epochs, BatchSize: o.batch, Seed: o.seed}
	if kind, level, _ := parseNoise(o.denoise); kind == "gauss" {
		fitCfg.Corrupt = ae.GaussianNoise[T](level, o.seed+1)
	} else if kind == "mask" {
		fitCfg.Corrupt = ae.MaskingNoise[T](level, o.seed+1)
	}
	dtype := fmt.Sprintf("%T", T(0))
	fmt.Fprintf(stdout, "%v; %d parameters, %s, inputs %v, backend %s\n", model, nn.CountParams(model.Params()), dtype, norm, backendLine())
	prog := newProgress(stderr, o.epochs)
	var testMSE []float64
	fitCfg.OnBatch = prog.batch
	fitCfg.OnEpoch = func(e nn.EpochStats) {
		prog.done()
		testMSE = append(testMSE, model.ReconstructionMSE(xt))
		fmt.Fprintf(stdout, "epoch %2d  train %v %.4f  test reconstruction MSE %.4f  %v\n", e.Epoch, cfg.Loss, e.TrainLoss, testMSE[len(testMSE)-1], e.Duration.Round(10*time.Millisecond))
	}
	hist, fitErr := nn.Fit(ctx, nn.Layer[T](model), model.TrainingLoss(), nn.Optimizer[T](nn.NewAdam(model.Params(), nn.AdamConfig{LR: o.lr})),
		nn.Dataset[T]{X: x, Y: x}, fitCfg)
	prog.done()
	interrupted := fitErr != nil && errors.Is(fitErr, ctx.Err())
	if fitErr != nil && !interrupted {
		return fitErr
	}
	meta := map[string]string{"physml.model": "autoencoder", "physml.layers": intsString(cfg.Layers), "physml.hidden": cfg.Hidden.String(),
		"physml.output": cfg.Output.String(), "physml.loss": cfg.Loss.String(), "physml.tied": strconv.FormatBool(cfg.TiedWeights),
		"physml.normalization": norm.String(), "physml.dtype": dtype}
	modelFile, err := nn.EncodeSafetensors(model.Params(), meta)
	if err != nil {
		return err
	}
	files := []outputFile{{"autoencoder.safetensors", modelFile}}
	if interrupted {
		// Save first: the pictures would only delay the exit.
		return o.saveInterrupted(files, len(hist.Epochs), stdout, fitErr)
	}
	// 8 test digits over their reconstructions, as the lecture shows.
	n := min(8, test.Len())
	rec := model.Reconstruct(xt.Slice(0, n))
	rows := [][][]float64{make([][]float64, n), make([][]float64, n)}
	for i := 0; i < n; i++ {
		rows[0][i] = toUnit(xt.Row(i), norm)
		rows[1][i] = toUnit(rec.Row(i), norm)
	}
	grid, err := digitGridPNG(rows, dataset.MNISTCols, 3)
	if err != nil {
		return err
	}
	files = append(files, outputFile{"reconstructions.png", grid})
	series := map[string][]float64{"test MSE": testMSE}
	trainName := "train " + cfg.Loss.String()
	for _, e := range hist.Epochs {
		series[trainName] = append(series[trainName], e.TrainLoss)
	}
	curves, err := curvesPNG("MNIST autoencoder", "loss", series, []string{trainName, "test MSE"})
	if err != nil {
		return err
	}
	files = append(files, outputFile{"autoencoder_loss.png", curves})
	fmt.Fprintf(stdout, "test reconstruction MSE %.4f\n", testMSE[len(testMSE)-1])
	written, err := o.writeFiles(files)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", strings.Join(written, ", "))
	return nil
}

// toUnit maps normalised pixels back to [0, 1] for pictures.
func toUnit[T nn.Float](x []T, norm dataset.Normalization) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		f := float64(v)
		if norm == dataset.Symmetric {
			f = (f + 1) / 2
		}
		out[i] = f
	}
	return out
}

func intsString(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// newAE builds a float32 autoencoder from a configuration (for tests and eval).
func newAE(cfg ae.Config) (*ae.Autoencoder[float32], error) {
	return ae.New[float32](cfg, nn.NewRand(0))
}
