package nn

import (
	"context"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/mnistdir"
)

// mnistSlice returns the first n training and m test images of MNIST,
// scaled to [0, 1].
func mnistSlice[T Float](t testing.TB, n, m int) (train, test Dataset[T]) {
	t.Helper()
	dir, err := mnistdir.Find()
	if err != nil {
		t.Fatal(err)
	}
	tr, te, err := dataset.LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	conv := func(im *dataset.Images) Dataset[T] {
		return Dataset[T]{X: MatrixFrom(im.Len(), dataset.MNISTPixels, dataset.Floats[T](im.Pixels, dataset.Unit)), Labels: im.Labels}
	}
	return conv(tr.Slice(0, n)), conv(te.Slice(0, m))
}

func trainMLP(t *testing.T, train Dataset[float32], seed uint64) (*Sequential[float32], History) {
	rng := NewRand(seed)
	model := NewSequential[float32](NewDense[float32](784, 256, rng), ReLU[float32](), NewDense[float32](256, 10, rng))
	opt := NewAdam(model.Params(), AdamConfig{LR: 1e-3})
	hist, err := Fit(context.Background(), model, CrossEntropy[float32]{}, opt, train,
		FitConfig[float32]{Epochs: 5, BatchSize: 64, Seed: seed, ValidationSplit: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	return model, hist
}

func TestMLPLearnsMNISTSlice(t *testing.T) {
	if testing.Short() {
		t.Skip("training run; skipped with -short")
	}
	train, test := mnistSlice[float32](t, 5000, 2000)
	model, hist := trainMLP(t, train, 1)
	for _, e := range hist.Epochs {
		t.Logf("epoch %d: train loss %.4f acc %.4f, validation loss %.4f acc %.4f", e.Epoch, e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy)
	}
	_, acc := Evaluate[float32](model, CrossEntropy[float32]{}, test, 500)
	t.Logf("784-256-10 MLP, 4500 training images, 5 epochs: test accuracy %.4f on 2000 test images", acc)
	if !(acc >= 0.85) { // measured 0.887
		t.Errorf("test accuracy %.4f, want at least 0.85", acc)
	}
	if !(hist.Epochs[4].TrainLoss < hist.Epochs[0].TrainLoss) {
		t.Errorf("training loss did not fall: %v → %v", hist.Epochs[0].TrainLoss, hist.Epochs[4].TrainLoss)
	}
}

func TestFitIsDeterministicForASeed(t *testing.T) {
	if testing.Short() {
		t.Skip("training run; skipped with -short")
	}
	if blasBackendIsThreaded() {
		t.Skip("OpenBLAS may split sums differently between runs; determinism is promised for the pure-Go build")
	}
	train, _ := mnistSlice[float32](t, 600, 1)
	_, h1 := trainMLP(t, train, 5)
	_, h2 := trainMLP(t, train, 5)
	for i := range h1.Epochs {
		if h1.Epochs[i].TrainLoss != h2.Epochs[i].TrainLoss || h1.Epochs[i].ValidationLoss != h2.Epochs[i].ValidationLoss {
			t.Fatalf("epoch %d differs between two runs with one seed: %v vs %v", i+1, h1.Epochs[i], h2.Epochs[i])
		}
	}
}
