package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/physml/physml/blas"
)

// Dense is a fully connected layer, torch.nn.Linear: y = x Wᵀ + b with W of
// shape (out, in) and b of length out. Parameters are named "weight" and
// "bias".
type Dense[T Float] struct {
	In, Out int
	Weight  Param[T] // (Out, In)
	Bias    Param[T] // (Out); nil Value when the layer has no bias
	// SkipInputGrad makes Backward skip dx = dy W and return nil: for the
	// first layer of a network, whose input needs no gradient (PyTorch skips
	// it likewise for inputs that do not require grad). It saves a third of
	// the layer's backward GEMM work.
	SkipInputGrad bool

	x      *Matrix[T] // last input, kept for Backward
	y, dx  Matrix[T]
	noBias bool
	ones   []T // for the bias gradient, Σ_rows dy = dyᵀ 1
}

// NewDense returns a Dense layer in→out with PyTorch's default initialisation
// (W and b uniform in ±1/√in) drawn from rng.
func NewDense[T Float](in, out int, rng *rand.Rand) *Dense[T] {
	d := &Dense[T]{In: in, Out: out, Weight: newParam[T]("weight", out, in), Bias: newParam[T]("bias", out)}
	KaimingUniformDefault(rng, d.Weight.Value, in)
	KaimingUniformDefault(rng, d.Bias.Value, in)
	return d
}

// NewDenseNoBias returns a Dense layer without bias (bias=False).
func NewDenseNoBias[T Float](in, out int, rng *rand.Rand) *Dense[T] {
	d := &Dense[T]{In: in, Out: out, Weight: newParam[T]("weight", out, in), noBias: true}
	KaimingUniformDefault(rng, d.Weight.Value, in)
	return d
}

// Forward computes y = x Wᵀ + b. x is (batch, In), y is (batch, Out).
func (d *Dense[T]) Forward(x *Matrix[T], _ bool) *Matrix[T] {
	mustMatrix("Dense.Forward", x)
	if x.Cols != d.In {
		panic(fmt.Sprintf("nn: Dense(%d→%d).Forward: input is %s, want %d columns", d.In, d.Out, x.Shape(), d.In))
	}
	d.x = x
	y := d.y.resize(x.Rows, d.Out)
	if !d.noBias {
		for i := 0; i < y.Rows; i++ {
			copy(y.Row(i), d.Bias.Value)
		}
	}
	beta := T(1)
	if d.noBias {
		beta = 0
	}
	blas.Gemm(blas.NoTrans, blas.Trans, x.Rows, d.Out, d.In, 1, x.Data, d.In, d.Weight.Value, d.In, beta, y.Data, d.Out)
	return y
}

// Backward accumulates dW += dyᵀ x and db += Σ_rows dy, and returns dx = dy W
// (nil with SkipInputGrad).
func (d *Dense[T]) Backward(dy *Matrix[T]) *Matrix[T] {
	mustMatrix("Dense.Backward", dy)
	if d.x == nil || dy.Rows != d.x.Rows || dy.Cols != d.Out {
		panic(fmt.Sprintf("nn: Dense(%d→%d).Backward: gradient is %s, want %d×%d", d.In, d.Out, dy.Shape(), d.y.Rows, d.Out))
	}
	blas.Gemm(blas.Trans, blas.NoTrans, d.Out, d.In, dy.Rows, 1, dy.Data, d.Out, d.x.Data, d.In, 1, d.Weight.Grad, d.In)
	if !d.noBias {
		if len(d.ones) < dy.Rows {
			d.ones = make([]T, dy.Rows)
			for i := range d.ones {
				d.ones[i] = 1
			}
		}
		blas.Gemv(blas.Trans, dy.Rows, d.Out, 1, dy.Data, d.Out, d.ones, 1, 1, d.Bias.Grad, 1)
	}
	if d.SkipInputGrad {
		return nil
	}
	dx := d.dx.resize(dy.Rows, d.In)
	blas.Gemm(blas.NoTrans, blas.NoTrans, dy.Rows, d.In, d.Out, 1, dy.Data, d.Out, d.Weight.Value, d.In, 0, dx.Data, d.In)
	return dx
}

// Params returns weight and, unless the layer has none, bias.
func (d *Dense[T]) Params() []Param[T] {
	if d.noBias {
		return []Param[T]{d.Weight}
	}
	return []Param[T]{d.Weight, d.Bias}
}

// String describes the layer with the fields PyTorch prints for the
// torch.nn.Linear it mirrors.
func (d *Dense[T]) String() string {
	return fmt.Sprintf("Dense(in_features=%d, out_features=%d, bias=%t)", d.In, d.Out, !d.noBias)
}
