package main

import (
	"fmt"
	"io"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/figures"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/saved"
)

// aeData is what the autoencoder trains and is tested on (MNIST's images,
// or the user's samples, scaled), with what the command says of it.
type aeData[T nn.Float] struct {
	*ae.SampleSplit[T]
	describe string
}

// image reports whether the samples are images (of shape Shape).
func (d aeData[T]) image() bool { return len(d.Shape) == 2 }

// autoencoderInput loads MNIST, or the user's samples with --input: a
// seeded random --test fraction held out, scaled by --normalize (or
// ae.DefaultScaling) with the training part's statistics.
func autoencoderInput[T nn.Float](o aeOptions) (aeData[T], error) {
	if o.input == "" {
		train, test, err := o.MNIST(o.trainLimit, o.testLimit)
		if err != nil {
			return aeData[T]{}, err
		}
		out, err := ae.ParseActivation(o.outputAct)
		if err != nil {
			return aeData[T]{}, usageError(fmt.Errorf("--output-activation: %v", err))
		}
		norm := saved.NormalizationFor(out)
		return aeData[T]{ae.MNISTSamples[T](train, test, norm), fmt.Sprintf("MNIST: %d training and %d test images, inputs %v", train.Len(), test.Len(), norm)}, nil
	}
	s, err := dataset.ReadSamples(dataset.SampleFiles{X: o.input, Labels: o.labels, LabelColumn: o.labelColumn, Comma: o.Comma, Drop: o.Drop, Columns: o.Keep}, dataset.Limits{Rows: o.trainLimit})
	if err != nil {
		return aeData[T]{}, err
	}
	kind := ae.DefaultScaling(s)
	if o.normalize != "" {
		kind, _ = dataset.ParseScaling(o.normalize) // checked with the flags
	}
	if _, _, err := splitRows(s.N, o.testFraction, o.Seed, "samples"); err != nil {
		return aeData[T]{}, err
	}
	sp, err := ae.SplitSamples[T](s, kind, o.testFraction, o.Seed)
	if err != nil {
		return aeData[T]{}, fmt.Errorf("%s: %v", o.input, err)
	}
	what := fmt.Sprintf("%d features", s.Features)
	if len(s.Shape) == 2 {
		what = fmt.Sprintf("%d×%d images", s.Shape[0], s.Shape[1])
	}
	return aeData[T]{sp, fmt.Sprintf("%s: %d samples of %s; %d for training, %d for testing; scaling %v (training statistics)",
		o.input, s.N, what, len(sp.TrainRows), len(sp.TestRows), kind)}, nil
}

// aePictures adds the files that show what the autoencoder learned —
// reconstructions.png (beside PCA's with as many components as the code),
// codes.npy, latent.png, autoencoder_loss.png and, for the user's data,
// testOutputs' files — and prints PCA's test reconstruction MSE.
func aePictures[T nn.Float](out *cli.Outputs, model *ae.Autoencoder[T], d aeData[T], cfg ae.Config, hist nn.History, testMSE []float64, validation float64, seed uint64, stdout io.Writer) {
	k := cfg.Layers[len(cfg.Layers)-1]
	// PCA with as many components as the code, fitted on the same
	// training data: the lecture's yardstick.
	pcaRec, pcaMSE, err := ae.PCAReconstruction(k, d.Train, d.Test, seed)
	if err != nil {
		// The model is trained: say why the comparison is missing, and go on.
		fmt.Fprintf(stdout, "no PCA comparison: %v\n", err)
	} else {
		fmt.Fprintf(stdout, "PCA with %d components: test reconstruction MSE %.4f (autoencoder %.4f)\n", k, pcaMSE, testMSE[len(testMSE)-1])
	}
	out.File("reconstructions.png")(figures.AutoencoderReconstructions(model, d.SampleSplit, pcaRec, k))
	codes := nn.Convert[float64](model.Encode(d.Test))
	out.Npy("codes.npy", []int{codes.Rows, codes.Cols}, codes.Data)
	out.File("latent.png")(figures.Latent(codes.Data, codes.Cols, d.TestLabels, seed))
	testOutputs(out, d, model.Reconstruct(d.Test), validation, seed)
	title := "MNIST autoencoder"
	if d.Metadata()[nn.KeyData] == "user" {
		title = "autoencoder"
	}
	out.File("autoencoder_loss.png")(figures.AutoencoderLoss(title, cfg.Loss.String(), hist, testMSE))
}

// testOutputs adds, for the user's data, predictions.npy (or .csv for a
// CSV input): the test rows' reconstructions rec in the data's units;
// test_rows.npy; and split.npy (the fraction validation of the training
// rows held out by nn.Fit with seed).
func testOutputs[T nn.Float](out *cli.Outputs, d aeData[T], rec *nn.Matrix[T], validation float64, seed uint64) {
	if d.TestRows == nil {
		return
	}
	shape := []int{rec.Rows, rec.Cols}
	if d.image() {
		shape = append([]int{rec.Rows}, d.Shape...)
	}
	out.Table("predictions", shape, dataset.Inverse(d.Scaler, rec.Data), d.Names)
	out.Rows(d.TestRows, nn.SplitCodes(len(d.TrainRows)+len(d.TestRows), d.TrainRows, d.TestRows, validation, seed, false))
}
