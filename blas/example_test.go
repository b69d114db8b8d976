package blas_test

import (
	"fmt"

	"github.com/physml/physml/blas"
)

// A Dense layer's forward pass is one GEMM: y = x Wᵀ with W stored (out, in).
func ExampleGemm() {
	x := []float32{1, 2, 3, 4, 5, 6} // 2 samples × 3 inputs
	w := []float32{1, 0, 1, 0, 1, 0} // 2 outputs × 3 inputs
	y := make([]float32, 4)
	blas.Gemm(blas.NoTrans, blas.Trans, 2, 2, 3, 1, x, 3, w, 3, 0, y, 2)
	fmt.Println(y)
	// Output: [4 2 10 5]
}
