package main

import (
	"fmt"
	"io"
	"time"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/blas"
	"github.com/physml/physml/figures"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/internal/progress"
	"github.com/physml/physml/nn"
)

// vaeOptions are the flags of "physml vae": the data flags of the
// autoencoder, and the VAE's own.
type vaeOptions struct {
	aeOptions
	beta    float64
	samples int
}

const vaeSummary = `Train a variational autoencoder: PyTorch's VAE example by default, 784-400-20
(ReLU, sigmoid output), loss = binary cross-entropy summed over the pixels
+ β·KL(q(z|x) ‖ N(0, I)), Adam 1e-3, batch 128, 10 epochs, pixels/255.
Prints per epoch the training loss and the test set's negative ELBO per
image, split into its reconstruction and KL terms (the figure PyTorch's
example prints as "Test set loss").

With --input it learns your own samples (the data flags of "physml
autoencoder": --input, --labels, --label-column, --normalize, --test).

Writes into --out: vae.safetensors; samples.png (decoded draws from the
prior) and interpolation.png (decoded straight paths between the codes of
test images), for images; samples.npy (the draws, in the scaled input
units); latent.png (the mean codes of the test set, or their first two
principal components, coloured by label); vae_loss.png; and for --input
codes.npy, predictions.npy (.csv for a CSV input: the test samples'
reconstructions in the data's units), test_rows.npy and split.npy.`

func runVAE(args []string, stdout, stderr io.Writer) error {
	var o vaeOptions
	fs := newFlagSet("vae", vaeSummary, stdout)
	o.Common.Register(fs)
	o.RegisterTable(fs)
	fs.StringVar(&o.layers, "layers", "400", "hidden encoder sizes between the inputs and the latent space, comma-separated")
	fs.IntVar(&o.code, "code", 20, "size of the latent space (the code)")
	cli.Renamed(fs, "latent", "--code")
	fs.Float64Var(&o.beta, "beta", 1, "weight β of the KL term (1: the plain VAE)")
	fs.StringVar(&o.hiddenAct, "activation", "relu", "activation of the hidden layers: relu, leakyrelu, sigmoid, tanh or identity")
	fs.StringVar(&o.outputAct, "output-activation", "sigmoid", "output activation: sigmoid (with bce), or identity, tanh, … (with mse)")
	o.registerRenamed(fs)
	fs.StringVar(&o.loss, "loss", "bce", "reconstruction term, summed over features: bce (inputs in [0, 1]) or mse")
	fs.IntVar(&o.epochs, "epochs", 10, "training epochs")
	fs.IntVar(&o.batch, "batch", 128, "batch size")
	fs.Float64Var(&o.lr, "lr", 1e-3, "Adam learning rate")
	fs.IntVar(&o.samples, "samples", 64, "draws from the prior to decode (samples.png, samples.npy)")
	o.registerData(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	if err := cli.CheckPositive("beta", o.beta); err != nil {
		return err
	}
	if o.samples < 1 || o.samples > 1024 {
		return usageError(fmt.Errorf("--samples %d: want 1 to 1024", o.samples))
	}
	if o.Float64 {
		return trainVAE[float64](o, stdout, stderr)
	}
	return trainVAE[float32](o, stdout, stderr)
}

func trainVAE[T nn.Float](o vaeOptions, stdout, stderr io.Writer) error {
	d, aeCfg, validation, err := prepareAE[T](&o.aeOptions, stdout)
	if err != nil {
		return err
	}
	cfg := ae.VAEConfig{Layers: aeCfg.Layers, Hidden: aeCfg.Hidden, Output: aeCfg.Output, Loss: aeCfg.Loss, Beta: o.beta}
	ctx, stop := o.Start(stderr)
	defer stop()
	if err := cli.CheckModelMemory[T](cfg.ParamCount()); err != nil {
		return err
	}
	model, err := ae.NewVAE[T](cfg, nn.NewRand(o.Seed), o.Seed+1)
	if err != nil {
		return usageError(err)
	}
	fmt.Fprintln(stdout, d.describe)
	fmt.Fprintf(stdout, "%v; %d parameters, %T, backend %s\n", model, nn.CountParams(model.Params()), T(0), blas.Describe())
	var testRec, testKL []float64
	fitCfg := nn.FitConfig[T]{Epochs: o.epochs, BatchSize: o.batch, Seed: o.Seed, ValidationSplit: validation, Patience: o.patience}
	fitCfg.OnEpoch = func(e nn.EpochStats) {
		rec, kl := model.NegativeELBO(d.Test, o.Seed+2)
		testRec, testKL = append(testRec, rec), append(testKL, kl)
		fmt.Fprintf(stdout, "epoch %2d  train loss %.4f  test −ELBO %.4f = reconstruction %.4f + KL %.4f  %v\n",
			e.Epoch, e.TrainLoss, rec+kl, rec, kl, e.Duration.Round(10*time.Millisecond))
	}
	hist, interrupted, fitErr := progress.Fit(ctx, model, model.TrainingLoss(), nn.NewAdam(model.Params(), nn.AdamConfig{LR: o.lr}), nn.Dataset[T]{X: d.Train, Y: d.Train}, fitCfg, stdout, stderr)
	if fitErr != nil && !interrupted {
		return fitErr
	}
	out := &cli.Outputs{CSV: isCSV(o.input)}
	out.File("vae.safetensors")(model.EncodeFile(d.Metadata()))
	if interrupted {
		return o.SaveInterrupted(out, len(hist.Epochs), stdout, fitErr)
	}
	vaePictures(out, model, d, o.samples, o.Seed, hist, testRec, testKL)
	testOutputs(out, d, model.Reconstruct(d.Test), validation, o.Seed)
	return o.WriteAfter(ctx, out, stdout)
}

// vaePictures adds samples.npy, latent.png and vae_loss.png, for images
// samples.png and interpolation.png, and for the user's data codes.npy
// (testOutputs adds the test rows' files).
func vaePictures[T nn.Float](out *cli.Outputs, model *ae.VAE[T], d aeData[T], n int, seed uint64, hist nn.History, testRec, testKL []float64) {
	samples := model.Sample(n, nn.NewRand(seed+3))
	out.Npy("samples.npy", []int{samples.Rows, samples.Cols}, nn.Convert[float64](samples).Data)
	if d.image() {
		out.File("samples.png")(figures.VAESamples(samples, d.SampleSplit))
		if png, err := figures.VAEInterpolations(model, d.SampleSplit, 10); png != nil || err != nil {
			out.File("interpolation.png")(png, err)
		}
	}
	codes := nn.Convert[float64](model.Encode(d.Test))
	out.File("latent.png")(figures.Latent(codes.Data, codes.Cols, d.TestLabels, seed))
	if d.TestRows != nil {
		// The means μ of the test rows' codes.
		out.Npy("codes.npy", []int{codes.Rows, codes.Cols}, codes.Data)
	}
	out.File("vae_loss.png")(figures.VAELoss(hist, testRec, testKL))
}
