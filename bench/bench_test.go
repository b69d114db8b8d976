package bench

import (
	"context"
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/blas"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/internal/mnistdir"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

func random[T nn.Float](n int, seed uint64) []T {
	s := make([]T, n)
	nn.Uniform(nn.NewRand(seed), s, 1)
	return s
}

func gflops(b *testing.B, flops float64) {
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func benchGemm[T nn.Float](b *testing.B, m, n, k int) {
	x, y, z := random[T](m*k, 1), random[T](k*n, 2), make([]T, m*n)
	b.ReportAllocs()
	for b.Loop() {
		blas.Gemm(blas.NoTrans, blas.Trans, m, n, k, 1, x, k, y, k, 0, z, n)
	}
	gflops(b, 2*float64(m*n*k))
}

// BenchmarkGemm: the LSTM's gate GEMMs (batch 64, 4·128 gates, inner 28 or
// 28+128) and a large square product.
func BenchmarkGemm(b *testing.B) {
	for _, d := range [][3]int{{64, 512, 156}, {64, 512, 28}, {64, 512, 128}, {1024, 1024, 1024}} {
		name := fmt.Sprintf("%dx%dx%d", d[0], d[2], d[1])
		b.Run("S/"+name, func(b *testing.B) { benchGemm[float32](b, d[0], d[1], d[2]) })
		b.Run("D/"+name, func(b *testing.B) { benchGemm[float64](b, d[0], d[1], d[2]) })
	}
}

// BenchmarkDense: forward and backward of the autoencoder's first layer.
func BenchmarkDense(b *testing.B) {
	for _, batch := range []int{64, 128} {
		b.Run(fmt.Sprintf("float32/batch%d/784to256", batch), func(b *testing.B) {
			d := nn.NewDense[float32](784, 256, nn.NewRand(1))
			x := nn.MatrixFrom(batch, 784, random[float32](batch*784, 2))
			dy := nn.MatrixFrom(batch, 256, random[float32](batch*256, 3))
			b.ReportAllocs()
			for b.Loop() {
				d.Forward(x, true)
				d.Backward(dy)
			}
			gflops(b, 6*float64(batch*784*256))
		})
	}
}

// BenchmarkRecurrent: forward and forward+backward at the lecture's shape,
// hidden 128 and 512 for the RNN, LSTM and GRU, hidden 128 with 4 heads for
// xLSTM's sLSTM and mLSTM.
func BenchmarkRecurrent(b *testing.B) {
	const batch, steps, in = 64, 28, 28
	for _, cell := range []seq.CellType{seq.LSTM, seq.GRU, seq.RNNTanh, seq.SLSTMCell, seq.MLSTMCell} {
		sizes := []int{128, 512}
		if cell == seq.SLSTMCell || cell == seq.MLSTMCell {
			sizes = sizes[:1]
		}
		for _, hidden := range sizes {
			for _, backward := range []bool{false, true} {
				pass := "forward"
				if backward {
					pass = "train"
				}
				b.Run(fmt.Sprintf("%v/hidden%d/%s", cell, hidden, pass), func(b *testing.B) {
					r := seq.NewRecurrent[float32](cell, seq.Config{InputSize: in, HiddenSize: hidden, Heads: 4}, nn.NewRand(1))
					x := nn.MatrixFrom(batch, steps*in, random[float32](batch*steps*in, 2))
					dy := nn.MatrixFrom(batch, steps*hidden, random[float32](batch*steps*hidden, 3))
					b.ReportAllocs()
					for b.Loop() {
						r.Forward(x, backward)
						if backward {
							r.Backward(dy)
						}
					}
					b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "images/s")
				})
			}
		}
	}
}

func mnist(b *testing.B) (train, test *dataset.Images) {
	dir, err := mnistdir.Find()
	if err != nil {
		b.Fatal(err)
	}
	train, test, err = dataset.LoadMNIST(dir)
	if err != nil {
		b.Fatal(err)
	}
	return train, test
}

// BenchmarkLSTMTrainStep is one training step of the lecture's classifier
// (LSTM(128), Dense(10), cross-entropy, Adam, batch 64): forward, loss,
// backward and update. An epoch of 60000 images is 938 steps.
func BenchmarkLSTMTrainStep(b *testing.B) {
	train, _ := mnist(b)
	const batch = 64
	x := nn.MatrixFrom(batch, 784, dataset.Floats[float32](train.Pixels[:batch*784], dataset.Standardize))
	labels := train.Labels[:batch]
	model := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 128}, 10, nn.NewRand(1))
	opt := nn.NewAdam(model.Params(), nn.AdamConfig{})
	grad := nn.NewMatrix[float32](batch, 10)
	loss := nn.CrossEntropy[float32]{}
	b.ReportAllocs()
	for b.Loop() {
		logits := model.Forward(x, true)
		loss.Evaluate(logits, nn.Target[float32]{Labels: labels}, grad)
		nn.ZeroGrad(model.Params())
		model.Backward(grad)
		opt.Step()
	}
	b.ReportMetric(938*b.Elapsed().Seconds()/float64(b.N), "s/epoch")
}

