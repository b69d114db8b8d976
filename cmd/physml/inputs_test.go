package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// TestHostileInputFailsCleanly runs the command on each input that once hung
// it, crashed it, exhausted its memory or was accepted although it could not
// work: each must exit with the code given, print one error line naming
// the problem, leave --out uncreated, and do so quickly.
func TestHostileInputFailsCleanly(t *testing.T) {
	base := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(base, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	zero := func(name string) string {
		p := filepath.Join(base, name)
		if err := os.Symlink("/dev/zero", p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var bigClaim bytes.Buffer // an .npz member claiming 16 GiB
	zw := zip.NewWriter(&bigClaim)
	w, _ := zw.Create("x.npy")
	header := "{'descr': '<f8', 'fortran_order': False, 'shape': (2147483648,), }\n"
	w.Write(append([]byte{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, byte(len(header)), 0}, header...))
	zw.Close()
	good := fakeMNIST(t, 60, 28, 28, 0)
	small := fakeMNIST(t, 5, 27, 28, 0)
	empty := fakeMNIST(t, 0, 28, 28, 0)
	claims := fakeMNIST(t, 600, 28, 28, 5_400_000) // 4.2 GB claimed, 470 KB held
	notAFolder := file("plain-file", "x")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"label 1e18", []string{"pca", "--input", file("l18.csv", "x,y,label\n1,2,0\n2,1,1\n3,3,1e18\n"), "--label-column", "label", "--components", "1"}, 1, "not a class label"},
		{"label 1e30", []string{"pca", "--input", file("l30.csv", "x,y,label\n1,2,0\n2,1,1e30\n"), "--label-column", "label"}, 1, "not a class label"},
		{"label 9.3e18", []string{"pca", "--input", file("l93.csv", "x,y,label\n1,2,0\n2,1,9.3e18\n"), "--label-column", "label"}, 1, "not a class label"},
		{"eval hidden 100000", []string{"eval", "--data", good, "--model", savedClassifier(t, filepath.Join(base, "h.safetensors"), "physml.hidden", "100000")}, 1, "metadata describes"},
		{"eval hidden MaxInt", []string{"eval", "--data", good, "--model", savedClassifier(t, filepath.Join(base, "hmax.safetensors"), "physml.hidden", strconv.Itoa(math.MaxInt))}, 1, "metadata describes"},
		{"eval layers MaxInt", []string{"eval", "--data", good, "--model", savedClassifier(t, filepath.Join(base, "lmax.safetensors"), "physml.layers", strconv.Itoa(math.MaxInt))}, 1, "tensors"},
		{"eval autoencoder layers", []string{"eval", "--data", good, "--model", savedAutoencoder(t, filepath.Join(base, "a.safetensors"), "physml.layers", "784,100000,100000")}, 1, "metadata describes"},
		{"eval MNIST model on --input", []string{"eval", "--data", good, "--model", savedClassifier(t, filepath.Join(base, "m.safetensors"), "physml.data", "mnist"), "--input", good}, 2, "trained on MNIST"},
		{"eval autoencoder of 10 inputs", []string{"eval", "--data", good, "--model", savedAutoencoder(t, filepath.Join(base, "a10.safetensors"), "physml.layers", "10,8")}, 1, "metadata describes"},
		{"threads 100000", []string{"pca", "--threads", "100000"}, 2, "--threads"},
		{"threads MaxInt", []string{"lstm", "--threads", strconv.Itoa(math.MaxInt)}, 2, "--threads"},
		{"npz claiming 16 GiB", []string{"pca", "--input", file("claim.npz", bigClaim.String())}, 1, "limit"},
		{"IDX claiming 5.4 million images", []string{"lstm", "--data", claims}, 1, "limit"},
		{"npy that is /dev/zero", []string{"pca", "--input", zero("zero.npy")}, 1, "not a regular file"},
		{"csv that is /dev/zero", []string{"pca", "--input", zero("zero.csv")}, 1, "not a regular file"},
		{"model that is /dev/zero", []string{"eval", "--data", good, "--model", zero("zero.safetensors")}, 1, "not a regular file"},
		{"27×28 images, pca", []string{"pca", "--data", small}, 1, "27×28"},
		{"27×28 images, lstm", []string{"lstm", "--data", small}, 1, "27×28"},
		{"27×28 images, autoencoder", []string{"autoencoder", "--data", small}, 1, "27×28"},
		{"no images, lstm", []string{"lstm", "--data", empty}, 1, "no images"},
		{"no images, pca", []string{"pca", "--data", empty}, 1, "no images"},
		{"constant data", []string{"pca", "--input", npyFile(t, filepath.Join(base, "c.npy"), 20, 3, func(i, j int) float64 { return 7 }), "--components", "2"}, 1, "zero total variance"},
		{"overflowing data", []string{"pca", "--input", npyFile(t, filepath.Join(base, "o.npy"), 20, 3, func(i, j int) float64 { return math.Pow(-1, float64(i+j)) * 1e308 }), "--components", "2"}, 1, "overflows"},
		{"whitening zero variance", []string{"pca", "--input", npyFile(t, filepath.Join(base, "w.npy"), 20, 3, func(i, j int) float64 { return float64(i * (j + 1)) }), "--components", "2", "--whiten"}, 1, "zero up to rounding"},
		{"lr NaN", []string{"lstm", "--lr", "NaN"}, 2, "--lr"},
		{"dropout NaN", []string{"lstm", "--dropout", "NaN"}, 2, "--dropout"},
		{"validation NaN", []string{"lstm", "--validation", "NaN"}, 2, "--validation"},
		{"clip NaN", []string{"lstm", "--clip", "NaN"}, 2, "--clip"},
		{"clip -1", []string{"lstm", "--clip", "-1"}, 2, "--clip"},
		{"patience -1", []string{"lstm", "--patience", "-1"}, 2, "--patience"},
		{"denoise gauss:NaN", []string{"autoencoder", "--denoise", "gauss:NaN"}, 2, "--denoise"},
		{"sparsity NaN", []string{"autoencoder", "--sparsity", "NaN"}, 2, "--sparsity"},
		{"autoencoder lr NaN", []string{"autoencoder", "--lr", "NaN"}, 2, "--lr"},
		{"train-limit -1", []string{"lstm", "--train-limit", "-1"}, 2, "--train-limit"},
		{"autoencoder test-limit -1", []string{"autoencoder", "--test-limit", "-1"}, 2, "--test-limit"},
		{"pca limit -1", []string{"pca", "--limit", "-1"}, 2, "--limit"},
		{"validation 0.999", []string{"lstm", "--data", good, "--validation", "0.999"}, 2, "leaves 0 for training"},
		{"dtype float16", []string{"lstm", "--dtype", "float16"}, 2, `--dtype "float16": want float32 or float64`},
		{"old precision flag", []string{"lstm", "--float32=false"}, 2, "--float32 is now --dtype float32"},
		{"max-input 0", []string{"pca", "--max-input", "0"}, 2, "--max-input"},
		{"out inside a file", []string{"lstm", "--data", good, "--out", filepath.Join(notAFolder, "sub")}, 1, "not a folder"},
		{"label column for npy", []string{"pca", "--input", npyFile(t, filepath.Join(base, "n.npy"), 5, 2, func(i, j int) float64 { return float64(i + j*j) }), "--label-column", "y"}, 2, "csv"},
	}
	for i, c := range cases {
		out := filepath.Join(base, fmt.Sprintf("out%d", i))
		args := append([]string(nil), c.args...)
		if !slices.Contains(args, "--out") {
			args = append(args, "--out", out)
		}
		start := time.Now()
		mustFailCleanly(t, c.name, args, out, c.code, c.want)
		if elapsed := time.Since(start); elapsed > 10*time.Second {
			t.Errorf("%s: took %v", c.name, elapsed)
		}
	}
}

// TestLimitsApplyWhileReading: --train-limit and --limit stop reading a
// file that claims (and holds) far more, so memory stays bounded.
func TestLimitsApplyWhileReading(t *testing.T) {
	claims := fakeMNIST(t, 3000, 28, 28, 5_400_000)
	var code int
	var errOut string
	alloc := allocatedBy(func() {
		code, _, errOut = runCommand("lstm", "--data", claims, "--train-limit", "100", "--test-limit", "50", "--epochs", "1", "--layers", "4", "--out", t.TempDir())
	})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if alloc > 64<<20 {
		t.Errorf("lstm with limits allocated %d bytes", alloc)
	}
	t.Logf("lstm on 100 of a claimed 5.4 million images: %d bytes allocated", alloc)

	// An .npz whose member holds 50 rows of data and a million rows of zeros.
	var npy bytes.Buffer
	rows := 1 << 20
	head, _ := dataset.EncodeNpy([]int{rows, 4}, make([]float64, rows*4)) // header only is needed
	hlen := int(binary.LittleEndian.Uint16(head[8:10]))
	npy.Write(head[:10+hlen])
	for i := 0; i < 50*4; i++ {
		binary.Write(&npy, binary.LittleEndian, float64(i*i%17)+float64(i%4))
	}
	npy.Write(make([]byte, (rows-50)*4*8))
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("x.npy")
	w.Write(npy.Bytes())
	zw.Close()
	path := filepath.Join(t.TempDir(), "bomb.npz")
	os.WriteFile(path, z.Bytes(), 0o644)
	alloc = allocatedBy(func() {
		code, _, errOut = runCommand("pca", "--input", path, "--limit", "50", "--components", "2", "--out", t.TempDir())
	})
	if code != 0 {
		t.Fatalf("pca --limit 50: exit %d: %s", code, errOut)
	}
	if alloc > 16<<20 {
		t.Errorf("pca --limit 50 of a 32 MiB member allocated %d bytes", alloc)
	}
	t.Logf("pca on 50 rows of a %d-byte .npz holding 32 MiB: %d bytes allocated", z.Len(), alloc)
	code, _, errOut = runCommand("pca", "--input", path, "--max-input", "16", "--out", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "limit") {
		t.Errorf("pca --max-input 16: exit %d: %s", code, errOut)
	}
}

func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestBatchLargerThanTheDataCostsNothing (H2): a --batch far above the
// data's rows, up to the largest int, trains as one batch of all rows in
// every training command, without allocating more than the data needs.
func TestBatchLargerThanTheDataCostsNothing(t *testing.T) {
	mnist := fakeMNIST(t, 120, 28, 28, 0)
	table := npyFile(t, filepath.Join(t.TempDir(), "table.npy"), 60, 5, func(i, j int) float64 { return math.Sin(float64(i + 3*j)) })
	for _, batch := range []string{"1073741824", "9223372036854775807"} {
		for _, args := range [][]string{
			{"lstm", "--data", mnist, "--train-limit", "100", "--test-limit", "20", "--layers", "4"},
			{"autoencoder", "--data", mnist, "--train-limit", "100", "--test-limit", "20"},
			{"vae", "--data", mnist, "--train-limit", "100", "--test-limit", "20"},
			{"anomaly", "--input", table},
			{"linear-ae", "--data", mnist, "--train-limit", "100", "--code", "2"},
			{"forecast", "--example", "sunspots", "--layers", "4"},
		} {
			args = append(args, "--epochs", "1", "--batch", batch, "--out", t.TempDir())
			var code int
			var errOut string
			alloc := allocatedBy(func() { code, _, errOut = runCommand(args...) })
			if code != 0 {
				t.Errorf("physml %s: exit %d: %s", strings.Join(args, " "), code, errOut)
			}
			if alloc > 1<<30 {
				t.Errorf("physml %s: allocated %d bytes", strings.Join(args, " "), alloc)
			}
		}
	}
}

// TestHugeValuesInSequencesAreAnError (M1): a value of 1e300 in the
// sequences of lstm --input or anomaly --model lstm is an error naming the
// feature, not a panic.
func TestHugeValuesInSequencesAreAnError(t *testing.T) {
	dir := t.TempDir()
	x := npyFile(t, filepath.Join(dir, "x.npy"), 20, 6, func(i, j int) float64 {
		if j == 2 { // in every sequence, so in the training part too
			return 1e300
		}
		return math.Sin(float64(i + j))
	})
	labels := make([]float64, 20)
	for i := range labels {
		labels[i] = float64(i % 2)
	}
	b, _ := dataset.EncodeNpy([]int{20}, labels)
	y := filepath.Join(dir, "y.npy")
	os.WriteFile(y, b, 0o644)
	out := filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"lstm", "--input", x, "--labels", y, "--epochs", "1", "--layers", "2", "--out", out},
		{"anomaly", "--input", x, "--arch", "lstm", "--epochs", "1", "--layers", "2", "--out", out},
	} {
		mustFailCleanly(t, args[0], args, out, 1, "feature 0 spans more than a float64 can hold")
	}
}

