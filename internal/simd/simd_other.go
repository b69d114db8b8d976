//go:build !amd64 || purego

package simd

// Available reports whether the assembly loops run on this machine: not on
// this architecture, where the functions below do nothing.
func Available() bool { return false }

// Adam8 does nothing here (see the amd64 version) and returns 0.
func Adam8(value, grad, m, v []float32, b1, b2, stepSize, invBc2, eps, wd, shrink float32, decoupled bool) int {
	return 0
}

// LSTMBackward8 does nothing here (see the amd64 version) and returns 0.
func LSTMBackward8(gates, cp, tc, dh, dy, dc, dgates []float32) int { return 0 }

// BCE8 does nothing here (see the amd64 version): it returns sum and 0.
func BCE8(p, y, grad []float32, sum float64, inv float32) (float64, int) { return sum, 0 }

// ActivationBackward8 does nothing here (see the amd64 version) and returns 0.
func ActivationBackward8(kind Activation, y, dy, dx []float32) int { return 0 }

// Log8 does nothing here (see the amd64 version) and returns 0.
func Log8(dst, x []float32) int { return 0 }
