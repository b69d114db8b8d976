//go:build !purego

package simd

import (
	"math"

	"golang.org/x/sys/cpu"
)

// Available reports whether the assembly loops run on this machine.
func Available() bool { return available }

var available = cpu.X86.HasAVX && cpu.X86.HasAVX2

// Adam8 applies Adam's step to the first 8·⌊len(value)/8⌋ values — as nn's
// adamUpdate does, with the same coefficients — and returns how many it did.
// grad, m and v are at least as long as value.
func Adam8(value, grad, m, v []float32, b1, b2, stepSize, invBc2, eps, wd, shrink float32, decoupled bool) int {
	n := len(value) &^ 7
	if n == 0 {
		return 0
	}
	_, _, _ = grad[n-1], m[n-1], v[n-1]
	c := [9]float32{b1, 1 - b1, b2, 1 - b2, invBc2, eps, stepSize, wd, shrink}
	flag := 0
	if decoupled {
		flag = 1
	}
	adam8(&value[0], &grad[0], &m[0], &v[0], n/8, &c, flag)
	return n
}

// LSTMBackward8 does, for the first 8·⌊h/8⌋ units of one sequence, what
// seq's lstmStepBackward loop does (h = len(dh)): gates and dgates hold
// i, f, g, o, h values each; cp, tc, dh, dy and dc at least h. It returns
// how many units it did.
func LSTMBackward8(gates, cp, tc, dh, dy, dc, dgates []float32) int {
	h := len(dh)
	n := h &^ 7
	if n == 0 {
		return 0
	}
	_, _, _, _, _, _ = gates[4*h-1], dgates[4*h-1], cp[n-1], tc[n-1], dy[n-1], dc[n-1]
	lstmBackward8(&gates[0], &cp[0], &tc[0], &dh[0], &dy[0], &dc[0], &dgates[0], h, n/8)
	return n
}

// BCE8 computes, for the first 8·⌊len(p)/8⌋ probabilities, what nn's bce32
// loop does: grad[i] and sum −= the i-th term, in order. It returns the sum
// and how many values it did.
func BCE8(p, y, grad []float32, sum float64, inv float32) (float64, int) {
	n := len(p) &^ 7
	if n == 0 {
		return sum, 0
	}
	_, _ = y[n-1], grad[n-1]
	sum = bce8(&p[0], &y[0], &grad[0], n/8, sum, inv, &logTable)
	return sum, n
}

// ActivationBackward8 sets, for the first 8·⌊len(y)/8⌋ values, what nn's
// Activation.Backward loop of the kind does from the layer's outputs y and
// the upstream gradient dy: ReLU keeps dy where !(y ≤ 0), Sigmoid gives
// dy·y·(1−y), Tanh dy·(1−y²). dy and dx are at least as long as y. It
// returns how many values it did.
func ActivationBackward8(kind Activation, y, dy, dx []float32) int {
	n := len(y) &^ 7
	if n == 0 {
		return 0
	}
	_, _ = dy[n-1], dx[n-1]
	switch kind {
	case ReLU:
		reluBackward8(&y[0], &dy[0], &dx[0], n/8)
	case Sigmoid:
		sigmoidBackward8(&y[0], &dy[0], &dx[0], n/8)
	case Tanh:
		tanhBackward8(&y[0], &dy[0], &dx[0], n/8)
	default:
		return 0
	}
	return n
}

// Log8 sets dst[i] = fastmath.Log32(x[i]) for the first 8·⌊len(x)/8⌋ values
// and returns how many it did (for tests; BCE8 uses the same code).
func Log8(dst, x []float32) int {
	n := len(x) &^ 7
	if n == 0 {
		return 0
	}
	_ = dst[n-1]
	log8(&dst[0], &x[0], n/8, &logTable)
	return n
}

// The constants of Log32, as Go converts them, each in eight lanes.
var logTable [21][8]uint32

func init() {
	f := func(i int, v float32) { set(i, math.Float32bits(v)) }
	f(0, 0x1p23)                 // scales a subnormal into the normal range
	set(1, 0x007fffff)           // the mantissa's bits
	set(2, 0x3f800000)           // 1.0's exponent
	set(3, 127)                  // the bias
	set(4, 127+23)               // the bias of a scaled subnormal
	f(5, 1.4142135)              // √2
	f(6, 0.5)                    // halves m
	f(7, 1)                      //
	f(8, float32(2.0/9))         // the series of 2 atanh s
	f(9, 2.0/7)                  //
	f(10, 2.0/5)                 //
	f(11, 2.0/3)                 //
	f(12, 2)                     //
	f(13, 0.693145751953125)     // ln2Hi
	f(14, 1.428606765330187e-06) // ln2Lo
	f(15, 0x1p-126)              // the least normal float32
	f(16, float32(math.NaN()))
	f(17, float32(math.Inf(-1)))
	f(18, float32(math.Inf(1)))
	f(19, -100)  // BCE's clamp of a log
	f(20, 1e-12) // BCE's floor of p(1 − p)
}

func set(i int, bits uint32) {
	for l := range logTable[i] {
		logTable[i][l] = bits
	}
}

//go:noescape
func adam8(value, grad, m, v *float32, blocks int, c *[9]float32, decoupled int)

//go:noescape
func bce8(p, y, grad *float32, blocks int, sum float64, inv float32, table *[21][8]uint32) float64

//go:noescape
func reluBackward8(y, dy, dx *float32, blocks int)

//go:noescape
func sigmoidBackward8(y, dy, dx *float32, blocks int)

//go:noescape
func tanhBackward8(y, dy, dx *float32, blocks int)

//go:noescape
func log8(dst, x *float32, blocks int, table *[21][8]uint32)

//go:noescape
func lstmBackward8(gates, cp, tc, dh, dy, dc, dgates *float32, h, blocks int)