// TestNonFiniteModelsAreNeverSavedOrUsed (M3): a learning rate that sends
// the weights to NaN stops training with an error and writes no model; a
// model file whose weights hold NaN (written around the library) is
// refused by eval, predict and export, naming the tensor.
func TestNonFiniteModelsAreNeverSavedOrUsed(t *testing.T) {
	dir := t.TempDir()
	x, y, l := dampedOscillations(t, dir, 30, 10)
	out := filepath.Join(dir, "out")
	mustFailCleanly(t, "lr 1e300", []string{"lstm", "--input", x, "--labels", y, "--lengths", l, "--layers", "3", "--epochs", "2", "--batch", "64", "--lr", "1e300", "--out", out}, out, 1, "validation loss is NaN after epoch 1")

	c := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 1, HiddenSize: 3}, 3, nn.NewRand(1))
	c.FC.Bias.Value[1] = float32(math.NaN())
	data, err := nn.EncodeSafetensors(c.StateDict(), map[string]string{nn.KeyModel: "classifier", nn.KeyCell: "lstm", nn.KeyInputSize: "1",
		nn.KeyHidden: "3", nn.KeyLayers: "1", nn.KeyOutputs: "3", nn.KeyData: "user", nn.KeyFeatureMean: "0", nn.KeyFeatureStd: "1"})
	if err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "nan.safetensors")
	os.WriteFile(model, data, 0o644)
	if _, err := c.EncodeFile(nil); err == nil || !strings.Contains(err.Error(), "fc.bias") {
		t.Errorf("the library saved a NaN model: %v", err)
	}
	for _, args := range [][]string{
		{"eval", "--model", model, "--input", x, "--labels", y, "--lengths", l},
		{"predict", "--model", model, "--input", x, "--out", out},
		{"export", "--model", model, "--onnx", filepath.Join(out, "m.onnx")},
	} {
		mustFailCleanly(t, args[0], args, out, 1, `tensor "fc.bias" holds NaN`)
	}
}

