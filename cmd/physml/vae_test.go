package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/mnistdir"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestVAECommand trains the VAE briefly on MNIST and rebuilds it from its
// file: the test negative ELBO it printed for the last epoch is the
// library's on the same images with the same noise seed.
func TestVAECommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	text := runOK(t, "vae", "--train-limit", "600", "--test-limit", "100", "--epochs", "2", "--layers", "64", "--code", "4",
		"--samples", "16", "--seed", "3", "--out", out)
	tensors, meta, err := nn.ReadSafetensors(filepath.Join(out, "vae.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if meta["physml.model"] != "vae" || meta["physml.layers"] != "784,64,4" {
		t.Errorf("metadata %v", meta)
	}
	v, err := ae.NewVAE[float32](ae.VAEConfig{Layers: []int{784, 64, 4}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(0), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := nn.AssignTensors(tensors, v.Params()); err != nil {
		t.Fatal(err)
	}
	mnist, err := mnistdir.Find()
	if err != nil {
		t.Fatal(err)
	}
	_, test, err := dataset.LoadMNISTLimits(mnist, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	rec, kl := v.NegativeELBO(nn.MatrixFrom(100, 784, dataset.Floats[float32](test.Pixels, dataset.Unit)), 5)
	_, last, _ := strings.Cut(text, "epoch  2 ")
	numcheck.Scalar(t, "printed test −ELBO", numberAfter(t, last, "test −ELBO "), rec+kl, 5e-4)
	numcheck.Scalar(t, "printed KL", numberAfter(t, last, "KL "), kl, 5e-5)
	samples, err := dataset.ReadNpy(filepath.Join(out, "samples.npy"))
	if err != nil || fmt.Sprint(samples.Shape) != "[16 784]" {
		t.Fatalf("samples.npy: %v, %v", err, samples)
	}
	numcheck.Close(t, "samples.npy", samples.Data, nn.Convert[float64](v.Sample(16, nn.NewRand(6))).Data, 0)
	for _, png := range []string{"samples.png", "interpolation.png", "latent.png", "vae_loss.png"} {
		mustDecodePNG(t, filepath.Join(out, png))
	}
}

func TestVAEOnUserImagesAndBadInput(t *testing.T) {
	dir := t.TempDir()
	x, y := barImages(t, dir, 40, 6, 5)
	out := filepath.Join(dir, "out")
	runOK(t, "vae", "--input", x, "--labels", y, "--layers", "8", "--code", "2", "--epochs", "2", "--batch", "8", "--out", out)
	for _, png := range []string{"samples.png", "interpolation.png", "latent.png"} {
		mustDecodePNG(t, filepath.Join(out, png))
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--beta", "0"}, 2, "--beta"},
		{[]string{"--beta", "NaN"}, 2, "--beta"},
		{[]string{"--samples", "0"}, 2, "--samples"},
		{[]string{"--code", "0"}, 2, "--code 0"},
		{[]string{"--output-activation", "identity"}, 2, "sigmoid"},
		{[]string{"--input", x, "--normalize", "standard"}, 1, "--loss bce needs inputs in [0, 1]"},
		{[]string{"--labels", y}, 2, "go with --input"},
	} {
		bad := filepath.Join(dir, "bad")
		mustFailCleanly(t, fmt.Sprint(c.args), append(append([]string{"vae", "--epochs", "1"}, c.args...), "--out", bad), bad, c.code, c.want)
	}
}
