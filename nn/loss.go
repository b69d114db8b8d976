package nn

import (
	"fmt"
	"math"
	"sync"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/fastmath"
	"github.com/physml/physml/internal/kernels"
	"github.com/physml/physml/internal/simd"
)

// Target is what a loss compares predictions with: a matrix of values (MSE,
// binary cross-entropy) or one class label per row (cross-entropy).
type Target[T Float] struct {
	Values *Matrix[T]
	Labels []int
}

// Loss is a training objective with mean reduction, as PyTorch's default
// reduction="mean". Evaluate returns the loss of pred against target and
// writes ∂loss/∂pred into grad, which has pred's shape.
type Loss[T Float] interface {
	Evaluate(pred *Matrix[T], target Target[T], grad *Matrix[T]) float64
}

// MSE is the mean squared error over all elements, torch.nn.MSELoss:
// L = (1/N) Σ (p − y)², ∂L/∂p = 2(p − y)/N.
type MSE[T Float] struct{}

// Evaluate implements Loss.
func (MSE[T]) Evaluate(pred *Matrix[T], target Target[T], grad *Matrix[T]) float64 {
	y := valuesOf("MSE", pred, target, grad)
	n := float64(len(pred.Data))
	scale := T(2 / n)
	var sum float64
	for i, p := range pred.Data {
		d := p - y.Data[i]
		sum += float64(d) * float64(d)
		grad.Data[i] = scale * d
	}
	return sum / n
}

// BCE is the binary cross-entropy on probabilities p ∈ [0, 1],
// torch.nn.BCELoss: L = −(1/N) Σ [y log p + (1−y) log(1−p)], each log clamped
// at −100 as PyTorch does, and ∂L/∂p = (p − y) / max(p(1−p), 1e−12) / N as in
// PyTorch's backward. It is a value, as MSE and CrossEntropy are: nn.BCE[T]{}
// (a pointer to one is a Loss too).
type BCE[T Float] struct{}

// Evaluate implements Loss. The element loop is, for float32, the C kernel
// of the netlib build or the assembly of the pure-Go build on AVX2, else Go.
func (BCE[T]) Evaluate(pred *Matrix[T], target Target[T], grad *Matrix[T]) float64 {
	y := valuesOf("BCE", pred, target, grad)
	p, n := pred.Data, float64(len(pred.Data))
	switch {
	case kernels.For32[T]():
		return bceC(p, y.Data, grad.Data, n)
	case blas.Is32[T]() && simd.Available():
		return bceSIMD(p, y.Data, grad.Data, n)
	case blas.Is32[T]():
		return bce32(p, y.Data, grad.Data, n)
	}
	return bceGo(p, y.Data, grad.Data, n)
}

// bceScratch holds the per-element losses of the C kernel, reused across
// calls.
var bceScratch = sync.Pool{New: func() any { return new([]float32) }}

// bceC runs the C kernel (float32, netlib build).
func bceC[T Float](p, y, grad []T, n float64) float64 {
	scratch := bceScratch.Get().(*[]float32)
	defer bceScratch.Put(scratch)
	if cap(*scratch) < len(p) {
		*scratch = make([]float32, len(p))
	}
	return kernels.BCE(kernels.Float32s(p), kernels.Float32s(y), kernels.Float32s(grad), (*scratch)[:len(p)], float32(1/n)) / n
}

// bce32 is the float32 Go loop: the logs in float32 (Log32), the sum in
// float64.
func bce32[T Float](p, y, grad []T, n float64) float64 {
	return bce32From(p, y, grad, 0, float32(1/n)) / n
}

// bceSIMD runs the assembly loop of internal/simd (float32, pure-Go build on
// AVX2) over whole blocks of eight values and bce32's loop over the rest:
// the same operations in the same order.
func bceSIMD[T Float](p, y, grad []T, n float64) float64 {
	inv := float32(1 / n)
	sum, done := simd.BCE8(kernels.Float32s(p), kernels.Float32s(y), kernels.Float32s(grad), 0, inv)
	return bce32From(p[done:], y[done:], grad[done:], sum, inv) / n
}