// TestClassLabelsAreBoundedByTheData (H5): a label that makes more classes
// than sequences is refused before training, naming it; many classes that
// the data can hold give a sparse confusion.csv and no printed matrix.
func TestClassLabelsAreBoundedByTheData(t *testing.T) {
	dir := t.TempDir()
	x, _, _ := dampedOscillations(t, dir, 120, 8)
	labels := make([]float64, 120)
	labels[7] = 65535
	b, _ := dataset.EncodeNpy([]int{120}, labels)
	huge := filepath.Join(dir, "huge.npy")
	os.WriteFile(huge, b, 0o644)
	out := filepath.Join(dir, "out")
	mustFailCleanly(t, "label 65535", []string{"lstm", "--input", x, "--labels", huge, "--layers", "2", "--epochs", "1", "--out", out}, out,
		1, "label 65535 of sequence 7 makes 65536 classes for 120 sequences")

	for i := range labels {
		labels[i] = float64(i % 60) // 60 classes, two sequences each
	}
	b, _ = dataset.EncodeNpy([]int{120}, labels)
	many := filepath.Join(dir, "many.npy")
	os.WriteFile(many, b, 0o644)
	text := runOK(t, "lstm", "--input", x, "--labels", many, "--layers", "2", "--epochs", "1", "--out", out)
	if !strings.Contains(text, "confusion of 60 classes is in confusion.csv") || strings.Count(text, "\n") > 20 {
		t.Errorf("output of %d lines:\n%s", strings.Count(text, "\n"), text)
	}
	csv, _ := os.ReadFile(filepath.Join(out, "confusion.csv"))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	total := 0
	for _, line := range lines[1:] {
		var tr, pr, n int
		fmt.Sscanf(line, "%d,%d,%d", &tr, &pr, &n)
		total += n
	}
	if lines[0] != "true,predicted,count" || total != 24 || len(lines)-1 > 24 {
		t.Errorf("confusion.csv: header %q, %d pairs counting %d test sequences (want 24)", lines[0], len(lines)-1, total)
	}
}

