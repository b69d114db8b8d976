//go:build !netlib

package blas

import "github.com/physml/physml/internal/gemm"

// implementations returns the BLAS this build links: physml's Go kernels
// when the machine runs them (and gonum's otherwise, which needs no test
// against itself).
func implementations() []implementation {
	if gemm.Available() {
		return []implementation{goKernels{}}
	}
	return nil
}
