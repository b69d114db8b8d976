package nn

import (
	"fmt"
	"math"
)

// Buffered is a layer with state that is saved with the model but not
// trained: BatchNorm1d's running statistics. Buffers returns it as Params
// under PyTorch's state_dict names; optimizers never see it.
type Buffered[T Float] interface {
	Buffers() []Param[T]
}

// StateDict returns what PyTorch's state_dict holds for layer: its
// parameters and, for layers that have them, its buffers — what a model
// file must save. Sequential gathers the buffers of its layers.
func StateDict[T Float](layer Layer[T]) []Param[T] {
	out := layer.Params()
	if b, ok := layer.(Buffered[T]); ok {
		out = append(out, b.Buffers()...)
	}
	return out
}

// Buffers returns the buffers of the layers, prefixed with their index as
// Params are.
func (s *Sequential[T]) Buffers() []Param[T] {
	var out []Param[T]
	for i, l := range s.Layers {
		if b, ok := l.(Buffered[T]); ok {
			out = append(out, Prefixed(fmt.Sprint(i), b.Buffers())...)
		}
	}
	return out
}

// meanVar returns the mean and the biased variance of x.
func meanVar(x []float64) (mean, variance float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(x))
}

// LayerNorm normalises each row over its Features values and applies the
// affine map, as torch.nn.LayerNorm(features) over the last dimension:
//
//	y = (x − mean(x)) / √(var(x) + ε) ⊙ weight + bias
//
// with the biased variance. Parameters "weight" (ones) and "bias" (zeros).
type LayerNorm[T Float] struct {
	Features     int
	Eps          float64 // 1e-5 by default, PyTorch's
	Weight, Bias Param[T]

	xhat, rstd []float64 // per row, for Backward
	y, dx      Matrix[T]
}

// NewLayerNorm returns a LayerNorm over features values, with PyTorch's
// initial weight 1 and bias 0.
func NewLayerNorm[T Float](features int) *LayerNorm[T] {
	if features <= 0 {
		panic(fmt.Sprintf("nn: LayerNorm of %d features", features))
	}
	l := &LayerNorm[T]{Features: features, Eps: 1e-5, Weight: NewParam[T]("weight", features), Bias: NewParam[T]("bias", features)}
	for i := range l.Weight.Value {
		l.Weight.Value[i] = 1
	}
	return l
}

// Params returns weight and bias.
func (l *LayerNorm[T]) Params() []Param[T] { return []Param[T]{l.Weight, l.Bias} }

// String describes the layer as PyTorch prints it.
func (l *LayerNorm[T]) String() string {
	return fmt.Sprintf("LayerNorm((%d,), eps=%g, elementwise_affine=True)", l.Features, l.Eps)
}

// Forward normalises every row of x.
func (l *LayerNorm[T]) Forward(x *Matrix[T], _ bool) *Matrix[T] {
	mustMatrix("LayerNorm.Forward", x)
	if x.Cols != l.Features {
		panic(fmt.Sprintf("nn: %v.Forward: input is %s, want %d columns", l, x.Shape(), l.Features))
	}
	F := l.Features
	y := l.y.resize(x.Rows, F)
	l.xhat = growFloats(l.xhat, x.Rows*F)
	l.rstd = growFloats(l.rstd, x.Rows)
	for i := 0; i < x.Rows; i++ {
		xh := l.xhat[i*F : (i+1)*F]
		for j, v := range x.Row(i) {
			xh[j] = float64(v)
		}
		mean, variance := meanVar(xh)
		rstd := 1 / math.Sqrt(variance+l.Eps)
		l.rstd[i] = rstd
		for j := range xh {
			xh[j] = (xh[j] - mean) * rstd
			y.Data[i*F+j] = T(xh[j]*float64(l.Weight.Value[j]) + float64(l.Bias.Value[j]))
		}
	}
	return y
}

// Backward adds the weight and bias gradients and returns, per row,
//
//	dx = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂)),  g = dy ⊙ weight.
func (l *LayerNorm[T]) Backward(dy *Matrix[T]) *Matrix[T] {
	mustSameShape("LayerNorm.Backward", dy, &l.y)
	F := l.Features
	dx := l.dx.resize(dy.Rows, F)
	for i := 0; i < dy.Rows; i++ {
		xh := l.xhat[i*F : (i+1)*F]
		var sumG, sumGX float64
		for j, d := range dy.Row(i) {
			g := float64(d) * float64(l.Weight.Value[j])
			sumG += g
			sumGX += g * xh[j]
			l.Weight.Grad[j] += T(float64(d) * xh[j])
			l.Bias.Grad[j] += d
		}
		n := float64(F)
		for j, d := range dy.Row(i) {
			g := float64(d) * float64(l.Weight.Value[j])
			dx.Data[i*F+j] = T(l.rstd[i] * (g - sumG/n - xh[j]*sumGX/n))
		}
	}
	return dx
}

// BatchNorm1d normalises each of its Features columns over the batch in
// training and with running statistics in evaluation, as
// torch.nn.BatchNorm1d(features) on (batch, features) inputs:
//
//	training:   y = (x − μ_B) / √(σ²_B + ε) ⊙ weight + bias,
//	            running_mean ← (1 − m) running_mean + m μ_B,
//	            running_var ← (1 − m) running_var + m σ²_B · n/(n − 1)
//	evaluation: y = (x − running_mean) / √(running_var + ε) ⊙ weight + bias
//
// with the batch's biased variance σ²_B normalising and its unbiased one
// entering running_var, m = Momentum (0.1) and ε = Eps (1e-5). Parameters
// "weight" (ones) and "bias" (zeros); buffers "running_mean" (zeros),
// "running_var" (ones) and "num_batches_tracked", the training batches seen.
// A training batch of a single row, which has no variance, is normalised
// with the running statistics (PyTorch refuses it).
type BatchNorm1d[T Float] struct {
	Features      int
	Eps, Momentum float64
	Weight, Bias  Param[T]
	RunningMean   Param[T]
	RunningVar    Param[T]
	// NumBatchesTracked counts training batches, as a one-value buffer
	// (PyTorch keeps it as an int64).
	NumBatchesTracked Param[T]

	training   bool
	xhat, rstd []float64 // (batch, features) and per feature, for Backward
	y, dx      Matrix[T]
}