// TestModelsTooLargeForMemoryAreRefusedFirst (M7): sizes the flag checks
// accept but whose model would not fit in --max-input (--hidden 65536 is a
// 68 GB LSTM) are usage errors before anything is built, within a small
// allocation.
func TestModelsTooLargeForMemoryAreRefusedFirst(t *testing.T) {
	mnist := fakeMNIST(t, 60, 28, 28, 0)
	dir := t.TempDir()
	x, y, l := dampedOscillations(t, dir, 30, 10)
	out := filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"lstm", "--data", mnist, "--train-limit", "50", "--test-limit", "10", "--layers", "65536"},
		{"lstm", "--input", x, "--labels", y, "--layers", "30000,30000,30000,30000"},
		{"anomaly", "--input", x, "--lengths", l, "--arch", "lstm", "--layers", "16384"},
		{"autoencoder", "--data", mnist, "--train-limit", "50", "--test-limit", "10", "--code", "1000000000"},
		{"vae", "--data", mnist, "--train-limit", "50", "--test-limit", "10", "--code", "1000000000"},
		{"forecast", "--example", "sunspots", "--layers", "65536"},
	} {
		args = append(args, "--epochs", "1", "--out", out)
		var code int
		var errOut string
		alloc := allocatedBy(func() { code, _, errOut = runCommand(args...) })
		if code != 2 || !strings.Contains(errOut, "more than --max-input") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("physml %s: exit %d, %q", strings.Join(args, " "), code, errOut)
		}
		if alloc > 256<<20 {
			t.Errorf("physml %s: allocated %d bytes before refusing", strings.Join(args, " "), alloc)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("physml %s: made --out", strings.Join(args, " "))
		}
	}
}

