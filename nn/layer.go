package nn

import (
	"fmt"
	"strconv"
)

// Layer is one differentiable step of a network.
//
// Forward computes the output for the input batch x; train selects training
// behaviour (dropout on) or evaluation. Backward takes the gradient of the
// loss with respect to the last output and returns the gradient with respect
// to the last input, adding the parameter gradients into Params()[i].Grad.
// Returned matrices belong to the layer and are overwritten by its next call.
type Layer[T Float] interface {
	Forward(x *Matrix[T], train bool) *Matrix[T]
	Backward(dy *Matrix[T]) *Matrix[T]
	Params() []Param[T]
}

// CopyParamValues copies the values of src into dst, parameter by
// parameter. It panics unless the two lists have the same names and sizes.
func CopyParamValues[T Float](dst, src []Param[T]) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("nn: CopyParamValues: %d parameters into %d", len(src), len(dst)))
	}
	for i := range dst {
		if dst[i].Name != src[i].Name || len(dst[i].Value) != len(src[i].Value) {
			panic(fmt.Sprintf("nn: CopyParamValues: %q (%d values) into %q (%d values)", src[i].Name, len(src[i].Value), dst[i].Name, len(dst[i].Value)))
		}
		copy(dst[i].Value, src[i].Value)
	}
}

// Param is a named parameter tensor: its values, the gradient accumulated by
// Backward, and its PyTorch shape (e.g. [out, in] for a Dense weight).
type Param[T Float] struct {
	Name  string
	Value []T
	Grad  []T
	Shape []int
}

// newParam allocates a parameter with a gradient of the same size.
func newParam[T Float](name string, shape ...int) Param[T] {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return Param[T]{Name: name, Value: make([]T, n), Grad: make([]T, n), Shape: shape}
}

// NewParam allocates a zeroed parameter and its gradient with the given
// PyTorch name and shape. Layers outside this package use it.
func NewParam[T Float](name string, shape ...int) Param[T] { return newParam[T](name, shape...) }

// ZeroGrad sets every gradient to zero, as optimizer.zero_grad() does.
func ZeroGrad[T Float](params []Param[T]) {
	for _, p := range params {
		clear(p.Grad)
	}
}

// CountParams returns the number of scalar parameters.
func CountParams[T Float](params []Param[T]) int {
	n := 0
	for _, p := range params {
		n += len(p.Value)
	}
	return n
}

// Prefixed returns params with prefix + "." before each name, as a PyTorch
// module nests the state_dict names of its children.
func Prefixed[T Float](prefix string, params []Param[T]) []Param[T] {
	out := make([]Param[T], len(params))
	for i, p := range params {
		p.Name = prefix + "." + p.Name
		out[i] = p
	}
	return out
}

// Sequential applies layers in order, as torch.nn.Sequential. Its parameters
// are named by the layer's index: "0.weight", "0.bias", "2.weight", …
type Sequential[T Float] struct {
	Layers []Layer[T]
}

// NewSequential returns a Sequential of the given layers.
func NewSequential[T Float](layers ...Layer[T]) *Sequential[T] {
	return &Sequential[T]{Layers: layers}
}

// Forward runs the layers in order.
func (s *Sequential[T]) Forward(x *Matrix[T], train bool) *Matrix[T] {
	for _, l := range s.Layers {
		x = l.Forward(x, train)
	}
	return x
}

// Backward runs the layers' backward passes in reverse order. It returns nil
// when the first layer skips its input gradient (Dense.SkipInputGrad).
func (s *Sequential[T]) Backward(dy *Matrix[T]) *Matrix[T] {
	for i := len(s.Layers) - 1; i >= 0 && dy != nil; i-- {
		dy = s.Layers[i].Backward(dy)
	}
	return dy
}

// Params returns the parameters of all layers, prefixed by the layer index.
func (s *Sequential[T]) Params() []Param[T] {
	var out []Param[T]
	for i, l := range s.Layers {
		out = append(out, Prefixed(strconv.Itoa(i), l.Params())...)
	}
	return out
}

// String lists the layers.
func (s *Sequential[T]) String() string {
	out := "Sequential("
	for i, l := range s.Layers {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprint(l)
	}
	return out + ")"
}
