package main

import (
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/internal/mnistdir"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

func mustDecodePNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() < 50 || b.Dy() < 20 {
		t.Errorf("%s is only %v", path, b)
	}
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCommand(args...)
	if code != 0 {
		t.Fatalf("physml %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func TestLSTMCommandAndEval(t *testing.T) {
	dir := t.TempDir()
	out := runOK(t, "lstm", "--epochs", "1", "--train-limit", "400", "--test-limit", "200", "--layers", "16", "--out", dir)
	if !strings.Contains(out, "test accuracy") {
		t.Errorf("output lacks the test accuracy:\n%s", out)
	}
	mustDecodePNG(t, filepath.Join(dir, "lstm_curves.png"))
	tensors, meta, err := nn.ReadSafetensors(filepath.Join(dir, "lstm.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if meta["physml.cell"] != "lstm" || tensors["lstm.weight_ih_l0"].Shape[0] != 64 {
		t.Errorf("model file: metadata %v, weight_ih shape %v", meta, tensors["lstm.weight_ih_l0"].Shape)
	}
	// confusion.csv: a header and 10 rows of counts that add up to the 200
	// test images, with the correct ones on the diagonal.
	trained := numberAfter(t, out, "test accuracy ")
	csv, err := os.ReadFile(filepath.Join(dir, "confusion.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(rows) != 11 {
		t.Fatalf("confusion.csv has %d lines, want 11:\n%s", len(rows), csv)
	}
	total, diagonal := 0, 0
	for i, row := range rows[1:] {
		fields := strings.Split(row, ",")
		if len(fields) != 11 || fields[0] != strconv.Itoa(i) {
			t.Fatalf("confusion.csv row %d: %q", i, row)
		}
		for j, f := range fields[1:] {
			n, err := strconv.Atoi(f)
			if err != nil || n < 0 {
				t.Fatalf("confusion.csv row %d: %q", i, row)
			}
			total += n
			if i == j {
				diagonal += n
			}
		}
	}
	if total != 200 || float64(diagonal)/200 != trained {
		t.Errorf("confusion.csv counts %d images with %d correct; the run tested 200 at accuracy %v", total, diagonal, trained)
	}
	// eval of the saved model gives the accuracy of the run that saved it.
	ev := runOK(t, "eval", "--model", filepath.Join(dir, "lstm.safetensors"), "--test-limit", "200")
	if evaluated := numberAfter(t, ev, "test accuracy "); evaluated != trained {
		t.Errorf("eval gives test accuracy %v, the training run %v", evaluated, trained)
	}
	gru := runOK(t, "lstm", "--cell", "gru", "--bidirectional", "--layers", "8,8", "--dropout", "0.1", "--epochs", "1",
		"--train-limit", "200", "--test-limit", "100", "--schedule", "cosine", "--dtype", "float64", "--out", dir)
	if !strings.Contains(gru, "GRU(28, 8, num_layers=2") {
		t.Errorf("GRU run: %s", gru)
	}
}

func TestAutoencoderCommand(t *testing.T) {
	dir := t.TempDir()
	out := runOK(t, "autoencoder", "--epochs", "1", "--train-limit", "500", "--test-limit", "100", "--layers", "32", "--code", "8",
		"--denoise", "gauss:0.2", "--out", dir)
	if !strings.Contains(out, "test reconstruction MSE") {
		t.Errorf("output: %s", out)
	}
	mustDecodePNG(t, filepath.Join(dir, "reconstructions.png"))
	mustDecodePNG(t, filepath.Join(dir, "autoencoder_loss.png"))
	if err := nn.LoadSafetensors(filepath.Join(dir, "autoencoder.safetensors"), mustAE(t).Params()); err != nil {
		t.Error(err)
	}
	ev := runOK(t, "eval", "--model", filepath.Join(dir, "autoencoder.safetensors"), "--test-limit", "100")
	if !strings.Contains(ev, "reconstruction MSE") {
		t.Errorf("eval: %s", ev)
	}
	runOK(t, "autoencoder", "--epochs", "1", "--train-limit", "200", "--test-limit", "50", "--layers", "16", "--code", "4",
		"--loss", "mse", "--output-activation", "tanh", "--tied", "--out", dir)
}

func TestPCACommand(t *testing.T) {
	dir := t.TempDir()
	out := runOK(t, "pca", "--limit", "500", "--components", "5", "--out", dir)
	if !strings.Contains(out, "explain") {
		t.Errorf("output: %s", out)
	}
	comp, err := dataset.ReadNpy(filepath.Join(dir, "components.npy"))
	if err != nil || comp.Shape[0] != 5 || comp.Shape[1] != 784 {
		t.Fatalf("components.npy: %v %v", comp, err)
	}
	scores, err := dataset.ReadNpy(filepath.Join(dir, "scores.npy"))
	if err != nil || scores.Shape[0] != 500 || scores.Shape[1] != 5 {
		t.Fatalf("scores.npy: shape %v %v", scores.Shape, err)
	}
	mustDecodePNG(t, filepath.Join(dir, "scree.png"))
	mustDecodePNG(t, filepath.Join(dir, "scatter.png"))

	csvPath := filepath.Join(t.TempDir(), "data.csv")
	os.WriteFile(csvPath, []byte("a,b,c,label\n1,2,3,0\n2,4.1,5,1\n3,6.3,8,1\n4,7.9,9,0\n"), 0o644)
	out = runOK(t, "pca", "--input", csvPath, "--label-column", "label", "--components", "0.9", "--correlation", "--out", dir)
	if !strings.Contains(out, "4 samples × 3 features") {
		t.Errorf("csv output: %s", out)
	}
	// The fitted model's arrays, for the user's own analysis: the mean of
	// the standardised columns is 0, and the ratios are those printed.
	mean, err := dataset.ReadNpy(filepath.Join(dir, "mean.npy"))
	if err != nil || len(mean.Data) != 3 {
		t.Fatalf("mean.npy: %v %v", mean, err)
	}
	numcheck.Close(t, "mean of standardised columns", mean.Data, []float64{0, 0, 0}, 1e-12)
	ratio, err := dataset.ReadNpy(filepath.Join(dir, "explained_variance_ratio.npy"))
	if err != nil {
		t.Fatal(err)
	}
	variance, err := dataset.ReadNpy(filepath.Join(dir, "explained_variance.npy"))
	if err != nil || len(variance.Data) != len(ratio.Data) {
		t.Fatalf("explained_variance.npy: %v %v", variance, err)
	}
	numcheck.Scalar(t, "printed ratio of component 1", numberAfter(t, out, fmt.Sprintf("%9d  %18.6g  ", 1, variance.Data[0])), ratio.Data[0], 1e-6)
	if _, err := os.Stat(filepath.Join(dir, "components.png")); err != nil {
		t.Errorf("the MNIST run wrote no components.png: %v", err)
	}
}

// TestPCAComponentsPicture checks the pixels of components.png for images of
// 6×5: the first component, shown 14 times enlarged, is grey at 0, black
// at its largest and white at its most negative value.
func TestPCAComponentsPicture(t *testing.T) {
	dir := t.TempDir()
	x, _ := barImages(t, dir, 30, 6, 5)
	out := filepath.Join(dir, "out")
	runOK(t, "pca", "--input", x, "--components", "3", "--out", out)
	comp, err := dataset.ReadNpy(filepath.Join(out, "components.npy"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, "components.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	const scale, gap = 14, 2
	gridWidth := 3*(5*scale+gap) + gap
	if h := img.Bounds().Dy(); h != 6*scale+2*gap {
		t.Fatalf("components.png is %d pixels high, want one row of images, %d", h, 6*scale+2*gap)
	}
	x0 := img.Bounds().Dx() - gridWidth + gap
	var m float64
	for _, v := range comp.Data[:30] {
		m = math.Max(m, math.Abs(v))
	}
	for r := 0; r < 6; r++ {
		for c := 0; c < 5; c++ {
			want := 255 - math.Round(255*(0.5+comp.Data[r*5+c]/(2*m)))
			grey, _, _, _ := img.At(x0+c*scale+scale/2, gap+r*scale+scale/2).RGBA()
			if got := float64(grey >> 8); !(math.Abs(got-want) <= 2) {
				t.Errorf("pixel of component 1 at (%d, %d): grey %v, want %v", r, c, got, want)
			}
		}
	}
}

func TestLectureCommands(t *testing.T) {
	out := runOK(t, "covariance", "-n", "200", "--seed", "3")
	// The printed matrices are the library's, to the 4 decimals printed.
	X := mat.NewDense(200, 2, dataset.LinePlusNoise(200, 3))
	for _, ddof := range []int{0, 1} {
		want, err := decomposition.Covariance(X, ddof)
		if err != nil {
			t.Fatal(err)
		}
		got := printedMatrix(t, out, fmt.Sprintf("covariance, 1/(n-%d):", ddof))
		numcheck.Close(t, fmt.Sprintf("printed covariance, ddof %d", ddof), got, []float64{want.At(0, 0), want.At(0, 1), want.At(1, 0), want.At(1, 1)}, 5e-5)
	}
	corr, err := decomposition.Correlation(X)
	if err != nil {
		t.Fatal(err)
	}
	got := printedMatrix(t, out, "correlation:")
	numcheck.Close(t, "printed correlation", got, []float64{corr.At(0, 0), corr.At(0, 1), corr.At(1, 0), corr.At(1, 1)}, 5e-5)
	if !strings.Contains(out, "eigenvalues") {
		t.Errorf("covariance output lacks the eigenvalues:\n%s", out)
	}
	out = runOK(t, "linear-ae", "--train-limit", "300", "--epochs", "2", "--code", "4", "--out", t.TempDir())
	if !strings.Contains(out, "principal angles") {
		t.Errorf("linear-ae output: %s", out)
	}
}

func TestBadFlagsAndFilesFailCleanly(t *testing.T) {
	base := t.TempDir()
	corrupt := filepath.Join(base, "bad.npy")
	os.WriteFile(corrupt, []byte("\x93NUMPY\x01\x00\x10\x00{'descr': '<f8'"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"lstm", "--cell", "tcn"}, 2, "--cell"},
		{[]string{"lstm", "--dropout", "1.5"}, 2, "--dropout"},
		{[]string{"lstm", "--epochs", "x"}, 2, "epochs"},
		{[]string{"autoencoder", "--loss", "bce", "--output-activation", "tanh"}, 2, "sigmoid"},
		{[]string{"autoencoder", "--denoise", "salt:1"}, 2, "--denoise"},
		{[]string{"pca", "--components", "-3"}, 2, "--components"},
		{[]string{"pca", "--solver", "qr"}, 2, "--solver"},
		{[]string{"pca", "--input", corrupt}, 1, "bad.npy"},
		{[]string{"pca", "--input", filepath.Join(base, "missing.csv")}, 1, "missing.csv"},
		{[]string{"lstm", "--data", filepath.Join(base, "nowhere")}, 1, "nowhere"},
		{[]string{"eval", "--model", corrupt}, 1, "bad.npy"},
	}
	for _, c := range cases {
		out := filepath.Join(base, "out-"+c.args[0]+"-"+strings.TrimLeft(c.args[1], "-"))
		args := append(append([]string(nil), c.args...), "--out", out)
		if c.args[0] == "eval" {
			args = c.args
		}
		mustFailCleanly(t, fmt.Sprint(c.args), args, out, c.code, c.want)
	}
}

// mustFailCleanly runs physml with args and checks what bad input must
// give: the exit code, one error line mentioning want, and no folder out.
func mustFailCleanly(t *testing.T, name string, args []string, out string, code int, want string) {
	t.Helper()
	got, _, errOut := runCommand(args...)
	if got != code {
		t.Errorf("%s: exit %d, want %d (%s)", name, got, code, errOut)
	}
	if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, want) {
		t.Errorf("%s: want one error line mentioning %q, got %q", name, want, errOut)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s: created %s although it failed", name, out)
	}
}

func mustAE(t *testing.T) nn.Layer[float32] {
	t.Helper()
	cfg, err := (&aeOptions{layers: "32", code: 8, hiddenAct: "relu", outputAct: "sigmoid", loss: "bce", epochs: 1, batch: 1, lr: 1}).config(dataset.MNISTPixels)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ae.New[float32](cfg, nn.NewRand(0))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// printedMatrix returns the numbers of the two lines after the line title in
// out (a 2×2 matrix printed by mat.Formatted), row by row.
func printedMatrix(t *testing.T, out, title string) []float64 {
	t.Helper()
	_, rest, ok := strings.Cut(out, title+"\n")
	if !ok {
		t.Fatalf("no %q in:\n%s", title, out)
	}
	lines := strings.SplitN(rest, "\n", 3)
	var values []float64
	for _, line := range lines[:2] {
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || strings.ContainsRune("⎡⎤⎣⎦[]", r) }) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%s: %q is not a number", title, f)
			}
			values = append(values, v)
		}
	}
	return values
}

// numberAfter returns the number that follows prefix in out.
func numberAfter(t *testing.T, out, prefix string) float64 {
	t.Helper()
	_, rest, ok := strings.Cut(out, prefix)
	if !ok {
		t.Fatalf("no %q in:\n%s", prefix, out)
	}
	v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
	if err != nil {
		t.Fatalf("after %q: %v", prefix, err)
	}
	return v
}

// TestLSTMKerasPreset: --preset keras trains on pixels/255 (the file says
// so and eval reads the test images the same way, to the same accuracy),
// with Keras's initialisation: the forget-gate biases 1, the other biases
// and the Dense bias 0.
func TestLSTMKerasPreset(t *testing.T) {
	dir := t.TempDir()
	out := runOK(t, "lstm", "--preset", "keras", "--epochs", "1", "--train-limit", "400", "--test-limit", "200", "--layers", "8", "--lr", "1e-30", "--out", dir)
	if !strings.Contains(out, "pixels unit") {
		t.Errorf("output:\n%s", out)
	}
	model := filepath.Join(dir, "lstm.safetensors")
	tensors, meta, err := nn.ReadSafetensors(model)
	if err != nil {
		t.Fatal(err)
	}
	if meta["physml.normalization"] != "unit" {
		t.Errorf("normalization %q, want unit", meta["physml.normalization"])
	}
	// --lr 1e-30 keeps the initial weights, Keras's, to 1e-26.
	bih := tensors["lstm.bias_ih_l0"].Data
	for j, v := range bih {
		if want := map[bool]float64{true: 1, false: 0}[j >= 8 && j < 16]; !(math.Abs(v-want) <= 1e-26) {
			t.Fatalf("bias_ih[%d] = %g, want %g", j, v, want)
		}
	}
	if slices.ContainsFunc(tensors["fc.bias"].Data, func(v float64) bool { return !(math.Abs(v) <= 1e-26) }) {
		t.Errorf("fc.bias %v, want zeros", tensors["fc.bias"].Data)
	}
	ev := runOK(t, "eval", "--model", model, "--test-limit", "200")
	numcheck.Scalar(t, "eval's accuracy against training's", numberAfter(t, ev, "test accuracy "), numberAfter(t, out, "test accuracy "), 0)
	code, _, errOut := runCommand("lstm", "--preset", "tensorflow")
	if code != 2 || !strings.Contains(errOut, "want pytorch or keras") {
		t.Errorf("--preset tensorflow: exit %d, %q", code, errOut)
	}
}

// TestLSTMTrace: --trace writes the gates, states and cells of the first
// test digits with the shapes it documents, the gates in their ranges, the
// last traced state the model's (the state the classifier reads), and a
// picture.
func TestLSTMTrace(t *testing.T) {
	dir := t.TempDir()
	runOK(t, "lstm", "--epochs", "1", "--train-limit", "300", "--test-limit", "50", "--layers", "8", "--trace", "3", "--out", dir)
	read := func(name string) *dataset.Array {
		a, err := dataset.ReadNpy(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	gates, state, cell := read("trace_gates.npy"), read("trace_state.npy"), read("trace_cell.npy")
	if !slices.Equal(gates.Shape, []int{3, 1, 28, 4, 8}) || !slices.Equal(state.Shape, []int{3, 1, 28, 8}) || !slices.Equal(cell.Shape, []int{3, 1, 28, 8}) {
		t.Fatalf("shapes %v %v %v; want (3, 1, 28, 4, 8) and (3, 1, 28, 8) twice", gates.Shape, state.Shape, cell.Shape)
	}
	for k, v := range gates.Data {
		lo := 0.0
		if k/8%4 == 2 { // g
			lo = -1
		}
		if !(v >= lo && v <= 1) {
			t.Fatalf("gate value %v at %d outside [%v, 1]", v, k, lo)
		}
	}
	// h = o ⊙ tanh(c) at every step (float32 model: to its rounding).
	for k, c := range cell.Data {
		n, s, j := k/(28*8), k/8%28, k%8
		o := gates.Data[((n*28+s)*4+3)*8+j]
		if d := math.Abs(state.Data[k] - o*math.Tanh(c)); !(d <= 1e-6) {
			t.Fatalf("sequence %d step %d unit %d: h − o·tanh(c) = %g", n, s, j, d)
		}
	}
	mustDecodePNG(t, filepath.Join(dir, "trace.png"))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lstm", "--trace", "-1"}, "--trace -1"},
		{[]string{"lstm", "--trace", "5000"}, "--trace 5000"},
		{[]string{"lstm", "--cell", "mlstm", "--trace", "2"}, "records no gate traces"},
	} {
		if code, _, stderr := runCommand(c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("physml %s: exit %d, %q; want 2 and %q", strings.Join(c.args, " "), code, stderr, c.want)
		}
	}
}

// TestLSTMRecurrentDropoutFlags: the flags reach the layer (training runs
// and differs from training without them) and bad values are usage errors.
func TestLSTMRecurrentDropoutFlags(t *testing.T) {
	base := []string{"lstm", "--epochs", "1", "--train-limit", "200", "--test-limit", "20", "--layers", "8"}
	plain := runOK(t, append(base, "--out", t.TempDir())...)
	dropped := runOK(t, append(base, "--out", t.TempDir(), "--input-dropout", "0.3", "--recurrent-dropout", "0.3")...)
	loss := func(out string) string {
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "epoch  1") {
				return strings.Fields(line)[4]
			}
		}
		t.Fatalf("no epoch line in %q", out)
		return ""
	}
	if loss(plain) == loss(dropped) {
		t.Errorf("the training loss with input and recurrent dropout equals the loss without (%s): the flags did nothing", loss(plain))
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lstm", "--input-dropout", "1"}, "--input-dropout 1"},
		{[]string{"lstm", "--recurrent-dropout", "-0.2"}, "--recurrent-dropout -0.2"},
		{[]string{"lstm", "--cell", "slstm", "--recurrent-dropout", "0.2"}, "sLSTM layers have no input or recurrent dropout"},
	} {
		if code, _, stderr := runCommand(c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("physml %s: exit %d, %q; want 2 and %q", strings.Join(c.args, " "), code, stderr, c.want)
		}
	}
}