// bce32From is bce32's loop, adding to sum.
func bce32From[T Float](p, y, grad []T, sum float64, inv float32) float64 {
	for i, v := range p {
		pf, yf := float32(v), float32(y[i])
		logP := max(fastmath.Log32(pf), -100)
		log1mP := max(fastmath.Log32(1-pf), -100)
		sum -= float64(yf*logP + (1-yf)*log1mP)
		grad[i] = T((pf - yf) / max(pf*(1-pf), 1e-12) * inv)
	}
	return sum
}

// bceGo is the float64 loop.
func bceGo[T Float](p, y, grad []T, n float64) float64 {
	var sum float64
	for i, v := range p {
		pf, yf := float64(v), float64(y[i])
		sum += BinaryCrossEntropy(pf, yf)
		grad[i] = T((pf - yf) / max(pf*(1-pf), 1e-12) / n)
	}
	return sum / n
}

// BinaryCrossEntropy returns −[y log p + (1−y) log(1−p)] for one
// probability p and target y, each log clamped at −100 as PyTorch does: the
// term BCE averages, for callers that score samples one by one. A log whose
// weight is 0 (y = 0 or y = 1, as most pixels are) is not computed: it
// adds nothing. p outside [0, 1] gives NaN.
func BinaryCrossEntropy(p, y float64) float64 {
	if !(p >= 0 && p <= 1) {
		return math.NaN()
	}
	var s float64
	if y != 0 {
		s += y * max(math.Log(p), -100)
	}
	if y != 1 {
		s += (1 - y) * max(math.Log(1-p), -100)
	}
	return -s
}

// BCEWithLogits is the binary cross-entropy on logits x,
// torch.nn.BCEWithLogitsLoss, computed stably as
// L = (1/N) Σ [max(x, 0) − x y + log(1 + e^{−|x|})], ∂L/∂x = (σ(x) − y)/N.
type BCEWithLogits[T Float] struct{}

// Evaluate implements Loss.
func (BCEWithLogits[T]) Evaluate(pred *Matrix[T], target Target[T], grad *Matrix[T]) float64 {
	y := valuesOf("BCEWithLogits", pred, target, grad)
	n := float64(len(pred.Data))
	var sum float64
	for i, x := range pred.Data {
		xf, yf := float64(x), float64(y.Data[i])
		sum += max(xf, 0) - xf*yf + math.Log1p(math.Exp(-math.Abs(xf)))
		grad.Data[i] = T((float64(fastmath.Sigmoid(xf)) - yf) / n)
	}
	return sum / n
}

// CrossEntropy is the cross-entropy of logits against integer class labels,
// torch.nn.CrossEntropyLoss: with the log-softmax fused,
// L = −(1/B) Σ_i log softmax(x_i)[label_i], ∂L/∂x_i = (softmax(x_i) − onehot_i)/B.
type CrossEntropy[T Float] struct{}

// Evaluate implements Loss. It panics if a label is outside [0, classes).
func (CrossEntropy[T]) Evaluate(pred *Matrix[T], target Target[T], grad *Matrix[T]) float64 {
	if len(target.Labels) != pred.Rows {
		panic(fmt.Sprintf("nn: CrossEntropy: %d labels for %d rows of logits", len(target.Labels), pred.Rows))
	}
	mustSameShape("CrossEntropy", pred, grad)
	b := float64(pred.Rows)
	var sum float64
	for i := 0; i < pred.Rows; i++ {
		x, g := pred.Row(i), grad.Row(i)
		label := target.Labels[i]
		if label < 0 || label >= pred.Cols {
			panic(fmt.Sprintf("nn: CrossEntropy: label %d of row %d outside [0, %d)", label, i, pred.Cols))
		}
		m := float64(x[0])
		for _, v := range x {
			m = max(m, float64(v))
		}
		var z float64
		for _, v := range x {
			z += math.Exp(float64(v) - m)
		}
		logZ := m + math.Log(z)
		sum += logZ - float64(x[label])
		for j, v := range x {
			g[j] = T(math.Exp(float64(v)-logZ) / b)
		}
		g[label] -= T(1 / b)
	}
	return sum / b
}

func valuesOf[T Float](name string, pred *Matrix[T], target Target[T], grad *Matrix[T]) *Matrix[T] {
	if target.Values == nil {
		panic("nn: " + name + ": target has no values")
	}
	mustSameShape(name, pred, target.Values)
	mustSameShape(name, pred, grad)
	return target.Values
}
