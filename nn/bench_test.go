package nn

import (
	"context"
	"fmt"
	"testing"
)

func benchDense[T Float](b *testing.B, batch, in, out int) {
	rng := NewRand(1)
	d := NewDense[T](in, out, rng)
	x := NewMatrix[T](batch, in)
	Uniform(rng, x.Data, 1)
	dy := NewMatrix[T](batch, out)
	Uniform(rng, dy.Data, 1)
	b.ReportAllocs()
	for b.Loop() {
		d.Forward(x, true)
		d.Backward(dy)
	}
	flops := 6 * float64(batch*in*out) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkDense runs a Dense forward and backward pass at the autoencoder's
// shapes.
func BenchmarkDense(b *testing.B) {
	for _, batch := range []int{64, 128} {
		for _, s := range [][2]int{{784, 256}, {256, 64}} {
			name := fmt.Sprintf("batch%d/%dto%d", batch, s[0], s[1])
			b.Run("float32/"+name, func(b *testing.B) { benchDense[float32](b, batch, s[0], s[1]) })
			b.Run("float64/"+name, func(b *testing.B) { benchDense[float64](b, batch, s[0], s[1]) })
		}
	}
}

func benchAdam[T Float](b *testing.B) {
	p := newParam[T]("w", 200000)
	Uniform(NewRand(1), p.Grad, 1)
	opt := NewAdam([]Param[T]{p}, AdamConfig{})
	b.ReportAllocs()
	for b.Loop() {
		opt.Step()
	}
}

// BenchmarkAdamStep is one Adam update of 200k parameters.
func BenchmarkAdamStep(b *testing.B) {
	b.Run("float32", benchAdam[float32])
	b.Run("float64", benchAdam[float64])
}

// BenchmarkFitEpoch trains a 784-256-10 MLP for one epoch over 6400 MNIST-
// sized random samples (100 batches of 64); allocs/op divided by 100 is the
// allocation per batch.
func BenchmarkFitEpoch(b *testing.B) {
	rng := NewRand(1)
	x := NewMatrix[float32](6400, 784)
	Uniform(rng, x.Data, 1)
	labels := make([]int, 6400)
	for i := range labels {
		labels[i] = i % 10
	}
	data := Dataset[float32]{X: x, Labels: labels}
	model := NewSequential[float32](NewDense[float32](784, 256, rng), ReLU[float32](), NewDense[float32](256, 10, rng))
	opt := NewAdam(model.Params(), AdamConfig{})
	cfg := FitConfig[float32]{Epochs: 1, BatchSize: 64}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(context.Background(), model, CrossEntropy[float32]{}, opt, data, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
