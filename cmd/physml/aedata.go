package main

import (
	"fmt"
	"io"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/figures"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/saved"
)

// aeData is what the autoencoder trains and is tested on: MNIST's images,
// or the user's samples, scaled.
type aeData[T nn.Float] struct {
	train, test   *nn.Matrix[T] // one sample per row, scaled
	testLabels    []int         // nil when there are none
	testRows      []int         // the input row of each test row, for the user's data
	height, width int           // the image shape; 0 for table rows
	features      []string      // feature names of a table, for its profiles
	describe      string
	metadata      map[string]string // how the inputs were scaled, for the model file
	// display maps a scaled row to what a picture shows: pixel intensities
	// in [0, 1] for images, the data's own units for table rows.
	display func([]T) []float64
}

// autoencoderInput loads MNIST, or the user's samples with --input.
func autoencoderInput[T nn.Float](o aeOptions) (aeData[T], error) {
	if o.input == "" {
		train, test, err := o.mnist(o.trainLimit, o.testLimit)
		if err != nil {
			return aeData[T]{}, err
		}
		out, err := ae.ParseActivation(o.outputAct)
		if err != nil {
			return aeData[T]{}, usageError{fmt.Errorf("--output-activation: %v", err)}
		}
		norm := saved.NormalizationFor(out)
		return aeData[T]{
			train:      nn.MatrixFrom(train.Len(), dataset.MNISTPixels, dataset.Floats[T](train.Pixels, norm)),
			test:       nn.MatrixFrom(test.Len(), dataset.MNISTPixels, dataset.Floats[T](test.Pixels, norm)),
			testLabels: test.Labels, height: dataset.MNISTRows, width: dataset.MNISTCols,
			describe: fmt.Sprintf("MNIST: %d training and %d test images, inputs %v", train.Len(), test.Len(), norm),
			metadata: map[string]string{nn.KeyData: "mnist", nn.KeyNormalization: norm.String()},
			display:  func(row []T) []float64 { return toUnit(row, norm) },
		}, nil
	}
	s, err := dataset.ReadSamples(dataset.SampleFiles{X: o.input, Labels: o.labels, LabelColumn: o.labelColumn}, dataset.Limits{Rows: o.trainLimit})
	if err != nil {
		return aeData[T]{}, err
	}
	return userAEData[T](s, o.normalize, o.testFraction, o.seed, o.input)
}

// userAEData splits the user's samples with ae.SplitSamples (a seeded
// random testFraction for testing, scaled with the training part's
// statistics; scaling "" picks ae.DefaultScaling).
func userAEData[T nn.Float](s *dataset.Samples, scaling string, testFraction float64, seed uint64, source string) (aeData[T], error) {
	var d aeData[T]
	kind := ae.DefaultScaling(s)
	if scaling != "" {
		var err error
		if kind, err = dataset.ParseScaling(scaling); err != nil {
			return d, usageError{fmt.Errorf("--normalize: %v", err)}
		}
	}
	if _, _, err := splitRows(s.N, testFraction, seed, "samples"); err != nil {
		return d, err
	}
	sp, err := ae.SplitSamples[T](s, kind, testFraction, seed)
	if err != nil {
		return d, fmt.Errorf("%s: %v", source, err)
	}
	d.train, d.test, d.testRows, d.testLabels, d.metadata = sp.Train, sp.Test, sp.TestRows, sp.TestLabels, sp.Metadata()
	what := fmt.Sprintf("%d features", s.Features)
	if len(s.Shape) == 2 {
		d.height, d.width = s.Shape[0], s.Shape[1]
		what = fmt.Sprintf("%d×%d images", d.height, d.width)
		// Pictures show the data's own intensities, from the training
		// data's smallest (white) to largest (black) value.
		lo, hi := span(s.X)
		d.display = func(row []T) []float64 {
			v := dataset.Inverse(sp.Scaler, row)
			for k := range v {
				v[k] = (v[k] - lo) / max(hi-lo, 1e-300)
			}
			return v
		}
	} else {
		d.features = make([]string, s.Features)
		for j := range d.features {
			d.features[j] = strconv.Itoa(j)
			if s.Names != nil {
				d.features[j] = s.Names[j]
			}
		}
		d.display = func(row []T) []float64 { return dataset.Inverse(sp.Scaler, row) }
	}
	d.describe = fmt.Sprintf("%s: %d samples of %s; %d for training, %d for testing; scaling %v (training statistics)", source, s.N, what, len(sp.TrainRows), len(sp.TestRows), kind)
	return d, nil
}

