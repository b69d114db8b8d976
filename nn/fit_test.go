package nn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/numcheck"
)

func blasBackendIsThreaded() bool { return blas.Backend() == "openblas" }

// regressionData is y = 2x₀ − x₁ + 0.5 with n samples.
func regressionData(n int) Dataset[float64] {
	rng := NewRand(9)
	x, y := NewMatrix[float64](n, 2), NewMatrix[float64](n, 1)
	for i := 0; i < n; i++ {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x.Set(i, 0, a)
		x.Set(i, 1, b)
		y.Set(i, 0, 2*a-b+0.5)
	}
	return Dataset[float64]{X: x, Y: y}
}

func TestFitStopsOnNaNNamingEpochAndBatch(t *testing.T) {
	data := regressionData(100)
	model := NewSequential[float64](NewDense[float64](2, 1, NewRand(1)))
	opt := NewSGD(model.Params(), SGDConfig{LR: 1e6}) // diverges
	steps := 0
	var last []float64
	_, err := Fit(context.Background(), model, MSE[float64]{}, opt, data, FitConfig[float64]{Epochs: 50, BatchSize: 10,
		OnBatch: func(BatchProgress) { steps++; last = append(last[:0], model.Params()[0].Value...) }})
	// The failing batch is the one after the last step taken: 10 per epoch.
	want := fmt.Sprintf("at epoch %d, batch %d", steps/10+1, steps%10+1)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one naming the failing step: %q", err, want)
	}
	if steps == 0 {
		t.Fatal("the loss was not finite at the first step: the test shows nothing")
	}
	// The bad step was not applied: the weights are those of the last good one.
	numcheck.Close(t, "weights after the NaN", model.Params()[0].Value, last, 0)
	t.Log(err)
}

func TestFitLinearRegression(t *testing.T) {
	data := regressionData(400)
	model := NewSequential[float64](NewDense[float64](2, 1, NewRand(1)))
	opt := NewSGD(model.Params(), SGDConfig{LR: 0.1, Momentum: 0.9})
	var epochs int
	hist, err := Fit(context.Background(), model, MSE[float64]{}, opt, data, FitConfig[float64]{
		Epochs: 60, BatchSize: 16, Schedule: StepDecay{StepSize: 20, Gamma: 0.5},
		OnEpoch: func(EpochStats) { epochs++ }})
	if err != nil {
		t.Fatal(err)
	}
	w := model.Params()[0].Value
	b := model.Params()[1].Value
	// Noise-free data: SGD reaches the exact solution (measured 4e-16).
	numcheck.Close(t, "fitted weights and bias", append(append([]float64(nil), w...), b...), []float64{2, -1, 0.5}, 1e-13)
	if epochs != len(hist.Epochs) || epochs != 60 {
		t.Errorf("OnEpoch called %d times for %d epochs, want 60", epochs, len(hist.Epochs))
	}
}

