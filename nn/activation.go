package nn

import (
	"fmt"
	"math"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/fastmath"
	"github.com/physml/physml/internal/kernels"
	"github.com/physml/physml/internal/simd"
)

// Activation is an element-wise non-linearity used as a layer. The zero
// value is not usable; use ReLU, LeakyReLU, SigmoidLayer, TanhLayer or
// Identity.
type Activation[T Float] struct {
	kind  activationKind
	slope T // LeakyReLU's negative slope
	// apply computes sigmoid or tanh element-wise: the C kernels of the
	// netlib build for float32, else Go; chosen by the constructor.
	apply func(x, y []T)

	y, dx Matrix[T]
}

type activationKind int

const (
	identityKind activationKind = iota
	reluKind
	leakyReLUKind
	sigmoidKind
	tanhKind
)

// ReLU returns the layer max(0, x), torch.nn.ReLU.
func ReLU[T Float]() *Activation[T] { return &Activation[T]{kind: reluKind} }

// LeakyReLU returns the layer x for x > 0 and slope·x otherwise,
// torch.nn.LeakyReLU (PyTorch's default slope is 0.01). The slope must not be
// negative.
func LeakyReLU[T Float](slope T) *Activation[T] {
	if slope < 0 {
		panic(fmt.Sprintf("nn: LeakyReLU slope %v is negative", slope))
	}
	return &Activation[T]{kind: leakyReLUKind, slope: slope}
}

// SigmoidLayer returns the layer σ(x) = 1/(1+e^{−x}), torch.nn.Sigmoid.
func SigmoidLayer[T Float]() *Activation[T] {
	a := &Activation[T]{kind: sigmoidKind, apply: sigmoidGo[T]}
	if kernels.For32[T]() {
		a.apply = func(x, y []T) { kernels.Sigmoid(kernels.Float32s(x), kernels.Float32s(y)) }
	}
	return a
}

// TanhLayer returns the layer tanh(x), torch.nn.Tanh.
func TanhLayer[T Float]() *Activation[T] {
	a := &Activation[T]{kind: tanhKind, apply: tanhGo[T]}
	if kernels.For32[T]() {
		a.apply = func(x, y []T) { kernels.Tanh(kernels.Float32s(x), kernels.Float32s(y)) }
	}
	return a
}

func sigmoidGo[T Float](x, y []T) { fastmath.SigmoidTo(y, x) }

func tanhGo[T Float](x, y []T) { fastmath.TanhTo(y, x) }

// Identity returns the layer that passes its input through, torch.nn.Identity.
func Identity[T Float]() *Activation[T] { return &Activation[T]{kind: identityKind} }

// Forward applies the non-linearity element-wise.
func (a *Activation[T]) Forward(x *Matrix[T], _ bool) *Matrix[T] {
	y := a.y.resize(x.Rows, x.Cols)
	switch a.kind {
	case identityKind:
		copy(y.Data, x.Data)
	case reluKind:
		for i, v := range x.Data {
			y.Data[i] = max(v, 0)
		}
	case leakyReLUKind:
		for i, v := range x.Data {
			if v < 0 {
				v *= a.slope
			}
			y.Data[i] = v
		}
	case sigmoidKind, tanhKind:
		a.apply(x.Data, y.Data)
	}
	return y
}

// Backward multiplies dy by the derivative at the last input.
func (a *Activation[T]) Backward(dy *Matrix[T]) *Matrix[T] {
	mustSameShape("Activation.Backward", dy, &a.y)
	dx := a.dx.resize(dy.Rows, dy.Cols)
	done := 0
	if kind := a.kind.simd(); kind != 0 && blas.Is32[T]() && simd.Available() {
		f := kernels.Float32s[T]
		done = simd.ActivationBackward8(kind, f(a.y.Data), f(dy.Data), f(dx.Data))
	}
	activationBackward(a.kind, a.slope, a.y.Data[done:], dy.Data[done:], dx.Data[done:])
	return dx
}

// simd names the activation for internal/simd's backward loop, or gives 0
// when it has none.
func (k activationKind) simd() simd.Activation {
	switch k {
	case reluKind:
		return simd.ReLU
	case sigmoidKind:
		return simd.Sigmoid
	case tanhKind:
		return simd.Tanh
	}
	return 0
}

// activationBackward is Backward's Go loop, dx = dy·f′(x) written with the
// layer's outputs y; internal/simd's loops equal it to the bit.
func activationBackward[T Float](kind activationKind, slope T, y, dy, dx []T) {
	dy, dx = dy[:len(y)], dx[:len(y)]
	switch kind {
	case identityKind:
		copy(dx, dy)
	case reluKind: // y > 0 exactly where x > 0
		for i, g := range dy {
			if y[i] <= 0 {
				g = 0
			}
			dx[i] = g
		}
	case leakyReLUKind: // with a positive slope, y > 0 exactly where x > 0
		for i, g := range dy {
			if y[i] <= 0 {
				g *= slope
			}
			dx[i] = g
		}
	case sigmoidKind:
		for i, g := range dy {
			dx[i] = g * y[i] * (1 - y[i])
		}
	case tanhKind:
		for i, g := range dy {
			dx[i] = g * (1 - y[i]*y[i])
		}
	}
}

