package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"github.com/physml/physml/internal/cli"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/forecast"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// TestMain lets the test binary run as physml itself (for the signal
// tests, which need a process of their own): PHYSML_TEST_ARGS holds the
// arguments separated by newlines.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("PHYSML_TEST_ARGS"); ok {
		if args == "interruptible-selftest" {
			// A command stuck after the first signal (say, in a write): the
			// second must end it at once.
			cli.Interruptible("physml", os.Stderr)
			fmt.Println("ready")
			time.Sleep(time.Minute)
			os.Exit(0)
		}
		os.Exit(run(strings.Split(args, "\n"), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// writeIDX writes an IDX file of unsigned bytes, gzipped when the name ends
// in .gz; claim, when positive, replaces the first dimension in the header.
func writeIDX(t testing.TB, path string, dims []uint32, claim uint32, data []byte) {
	t.Helper()
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	header := append([]uint32(nil), dims...)
	if claim > 0 {
		header[0] = claim
	}
	binary.Write(&b, binary.BigEndian, header)
	b.Write(data)
	out := b.Bytes()
	if strings.HasSuffix(path, ".gz") {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(out)
		zw.Close()
		out = z.Bytes()
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeMNIST writes train and test sets of n images of rows×cols pixels
// (a bright bar whose row is the label, so that there is something to
// learn), claiming claim images in the headers when claim > 0.
func fakeMNIST(t testing.TB, n, rows, cols int, claim uint32) string {
	dir := t.TempDir()
	pixels := make([]byte, n*rows*cols)
	labels := make([]byte, n)
	for i := range labels {
		labels[i] = byte(i % 10)
		r := (int(labels[i]) * 2) % rows
		for c := 0; c < cols; c++ {
			pixels[i*rows*cols+r*cols+c] = byte(100 + (i*7+c)%156)
		}
	}
	for _, prefix := range []string{"train", "t10k"} {
		writeIDX(t, filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), []uint32{uint32(n), uint32(rows), uint32(cols)}, claim, pixels)
		writeIDX(t, filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"), []uint32{uint32(n)}, claim, labels)
	}
	return dir
}

// npyFile writes a .npy file of a rows×cols float64 matrix made by value.
func npyFile(t testing.TB, path string, rows, cols int, value func(i, j int) float64) string {
	data := make([]float64, rows*cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			data[i*cols+j] = value(i, j)
		}
	}
	b, err := dataset.EncodeNpy([]int{rows, cols}, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// savedClassifier writes a small LSTM classifier file whose metadata entry
// key is replaced by value.
func savedClassifier(t testing.TB, path, key, value string) string {
	m := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 4}, 10, nn.NewRand(1))
	meta := m.Metadata()
	meta["physml.data"] = "mnist"
	meta[key] = value
	if err := nn.SaveSafetensors(path, m.Params(), meta); err != nil {
		t.Fatal(err)
	}
	return path
}

// savedAutoencoder writes a small autoencoder file with its metadata entry
// key replaced by value.
func savedAutoencoder(t testing.TB, path, key, value string) string {
	m, err := ae.New[float32](ae.Config{Layers: []int{784, 8}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	meta := m.Metadata()
	meta["physml.data"] = "mnist"
	meta[key] = value
	if err := nn.SaveSafetensors(path, m.Params(), meta); err != nil {
		t.Fatal(err)
	}
	return path
}

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

// TestFlagsThatUsedToBeIgnored: --dtype float64 computes in float64, and
// dropout with one layer warns (as PyTorch does) instead of doing nothing
// silently.
func TestFlagsThatUsedToBeIgnored(t *testing.T) {
	data := fakeMNIST(t, 60, 28, 28, 0)
	code, out, errOut := runCommand("lstm", "--data", data, "--dtype", "float64", "--dropout", "0.2", "--epochs", "1", "--layers", "4", "--out", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "float64") {
		t.Errorf("--dtype float64 did not compute in float64:\n%s", out)
	}
	if !strings.Contains(errOut, "warning: --dropout 0.2 has no effect with one layer") {
		t.Errorf("no dropout warning: %q", errOut)
	}
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

// runUntil runs the command, sends SIGTERM to this process once its
// output contains after, and returns the exit code and outputs.
func runUntil(t *testing.T, after string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut syncBuffer
	done := make(chan int)
	go func() { done <- run(args, &out, &errOut) }()
	deadline := time.After(60 * time.Second)
	for !strings.Contains(out.String(), after) {
		select {
		case code := <-done:
			t.Fatalf("finished (exit %d) before %q:\n%s\n%s", code, after, out.String(), errOut.String())
		case <-deadline:
			t.Fatalf("no %q after 60 s:\n%s", after, out.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case code := <-done:
		return code, out.String(), errOut.String()
	case <-time.After(20 * time.Second):
		t.Fatalf("still running 20 s after SIGTERM")
	}
	return 0, "", ""
}

// TestSIGTERMSavesTheModelFirst: SIGTERM (docker stop) stops training,
// saves the model and what was complete, claims nothing it did not write,
// and exits non-zero.
func TestSIGTERMSavesTheModelFirst(t *testing.T) {
	data := fakeMNIST(t, 2000, 28, 28, 0)
	dir := filepath.Join(t.TempDir(), "ae")
	code, out, errOut := runUntil(t, "epoch  1 ", "autoencoder", "--data", data, "--epochs", "100000", "--layers", "16", "--code", "4", "--out", dir)
	if code == 0 {
		t.Errorf("autoencoder exited 0 after SIGTERM")
	}
	if !strings.Contains(out, "interrupted after") || strings.Contains(out, "reconstructions.png") {
		t.Errorf("autoencoder output after SIGTERM:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "reconstructions.png")); err == nil {
		t.Error("wrote reconstructions.png after SIGTERM")
	}
	m, err := ae.New[float32](ae.Config{Layers: []int{784, 16, 4}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := nn.LoadSafetensors(filepath.Join(dir, "autoencoder.safetensors"), m.Params()); err != nil {
		t.Errorf("the saved autoencoder: %v (stderr %s)", err, errOut)
	}

	dir = filepath.Join(t.TempDir(), "lstm")
	code, out, _ = runUntil(t, "epoch  1 ", "lstm", "--data", data, "--epochs", "100000", "--layers", "4", "--out", dir)
	if code == 0 || strings.Contains(out, "test accuracy") || !strings.Contains(out, "lstm_curves.png") {
		t.Errorf("lstm after SIGTERM: exit %d, output:\n%s", code, out)
	}
	for name, want := range map[string]bool{"lstm.safetensors": true, "lstm_curves.png": true, "confusion.csv": false} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s written: %v, want %v", name, err == nil, want)
		}
	}
}

// TestSIGTERMScoresTheAnomalyModelAsItIs: an interrupted anomaly run
// calibrates, scores and saves the model it has, and exits non-zero.
func TestSIGTERMScoresTheAnomalyModelAsItIs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "anomaly")
	code, out, _ := runUntil(t, "epoch   1 ", "anomaly", "--example", "signals", "--train-limit", "300", "--arch", "dense", "--epochs", "100000", "--out", dir)
	if code == 0 || !strings.Contains(out, "interrupted after") || !strings.Contains(out, "ROC AUC") {
		t.Errorf("anomaly after SIGTERM: exit %d, output:\n%s", code, out)
	}
	for _, name := range []string{"anomaly.safetensors", "scores.npy", "split.npy", "metrics.json", "errors.png", "roc.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s not written after SIGTERM: %v", name, err)
		}
	}
}

// TestSecondSignalExitsAtOnce runs the signal handler in a process of its
// own, which ignores the first signal's request (as a command stuck in a
// long write would): the second signal must end it with code 130.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PHYSML_TEST_ARGS=interruptible-selftest")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("child: %q %v", buf, err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	start := time.Now()
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Errorf("after two signals: %v, want exit code 130", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v to exit", time.Since(start))
	}
}

// TestPCAInterruptedWritesNothing: SIGINT during a PCA fit ends the
// command (it used to ignore Ctrl-C) without writing anything.
func TestPCAInterruptedWritesNothing(t *testing.T) {
	base := t.TempDir()
	input := npyFile(t, filepath.Join(base, "big.npy"), 4000, 1500, func(i, j int) float64 { return math.Sin(float64(i*j) + float64(i)) })
	out := filepath.Join(base, "out")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PHYSML_TEST_ARGS="+strings.Join([]string{"pca", "--input", input, "--solver", "svd", "--components", "5", "--out", out}, "\n"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if err == nil {
		t.Errorf("pca exited 0 after SIGINT (stderr %q)", stderr.String())
	}
	if _, serr := os.Stat(out); serr == nil {
		t.Errorf("pca created %s after SIGINT", out)
	}
	t.Logf("pca after SIGINT: %v, %q", err, stderr.String())
}

// TestOutputsNeverReplaceInputsOrSpecialFiles (H3): an output whose name in
// --out is the command's own input, a FIFO or a symbolic link is refused
// before anything is written, and the input stays whole.
func TestOutputsNeverReplaceInputsOrSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	input := npyFile(t, filepath.Join(dir, "scores.npy"), 40, 3, func(i, j int) float64 { return float64(i*j%7) + 0.1*float64(j) })
	before, _ := os.ReadFile(input)
	code, _, errOut := runCommand("pca", "--input", input, "--components", "2", "--out", dir)
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "would replace the --input file") {
		t.Errorf("pca writing over its input: exit %d, %q", code, errOut)
	}
	if after, _ := os.ReadFile(input); !bytes.Equal(after, before) {
		t.Error("the input changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "components.npy")); err == nil {
		t.Error("components.npy written although the run failed")
	}

	for _, special := range []string{"fifo", "link"} {
		out := filepath.Join(dir, special)
		os.Mkdir(out, 0o755)
		dest := filepath.Join(out, "components.npy")
		if special == "fifo" {
			if err := syscall.Mkfifo(dest, 0o600); err != nil {
				t.Fatal(err)
			}
		} else {
			os.Symlink(input, dest)
		}
		code, _, errOut := runCommand("pca", "--input", input, "--components", "2", "--out", out)
		if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, dest) {
			t.Errorf("%s at components.npy: exit %d, %q", special, code, errOut)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 1 {
			t.Errorf("%s: --out holds %d entries, want only the %s", special, len(entries), special)
		}
	}
	if after, _ := os.ReadFile(input); !bytes.Equal(after, before) {
		t.Error("the input changed through the link")
	}
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

// TestSizeListsAreReadStrictly (L1): a list of sizes takes decimal
// integers only; what fmt.Sscan once read as a prefix is refused.
func TestSizeListsAreReadStrictly(t *testing.T) {
	for _, bad := range []string{"1e3", "12abc", "3.9", "4 5", "", "0", "-3", "64,", "9223372036854775808"} {
		if v, err := parseInts(bad); err == nil {
			t.Errorf("parseInts(%q) = %v, want an error", bad, v)
		}
	}
	if v, err := parseInts(" 256, 64 "); err != nil || len(v) != 2 || v[0] != 256 || v[1] != 64 {
		t.Errorf("parseInts(\" 256, 64 \") = %v, %v", v, err)
	}
	code, _, errOut := runCommand("autoencoder", "--layers", "1e3", "--out", t.TempDir())
	if code != 2 || !strings.Contains(errOut, `"1e3"`) {
		t.Errorf("--layers 1e3: exit %d, %q", code, errOut)
	}
}

// FuzzParseInts: a list of sizes is positive decimal integers that print
// back as the list (spaces aside), or an error.
func FuzzParseInts(f *testing.F) {
	for _, s := range []string{"256,64", "1e3", "12abc", " 8 , 4", "4 5", "-1", "+7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseInts(s)
		if err != nil {
			return
		}
		var parts []string
		for i, x := range v {
			if x <= 0 {
				t.Fatalf("%q: size %d", s, x)
			}
			parts = append(parts, strconv.Itoa(x))
			field := strings.TrimSpace(strings.Split(s, ",")[i])
			if n, err := strconv.Atoi(field); err != nil || n != x {
				t.Fatalf("%q: field %q read as %d", s, field, x)
			}
		}
		if len(parts) != len(strings.Split(s, ",")) {
			t.Fatalf("%q: %d sizes", s, len(parts))
		}
	})
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

// TestSIGTERMSavesTheForecastEnsembleSoFar (M5): a forecast interrupted in
// its first network saves that network as it was after its last complete
// epoch, evaluated like a finished run, and exits 1.
func TestSIGTERMSavesTheForecastEnsembleSoFar(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fc")
	code, out, errOut := runUntil(t, "network 1 epoch    1", "forecast", "--example", "sunspots", "--window", "6", "--layers", "4",
		"--ensemble", "3", "--epochs", "1000000", "--patience", "0", "--out", dir)
	if code != 1 || !strings.Contains(out, "interrupted: evaluating and saving the 1 network(s)") || !strings.Contains(errOut, "network 1") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	f, err := forecast.Load[float32](filepath.Join(dir, "forecast.safetensors"))
	if err != nil || len(f.Members) != 1 {
		t.Fatalf("the saved forecaster: %v", err)
	}
	for _, name := range []string{"predictions.npy", "metrics.json", "forecast.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestFlagsThatDoNotApplyAreUsageErrors (L7): a flag of another mode is a
// usage error naming it, not silently ignored.
func TestFlagsThatDoNotApplyAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	x, y, l := dampedOscillations(t, dir, 30, 10)
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lstm", "--input", x, "--labels", y, "--test-limit", "5"}, "--test-limit does not apply to --input"},
		{[]string{"lstm", "--test", "0.3"}, "--test does not apply to MNIST"},
		{[]string{"anomaly", "--input", x, "--arch", "dense", "--lengths", l}, "--lengths does not apply to --arch dense"},
		{[]string{"anomaly", "--input", x, "--arch", "dense", "--hidden", "8"}, "--hidden is now --layers"},
		{[]string{"anomaly", "--example", "signals", "--anomalous", "3"}, "--anomalous does not apply to --input or --example"},
	} {
		mustFailCleanly(t, strings.Join(c.args, " "), append(c.args, "--out", out), out, 2, c.want)
	}
}
