package lapack_test

import (
	"fmt"

	"github.com/physml/physml/lapack"
)

// The eigen-decomposition of a 2×2 covariance matrix: descending
// eigenvalues, eigenvectors in columns with their largest entry positive.
func ExampleEigSym() {
	c := []float64{
		2, 1,
		1, 2,
	}
	values := make([]float64, 2)
	vectors := make([]float64, 4)
	lapack.EigSym(2, c, 2, values, vectors, 2)
	fmt.Printf("values %.3f\nvectors %.3f\n", values, vectors)
	// Output:
	// values [3.000 1.000]
	// vectors [0.707 0.707 0.707 -0.707]
}
