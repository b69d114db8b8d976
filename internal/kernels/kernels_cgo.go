//go:build netlib && cgo

package kernels

/*
#cgo CFLAGS: -O3
#cgo LDFLAGS: -lm
#include "kernels.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Available reports whether the C kernels are compiled in (the netlib build).
const Available = true

func ptr(s []float32) *C.float { return (*C.float)(unsafe.Pointer(unsafe.SliceData(s))) }

func validPtr(valid []uint8) *C.uint8_t {
	if valid == nil {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(valid)))
}

func check(name string, b, h, ldo int, valid []uint8, sizes ...[2]int) {
	if valid != nil && len(valid) < b {
		panic(fmt.Sprintf("kernels: %s: %d validity flags for batch %d", name, len(valid), b))
	}
	if ldo < h {
		panic(fmt.Sprintf("kernels: %s: output stride %d < hidden %d", name, ldo, h))
	}
	for _, s := range sizes {
		if s[0] < s[1] {
			panic(fmt.Sprintf("kernels: %s: slice of %d elements, need %d", name, s[0], s[1]))
		}
	}
}

// LSTMStep is the fused LSTM step for a batch of b sequences with hidden
// size h: g (b×4h) holds the pre-activations i, f, g, o and receives their
// activations; cp (b×h) is the cell entering the step; c, hn, tc (b×h)
// receive the new cell, the new hidden state and tanh of the new cell; row i
// of out (stride ldo) receives h'. Rows with valid[i] == 0 are skipped and
// their output zeroed; valid nil means all rows.
func LSTMStep(b, h int, g, cp, c, hn, tc, out []float32, ldo int, valid []uint8) {
	check("LSTMStep", b, h, ldo, valid, [2]int{len(g), b * 4 * h}, [2]int{len(cp), b * h}, [2]int{len(c), b * h},
		[2]int{len(hn), b * h}, [2]int{len(tc), b * h}, [2]int{len(out), (b-1)*ldo + h})
	C.physml_lstm_step(C.int(b), C.int(h), ptr(g), ptr(cp), ptr(c), ptr(hn), ptr(tc), ptr(out), C.int(ldo), validPtr(valid))
}

// GRUStep is the fused GRU step: g (b×3h) holds the input-side
// pre-activations and receives r, z, n; hw (b×3h) holds W_hh h + b_hh; hp is
// the state entering the step, hn receives h' and row i of out (stride ldo)
// too.
func GRUStep(b, h int, g, hw, hp, hn, out []float32, ldo int, valid []uint8) {
	check("GRUStep", b, h, ldo, valid, [2]int{len(g), b * 3 * h}, [2]int{len(hw), b * 3 * h}, [2]int{len(hp), b * h},
		[2]int{len(hn), b * h}, [2]int{len(out), (b-1)*ldo + h})
	C.physml_gru_step(C.int(b), C.int(h), ptr(g), ptr(hw), ptr(hp), ptr(hn), ptr(out), C.int(ldo), validPtr(valid))
}

// LSTMStepBackward is the backward pass of LSTMStep for a batch: g holds the
// gate activations i, f, g, o (b×4h), cp the cell entering the step, tc
// tanh of the new cell, dh the gradient w.r.t. h' from later steps, row i of
// dy (stride ldy) the one from the output; dc holds the gradient w.r.t. c'
// and receives the one w.r.t. c; dg receives the gradients w.r.t. the four
// pre-activations. Rows with valid[i] == 0 get dg = 0 and keep dc.
func LSTMStepBackward(b, h int, g, cp, tc, dh, dy []float32, ldy int, dc, dg []float32, valid []uint8) {
	check("LSTMStepBackward", b, h, ldy, valid, [2]int{len(g), b * 4 * h}, [2]int{len(cp), b * h}, [2]int{len(tc), b * h},
		[2]int{len(dh), b * h}, [2]int{len(dy), (b-1)*ldy + h}, [2]int{len(dc), b * h}, [2]int{len(dg), b * 4 * h})
	C.physml_lstm_backward(C.int(b), C.int(h), ptr(g), ptr(cp), ptr(tc), ptr(dh), ptr(dy), C.int(ldy), ptr(dc), ptr(dg), validPtr(valid))
}

// Sigmoid sets y = σ(x) element-wise (len(y) ≥ len(x)).
func Sigmoid(x, y []float32) {
	if len(y) < len(x) {
		panic(fmt.Sprintf("kernels: Sigmoid: %d outputs for %d inputs", len(y), len(x)))
	}
	if len(x) > 0 {
		C.physml_sigmoid(C.long(len(x)), ptr(x), ptr(y))
	}
}

// Tanh sets y = tanh(x) element-wise (len(y) ≥ len(x)).
func Tanh(x, y []float32) {
	if len(y) < len(x) {
		panic(fmt.Sprintf("kernels: Tanh: %d outputs for %d inputs", len(y), len(x)))
	}
	if len(x) > 0 {
		C.physml_tanh(C.long(len(x)), ptr(x), ptr(y))
	}
}

// BCE computes the binary cross-entropy terms −[y log p + (1−y) log(1−p)]
// (logs clamped at −100) into scratch and returns their sum, and writes the
// gradient (p − y)/max(p(1−p), 1e−12)·scale into grad. All slices have the
// length of p.
func BCE(p, y, grad, scratch []float32, scale float32) float64 {
	n := len(p)
	if len(y) < n || len(grad) < n || len(scratch) < n {
		panic(fmt.Sprintf("kernels: BCE: %d predictions, %d targets, %d gradients, %d scratch", n, len(y), len(grad), len(scratch)))
	}
	if n == 0 {
		return 0
	}
	return float64(C.physml_bce(C.long(n), ptr(p), ptr(y), ptr(grad), ptr(scratch), C.float(scale)))
}

// RNNTanhStep applies tanh to the pre-activations g (b×h), which receive h',
// as do hn and the rows of out.
func RNNTanhStep(b, h int, g, hn, out []float32, ldo int, valid []uint8) {
	check("RNNTanhStep", b, h, ldo, valid, [2]int{len(g), b * h}, [2]int{len(hn), b * h}, [2]int{len(out), (b-1)*ldo + h})
	C.physml_rnn_tanh_step(C.int(b), C.int(h), ptr(g), ptr(hn), ptr(out), C.int(ldo), validPtr(valid))
}
