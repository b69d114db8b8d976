package onnx_test

import (
	"bytes"
	"fmt"

	"github.com/physml/physml/nn"
	"github.com/physml/physml/onnx"
	"github.com/physml/physml/seq"
)

// The lecture's classifier as an ONNX model: input (batch, steps, 28),
// output logits (batch, 10). Write buf to a file and ONNX Runtime, TMVA
// SOFIE or any ONNX runtime reads it.
func ExampleExport() {
	model := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 128}, 10, nn.NewRand(1))
	var buf bytes.Buffer
	if err := onnx.Export(model, &buf); err != nil {
		panic(err)
	}
	fmt.Printf("opset %d, %d kB\n", onnx.Opset, buf.Len()/1000)
	// Output:
	// opset 13, 329 kB
}
