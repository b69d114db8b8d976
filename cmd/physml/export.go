package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/internal/fileio"
	"github.com/physml/physml/onnx"
	"github.com/physml/physml/saved"
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
		return usageError(fmt.Errorf("give --model m.safetensors and --onnx m.onnx"))
	}
	if err := cli.CheckOutput(fs, *out); err != nil {
		return usageError(fmt.Errorf("--onnx: %w", err))
	}
	sm, err := saved.Load(*model)
	if err != nil {
		return err
	}
	m, what, err := sm.Exportable()
	if err != nil {
		return fmt.Errorf("%s: %w", *model, err)
	}
	var buf bytes.Buffer
	if err := onnx.Export(m, &buf); err != nil {
		return fmt.Errorf("%s: %w", *model, err)
	}
	if err := fileio.WriteAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %s; ONNX opset %d, %d bytes\n", *out, what, onnx.Opset, buf.Len())
	fmt.Fprintln(stdout, sm.Preparation())
	return nil
}