// NewBatchNorm1d returns a BatchNorm1d over features columns with
// PyTorch's initial parameters and buffers.
func NewBatchNorm1d[T Float](features int) *BatchNorm1d[T] {
	if features <= 0 {
		panic(fmt.Sprintf("nn: BatchNorm1d of %d features", features))
	}
	b := &BatchNorm1d[T]{Features: features, Eps: 1e-5, Momentum: 0.1,
		Weight: NewParam[T]("weight", features), Bias: NewParam[T]("bias", features),
		RunningMean: NewParam[T]("running_mean", features), RunningVar: NewParam[T]("running_var", features),
		NumBatchesTracked: NewParam[T]("num_batches_tracked")}
	for j := 0; j < features; j++ {
		b.Weight.Value[j], b.RunningVar.Value[j] = 1, 1
	}
	return b
}

// Params returns weight and bias.
func (b *BatchNorm1d[T]) Params() []Param[T] { return []Param[T]{b.Weight, b.Bias} }

// Buffers returns running_mean, running_var and num_batches_tracked.
func (b *BatchNorm1d[T]) Buffers() []Param[T] {
	return []Param[T]{b.RunningMean, b.RunningVar, b.NumBatchesTracked}
}

// String describes the layer as PyTorch prints it.
func (b *BatchNorm1d[T]) String() string {
	return fmt.Sprintf("BatchNorm1d(%d, eps=%g, momentum=%g, affine=True, track_running_stats=True)", b.Features, b.Eps, b.Momentum)
}

// Forward normalises the columns of x with the batch's statistics and
// updates the running ones (train), or with the running statistics.
func (b *BatchNorm1d[T]) Forward(x *Matrix[T], train bool) *Matrix[T] {
	mustMatrix("BatchNorm1d.Forward", x)
	F, n := b.Features, x.Rows
	if x.Cols != F {
		panic(fmt.Sprintf("nn: %v.Forward: input is %s, want %d columns", b, x.Shape(), F))
	}
	// A training batch of one row has no variance (PyTorch raises an
	// error): it is normalised with the running statistics instead, which
	// it leaves as they are — a last short batch of an epoch must not end
	// the training.
	train = train && n >= 2
	b.training = train
	y := b.y.resize(n, F)
	b.xhat = growFloats(b.xhat, n*F)
	b.rstd = growFloats(b.rstd, F)
	col := make([]float64, n)
	for j := 0; j < F; j++ {
		var rstd, mean float64
		if train {
			for i := 0; i < n; i++ {
				col[i] = float64(x.Data[i*F+j])
			}
			var variance float64
			mean, variance = meanVar(col)
			rstd = 1 / math.Sqrt(variance+b.Eps)
			m := b.Momentum
			b.RunningMean.Value[j] = T((1-m)*float64(b.RunningMean.Value[j]) + m*mean)
			b.RunningVar.Value[j] = T((1-m)*float64(b.RunningVar.Value[j]) + m*variance*float64(n)/float64(n-1))
		} else {
			mean = float64(b.RunningMean.Value[j])
			rstd = 1 / math.Sqrt(float64(b.RunningVar.Value[j])+b.Eps)
		}
		b.rstd[j] = rstd
		w, bias := float64(b.Weight.Value[j]), float64(b.Bias.Value[j])
		for i := 0; i < n; i++ {
			xh := (float64(x.Data[i*F+j]) - mean) * rstd
			b.xhat[i*F+j] = xh
			y.Data[i*F+j] = T(xh*w + bias)
		}
	}
	if train {
		b.NumBatchesTracked.Value[0]++
	}
	return y
}

// Backward adds the weight and bias gradients and returns, per column,
//
//	training:   dx = rstd · (g − mean_B(g) − x̂ · mean_B(g ⊙ x̂)),  g = dy ⊙ weight
//	evaluation: dx = rstd · g
func (b *BatchNorm1d[T]) Backward(dy *Matrix[T]) *Matrix[T] {
	mustSameShape("BatchNorm1d.Backward", dy, &b.y)
	F, n := b.Features, dy.Rows
	dx := b.dx.resize(n, F)
	for j := 0; j < F; j++ {
		w := float64(b.Weight.Value[j])
		var sumG, sumGX, dw, db float64
		for i := 0; i < n; i++ {
			d, xh := float64(dy.Data[i*F+j]), b.xhat[i*F+j]
			sumG += d * w
			sumGX += d * w * xh
			dw += d * xh
			db += d
		}
		b.Weight.Grad[j] += T(dw)
		b.Bias.Grad[j] += T(db)
		for i := 0; i < n; i++ {
			g := float64(dy.Data[i*F+j]) * w
			if b.training {
				g -= sumG/float64(n) + b.xhat[i*F+j]*sumGX/float64(n)
			}
			dx.Data[i*F+j] = T(b.rstd[j] * g)
		}
	}
	return dx
}

// growFloats returns s with length n, reusing its storage when it can.
func growFloats(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
