package seq_test

import (
	"fmt"

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
