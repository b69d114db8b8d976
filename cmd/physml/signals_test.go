package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/forecast"
	"github.com/physml/physml/nn"
)

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
	case <-time.After(60 * time.Second):
		// Generous: what follows a signal after the training is the drawing
		// of the pictures at 150 dpi, slow under the race detector.
		t.Fatalf("still running 60 s after SIGTERM")
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
	if _, err := os.Stat(filepath.Join(dir, "interrupted", "reconstructions.png")); err == nil {
		t.Error("wrote reconstructions.png after SIGTERM")
	}
	m, err := ae.New[float32](ae.Config{Layers: []int{784, 16, 4}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := nn.LoadSafetensors(filepath.Join(dir, "interrupted", "autoencoder.safetensors"), m.Params()); err != nil {
		t.Errorf("the saved autoencoder: %v (stderr %s)", err, errOut)
	}

	// L5: an interrupted run replaces no complete run in the same --out and
	// stands beside none of its files: it writes into out/interrupted.
	dir = filepath.Join(t.TempDir(), "lstm")
	runOK(t, "lstm", "--data", data, "--train-limit", "200", "--test-limit", "50", "--epochs", "1", "--layers", "4", "--out", dir)
	complete, err := os.ReadFile(filepath.Join(dir, "lstm.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ = runUntil(t, "epoch  1 ", "lstm", "--data", data, "--epochs", "100000", "--layers", "4", "--out", dir)
	if code == 0 || strings.Contains(out, "test accuracy") || !strings.Contains(out, filepath.Join("interrupted", "lstm_curves.png")) {
		t.Errorf("lstm after SIGTERM: exit %d, output:\n%s", code, out)
	}
	for name, want := range map[string]bool{"lstm.safetensors": true, "lstm_curves.png": true, "confusion.csv": false} {
		if _, err := os.Stat(filepath.Join(dir, "interrupted", name)); (err == nil) != want {
			t.Errorf("interrupted/%s written: %v, want %v", name, err == nil, want)
		}
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "lstm.safetensors")); !bytes.Equal(now, complete) {
		t.Error("the interrupted run replaced the complete run's lstm.safetensors")
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
		if _, err := os.Stat(filepath.Join(dir, "interrupted", name)); err != nil {
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
	dir = filepath.Join(dir, "interrupted")
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

// TestSignalWhileDrawingEndsTheRun (issue 31 M6): a SIGTERM after training,
// while the pictures of a 20 × 50000 table are drawn, ends the command
// with exit 1 once the complete files are written (it ran on for 112 s
// and exited 0 before).
func TestSignalWhileDrawingEndsTheRun(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := -1; i < 20; i++ { // the header, then 20 rows
		for j := range 50000 {
			if j > 0 {
				b.WriteByte(',')
			}
			if i < 0 {
				fmt.Fprintf(&b, "f%d", j)
			} else {
				fmt.Fprintf(&b, "%.3f", math.Sin(float64(7*i+j)))
			}
		}
		b.WriteByte('\n')
	}
	wide := filepath.Join(dir, "wide.csv")
	os.WriteFile(wide, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "out")
	code, text, errOut := runUntil(t, "PCA with 2 components", "autoencoder", "--input", wide, "--epochs", "2", "--layers", "8", "--code", "2", "--out", out)
	if code != 1 || !strings.Contains(errOut, "interrupted after the training: the files written are complete") {
		t.Fatalf("exit %d\n%s\n%s", code, text, errOut)
	}
	if _, err := os.Stat(filepath.Join(out, "reconstructions.png")); err != nil {
		t.Errorf("reconstructions.png: %v", err)
	}
}
