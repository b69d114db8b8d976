package main

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/internal/fileio"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/onnx"
	"github.com/physml/physml/seq"
)

const exportSummary = `Write a model trained by physml as an ONNX model (opset 13, float32), for
ONNX Runtime, ROOT's TMVA SOFIE and other ONNX runtimes:

  the classifier of "physml lstm" (LSTM, GRU or RNN cells): input
  (batch, steps, features), output logits (batch, classes);
  the autoencoder of "physml autoencoder" or "physml anomaly" (dense):
  input (batch, features), outputs reconstruction and code.

The graph takes its inputs as the model saw them in training (MNIST pixels
divided by 255; your data standardised or scaled with the statistics in the
model file's metadata, which this command prints) and reads every sequence
to its last step. xLSTM cells, forecast ensembles, the sequence and the
variational autoencoder have no export yet.`

func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", exportSummary, stdout)
	model := fs.String("model", "", "model file written by physml (.safetensors)")
	out := fs.String("onnx", "", "ONNX file to write")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *model == "" || *out == "" {
		return usageError{fmt.Errorf("give --model m.safetensors and --onnx m.onnx")}
	}
	if err := checkOutput(fs, *out); err != nil {
		return usageError{fmt.Errorf("--onnx: %w", err)}
	}
	tensors, meta, err := nn.ReadSafetensors(*model)
	if err != nil {
		return err
	}
	var m any
	var what string
	switch {
	case meta["physml.task"] == "forecast":
		return fmt.Errorf("%s: a forecast model (an ensemble on standardised windows) has no ONNX export yet; classifiers and autoencoders do", *model)
	case meta["physml.model"] == "classifier":
		c, err := seq.DecodeClassifier[float32](tensors, meta)
		if err != nil {
			return fmt.Errorf("%s: %w", *model, err)
		}
		m, what = c, fmt.Sprintf("%v classifier: input (batch, steps, %d), output logits (batch, %d)", c.RNN.Cell, c.RNN.InputSize, c.FC.Out)
	case meta["physml.model"] == "autoencoder":
		a, err := ae.Decode[float32](tensors, meta)
		if err != nil {
			return fmt.Errorf("%s: %w", *model, err)
		}
		m, what = a, fmt.Sprintf("autoencoder %v: input (batch, %d), outputs reconstruction (batch, %d) and code (batch, %d)", a.Layers, a.Layers[0], a.Layers[0], a.Layers[len(a.Layers)-1])
	default:
		return fmt.Errorf("%s: metadata physml.model is %q; the ONNX export takes the classifiers of physml lstm and the autoencoders of physml autoencoder and anomaly", *model, meta["physml.model"])
	}
	var buf bytes.Buffer
	if err := onnx.Export(m, &buf); err != nil {
		return fmt.Errorf("%s: %w", *model, err)
	}
	if err := fileio.WriteAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %s; ONNX opset %d, %d bytes\n", *out, what, onnx.Opset, buf.Len())
	fmt.Fprintln(stdout, preparation(meta))
	return nil
}

// preparation says how the exported graph's inputs must be prepared: as in
// training, which the model file's metadata records.
func preparation(meta map[string]string) string {
	switch n := meta["physml.normalization"]; {
	case meta["physml.data"] == "mnist" && n == "unit":
		return "the graph expects MNIST pixels divided by 255, as in training"
	case meta["physml.data"] == "mnist" && n == "symmetric":
		return "the graph expects MNIST pixels p as 2p/255 − 1, as in training"
	case meta["physml.data"] == "mnist" && n == "standardize":
		return "the graph expects MNIST pixels p as (p/255 − 0.1307)/0.3081, as in training"
	}
	var keys []string
	for k := range meta {
		if strings.HasPrefix(k, "physml.feature_") || strings.HasPrefix(k, "physml.input_") || k == "physml.normalization" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "the graph expects its inputs as the model saw them in training"
	}
	sort.Strings(keys)
	return "the graph expects inputs prepared as in training: see the model file's metadata " + strings.Join(keys, ", ")
}
