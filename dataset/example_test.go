package dataset_test

import (
	"fmt"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/mnistdir"
)

// MNIST from the GoMNIST module in the Go module cache: no download step.
func ExampleLoadMNIST() {
	dir, err := mnistdir.Find()
	if err != nil {
		panic(err)
	}
	train, test, err := dataset.LoadMNIST(dir)
	if err != nil {
		panic(err)
	}
	fmt.Println(train.Len(), test.Len(), train.Rows, train.Cols, train.Labels[:5])
	// Output: 60000 10000 28 28 [5 0 4 1 9]
}