// TestAutoencoderKerasPreset: the preset prints Keras's val_loss — the BCE
// of the saved model on the test set — and initialises every Dense weight
// Glorot-uniform, every bias zero, and leaves batch norm's scale at 1.
func TestAutoencoderKerasPreset(t *testing.T) {
	dir := t.TempDir()
	out := runOK(t, "autoencoder", "--preset", "keras", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--layers", "32", "--code", "8", "--out", dir)
	var printed float64
	for _, line := range strings.Split(out, "\n") {
		if _, after, ok := strings.Cut(line, "val_loss (test bce) "); ok {
			var err error
			if printed, err = strconv.ParseFloat(strings.Fields(after)[0], 64); err != nil {
				t.Fatal(err)
			}
		}
	}
	model, _, err := ae.Load[float32](filepath.Join(dir, "autoencoder.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	dirMNIST, err := mnistdir.Find()
	if err != nil {
		t.Skip(err)
	}
	_, test, err := dataset.LoadMNISTLimits(dirMNIST, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	errs := model.ReconstructionErrors(nn.MatrixFrom(test.Len(), dataset.MNISTPixels, dataset.Floats[float32](test.Pixels, dataset.Unit)))
	var sum float64
	for _, e := range errs {
		sum += e
	}
	if got := math.Round(sum/float64(len(errs))*1e4) / 1e4; got != printed {
		t.Errorf("printed val_loss %.4f; the saved model's test BCE is %.4f", printed, got)
	}

	if code, _, stderr := runCommand("autoencoder", "--preset", "tf"); code != 2 || !strings.Contains(stderr, "--preset") {
		t.Errorf("--preset tf: exit %d, %q", code, stderr)
	}
}

// TestLSTMNorm: --norm puts the normalisation in the model and its file,
// and eval rebuilds the model to the same test accuracy.
func TestLSTMNorm(t *testing.T) {
	for _, kind := range []string{"batchnorm", "layernorm"} {
		dir := t.TempDir()
		out := runOK(t, "lstm", "--norm", kind, "--epochs", "1", "--train-limit", "300", "--test-limit", "60", "--layers", "8", "--out", dir)
		accuracy := func(s string) string {
			_, after, ok := strings.Cut(s, "test accuracy ")
			if !ok {
				t.Fatalf("no test accuracy in %q", s)
			}
			return strings.Fields(after)[0]
		}
		eval := runOK(t, "eval", "--model", filepath.Join(dir, "lstm.safetensors"), "--test-limit", "60")
		if accuracy(out) != accuracy(eval) {
			t.Errorf("--norm %s: lstm says %s, eval of its file %s", kind, accuracy(out), accuracy(eval))
		}
		_, meta, err := nn.ReadSafetensors(filepath.Join(dir, "lstm.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		if meta["physml.norm"] != kind {
			t.Errorf("--norm %s: metadata physml.norm = %q", kind, meta["physml.norm"])
		}
	}
	if code, _, stderr := runCommand("lstm", "--norm", "groupnorm"); code != 2 || !strings.Contains(stderr, "--norm") {
		t.Errorf("--norm groupnorm: exit %d, %q", code, stderr)
	}
}

// TestLSTMProj: --proj trains a projected LSTM whose file eval rebuilds to
// the same accuracy and ONNX export refuses by name.
func TestLSTMProj(t *testing.T) {
	dir := t.TempDir()
	out := runOK(t, "lstm", "--proj", "4", "--layers", "8", "--epochs", "1", "--train-limit", "300", "--test-limit", "60", "--out", dir)
	if !strings.Contains(out, "proj_size=4") {
		t.Errorf("the model line does not say proj_size=4:\n%s", out)
	}
	model := filepath.Join(dir, "lstm.safetensors")
	eval := runOK(t, "eval", "--model", model, "--test-limit", "60")
	acc := func(s string) string {
		_, after, _ := strings.Cut(s, "test accuracy ")
		return strings.Fields(after + " ?")[0]
	}
	if acc(out) != acc(eval) || acc(out) == "?" {
		t.Errorf("lstm says %s, eval %s", acc(out), acc(eval))
	}
	if code, _, stderr := runCommand("export", "--model", model, "--onnx", filepath.Join(dir, "m.onnx")); code == 0 || !strings.Contains(stderr, "proj_size") {
		t.Errorf("export of a projected LSTM: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{{"lstm", "--proj", "8", "--layers", "8"}, {"lstm", "--cell", "gru", "--proj", "2"}, {"lstm", "--proj", "-1"}, {"lstm", "--proj", "2", "--trace", "1"}} {
		if code, _, stderr := runCommand(args...); code != 2 || !strings.Contains(stderr, "--") {
			t.Errorf("physml %s: exit %d, %q; want a usage error", strings.Join(args, " "), code, stderr)
		}
	}
}

// TestTablesOfOtherSeparators: a semicolon table is read as a comma one,
// an np.savetxt file of blanks with its "# " header too; --delimiter sets
// the separator (a wrong one fails with the field it could not read).
func TestTablesOfOtherSeparators(t *testing.T) {
	dir := t.TempDir()
	comma := filepath.Join(dir, "c.csv")
	semi := filepath.Join(dir, "s.csv")
	blanks := filepath.Join(dir, "b.csv")
	os.WriteFile(comma, []byte("a,b,c\n1,2,3\n2,4.1,5\n3,6.3,8\n4,7.9,9\n"), 0o644)
	os.WriteFile(semi, []byte("a;b;c\n1;2;3\n2;4.1;5\n3;6.3;8\n4;7.9;9\n"), 0o644)
	os.WriteFile(blanks, []byte("# a b c\n1 2 3\n2 4.1 5\n3 6.3 8\n4 7.9 9\n"), 0o644)
	want := runOK(t, "pca", "--input", comma, "--components", "2", "--out", filepath.Join(dir, "c"))
	table := want[strings.Index(want, "component "):strings.Index(want, "wrote ")]
	for _, args := range [][]string{{"--input", semi}, {"--input", blanks}, {"--input", semi, "--delimiter", ";"}} {
		got := runOK(t, append([]string{"pca", "--components", "2", "--out", filepath.Join(dir, "x")}, args...)...)
		if !strings.Contains(got, table) {
			t.Errorf("pca %v:\n%s\nwant the table\n%s", args, got, table)
		}
	}
	if code, _, stderr := runCommand("pca", "--input", semi, "--delimiter", ",", "--out", filepath.Join(dir, "y")); code != 1 || !strings.Contains(stderr, `"1;2;3" is not a finite number`) {
		t.Errorf("--delimiter , on a semicolon file: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCommand("pca", "--input", semi, "--delimiter", "|", "--out", filepath.Join(dir, "y")); code != 2 || !strings.Contains(stderr, "--delimiter") {
		t.Errorf("--delimiter |: exit %d, %q", code, stderr)
	}
	// A text column is left out with --drop (issue 35).
	named := filepath.Join(dir, "n.csv")
	os.WriteFile(named, []byte("run,a,b,c\nr1,1,2,3\nr2,2,4.1,5\nr3,3,6.3,8\nr4,4,7.9,9\n"), 0o644)
	if got := runOK(t, "pca", "--input", named, "--drop", "run", "--components", "2", "--out", filepath.Join(dir, "n")); !strings.Contains(got, table) {
		t.Errorf("pca --drop run:\n%s\nwant the table\n%s", got, table)
	}
	// Or only the columns asked for are read.
	if got := runOK(t, "pca", "--input", named, "--columns", "a,b,c", "--components", "2", "--out", filepath.Join(dir, "k")); !strings.Contains(got, table) {
		t.Errorf("pca --columns a,b,c:\n%s\nwant the table\n%s", got, table)
	}
	if got := runOK(t, "pca", "--input", named, "--columns", "a,2", "--components", "1", "--out", filepath.Join(dir, "k2")); !strings.Contains(got, "PCA of 4 samples × 2 features") {
		t.Errorf("pca --columns a,2:\n%s", got)
	}
}

// TestCovarianceOfYourTable (issue 35): covariance --input writes the
// covariance and correlation of the table's columns (a text column
// dropped, the labels left out) and their heat map.
func TestCovarianceOfYourTable(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("run;a;b;c;label\n")
	rng := nn.NewRand(2)
	var xs []float64
	for i := 0; i < 50; i++ {
		x, y := rng.NormFloat64(), rng.NormFloat64()
		row := []float64{x, 2*x + 0.5*y, -y}
		xs = append(xs, row...)
		fmt.Fprintf(&b, "r%d;%g;%g;%g;%d\n", i, row[0], row[1], row[2], i%2)
	}
	table := filepath.Join(dir, "t.csv")
	os.WriteFile(table, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "out")
	text := runOK(t, "covariance", "--input", table, "--drop", "run", "--label-column", "label", "--out", out)
	if !strings.Contains(text, "50 samples of 3 columns (a, b, c)") {
		t.Errorf("output:\n%s", text)
	}
	X := mat.NewDense(50, 3, xs)
	wantCov, _ := decomposition.Covariance(X, 1)
	wantCorr, _ := decomposition.Correlation(X)
	for name, want := range map[string]*mat.SymDense{"covariance.npy": wantCov, "correlation.npy": wantCorr} {
		got, err := dataset.ReadNpy(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		numcheck.Close(t, name, got.Data, mat.DenseCopyOf(want).RawMatrix().Data, 1e-12)
	}
	mustDecodePNG(t, filepath.Join(out, "correlation.png"))
	if code, _, stderr := runCommand("covariance", "--drop", "run"); code != 2 || !strings.Contains(stderr, "--drop does not apply") {
		t.Errorf("--drop without --input: exit %d, %q", code, stderr)
	}
}