// aePictures adds the files that show what the autoencoder learned —
// reconstructions.png (beside PCA's with as many components as the code),
// codes.npy, latent.png, autoencoder_loss.png and, for the user's data,
// test_rows.npy — and prints PCA's test reconstruction MSE.
func aePictures[T nn.Float](out *cli.Outputs, model *ae.Autoencoder[T], d aeData[T], cfg ae.Config, hist nn.History, testMSE []float64, seed uint64, stdout io.Writer) {
	k := cfg.Layers[len(cfg.Layers)-1]
	n := min(8, d.test.Rows)
	if d.height == 0 {
		n = min(4, d.test.Rows)
	}
	shown := d.test.Slice(0, n)
	names := []string{"input", "autoencoder"}
	rows := [][][]float64{make([][]float64, n), make([][]float64, n)}
	rec := model.Reconstruct(shown)
	for i := 0; i < n; i++ {
		rows[0][i], rows[1][i] = d.display(shown.Row(i)), d.display(rec.Row(i))
	}
	// PCA with as many components as the code, fitted on the same
	// training data: the lecture's yardstick.
	pca := decomposition.PCA{NComponents: k, Seed: seed}
	pcaRec, err := pca.Reconstruction(denseOf(d.train), denseOf(d.test))
	if err != nil {
		// The model is trained: say why the comparison is missing, and go on.
		fmt.Fprintf(stdout, "no PCA comparison: %v\n", err)
	} else {
		var sum float64
		for i, v := range pcaRec.RawMatrix().Data {
			e := v - float64(d.test.Data[i])
			sum += e * e
		}
		fmt.Fprintf(stdout, "PCA with %d components: test reconstruction MSE %.4f (autoencoder %.4f)\n", k, sum/float64(len(d.test.Data)), testMSE[len(testMSE)-1])
		names = append(names, fmt.Sprintf("PCA (%d)", k))
		rows = append(rows, make([][]float64, n))
		for i := 0; i < n; i++ {
			rows[2][i] = d.display(nn.Convert[T](nn.MatrixFrom(1, d.test.Cols, pcaRec.RawRowView(i))).Data)
		}
	}
	if d.height > 0 {
		out.File("reconstructions.png")(figures.ImageGrid(names, rows, d.height, d.width, max(1, 84/max(d.height, d.width))))
	} else {
		if len(names) == 3 {
			names[2] = fmt.Sprintf("PCA (%d components)", k)
		}
		samples := make([]map[string][]float64, n)
		for i := range samples {
			samples[i] = map[string][]float64{}
			for c, name := range names {
				samples[i][name] = rows[c][i]
			}
		}
		out.File("reconstructions.png")(figures.Profiles("reconstructions", d.features, samples, names))
	}
	codes := nn.Convert[float64](model.Encode(d.test))
	out.Npy("codes.npy", []int{codes.Rows, codes.Cols}, codes.Data)
	out.File("latent.png")(figures.Latent(codes.Data, codes.Cols, d.testLabels, seed))
	if d.testRows != nil {
		out.Rows(d.testRows)
	}
	series := map[string][]float64{"test MSE": testMSE}
	trainName := "train " + cfg.Loss.String()
	for _, e := range hist.Epochs {
		series[trainName] = append(series[trainName], e.TrainLoss)
	}
	title := "MNIST autoencoder"
	if d.metadata[nn.KeyData] == "user" {
		title = "autoencoder"
	}
	out.File("autoencoder_loss.png")(figures.Curves(title, "loss", series, []string{trainName, "test MSE"}))
}

// denseOf copies m into a float64 gonum matrix.
func denseOf[T nn.Float](m *nn.Matrix[T]) *mat.Dense {
	return mat.NewDense(m.Rows, m.Cols, nn.Convert[float64](m).Data)
}
