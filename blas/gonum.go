//go:build !netlib

package blas

import (
	"runtime"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/physml/physml/internal/gemm"
)

const backendName = "gonum"

var impl = newImplementation()

func init() { UseBackendGlobals() }

// UseBackendGlobals installs the linked backend — here gonum's BLAS with
// physml's GEMM and SYRK kernels — into gonum's blas32 and blas64, which
// gonum/mat and gonum's LAPACK call, as importing this package does.
func UseBackendGlobals() {
	blas32.Use(impl)
	blas64.Use(impl)
}

// SetThreads sets the parallelism of the linked BLAS. With OpenBLAS (the
// netlib build) it calls openblas_set_num_threads. The pure-Go kernels
// run on up to GOMAXPROCS goroutines, so in this build SetThreads sets
// runtime.GOMAXPROCS. n is clamped to [1, runtime.NumCPU()]: more threads
// than CPUs only slow the kernels down (and a huge GOMAXPROCS starts as many
// garbage-collector workers).
func SetThreads(n int) {
	runtime.GOMAXPROCS(clampThreads(n))
}

// Threads returns the number of threads the linked BLAS uses: OpenBLAS's
// openblas_get_num_threads in the netlib build; in this one GOMAXPROCS, or 1
// while RunSingleThreaded runs.
func Threads() int {
	if gemm.Serial() {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// RunSingleThreaded runs fn with every BLAS call on the goroutine that
// makes it, so that fn can call BLAS from several goroutines at once without
// each call starting goroutines of its own (OpenBLAS threads in the netlib
// build). Calls may overlap: the limit holds until the last returns.
func RunSingleThreaded(fn func()) { gemm.RunSerial(fn) }
