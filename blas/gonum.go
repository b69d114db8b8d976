//go:build !netlib

package blas

import (
	"runtime"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

const backendName = "gonum"

var impl implementation = gonum.Implementation{}

func init() { UseBackendGlobals() }

// UseBackendGlobals installs the linked backend — here gonum's own — into
// gonum's blas32 and blas64, which gonum/mat calls, as importing this
// package does.
func UseBackendGlobals() {
	blas32.Use(gonum.Implementation{})
	blas64.Use(gonum.Implementation{})
}

// SetThreads sets the parallelism of the linked BLAS. With OpenBLAS (the
// netlib build) it calls openblas_set_num_threads. gonum's pure-Go kernels
// run on up to GOMAXPROCS goroutines, so in this build SetThreads sets
// runtime.GOMAXPROCS. n is clamped to [1, runtime.NumCPU()]: more threads
// than CPUs only slow the kernels down (and a huge GOMAXPROCS starts as many
// garbage-collector workers).
func SetThreads(n int) {
	runtime.GOMAXPROCS(clampThreads(n))
}

// Threads returns the number of threads the linked BLAS uses: OpenBLAS's
// openblas_get_num_threads in the netlib build, GOMAXPROCS in this one.
func Threads() int { return runtime.GOMAXPROCS(0) }

// RunSingleThreaded runs fn. With OpenBLAS (the netlib build) it limits
// OpenBLAS to one thread while fn runs, so that fn can call BLAS from several
// goroutines at once; gonum's kernels need no such limit.
func RunSingleThreaded(fn func()) { fn() }
