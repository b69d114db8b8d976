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
