package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

const evalSummary = `Load a model saved by "physml lstm" or "physml autoencoder" (its architecture is
in the safetensors metadata) and evaluate it on the MNIST test set: accuracy
for a classifier, reconstruction MSE for an autoencoder.`

func runEval(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("eval", evalSummary, stdout)
	var c common
	c.register(fs)
	model := fs.String("model", "", "the .safetensors file to evaluate (required)")
	testLimit := fs.Int("test-limit", 0, "use only the first N test images (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *model == "" {
		return usageError{fmt.Errorf("--model is required")}
	}
	if err := checkLimit("test-limit", *testLimit); err != nil {
		return err
	}
	if err := c.checkFlags(); err != nil {
		return err
	}
	tensors, meta, err := nn.ReadSafetensors(*model)
	if err != nil {
		return err
	}
	_, test, err := c.mnist(1, *testLimit)
	if err != nil {
		return err
	}
	if meta["physml.data"] == "user" {
		return fmt.Errorf("%s was trained on --input data; eval reads the MNIST test set only (evaluating your own data is not supported yet)", *model)
	}
	switch meta["physml.model"] {
	case "classifier":
		return evalClassifier(*model, tensors, meta, test, stdout)
	case "autoencoder":
		return evalAutoencoder(*model, tensors, meta, test, stdout)
	}
	return fmt.Errorf("%s: metadata physml.model is %q; want a file written by physml lstm or physml autoencoder", *model, meta["physml.model"])
}

// checkParamCount compares the number of parameters the metadata describes
// (computed in float64, so that no size can overflow) with the number of
// values the file holds, before a model of that size is built.
func checkParamCount(path string, tensors map[string]nn.Tensor, described float64) error {
	var held int
	for _, t := range tensors {
		held += len(t.Data)
	}
	if described != float64(held) {
		return fmt.Errorf("%s: the metadata describes a model of %.0f parameters but the file holds %d values", path, described, held)
	}
	return nil
}

func metaInt(path string, meta map[string]string, key string) (int, error) {
	v, err := strconv.Atoi(meta[key])
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%s: metadata %s = %q is not a positive integer", path, key, meta[key])
	}
	return v, nil
}

func evalClassifier(path string, tensors map[string]nn.Tensor, meta map[string]string, test *dataset.Images, stdout io.Writer) error {
	cell, err := parseCell(meta["physml.cell"])
	if err != nil {
		return fmt.Errorf("%s: metadata: %v", path, err)
	}
	hidden, err := metaInt(path, meta, "physml.hidden")
	if err != nil {
		return err
	}
	layers, err := metaInt(path, meta, "physml.layers")
	if err != nil {
		return err
	}
	if layers > len(tensors) {
		return fmt.Errorf("%s: metadata physml.layers = %d, but the file holds only %d tensors", path, layers, len(tensors))
	}
	bidirectional := meta["physml.bidirectional"] == "true"
	dirs := 1.0
	if bidirectional {
		dirs = 2
	}
	gh := float64(map[seq.CellType]int{seq.LSTM: 4, seq.GRU: 3}[cell]) * float64(hidden)
	if gh == 0 {
		gh = float64(hidden) // RNN: one gate
	}
	h, in := float64(hidden), float64(dataset.MNISTCols)
	described := 10*dirs*h + 10 // fc
	for l := 0; l < layers; l++ {
		described += dirs * (gh*in + gh*h + 2*gh)
		in = dirs * h
	}
	if err := checkParamCount(path, tensors, described); err != nil {
		return err
	}
	m := seq.NewClassifier[float32](cell, seq.Config{InputSize: dataset.MNISTCols, HiddenSize: hidden, NumLayers: layers,
		Bidirectional: bidirectional}, 10, nn.NewRand(0))
	if err := nn.AssignTensors(tensors, m.Params()); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	logits := nn.Predict[float32](m, mnistSequences[float32](test).X, 1000)
	fmt.Fprintf(stdout, "%s: %v classifier, test accuracy %.4f on %d images\n", path, m.RNN, nn.Accuracy(logits, test.Labels), test.Len())
	return nil
}

func evalAutoencoder(path string, tensors map[string]nn.Tensor, meta map[string]string, test *dataset.Images, stdout io.Writer) error {
	var cfg ae.Config
	var err error
	if cfg.Layers, err = parseInts(meta["physml.layers"]); err != nil {
		return fmt.Errorf("%s: metadata physml.layers: %v", path, err)
	}
	if cfg.Hidden, err = ae.ParseActivation(meta["physml.hidden"]); err != nil {
		return fmt.Errorf("%s: metadata: %v", path, err)
	}
	cfg.Code = cfg.Hidden
	if cfg.Output, err = ae.ParseActivation(meta["physml.output"]); err != nil {
		return fmt.Errorf("%s: metadata: %v", path, err)
	}
	if cfg.Loss, err = ae.ParseLoss(meta["physml.loss"]); err != nil {
		return fmt.Errorf("%s: metadata: %v", path, err)
	}
	cfg.TiedWeights = meta["physml.tied"] == "true"
	if cfg.Layers[0] != dataset.MNISTPixels {
		return fmt.Errorf("%s: metadata physml.layers starts with %d inputs; MNIST images have %d pixels", path, cfg.Layers[0], dataset.MNISTPixels)
	}
	if len(cfg.Layers) > len(tensors) {
		return fmt.Errorf("%s: metadata physml.layers has %d sizes, but the file holds only %d tensors", path, len(cfg.Layers), len(tensors))
	}
	var described float64
	for i := 0; i+1 < len(cfg.Layers); i++ {
		in, out := float64(cfg.Layers[i]), float64(cfg.Layers[i+1])
		described += in*out + out // encoder
		described += in           // decoder bias
		if !cfg.TiedWeights {
			described += in * out
		}
	}
	if err := checkParamCount(path, tensors, described); err != nil {
		return err
	}
	m, err := ae.New[float32](cfg, nn.NewRand(0))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := nn.AssignTensors(tensors, m.Params()); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	norm := normalizationFor(cfg.Output)
	xt := nn.MatrixFrom(test.Len(), dataset.MNISTPixels, dataset.Floats[float32](test.Pixels, norm))
	fmt.Fprintf(stdout, "%s: autoencoder %s, test reconstruction MSE %.4f on %d images\n", path, strings.ReplaceAll(meta["physml.layers"], ",", "-"), m.ReconstructionMSE(xt), test.Len())
	return nil
}