// TestDerivedArraysAreBounded (issue 31 L8): the windows a forecast copies
// out of a 180 KB series (--window 8000: 1.96 GB before) and the trace
// picture of 5000-step sequences (30026 pixels tall before) are refused
// before training, naming the flag.
func TestDerivedArraysAreBounded(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("x\n")
	for i := range 19000 {
		fmt.Fprintf(&b, "%.6f\n", math.Sin(float64(i)/50))
	}
	series := filepath.Join(dir, "s.csv")
	os.WriteFile(series, []byte(b.String()), 0o644)
	mustFailCleanly(t, "forecast window 8000", []string{"forecast", "--input", series, "--window", "8000", "--out", filepath.Join(dir, "fc")},
		filepath.Join(dir, "fc"), 2, "choose a shorter --window")

	x := npyAt(t, filepath.Join(dir, "long.npy"), []int{10, 5000}, make([]float64, 50000))
	y := npyAt(t, filepath.Join(dir, "y.npy"), []int{10}, []float64{0, 1, 0, 1, 0, 1, 0, 1, 0, 1})
	mustFailCleanly(t, "trace of 5000 steps", []string{"lstm", "--input", x, "--labels", y, "--trace", "2", "--out", filepath.Join(dir, "tr")},
		filepath.Join(dir, "tr"), 2, "--trace: sequences of 5000 steps")
}