// TestEarlyStoppingRestoresTheBestEpoch trains towards one line while the
// validation data follows another, so that the validation loss falls, then
// rises: training must stop exactly Patience epochs after the best one and
// restore the weights of that epoch, which differ from the last epoch's.
func TestEarlyStoppingRestoresTheBestEpoch(t *testing.T) {
	train := regressionData(400) // y = 2x₀ − x₁ + 0.5
	val := regressionData(100)
	for i := 0; i < val.Len(); i++ {
		val.Y.Set(i, 0, val.X.At(i, 0)) // y = x₀: closest to the path 40 % of the way
	}
	model := NewSequential[float64](NewDense[float64](2, 1, NewRand(1)))
	opt := NewSGD(model.Params(), SGDConfig{LR: 0.005})
	var weights [][]float64
	const patience = 3
	hist, err := Fit(context.Background(), model, MSE[float64]{}, opt, train, FitConfig[float64]{
		Epochs: 100, BatchSize: 20, Validation: &val, Patience: patience, NoShuffle: true,
		OnEpoch: func(EpochStats) {
			weights = append(weights, append(append([]float64(nil), model.Params()[0].Value...), model.Params()[1].Value...))
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !hist.Stopped || len(hist.Epochs) != hist.BestEpoch+patience {
		t.Fatalf("stopped %v after %d epochs with the best at %d, want %d epochs", hist.Stopped, len(hist.Epochs), hist.BestEpoch, hist.BestEpoch+patience)
	}
	best := hist.Epochs[hist.BestEpoch-1].ValidationLoss
	for _, e := range hist.Epochs {
		if !(e.ValidationLoss >= best) { // NaN too
			t.Errorf("epoch %d has validation loss %g below the best epoch's %g", e.Epoch, e.ValidationLoss, best)
		}
	}
	if hist.BestEpoch < 2 {
		t.Errorf("best epoch %d: the validation loss never fell", hist.BestEpoch)
	}
	last := weights[len(weights)-1]
	want := weights[hist.BestEpoch-1]
	if numcheck.MaxAbsDiff(last, want) < 1e-3 {
		t.Fatalf("the last epoch's weights %v are the best epoch's %v: the test shows nothing", last, want)
	}
	got := append(append([]float64(nil), model.Params()[0].Value...), model.Params()[1].Value...)
	numcheck.Close(t, "restored weights", got, want, 0)
	t.Logf("best epoch %d of %d (validation loss %.4g, last %.4g)", hist.BestEpoch, len(hist.Epochs), best, hist.Epochs[len(hist.Epochs)-1].ValidationLoss)
}

// TestEarlyStoppingRestoresBatchNormStatistics: the restored state is the
// best epoch's whole state dict, BatchNorm's running statistics with the
// weights (they once kept the last epoch's, and the restored model scored
// worse than the best epoch it claimed).
func TestEarlyStoppingRestoresBatchNormStatistics(t *testing.T) {
	train := regressionData(400)
	val := regressionData(100)
	for i := 0; i < val.Len(); i++ {
		val.Y.Set(i, 0, val.X.At(i, 0))
	}
	model := NewSequential[float64](NewBatchNorm1d[float64](2), NewDense[float64](2, 1, NewRand(1)))
	opt := NewSGD(model.Params(), SGDConfig{LR: 0.005})
	var states [][]float64
	hist, err := Fit(context.Background(), model, MSE[float64]{}, opt, train, FitConfig[float64]{
		Epochs: 100, BatchSize: 20, Validation: &val, Patience: 3,
		OnEpoch: func(EpochStats) {
			var s []float64
			for _, p := range StateDict[float64](model) {
				s = append(s, p.Value...)
			}
			states = append(states, s)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !hist.Stopped || hist.BestEpoch == len(hist.Epochs) {
		t.Fatalf("stopped %v, best epoch %d of %d: the test shows nothing", hist.Stopped, hist.BestEpoch, len(hist.Epochs))
	}
	var got []float64
	for _, p := range StateDict[float64](model) {
		got = append(got, p.Value...)
	}
	want := states[hist.BestEpoch-1]
	if numcheck.MaxAbsDiff(states[len(states)-1], want) == 0 {
		t.Fatal("the last epoch's state is the best epoch's: the test shows nothing")
	}
	numcheck.Close(t, "restored state (weights and running statistics)", got, want, 0)
	if l, _ := Evaluate(model, MSE[float64]{}, val, 0); l != hist.Epochs[hist.BestEpoch-1].ValidationLoss {
		t.Errorf("the restored model's validation loss %g, the best epoch's %g", l, hist.Epochs[hist.BestEpoch-1].ValidationLoss)
	}
}

// TestFitStopsWhenTheValidationLossIsNotFinite: a learning rate that sends
// the weights to Inf/NaN in the last batch of an epoch ends training with
// an error naming the epoch, not a NaN history.
func TestFitStopsWhenTheValidationLossIsNotFinite(t *testing.T) {
	train := regressionData(40)
	val := regressionData(10)
	model := NewSequential[float64](NewDense[float64](2, 1, NewRand(1)))
	opt := NewSGD(model.Params(), SGDConfig{LR: 1e300})
	hist, err := Fit(context.Background(), model, MSE[float64]{}, opt, train, FitConfig[float64]{Epochs: 5, BatchSize: 40, Validation: &val})
	if err == nil || !strings.Contains(err.Error(), "validation loss is") || !strings.Contains(err.Error(), "epoch 1") {
		t.Errorf("error %v after %d epochs", err, len(hist.Epochs))
	}
}

// recorder passes batches to a layer and records the first column of each
// row it sees, by mode.
type recorder struct {
	Layer[float64]
	trained, evaluated map[float64]bool
}

func (r *recorder) Forward(x *Matrix[float64], train bool) *Matrix[float64] {
	for i := 0; i < x.Rows; i++ {
		if train {
			r.trained[x.At(i, 0)] = true
		} else {
			r.evaluated[x.At(i, 0)] = true
		}
	}
	return r.Layer.Forward(x, train)
}

// TestValidationRowsAreKeptOutOfTraining marks each sample by its first
// column and checks that a validation split trains on exactly the other
// samples and validates on exactly its own.
func TestValidationRowsAreKeptOutOfTraining(t *testing.T) {
	data := regressionData(200)
	for i := 0; i < data.Len(); i++ {
		data.X.Set(i, 0, float64(i)) // the sample's id
	}
	r := &recorder{Layer: NewDense[float64](2, 1, NewRand(1)), trained: map[float64]bool{}, evaluated: map[float64]bool{}}
	_, err := Fit(context.Background(), r, MSE[float64]{}, NewSGD(r.Params(), SGDConfig{LR: 1e-6}), data,
		FitConfig[float64]{Epochs: 2, BatchSize: 16, ValidationSplit: 0.25, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.trained) != 150 || len(r.evaluated) != 50 {
		t.Fatalf("trained on %d samples and validated on %d, want 150 and 50", len(r.trained), len(r.evaluated))
	}
	for id := range r.evaluated {
		if r.trained[id] {
			t.Errorf("sample %v was both trained on and validated on", id)
		}
	}
}

func TestFitHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	data := regressionData(100)
	model := NewSequential[float64](NewDense[float64](2, 1, NewRand(1)))
	opt := NewSGD(model.Params(), SGDConfig{LR: 0.01})
	_, err := Fit(ctx, model, MSE[float64]{}, opt, data, FitConfig[float64]{Epochs: 10, BatchSize: 10,
		OnBatch: func(p BatchProgress) {
			if p.Batch == 3 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func TestSchedules(t *testing.T) {
	cases := []struct {
		s     Schedule
		epoch int
		want  float64
	}{
		{StepDecay{StepSize: 3, Gamma: 0.1}, 2, 1}, {StepDecay{StepSize: 3, Gamma: 0.1}, 3, 0.1},
		{ExponentialDecay{Gamma: 0.5}, 3, 0.125},
		{CosineAnnealing{TMax: 10, Min: 0}, 5, 0.5}, {CosineAnnealing{TMax: 10, Min: 0.1}, 10, 0.1},
	}
	for _, c := range cases {
		numcheck.Scalar(t, fmt.Sprintf("%#v at epoch %d", c.s, c.epoch), c.s.LR(c.epoch, 1), c.want, 1e-15)
	}
}

func TestClipGradNorm(t *testing.T) {
	p := []Param[float64]{{Grad: []float64{3, 0, -1}}, {Grad: []float64{4, 1}}, {Grad: []float64{-2}}}
	norm := math.Sqrt(9 + 1 + 16 + 1 + 4)
	if n := ClipGradNorm(p, 1); n != norm {
		t.Errorf("norm %g, want %g", n, norm)
	}
	coef := 1 / (norm + 1e-6) // as torch.nn.utils.clip_grad_norm_
	numcheck.Close(t, "clipped gradient 0", p[0].Grad, []float64{3 * coef, 0, -coef}, 1e-16)
	numcheck.Close(t, "clipped gradient 1", p[1].Grad, []float64{4 * coef, coef}, 1e-16)
	numcheck.Close(t, "clipped gradient 2", p[2].Grad, []float64{-2 * coef}, 1e-16)
	// Below the bound nothing changes.
	q := []Param[float64]{{Grad: []float64{0.3, -0.4}}}
	ClipGradNorm(q, 1)
	numcheck.Close(t, "unclipped gradient", q[0].Grad, []float64{0.3, -0.4}, 0)
}

func TestAccuracyAndConfusionMatrix(t *testing.T) {
	scores := MatrixFrom(3, 2, []float64{0.1, 0.9, 0.8, 0.2, 0.3, 0.7})
	numcheck.Scalar(t, "accuracy", Accuracy(scores, []int{1, 1, 1}), 2.0/3, 1e-15)
	// Rows are true classes, columns predictions; the case is asymmetric,
	// so a transposed matrix fails.
	cm := ConfusionMatrix([]int{0, 0, 2, 1, 2, 0}, []int{0, 1, 2, 2, 2, 9}, 3)
	want := [][]int{{1, 0, 0}, {1, 0, 0}, {0, 1, 2}}
	if fmt.Sprint(cm) != fmt.Sprint(want) {
		t.Errorf("confusion matrix %v, want %v", cm, want)
	}
}

// TestHoldOutSplitsEveryItemOnce: the two parts partition 0 … n−1, the
// test part has round(fraction·n) items, and empty parts are refused.
func TestHoldOutSplitsEveryItemOnce(t *testing.T) {
	train, test, err := HoldOut(10, 0.25, 3)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, i := range append(append([]int(nil), train...), test...) {
		if i < 0 || i >= 10 || seen[i] {
			t.Fatalf("item %d twice or out of range: %v %v", i, train, test)
		}
		seen[i] = true
	}
	if len(test) != 3 || len(seen) != 10 { // round(2.5) = 3
		t.Errorf("%d test items of %d", len(test), len(seen))
	}
	for _, c := range []struct {
		n int
		f float64
	}{{10, 0.01}, {10, 0.99}, {1, 0.5}, {10, 0}, {10, math.NaN()}} {
		if _, _, err := HoldOut(c.n, c.f, 1); err == nil {
			t.Errorf("HoldOut(%d, %g) accepted", c.n, c.f)
		}
	}
}

// TestCancelledFitKeepsTheCompleteEpochs (issue 31 L4): a run cancelled in
// the middle of its third epoch leaves the model equal, to the bit, to a
// run of two epochs (it once kept part of the third).
func TestCancelledFitKeepsTheCompleteEpochs(t *testing.T) {
	train := regressionData(200)
	run := func(epochs int, cancelAt int) []float64 {
		model := NewSequential[float64](NewDense[float64](2, 3, NewRand(1)), NewBatchNorm1d[float64](3), NewDense[float64](3, 1, NewRand(2)))
		opt := NewAdam(model.Params(), AdamConfig{LR: 0.01})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, err := Fit(ctx, model, MSE[float64]{}, opt, train, FitConfig[float64]{Epochs: epochs, BatchSize: 20, Seed: 3,
			OnBatch: func(b BatchProgress) {
				if b.Epoch == cancelAt && b.Batch == 4 {
					cancel()
				}
			}})
		if cancelAt > 0 && (err == nil || !strings.Contains(err.Error(), "epoch 3, batch 5")) {
			t.Errorf("cancelled run: %v", err)
		}
		var state []float64
		for _, p := range StateDict[float64](model) {
			state = append(state, p.Value...)
		}
		return state
	}
	two, cancelled := run(2, 0), run(5, 3)
	numcheck.Close(t, "state after a cancel in epoch 3 against two epochs", cancelled, two, 0)
	if numcheck.MaxAbsDiff(run(3, 0), two) == 0 {
		t.Fatal("a third epoch changes nothing: the test shows nothing")
	}
}

// TestFitRefusesSettingsAndLabelsThatCannotTrain holds one case per
// setting that used to panic inside Fit or silently do nothing.
func TestFitRefusesSettingsAndLabelsThatCannotTrain(t *testing.T) {
	classes := func(labels ...int) Dataset[float64] {
		x := NewMatrix[float64](len(labels), 2)
		return Dataset[float64]{X: x, Labels: labels}
	}
	cases := []struct {
		name string
		data Dataset[float64]
		cfg  FitConfig[float64]
		lr   float64
		want string
	}{
		{"label above the classes", classes(0, 1, 2, 3), FitConfig[float64]{Epochs: 1}, 0.1, "label 3 of sample 3 outside [0, 3)"},
		{"negative label", classes(0, -1), FitConfig[float64]{Epochs: 1}, 0.1, "label -1 of sample 1"},
		{"validation label above the classes", classes(0, 1, 2, 1), FitConfig[float64]{Epochs: 1, Validation: &Dataset[float64]{X: NewMatrix[float64](1, 2), Labels: []int{7}}}, 0.1, "validation label 7"},
		{"zero epochs", regressionData(10), FitConfig[float64]{}, 0.1, "0 epochs"},
		{"negative epochs", regressionData(10), FitConfig[float64]{Epochs: -2}, 0.1, "-2 epochs"},
		{"validation split 1", regressionData(10), FitConfig[float64]{Epochs: 1, ValidationSplit: 1}, 0.1, "validation split 1"},
		{"validation split NaN", regressionData(10), FitConfig[float64]{Epochs: 1, ValidationSplit: math.NaN()}, 0.1, "validation split NaN"},
		{"validation split leaving no training", regressionData(10), FitConfig[float64]{Epochs: 1, ValidationSplit: 0.97}, 0.1, "leaves 0 training"},
		{"learning rate NaN", regressionData(10), FitConfig[float64]{Epochs: 1}, math.NaN(), "learning rate NaN"},
		{"learning rate Inf", regressionData(10), FitConfig[float64]{Epochs: 1}, math.Inf(1), "learning rate +Inf"},
		{"clip NaN", regressionData(10), FitConfig[float64]{Epochs: 1, ClipNorm: math.NaN()}, 0.1, "clipping norm NaN"},
		{"clip negative", regressionData(10), FitConfig[float64]{Epochs: 1, ClipNorm: -1}, 0.1, "clipping norm -1"},
		{"patience negative", regressionData(10), FitConfig[float64]{Epochs: 1, Patience: -1}, 0.1, "patience -1"},
		{"batch negative", regressionData(10), FitConfig[float64]{Epochs: 1, BatchSize: -5}, 0.1, "batch size -5"},
	}
	for _, c := range cases {
		outputs := 1
		if c.data.Labels != nil {
			outputs = 3
		}
		model := NewSequential[float64](NewDense[float64](2, outputs, NewRand(1)))
		before := append([]float64(nil), model.Params()[0].Value...)
		var loss Loss[float64] = MSE[float64]{}
		if c.data.Labels != nil {
			loss = CrossEntropy[float64]{}
		}
		hist, err := Fit(context.Background(), model, loss, NewSGD(model.Params(), SGDConfig{LR: c.lr}), c.data, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
		if len(hist.Epochs) != 0 {
			t.Errorf("%s: trained %d epochs", c.name, len(hist.Epochs))
		}
		for i, v := range model.Params()[0].Value {
			if v != before[i] {
				t.Errorf("%s: weights changed", c.name)
				break
			}
		}
	}
}

func TestDefaultsForRows(t *testing.T) {
	for _, c := range []struct {
		n, batch int
		lr       float64
	}{{50, 16, 3e-3}, {400, 32, 3e-3}, {800, 64, 3e-3}, {9999, 64, 3e-3}, {60000, 64, 1e-3}} {
		epochs, patience, batch, lr := DefaultsForRows(c.n)
		if epochs != 300 || patience != 20 || batch != c.batch || lr != c.lr {
			t.Errorf("DefaultsForRows(%d) = %d, %d, %d, %g; want 300, 20, %d, %g", c.n, epochs, patience, batch, lr, c.batch, c.lr)
		}
	}
}
