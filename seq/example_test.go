package seq_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// The lecture's MNIST model: 28 steps of 28 pixels into LSTM(128), its last
// hidden state into Dense(10). Parameter names and shapes are PyTorch's.
func ExampleNewClassifier() {
	model := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 128}, 10, nn.NewRand(1))
	for _, p := range model.Params() {
		fmt.Println(p.Name, p.Shape)
	}
	images := nn.NewMatrix[float32](64, 28*28) // a batch of 64 images, row by row
	logits := model.Forward(images, false)
	fmt.Println("logits", logits.Shape())
	// Output:
	// lstm.weight_ih_l0 [512 28]
	// lstm.weight_hh_l0 [512 128]
	// lstm.bias_ih_l0 [512]
	// lstm.bias_hh_l0 [512]
	// fc.weight [10 128]
	// fc.bias [10]
	// logits 64×10
}

// A model file carries the architecture beside the weights: LoadClassifier
// rebuilds the model with one call, and extra metadata comes back with it.
func ExampleLoadClassifier() {
	dir, err := os.MkdirTemp("", "physml-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "gru.safetensors")
	model := seq.NewClassifier[float32](seq.GRU, seq.Config{InputSize: 3, HiddenSize: 16, NumLayers: 2}, 4, nn.NewRand(1))
	if err := model.Save(path, map[string]string{"experiment": "run 7"}); err != nil {
		panic(err)
	}
	loaded, meta, err := seq.LoadClassifier[float32](path)
	if err != nil {
		panic(err)
	}
	fmt.Println(loaded.RNN.Cell, loaded.RNN.InputSize, loaded.RNN.HiddenSize, loaded.RNN.NumLayers, loaded.FC.Out)
	fmt.Println(meta["physml.cell"], meta["experiment"])
	// Output:
	// GRU 3 16 2 4
	// gru run 7
}
