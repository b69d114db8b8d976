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
			return aeData[T]{}, usageError{fmt.Errorf("--output: %v", err)}
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

// aePictures returns the files that show what the autoencoder learned —
// reconstructions.png (beside PCA's with as many components as the code),
// codes.npy, latent.png and autoencoder_loss.png — and prints PCA's test
// reconstruction MSE.
func aePictures[T nn.Float](model *ae.Autoencoder[T], d aeData[T], cfg ae.Config, hist nn.History, testMSE []float64, seed uint64, stdout io.Writer) ([]outputFile, error) {
	var files []outputFile
	k := cfg.Layers[len(cfg.Layers)-1]
	n := min(8, d.test.Rows)
	if d.height == 0 {
		n = min(4, d.test.Rows)
	}
	shown := d.test.Slice(0, n)
	rec := model.Reconstruct(shown)

	// PCA with as many components as the code, fitted on the same
	// training data: the lecture's yardstick.
	pcaRec, err := pcaReconstruction(d.train, d.test, k, seed)
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
	}
	pcaRow := func(i int) []T {
		row := make([]T, d.test.Cols)
		for j := range row {
			row[j] = T(pcaRec.At(i, j))
		}
		return row
	}
	var recPNG []byte
	if d.height > 0 {
		names := []string{"input", "autoencoder"}
		rows := [][][]float64{make([][]float64, n), make([][]float64, n)}
		for i := 0; i < n; i++ {
			rows[0][i], rows[1][i] = d.display(shown.Row(i)), d.display(rec.Row(i))
		}
		if pcaRec != nil {
			names = append(names, fmt.Sprintf("PCA (%d)", k))
			rows = append(rows, make([][]float64, n))
			for i := 0; i < n; i++ {
				rows[2][i] = d.display(pcaRow(i))
			}
		}
		scale := max(1, 84/max(d.height, d.width))
		recPNG, err = figures.ImageGrid(names, rows, d.height, d.width, scale)
	} else {
		order := []string{"input", "autoencoder"}
		if pcaRec != nil {
			order = append(order, fmt.Sprintf("PCA (%d components)", k))
		}
		samples := make([]map[string][]float64, n)
		for i := range samples {
			samples[i] = map[string][]float64{"input": d.display(shown.Row(i)), "autoencoder": d.display(rec.Row(i))}
			if pcaRec != nil {
				samples[i][order[2]] = d.display(pcaRow(i))
			}
		}
		recPNG, err = figures.Profiles("reconstructions", d.features, samples, order)
	}
	if err != nil {
		return nil, err
	}
	files = append(files, outputFile{"reconstructions.png", recPNG})

	codes := model.Encode(d.test)
	codesNpy, err := dataset.EncodeNpy([]int{codes.Rows, codes.Cols}, nn.Convert[float64](codes).Data)
	if err != nil {
		return nil, err
	}
	latent, err := latentPNG(codes, d.testLabels, seed)
	if err != nil {
		return nil, err
	}
	files = append(files, outputFile{"codes.npy", codesNpy}, outputFile{"latent.png", latent})
	if d.testRows != nil {
		rows, err := testRowsFile(d.testRows)
		if err != nil {
			return nil, err
		}
		files = append(files, rows)
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
	curves, err := figures.Curves(title, "loss", series, []string{trainName, "test MSE"})
	if err != nil {
		return nil, err
	}
	return append(files, outputFile{"autoencoder_loss.png", curves}), nil
}

// latentPNG scatters the codes coloured by label (figures.Latent).
func latentPNG[T nn.Float](codes *nn.Matrix[T], labels []int, seed uint64) ([]byte, error) {
	return figures.Latent(nn.Convert[float64](codes).Data, codes.Cols, labels, seed)
}

// denseOf copies m into a float64 gonum matrix.
func denseOf[T nn.Float](m *nn.Matrix[T]) *mat.Dense {
	return mat.NewDense(m.Rows, m.Cols, nn.Convert[float64](m).Data)
}

// pcaReconstruction fits PCA with k components on train and returns its
// reconstruction of test.
func pcaReconstruction[T nn.Float](train, test *nn.Matrix[T], k int, seed uint64) (*mat.Dense, error) {
	if k > min(train.Rows, train.Cols) {
		return nil, fmt.Errorf("a code of %d exceeds the %d training samples or %d features", k, train.Rows, train.Cols)
	}
	pca := decomposition.PCA{NComponents: k, Seed: seed}
	if err := pca.Fit(denseOf(train)); err != nil {
		return nil, err
	}
	scores, err := pca.Transform(denseOf(test))
	if err != nil {
		return nil, err
	}
	return pca.InverseTransform(scores)
}

// testRowsFile returns test_rows.npy: the input row (0-based) of each test
// row, in the order of the per-row outputs beside it (codes.npy,
// probabilities.npy).
func testRowsFile(rows []int) (outputFile, error) {
	v := make([]float64, len(rows))
	for i, r := range rows {
		v[i] = float64(r)
	}
	npy, err := dataset.EncodeNpy([]int{len(rows)}, v)
	return outputFile{"test_rows.npy", npy}, err
}
