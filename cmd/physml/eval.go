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
	tensors, meta, err := nn.ReadSafetensors(*model)
	if err != nil {
		return err
	}
	_, test, err := c.mnist(0, *testLimit)
	if err != nil {
		return err
	}
	switch meta["physml.model"] {
	case "classifier":
		return evalClassifier(*model, tensors, meta, test, stdout)
	case "autoencoder":
		return evalAutoencoder(*model, tensors, meta, test, stdout)
	}
	return fmt.Errorf("%s: metadata physml.model is %q; want a file written by physml lstm or physml autoencoder", *model, meta["physml.model"])
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
	m := seq.NewClassifier[float32](cell, seq.Config{InputSize: 28, HiddenSize: hidden, NumLayers: layers,
		Bidirectional: meta["physml.bidirectional"] == "true"}, 10, nn.NewRand(0))
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
