package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// barImages writes n height×width images of a bright bar on a dim noisy
// background, horizontal (label 0) or vertical (label 1), in 0 … 255.
func barImages(t *testing.T, dir string, n, height, width int) (x, y string) {
	rng := rand.New(rand.NewPCG(3, 4))
	pix := make([]float64, n*height*width)
	labels := make([]float64, n)
	for i := 0; i < n; i++ {
		labels[i] = float64(i % 2)
		at := rng.IntN(min(height, width))
		for r := 0; r < height; r++ {
			for c := 0; c < width; c++ {
				v := 20 * rng.Float64()
				if (i%2 == 0 && r == at) || (i%2 == 1 && c == at) {
					v = 200 + 55*rng.Float64()
				}
				pix[(i*height+r)*width+c] = v
			}
		}
	}
	return npyAt(t, filepath.Join(dir, "bars.npy"), []int{n, height, width}, pix), npyAt(t, filepath.Join(dir, "bars_labels.npy"), []int{n}, labels)
}

func npyAt(t *testing.T, path string, shape []int, data []float64) string {
	t.Helper()
	b, err := dataset.EncodeNpy(shape, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAutoencoderOnUserImagesIsTheLibrary trains the autoencoder on a user's
// image set from the command, and again through the library (read, split,
// scale with training statistics, ae.New with a linear code, nn.Fit): the
// saved weights, the codes and the printed errors are the library's.
func TestAutoencoderOnUserImagesIsTheLibrary(t *testing.T) {
	dir := t.TempDir()
	x, y := barImages(t, dir, 50, 6, 5)
	out := filepath.Join(dir, "out")
	text := runOK(t, "autoencoder", "--input", x, "--labels", y, "--layers", "12", "--code", "3", "--epochs", "4", "--batch", "8", "--lr", "1e-3", "--seed", "7", "--out", out)
	if !strings.Contains(text, "50 samples of 6×5 images; 40 for training, 10 for testing; scaling unit") {
		t.Errorf("output:\n%s", text)
	}

	s, err := dataset.ReadSamples(dataset.SampleFiles{X: x, Labels: y}, dataset.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	trainRows, testRows, err := splitRows(s.N, 0.2, 7, "samples")
	if err != nil {
		t.Fatal(err)
	}
	scaler, err := dataset.FitScaler(dataset.UnitRange, s.X, 30, trainRows)
	if err != nil {
		t.Fatal(err)
	}
	rows := func(idx []int) *nn.Matrix[float32] {
		var v []float64
		for _, i := range idx {
			v = append(v, s.X[i*30:(i+1)*30]...)
		}
		return nn.MatrixFrom(len(idx), 30, dataset.Transform[float32](scaler, v))
	}
	train, test := rows(trainRows), rows(testRows)
	model, err := ae.New[float32](ae.Config{Layers: []int{30, 12, 3}, Hidden: ae.ReLU, Code: ae.Identity, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(7))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nn.Fit(context.Background(), model, model.TrainingLoss(), nn.NewAdam(model.Params(), nn.AdamConfig{LR: 1e-3}),
		nn.Dataset[float32]{X: train, Y: train}, nn.FitConfig[float32]{Epochs: 4, BatchSize: 8, Seed: 7}); err != nil {
		t.Fatal(err)
	}

	tensors, meta, err := nn.ReadSafetensors(filepath.Join(out, "autoencoder.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range model.Params() {
		numcheck.Close(t, "saved "+p.Name, tensors[p.Name].Data, nn.Convert[float64](nn.MatrixFrom(1, len(p.Value), p.Value)).Data, 0)
	}
	saved, err := dataset.ScalerFromMetadata(meta, "physml.input_", 30)
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "saved scaler offset", saved.Offset, scaler.Offset, 0)
	numcheck.Close(t, "saved scaler scale", saved.Scale, scaler.Scale, 0)
	if meta["physml.input_shape"] != "6,5" || meta["physml.data"] != "user" {
		t.Errorf("metadata %v", meta)
	}

	codes, err := dataset.ReadNpy(filepath.Join(out, "codes.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(codes.Shape) != "[10 3]" {
		t.Fatalf("codes.npy of shape %v, want [10 3]", codes.Shape)
	}
	numcheck.Close(t, "codes.npy", codes.Data, nn.Convert[float64](model.Encode(test)).Data, 0)
	numcheck.Scalar(t, "printed test MSE", numberAfter(t, text, "\ntest reconstruction MSE "), model.ReconstructionMSE(test), 5e-5)
	pca := decomposition.PCA{NComponents: 3, Seed: 7}
	pcaRec, err := pca.Reconstruction(mat.NewDense(train.Rows, train.Cols, nn.Convert[float64](train).Data), mat.NewDense(test.Rows, test.Cols, nn.Convert[float64](test).Data))
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for i, v := range pcaRec.RawMatrix().Data {
		sum += (v - float64(test.Data[i])) * (v - float64(test.Data[i]))
	}
	numcheck.Scalar(t, "printed PCA MSE", numberAfter(t, text, "PCA with 3 components: test reconstruction MSE "), sum/300, 5e-5)
	for _, png := range []string{"reconstructions.png", "latent.png", "autoencoder_loss.png"} {
		mustDecodePNG(t, filepath.Join(out, png))
	}
	// eval scales the given samples with the saved training statistics.
	ev := runOK(t, "eval", "--model", filepath.Join(out, "autoencoder.safetensors"), "--input", x)
	all := nn.MatrixFrom(s.N, 30, dataset.Transform[float32](scaler, s.X))
	numcheck.Scalar(t, "eval MSE", numberAfter(t, ev, "test reconstruction MSE "), model.ReconstructionMSE(all), 5e-5)
	if !strings.Contains(ev, "on 50 samples") {
		t.Errorf("eval: %s", ev)
	}
	code, _, errOut := runCommand("eval", "--model", filepath.Join(out, "autoencoder.safetensors"), "--input", npyAt(t, filepath.Join(dir, "w.npy"), []int{2, 4}, make([]float64, 8)))
	if code != 1 || !strings.Contains(errOut, "reads 30") {
		t.Errorf("eval on samples of another size: exit %d, %q", code, errOut)
	}
}

// TestAutoencoderOnUserTable runs a CSV table with a label column through
// the command, standardised, and checks that PCA (which a linear
// autoencoder can only match) reconstructs a rank-2 table almost exactly.
func TestAutoencoderOnUserTable(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(8, 9))
	var b strings.Builder
	b.WriteString("a,b,class,c,d\n")
	for i := 0; i < 40; i++ {
		u, v := rng.NormFloat64(), rng.NormFloat64()
		fmt.Fprintf(&b, "%g,%g,%d,%g,%g\n", u, 100*v, i%3, u+v, 3-u+1e-6*rng.NormFloat64())
	}
	csv := filepath.Join(dir, "table.csv")
	os.WriteFile(csv, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "out")
	text := runOK(t, "autoencoder", "--input", csv, "--label-column", "class", "--normalize", "standard", "--loss", "mse", "--output-activation", "identity",
		"--activation", "identity", "--layers", "3", "--code", "2", "--epochs", "2", "--batch", "8", "--out", out)
	if !strings.Contains(text, "40 samples of 4 features; 32 for training, 8 for testing; scaling standard") {
		t.Errorf("output:\n%s", text)
	}
	if mse := numberAfter(t, text, "PCA with 2 components: test reconstruction MSE "); !(mse < 1e-9) {
		t.Errorf("PCA of a rank-2 table: test MSE %g, want ~0", mse)
	}
	codes, err := dataset.ReadNpy(filepath.Join(out, "codes.npy"))
	if err != nil || fmt.Sprint(codes.Shape) != "[8 2]" {
		t.Fatalf("codes.npy: %v, %v", err, codes)
	}
	for _, png := range []string{"reconstructions.png", "latent.png"} {
		mustDecodePNG(t, filepath.Join(out, png))
	}
}

func TestAutoencoderOnUserDataRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	x, y := barImages(t, dir, 10, 4, 4)
	short := npyAt(t, filepath.Join(dir, "short.npy"), []int{9}, make([]float64, 9))
	vector := npyAt(t, filepath.Join(dir, "vector.npy"), []int{5}, make([]float64, 5))
	nan := npyAt(t, filepath.Join(dir, "nan.npy"), []int{2, 2}, []float64{0, 1, 2, 0 / func() float64 { return 0 }()})
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--labels", y}, 2, "go with --input"},
		{[]string{"--normalize", "minmax"}, 2, "go with --input"},
		{[]string{"--input", x, "--normalize", "zscore"}, 2, "--normalize"},
		{[]string{"--input", x, "--test-limit", "5"}, 2, "--test-limit applies to MNIST"},
		{[]string{"--input", x, "--normalize", "standard"}, 1, "--loss bce needs inputs in [0, 1]"},
		{[]string{"--input", x, "--labels", short}, 1, "want (10,)"},
		{[]string{"--input", vector}, 1, "want (samples, features)"},
		{[]string{"--input", nan}, 1, "NaN at sample 1"},
		{[]string{"--input", x, "--test", "0.01"}, 2, "--test"},
		{[]string{"--input", x, "--label-column", "class"}, 1, "CSV files only"},
		{[]string{"--input", filepath.Join(dir, "missing.npy")}, 1, "missing.npy"},
	} {
		out := filepath.Join(dir, "out")
		mustFailCleanly(t, fmt.Sprint(c.args), append(append([]string{"autoencoder", "--epochs", "1"}, c.args...), "--out", out), out, c.code, c.want)
	}
}
