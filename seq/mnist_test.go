package seq

import (
	"context"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/mnistdir"
	"github.com/physml/physml/nn"
)

// TestLSTMReadsMNISTRowByRow trains the lecture's model — 28 steps of 28
// pixels, LSTM(128), Dense(10), Adam 1e-3, batch 64 — on a 5000-image slice.
func TestLSTMReadsMNISTRowByRow(t *testing.T) {
	if testing.Short() {
		t.Skip("training run; skipped with -short")
	}
	dir, err := mnistdir.Find()
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := dataset.LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	conv := func(im *dataset.Images) nn.Dataset[float32] {
		return nn.Dataset[float32]{X: nn.MatrixFrom(im.Len(), 784, dataset.Floats[float32](im.Pixels, dataset.Standardize)), Labels: im.Labels}
	}
	trainSet, testSet := conv(train.Slice(0, 5000)), conv(test.Slice(0, 2000))
	model := NewClassifier[float32](LSTM, Config{InputSize: 28, HiddenSize: 128}, 10, nn.NewRand(1))
	opt := nn.NewAdam(model.Params(), nn.AdamConfig{LR: 1e-3})
	hist, err := nn.Fit(context.Background(), model, nn.CrossEntropy[float32]{}, opt, trainSet, nn.FitConfig[float32]{Epochs: 3, BatchSize: 64, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range hist.Epochs {
		t.Logf("epoch %d: train loss %.4f, train accuracy %.4f (%v)", e.Epoch, e.TrainLoss, e.TrainAccuracy, e.Duration.Round(1e6))
	}
	_, acc := nn.Evaluate[float32](model, nn.CrossEntropy[float32]{}, testSet, 500)
	t.Logf("LSTM(128) row classifier, 5000 training images, 3 epochs: test accuracy %.4f on 2000 test images", acc)
	if !(acc >= 0.80) {
		t.Errorf("test accuracy %.4f, want at least 0.80", acc)
	}
}
