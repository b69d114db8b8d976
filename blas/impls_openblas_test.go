//go:build netlib

package blas

// implementations returns the BLAS this build links: OpenBLAS through
// gonum's netlib wrappers, which check the arguments as gonum does.
func implementations() []implementation { return []implementation{impl} }
