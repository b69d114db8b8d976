package blas

import (
	"math"
	"runtime"
	"testing"
)

// TestSetThreadsIsBounded: a huge or absurd thread count is clamped to the
// CPUs (100000 GOMAXPROCS once hung the pure-Go build; the largest int was
// a fatal error).
func TestSetThreadsIsBounded(t *testing.T) {
	before := Threads()
	defer SetThreads(before)
	for _, n := range []int{100000, math.MaxInt, 0, -5} {
		SetThreads(n)
		if got := Threads(); got < 1 || got > runtime.NumCPU() {
			t.Errorf("SetThreads(%d): %d threads, want 1 to %d", n, got, runtime.NumCPU())
		}
	}
}

// TestRunSingleThreadedRestoresTheThreads: inside fn the backend runs one
// thread (OpenBLAS, or physml's Go kernels) and afterwards the previous count
// is back.
func TestRunSingleThreadedRestoresTheThreads(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs two CPUs")
	}
	before := Threads()
	defer SetThreads(before)
	SetThreads(2)
	inside := 0
	RunSingleThreaded(func() { inside = Threads() })
	if inside != 1 || Threads() != 2 {
		t.Errorf("threads inside %d (want 1), after %d (want 2)", inside, Threads())
	}
}
