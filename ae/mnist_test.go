package ae

import (
	"context"
	"math"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/mnistdir"
	"github.com/physml/physml/nn"
)

func mnistImages(t *testing.T) (train, test *dataset.Images) {
	t.Helper()
	dir, err := mnistdir.Find()
	if err != nil {
		t.Fatal(err)
	}
	train, test, err = dataset.LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

func pixels(im *dataset.Images) *nn.Matrix[float32] {
	return nn.MatrixFrom(im.Len(), dataset.MNISTPixels, dataset.Floats[float32](im.Pixels, dataset.Unit))
}

// TestLectureAutoencoderOnMNISTSlice trains 784-256-64-256-784 (ReLU,
// sigmoid output, BCE, Adam 1e-3, batch 128) on 10000 images.
func TestLectureAutoencoderOnMNISTSlice(t *testing.T) {
	if testing.Short() {
		t.Skip("training run; skipped with -short")
	}
	train, test := mnistImages(t)
	x, xt := pixels(train.Slice(0, 10000)), pixels(test.Slice(0, 2000))
	a, err := New[float32](Config{Layers: []int{784, 256, 64}, Hidden: ReLU, Code: ReLU, Output: Sigmoid, Loss: BCELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	opt := nn.NewAdam(a.Params(), nn.AdamConfig{LR: 1e-3})
	var mse []float64
	_, err = nn.Fit(context.Background(), a, a.TrainingLoss(), opt, nn.Dataset[float32]{X: x, Y: x},
		nn.FitConfig[float32]{Epochs: 5, BatchSize: 128, Seed: 1, OnEpoch: func(e nn.EpochStats) {
			mse = append(mse, a.ReconstructionMSE(xt))
			t.Logf("epoch %d: train BCE %.4f, test reconstruction MSE %.4f", e.Epoch, e.TrainLoss, mse[len(mse)-1])
		}})
	if err != nil {
		t.Fatal(err)
	}
	// Measured: 0.0604 after the first epoch, 0.0252 after the fifth.
	if last := mse[len(mse)-1]; !(last <= 0.027) || !(last < 0.5*mse[0]) {
		t.Errorf("test MSE after 5 epochs %.4f (first %.4f), want at most 0.027 and below half the first", last, mse[0])
	}
}

// TestLinearAutoencoderSpansPCASubspace trains the linear autoencoder with
// k = 16 on 10000 images and compares it with PCA.
func TestLinearAutoencoderSpansPCASubspace(t *testing.T) {
	if testing.Short() {
		t.Skip("training run; skipped with -short")
	}
	train, _ := mnistImages(t)
	x := pixels(train.Slice(0, 10000))
	a := NewLinear[float32](784, 16, 1)
	opt := nn.NewAdam(a.Params(), nn.AdamConfig{LR: 5e-3})
	res, err := CompareLinearWithPCA(context.Background(), a, x, opt, nn.FitConfig[float32]{Epochs: 60, BatchSize: 128, Seed: 1,
		Schedule: nn.CosineAnnealing{TMax: 60, Min: 1e-6}})
	if err != nil {
		t.Fatal(err)
	}
	largest := res.Angles[len(res.Angles)-1]
	t.Logf("linear AE k=16: largest principal angle %.4f rad, reconstruction MSE %.5f vs PCA %.5f (%.2f%% above)",
		largest, res.AutoencoderMSE, res.PCAMSE, 100*(res.AutoencoderMSE/res.PCAMSE-1))
	// Measured: 0.0098 rad and 0.00 % above PCA's error.
	if !(largest <= 0.02) {
		t.Errorf("largest principal angle %.4f rad, want at most 0.02", largest)
	}
	if !(res.AutoencoderMSE <= 1.001*res.PCAMSE) {
		t.Errorf("autoencoder MSE %.5f more than 0.1%% above PCA's %.5f", res.AutoencoderMSE, res.PCAMSE)
	}
}

// TestDetectorThresholdIsCalibratedOnHeldOutDigits trains on digits 0–8 and
// checks that the 95 % training-quantile threshold flags about 5 % of
// held-out normal digits. It reports, without asserting, how the 9s score:
// this dense autoencoder does not separate them (ROC AUC about 0.47).
func TestDetectorThresholdIsCalibratedOnHeldOutDigits(t *testing.T) {
	if testing.Short() {
		t.Skip("training run; skipped with -short")
	}
	a, x, test := trainWithoutDigit(t, 9, Config{Layers: []int{784, 128, 32}, Hidden: ReLU, Code: ReLU, Output: Sigmoid, Loss: BCELoss}, 1e-3)
	held := test.Slice(0, 3000)
	scores := a.ReconstructionErrors(pixels(held))
	labels := make([]bool, held.Len())
	for i, l := range held.Labels {
		labels[i] = l == 9
	}
	auc := ROCAUC(scores, labels)
	det := NewDetector(a.ReconstructionErrors(x), 0.95)
	flags := det.Predict(scores)
	var caught, nines int
	for i, f := range flags {
		if labels[i] {
			nines++
			if f {
				caught++
			}
		}
	}
	var normalFlagged, normals int
	for i, f := range flags {
		if !labels[i] {
			normals++
			if f {
				normalFlagged++
			}
		}
	}
	rate := float64(normalFlagged) / float64(normals)
	t.Logf("anomaly detection of 9s: ROC AUC %.3f; the threshold at the 95%% training quantile flags %d of %d nines and %.1f%% of held-out normal digits",
		auc, caught, nines, 100*rate)
	// The threshold is calibrated on normal data: on held-out normal digits
	// it must flag about the 5 % it was set for.
	if !(rate >= 0.03 && rate <= 0.08) { // measured 5.3 %
		t.Errorf("threshold flags %.1f%% of held-out normal digits, want about 5%%", 100*rate)
	}
	if math.IsNaN(auc) || auc <= 0 || auc >= 1 {
		t.Errorf("ROC AUC %v", auc)
	}
}

// TestDetectorFindsZerosAmongOtherDigits trains the dense autoencoder on
// digits 1–9 and scores held-out test digits: the zeros, whose shape the
// other digits do not share, score high (ROC AUC 0.9710 on the full data
// with physml anomaly; the README's table has every digit, the ones where
// this detector fails included).
func TestDetectorFindsZerosAmongOtherDigits(t *testing.T) {
	if testing.Short() {
		t.Skip("training run; skipped with -short")
	}
	a, _, test := trainWithoutDigit(t, 0, Config{Layers: []int{784, 128, 16}, Hidden: ReLU, Code: ReLU, Output: Sigmoid, Loss: MSELoss}, 3e-3)
	held := test.Slice(0, 3000)
	labels := make([]bool, held.Len())
	for i, l := range held.Labels {
		labels[i] = l == 0
	}
	auc := ROCAUC(a.ReconstructionErrors(pixels(held)), labels)
	t.Logf("zeros among other digits: ROC AUC %.4f", auc)
	if !(auc > 0.85) { // measured 0.8926 (pure Go) and 0.8922 (OpenBLAS) on these 10000 images and 5 epochs; chance is 0.5
		t.Errorf("ROC AUC %.4f for zeros, want above 0.85", auc)
	}
}

// trainWithoutDigit trains an autoencoder of cfg for 5 epochs (Adam at lr,
// batch 128, seed 2) on the first 10000 training images except those of
// digit, and returns it with its training inputs and the test images.
func trainWithoutDigit(t *testing.T, digit int, cfg Config, lr float64) (*Autoencoder[float32], *nn.Matrix[float32], *dataset.Images) {
	t.Helper()
	train, test := mnistImages(t)
	var normal []byte
	for i := 0; i < 10000; i++ {
		if train.Labels[i] != digit {
			normal = append(normal, train.Image(i)...)
		}
	}
	x := nn.MatrixFrom(len(normal)/784, 784, dataset.Floats[float32](normal, dataset.Unit))
	a, err := New[float32](cfg, nn.NewRand(2))
	if err != nil {
		t.Fatal(err)
	}
	opt := nn.NewAdam(a.Params(), nn.AdamConfig{LR: lr})
	if _, err := nn.Fit(context.Background(), a, a.TrainingLoss(), opt, nn.Dataset[float32]{X: x, Y: x},
		nn.FitConfig[float32]{Epochs: 5, BatchSize: 128, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	return a, x, test
}
