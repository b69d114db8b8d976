package ae

import (
	"context"
	"testing"

	"github.com/physml/physml/nn"
)

// BenchmarkLectureAutoencoderEpoch trains the lecture network
// 784-256-64-256-784 (ReLU, sigmoid, BCE, Adam, batch 128) for one epoch over
// 10000 MNIST-sized random images.
func BenchmarkLectureAutoencoderEpoch(b *testing.B) {
	x := nn.NewMatrix[float32](10000, 784)
	rng := nn.NewRand(1)
	for i := range x.Data {
		x.Data[i] = float32(rng.Float64())
	}
	a, err := New[float32](Config{Layers: []int{784, 256, 64}, Hidden: ReLU, Code: ReLU, Output: Sigmoid, Loss: BCELoss}, nn.NewRand(1))
	if err != nil {
		b.Fatal(err)
	}
	opt := nn.NewAdam(a.Params(), nn.AdamConfig{})
	cfg := nn.FitConfig[float32]{Epochs: 1, BatchSize: 128}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := nn.Fit(context.Background(), a, a.TrainingLoss(), opt, nn.Dataset[float32]{X: x, Y: x}, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