// Params returns nil: activations have no parameters.
func (a *Activation[T]) Params() []Param[T] { return nil }

// Kind returns the non-linearity's name — "identity", "relu", "leakyrelu",
// "sigmoid" or "tanh" — and LeakyReLU's slope (0 for the others), for
// exporters.
func (a *Activation[T]) Kind() (name string, slope float64) {
	switch a.kind {
	case reluKind:
		return "relu", 0
	case leakyReLUKind:
		return "leakyrelu", float64(a.slope)
	case sigmoidKind:
		return "sigmoid", 0
	case tanhKind:
		return "tanh", 0
	}
	return "identity", 0
}

// String names the activation as PyTorch prints it.
func (a *Activation[T]) String() string {
	switch a.kind {
	case reluKind:
		return "ReLU()"
	case leakyReLUKind:
		return fmt.Sprintf("LeakyReLU(negative_slope=%g)", float64(a.slope))
	case sigmoidKind:
		return "Sigmoid()"
	case tanhKind:
		return "Tanh()"
	}
	return "Identity()"
}

// Softmax is the row-wise softmax layer, torch.nn.Softmax(dim=1):
// y_ij = exp(x_ij) / Σ_k exp(x_ik). For classification train on logits with
// CrossEntropy instead, which fuses the log-softmax.
type Softmax[T Float] struct {
	y, dx Matrix[T]
}

// Forward computes the softmax of each row, shifted by the row maximum for
// stability.
func (s *Softmax[T]) Forward(x *Matrix[T], _ bool) *Matrix[T] {
	y := s.y.resize(x.Rows, x.Cols)
	for i := 0; i < x.Rows; i++ {
		softmaxRow(y.Row(i), x.Row(i))
	}
	return y
}

func softmaxRow[T Float](dst, x []T) {
	m := x[0]
	for _, v := range x {
		m = max(m, v)
	}
	var sum float64
	for j, v := range x {
		e := math.Exp(float64(v - m))
		dst[j] = T(e)
		sum += e
	}
	inv := T(1 / sum)
	for j := range dst {
		dst[j] *= inv
	}
}

// Backward returns dx = y ⊙ (dy − Σ_k dy_k y_k) for each row.
func (s *Softmax[T]) Backward(dy *Matrix[T]) *Matrix[T] {
	mustSameShape("Softmax.Backward", dy, &s.y)
	dx := s.dx.resize(dy.Rows, dy.Cols)
	for i := 0; i < dy.Rows; i++ {
		y, g, out := s.y.Row(i), dy.Row(i), dx.Row(i)
		var dot T
		for j := range y {
			dot += g[j] * y[j]
		}
		for j := range y {
			out[j] = y[j] * (g[j] - dot)
		}
	}
	return dx
}

// Params returns nil.
func (s *Softmax[T]) Params() []Param[T] { return nil }

// String returns "Softmax(dim=1)".
func (s *Softmax[T]) String() string { return "Softmax(dim=1)" }

// Dropout zeroes each input element with probability P during training and
// scales the others by 1/(1−P) (inverted dropout, torch.nn.Dropout); in
// evaluation it passes the input through. The mask comes from a seeded
// generator.
type Dropout[T Float] struct {
	P float64

	rng      interface{ Float64() float64 }
	mask     []T
	y, dx    Matrix[T]
	training bool
}

// NewDropout returns a dropout layer with drop probability p in [0, 1),
// drawing its masks from rng (see NewRand).
func NewDropout[T Float](p float64, rng interface{ Float64() float64 }) *Dropout[T] {
	if !(p >= 0 && p < 1) { // also refuses NaN
		panic(fmt.Sprintf("nn: dropout probability %g outside [0, 1)", p))
	}
	return &Dropout[T]{P: p, rng: rng}
}

// Forward applies a fresh mask in training mode and the identity otherwise.
func (d *Dropout[T]) Forward(x *Matrix[T], train bool) *Matrix[T] {
	y := d.y.resize(x.Rows, x.Cols)
	d.training = train && d.P > 0
	if !d.training {
		copy(y.Data, x.Data)
		return y
	}
	if cap(d.mask) < len(x.Data) {
		d.mask = make([]T, len(x.Data))
	}
	d.mask = d.mask[:len(x.Data)]
	scale := T(1 / (1 - d.P))
	for i, v := range x.Data {
		m := T(0)
		if d.rng.Float64() >= d.P {
			m = scale
		}
		d.mask[i] = m
		y.Data[i] = v * m
	}
	return y
}

// Backward multiplies dy by the mask of the last Forward.
func (d *Dropout[T]) Backward(dy *Matrix[T]) *Matrix[T] {
	mustSameShape("Dropout.Backward", dy, &d.y)
	dx := d.dx.resize(dy.Rows, dy.Cols)
	if !d.training {
		copy(dx.Data, dy.Data)
		return dx
	}
	for i, g := range dy.Data {
		dx.Data[i] = g * d.mask[i]
	}
	return dx
}

// Params returns nil.
func (d *Dropout[T]) Params() []Param[T] { return nil }

// String returns PyTorch's description.
func (d *Dropout[T]) String() string { return fmt.Sprintf("Dropout(p=%g)", d.P) }
