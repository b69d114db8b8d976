//go:build netlib

package blas

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
*/
import "C"

import (
	"sync"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

const backendName, kernelsName = "openblas", "openblas"

var impl implementation = netlib.Implementation{}

func init() { UseBackendGlobals() }

// UseBackendGlobals installs the linked backend — here OpenBLAS — into
// gonum's blas32 and blas64, which gonum/mat calls, as importing this
// package does.
func UseBackendGlobals() {
	blas32.Use(netlib.Implementation{})
	blas64.Use(netlib.Implementation{})
}

// SetThreads sets the number of threads OpenBLAS uses for one call
// (openblas_set_num_threads). n is clamped to [1, runtime.NumCPU()]: more
// threads than CPUs only slow the kernels down.
//
// In the pure-Go build the kernels run on up to GOMAXPROCS goroutines, and
// SetThreads sets runtime.GOMAXPROCS instead.
func SetThreads(n int) {
	C.openblas_set_num_threads(C.int(clampThreads(n)))
}

// Threads returns the number of threads the linked BLAS uses: OpenBLAS's
// openblas_get_num_threads, or GOMAXPROCS in the pure-Go build.
func Threads() int { return int(C.openblas_get_num_threads()) }

// RunSingleThreaded runs fn with OpenBLAS limited to one thread and restores
// the thread count when the last of the calls running at once returns, so
// that fn can call BLAS from several goroutines at once without
// oversubscribing the cores. In the pure-Go build it keeps the kernels on
// the calling goroutine in the same way. Concurrent BLAS calls outside fn
// also run single-threaded while it runs.
func RunSingleThreaded(fn func()) {
	single.Lock()
	if single.running == 0 {
		single.restore = Threads()
		SetThreads(1)
	}
	single.running++
	single.Unlock()
	defer func() {
		single.Lock()
		single.running--
		if single.running == 0 {
			SetThreads(single.restore)
		}
		single.Unlock()
	}()
	fn()
}

// single counts the RunSingleThreaded calls running and keeps the thread
// count to restore after the last.
var single struct {
	sync.Mutex
	running, restore int
}
