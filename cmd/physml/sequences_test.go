package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

// dampedOscillations writes a sequence set to dir: n noisy damped
// oscillations of up to steps steps, each labelled by its damping regime
// (0: γ = 0.02, 1: γ = 0.1, 2: γ = 0.4) and cut to a random length from
// steps/2 to steps, zero-padded.
func dampedOscillations(t *testing.T, dir string, n, steps int) (x, labels, lengths string) {
	rng := rand.New(rand.NewPCG(5, 6))
	gammas := []float64{0.02, 0.1, 0.4}
	data := make([]float64, n*steps)
	y := make([]float64, n)
	l := make([]float64, n)
	for i := 0; i < n; i++ {
		class := i % 3
		y[i] = float64(class)
		l[i] = float64(steps/2 + rng.IntN(steps/2+1))
		omega, phi := 0.5+0.5*rng.Float64(), 2*math.Pi*rng.Float64()
		amplitude := 0.5 + rng.Float64()
		for s := 0; s < int(l[i]); s++ {
			data[i*steps+s] = amplitude*math.Exp(-gammas[class]*float64(s))*math.Cos(omega*float64(s)+phi) + 0.02*rng.NormFloat64()
		}
	}
	write := func(name string, shape []int, v []float64) string {
		b, err := dataset.EncodeNpy(shape, v)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("x.npy", []int{n, steps}, data), write("y.npy", []int{n}, y), write("lengths.npy", []int{n}, l)
}

// TestLSTMOnUserSequences classifies damped oscillations by their damping
// regime from variable-length sequences given as .npy files.
func TestLSTMOnUserSequences(t *testing.T) {
	if testing.Short() {
		t.Skip("training run; skipped with -short")
	}
	dir := t.TempDir()
	x, y, l := dampedOscillations(t, dir, 600, 40)
	out := filepath.Join(dir, "out")
	text := runOK(t, "lstm", "--input", x, "--labels", y, "--lengths", l, "--hidden", "32", "--epochs", "40",
		"--batch", "32", "--lr", "0.01", "--validation", "0.1", "--out", out)
	if !strings.Contains(text, "600 sequences of 40 steps × 1 features, 3 classes; 480 for training, 120 for testing") {
		t.Errorf("output:\n%s", text)
	}
	acc := numberAfter(t, text, "test accuracy ")
	t.Logf("damping regime from variable-length oscillations: test accuracy %.4f", acc)
	if !(acc >= 0.95) { // measured 1.0 in both builds
		t.Errorf("test accuracy %.4f, want at least 0.95", acc)
	}
	_, meta, err := nn.ReadSafetensors(filepath.Join(out, "lstm.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if meta["physml.input_size"] != "1" || meta["physml.classes"] != "3" || meta["physml.data"] != "user" || meta["physml.feature_std"] == "" {
		t.Errorf("metadata %v", meta)
	}
	csv, err := os.ReadFile(filepath.Join(out, "confusion.csv"))
	if err != nil || strings.Count(string(csv), "\n") != 4 {
		t.Errorf("confusion.csv of 3 classes: %v\n%s", err, csv)
	}
	mustDecodePNG(t, filepath.Join(out, "lstm_curves.png"))
	// eval says plainly that it cannot evaluate such a model yet.
	code, _, errOut := runCommand("eval", "--model", filepath.Join(out, "lstm.safetensors"))
	if code != 1 || !strings.Contains(errOut, "trained on --input data") {
		t.Errorf("eval of a user-data model: exit %d, %q", code, errOut)
	}
}

func TestLSTMOnUserSequencesRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	x, y, _ := dampedOscillations(t, dir, 30, 10)
	oneClass := filepath.Join(dir, "one.npy")
	b, _ := dataset.EncodeNpy([]int{30}, make([]float64, 30))
	os.WriteFile(oneClass, b, 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--input", x}, 2, "--input needs --labels"},
		{[]string{"--labels", y}, 2, "go with --input"},
		{[]string{"--input", x, "--labels", oneClass}, 1, "at least 2"},
		{[]string{"--input", x, "--labels", filepath.Join(dir, "missing.npy")}, 1, "missing.npy"},
		{[]string{"--input", x, "--labels", y, "--test", "0.01"}, 2, "--test"},
		{[]string{"--input", x, "--labels", y, "--test", "NaN"}, 2, "--test"},
	}
	for _, c := range cases {
		out := filepath.Join(dir, "out")
		mustFailCleanly(t, fmt.Sprint(c.args), append(append([]string{"lstm"}, c.args...), "--out", out), out, c.code, c.want)
	}
}
