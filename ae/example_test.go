package ae_test

import (
	"fmt"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/nn"
)

// The lecture's MNIST autoencoder, 784-256-64-256-784 with the decoder
// mirrored automatically; BCE requires the sigmoid output.
func ExampleNew() {
	a, err := ae.New[float32](ae.Config{Layers: []int{784, 256, 64}, Hidden: ae.ReLU, Code: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1))
	if err != nil {
		panic(err)
	}
	fmt.Println(a)
	_, err = ae.New[float32](ae.Config{Layers: []int{784, 64}, Output: ae.Tanh, Loss: ae.BCELoss}, nn.NewRand(1))
	fmt.Println(err)
	// Output:
	// Autoencoder(784-256-64-256-784, hidden relu, output sigmoid, loss bce, tied false)
	// ae: binary cross-entropy needs outputs in [0, 1]: use the sigmoid output activation, not tanh
}
