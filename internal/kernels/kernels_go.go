//go:build !(netlib && cgo)

package kernels

// Available reports whether the C kernels are compiled in (the netlib
// build). In this build they are not, and the functions below must not be
// called.
const Available = false

// LSTMStep is compiled only in the netlib build.
func LSTMStep(b, h int, g, cp, c, hn, tc, out []float32, ldo int, valid []uint8) {
	panic("kernels: LSTMStep needs the netlib build")
}

// GRUStep is compiled only in the netlib build.
func GRUStep(b, h int, g, hw, hp, hn, out []float32, ldo int, valid []uint8) {
	panic("kernels: GRUStep needs the netlib build")
}

// RNNTanhStep is compiled only in the netlib build.
func RNNTanhStep(b, h int, g, hn, out []float32, ldo int, valid []uint8) {
	panic("kernels: RNNTanhStep needs the netlib build")
}

// Sigmoid is compiled only in the netlib build.
func Sigmoid(x, y []float32) { panic("kernels: Sigmoid needs the netlib build") }

// Tanh is compiled only in the netlib build.
func Tanh(x, y []float32) { panic("kernels: Tanh needs the netlib build") }

// BCE is compiled only in the netlib build.
func BCE(p, y, grad, scratch []float32, scale float32) float64 {
	panic("kernels: BCE needs the netlib build")
}

// LSTMStepBackward is compiled only in the netlib build.
func LSTMStepBackward(b, h int, g, cp, tc, dh, dy []float32, ldy int, dc, dg []float32, valid []uint8) {
	panic("kernels: LSTMStepBackward needs the netlib build")
}
