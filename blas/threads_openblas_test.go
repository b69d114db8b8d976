//go:build netlib

package blas

import (
	"runtime"
	"testing"
)

// TestRunSingleThreadedOverlapping: while two calls overlap, the second
// still runs single-threaded after the first returns, and the count comes
// back only after the last (the first call once restored it under the
// second).
func TestRunSingleThreadedOverlapping(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs two CPUs")
	}
	before := Threads()
	defer SetThreads(before)
	SetThreads(2)
	firstIn, firstOut, secondDone := make(chan bool), make(chan bool), make(chan int)
	go RunSingleThreaded(func() {
		close(firstIn)
		<-firstOut
	})
	<-firstIn
	go RunSingleThreaded(func() {
		close(firstOut) // let the first return while this one runs
		for running() != 1 {
			runtime.Gosched()
		}
		secondDone <- Threads()
	})
	if got := <-secondDone; got != 1 {
		t.Errorf("after the first call returned, the second ran with %d threads; want 1", got)
	}
	for range 1000 {
		if Threads() == 2 {
			return
		}
		runtime.Gosched()
	}
	t.Errorf("after both calls, %d threads; want 2", Threads())
}

// running returns the number of RunSingleThreaded calls running.
func running() int {
	single.Lock()
	defer single.Unlock()
	return single.running
}
