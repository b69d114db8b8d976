package saved_test

import (
	"fmt"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/saved"
)

// A model file scores rows in the data's own units: the scaling saved by
// the training run is applied first.
func ExampleParse() {
	a, err := ae.New[float32](ae.Config{Layers: []int{3, 2}, Hidden: ae.Tanh, Output: ae.Identity, Loss: ae.MSELoss}, nn.NewRand(1))
	if err != nil {
		panic(err)
	}
	scaling := dataset.Scaler{Kind: dataset.Standard, Offset: []float64{10, 20, 30}, Scale: []float64{1, 2, 3}}
	meta := scaling.Metadata("physml.input_")
	meta["physml.data"] = "user"
	file, err := a.EncodeFile(meta)
	if err != nil {
		panic(err)
	}
	m, err := saved.Parse(file)
	if err != nil {
		panic(err)
	}
	rows := []float64{10, 20, 30, 11, 18, 36} // two rows of three values
	scores, err := m.Score(rows, 2, 3)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Kind, "of", m.Features(), "inputs;", m.Scaling)
	fmt.Println(len(scores), "reconstruction errors")
	// Output:
	// autoencoder of 3 inputs; standard scaling of the training data
	// 2 reconstruction errors
}
