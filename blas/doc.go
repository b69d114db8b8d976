// Package blas is the one place in physml that knows which BLAS is linked.
//
// Everything above it (nn, seq, ae, decomposition) calls the generic
// functions of this package — Gemm, Gemv, Syrk, Axpy, Scal, Dot, Nrm2 — on
// row-major slices of float32 or float64, and never imports a BLAS
// implementation itself. The functions pick the single-precision (S) or
// double-precision (D) routine from the element type.
//
// # Backends
//
// Built with -tags netlib, the package calls OpenBLAS through gonum's cgo
// wrappers (gonum.org/v1/netlib/blas/netlib) and links -lopenblas itself, so
// no CGO_LDFLAGS are needed. Built without the tag it needs no C compiler:
// GEMM and SYRK run on physml's own kernels in Go assembly
// (internal/gemm: packed panels and register tiles for AVX2 and FMA, split
// between goroutines when large), within about 10–30 % of OpenBLAS, and
// the other routines on gonum's pure-Go BLAS (gonum.org/v1/gonum/blas/gonum).
// On machines without AVX2 and FMA, on other architectures, and with the
// purego build tag, gonum's GEMM and SYRK are used too. Backend reports which
// build is linked: "openblas" or "gonum".
//
// # gonum's globals
//
// Importing this package — which every physml package does — installs the
// linked backend into gonum's global blas32 and blas64 (UseBackendGlobals),
// so gonum/mat code in the same program, physml's decomposition package
// and yours, runs on it too: in the netlib build, a program's own mat.Dense
// products move to OpenBLAS by importing physml. UseGonumGlobals gives them
// gonum's own implementation back; physml's own calls do not go through
// the globals. lapack does the same for gonum's lapack64.
//
// OpenBLAS 0.3.21 misdetects some recent CPUs; set OPENBLAS_CORETYPE=Haswell
// in the environment when it does.
//
// # Layout and aliasing
//
// Matrices are row-major with a leading dimension (the stride between rows)
// of at least the number of columns, exactly as in gonum's blas package.
// Output slices must not overlap input slices. Shape errors are programmer
// errors and panic with a message naming the sizes.
package blas
