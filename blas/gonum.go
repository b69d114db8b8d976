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

func init() {
	blas32.Use(gonum.Implementation{})
	blas64.Use(gonum.Implementation{})
}

// SetThreads sets the parallelism of the linked BLAS. With OpenBLAS (the
// netlib build) it calls openblas_set_num_threads. gonum's pure-Go kernels
// run on up to GOMAXPROCS goroutines, so in this build SetThreads sets
// runtime.GOMAXPROCS. n < 1 is treated as 1.
func SetThreads(n int) {
	if n < 1 {
		n = 1
	}
	runtime.GOMAXPROCS(n)
}

// Threads returns the number of threads the linked BLAS uses: OpenBLAS's
// openblas_get_num_threads in the netlib build, GOMAXPROCS in this one.
func Threads() int { return runtime.GOMAXPROCS(0) }

// RunSingleThreaded runs fn. With OpenBLAS (the netlib build) it limits
// OpenBLAS to one thread while fn runs, so that fn can call BLAS from several
// goroutines at once; gonum's kernels need no such limit.
func RunSingleThreaded(fn func()) { fn() }