// BenchmarkLSTMInference classifies the 10000 test images in batches of 1000.
func BenchmarkLSTMInference(b *testing.B) {
	_, test := mnist(b)
	x := nn.MatrixFrom(test.Len(), 784, dataset.Floats[float32](test.Pixels, dataset.Standardize))
	model := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 128}, 10, nn.NewRand(1))
	b.ReportAllocs()
	for b.Loop() {
		nn.Predict[float32](model, x, 1000)
	}
	b.ReportMetric(float64(test.Len()*b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkAutoencoderEpoch trains the lecture's autoencoder (784-256-64-256-784,
// ReLU, sigmoid, BCE, Adam, batch 128) for one epoch over 10000 MNIST images.
func BenchmarkAutoencoderEpoch(b *testing.B) {
	train, _ := mnist(b)
	x := nn.MatrixFrom(10000, 784, dataset.Floats[float32](train.Pixels[:10000*784], dataset.Unit))
	a, err := ae.New[float32](ae.Config{Layers: []int{784, 256, 64}, Hidden: ae.ReLU, Code: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1))
	if err != nil {
		b.Fatal(err)
	}
	benchEpochs(b, a, a.TrainingLoss(), x, 128)
	b.ReportMetric(6*b.Elapsed().Seconds()/float64(b.N), "s/60k-epoch")
}

// BenchmarkVAEEpoch trains PyTorch's VAE example, 784-400-20, for one epoch
// of 10000 MNIST images, batch 128 (reported per 60000 images).
func BenchmarkVAEEpoch(b *testing.B) {
	train, _ := mnist(b)
	x := nn.MatrixFrom(10000, 784, dataset.Floats[float32](train.Pixels[:10000*784], dataset.Unit))
	v, err := ae.NewVAE[float32](ae.VAEConfig{Layers: []int{784, 400, 20}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1), 1)
	if err != nil {
		b.Fatal(err)
	}
	benchEpochs(b, v, v.TrainingLoss(), x, 128)
	b.ReportMetric(6*b.Elapsed().Seconds()/float64(b.N), "s/60k-epoch")
}

// BenchmarkSequenceAEEpoch trains the LSTM autoencoder of "physml anomaly
// --example signals" (LSTM(32), code 16) for one epoch of 2000 signals of
// 50 steps, batch 32.
func BenchmarkSequenceAEEpoch(b *testing.B) {
	s, err := dataset.Signals(2000, 50, 1)
	if err != nil {
		b.Fatal(err)
	}
	x := nn.MatrixFrom(2000, 50, dataset.Transform[float32](dataset.Scaler{Kind: dataset.NoScaling, Offset: []float64{0}, Scale: []float64{1}}, s.X))
	a, err := ae.NewSequenceAE[float32](ae.SequenceConfig{Cell: seq.LSTM, Features: 1, Hidden: 32, Code: 16}, nn.NewRand(1))
	if err != nil {
		b.Fatal(err)
	}
	benchEpochs(b, a, a.TrainingLoss(), x, 32)
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
}

// benchEpochs trains model as an autoencoder of x (targets = inputs) for
// one epoch per iteration, Adam with PyTorch's defaults.
func benchEpochs(b *testing.B, model nn.Layer[float32], loss nn.Loss[float32], x *nn.Matrix[float32], batch int) {
	opt := nn.NewAdam(model.Params(), nn.AdamConfig{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := nn.Fit(context.Background(), model, loss, opt,
			nn.Dataset[float32]{X: x, Y: x}, nn.FitConfig[float32]{Epochs: 1, BatchSize: batch}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPCA fits 50 components to MNIST's 60000×784 training images
// (pixels/255) with each solver; BenchmarkPCA/covariance-only is the
// covariance matrix alone.
func BenchmarkPCA(b *testing.B) {
	train, _ := mnist(b)
	X := mat.NewDense(train.Len(), 784, dataset.Floats[float64](train.Pixels, dataset.Unit))
	for _, solver := range []decomposition.Solver{decomposition.CovarianceEigen, decomposition.FullSVD, decomposition.RandomizedSVD} {
		b.Run(solver.String(), func(b *testing.B) {
			var ratio float64
			for b.Loop() {
				pca := decomposition.PCA{NComponents: 50, Solver: solver}
				if err := pca.Fit(X); err != nil {
					b.Fatal(err)
				}
				ratio = 0
				for _, r := range pca.ExplainedVarianceRatio {
					ratio += r
				}
			}
			b.ReportMetric(ratio*1e6, "ppm-ratio50") // the ratio in millionths: the benchmark output keeps 6 digits
		})
	}
	b.Run("covariance-only", func(b *testing.B) {
		for b.Loop() {
			if _, err := decomposition.Covariance(X, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
}
