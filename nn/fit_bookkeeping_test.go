package nn

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

// lengthRecorder is a Dense layer that records the lengths Fit sets for
// each batch beside the ids (first column) of the rows of the batch.
type lengthRecorder struct {
	*Dense[float64]
	lengths []int
	seen    map[float64]int // row id → length set with it
}

func (r *lengthRecorder) SetLengths(l []int) { r.lengths = l }

func (r *lengthRecorder) Forward(x *Matrix[float64], train bool) *Matrix[float64] {
	for i := 0; i < x.Rows; i++ {
		if train && r.lengths != nil {
			r.seen[x.At(i, 0)] = r.lengths[i]
		}
	}
	return r.Dense.Forward(x, train)
}

// TestFitBookkeeping: with a learning rate of 0 the model never changes, so
// every figure Fit reports can be computed: the training loss is the mean
// over samples of batch means weighted by batch size (10 samples in batches
// of 4, 4 and 2), the accuracy counts every sample, OnBatch numbers the
// batches, Fit hands each batch its own lengths, and Evaluate weighs its
// batches alike.
func TestFitBookkeeping(t *testing.T) {
	const n = 10
	x := NewMatrix[float64](n, 2)
	labels, lengths := make([]int, n), make([]int, n)
	for i := 0; i < n; i++ {
		x.Set(i, 0, float64(i))
		x.Set(i, 1, math.Sin(float64(i)))
		labels[i], lengths[i] = i%2, 1+i%3
	}
	model := &lengthRecorder{Dense: NewDense[float64](2, 2, NewRand(3)), seen: map[float64]int{}}
	data := Dataset[float64]{X: x, Labels: labels, Lengths: lengths}
	var progress []BatchProgress
	hist, err := Fit(context.Background(), model, CrossEntropy[float64]{}, NewSGD(model.Params(), SGDConfig{LR: 0}), data,
		FitConfig[float64]{Epochs: 2, BatchSize: 4, Seed: 5, OnBatch: func(p BatchProgress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	wantLoss, wantAcc := Evaluate(model, CrossEntropy[float64]{}, data, 3) // other batches, same figures
	logits := Predict(model, x, 0)
	acc := Accuracy(logits, labels)
	numcheck.Scalar(t, "Evaluate's accuracy", wantAcc, acc, 0)
	for _, e := range hist.Epochs {
		numcheck.Scalar(t, "training loss", e.TrainLoss, wantLoss, 1e-15)
		numcheck.Scalar(t, "training accuracy", e.TrainAccuracy, acc, 0)
		if !math.IsNaN(e.ValidationLoss) || !math.IsNaN(e.ValidationAccuracy) {
			t.Errorf("epoch %d without validation data has validation figures %v, %v", e.Epoch, e.ValidationLoss, e.ValidationAccuracy)
		}
	}
	if hist.BestEpoch != 2 || hist.Stopped || hist.Epochs[1].Epoch != 2 {
		t.Errorf("history %+v", hist)
	}
	if len(progress) != 6 {
		t.Fatalf("%d OnBatch calls, want 6", len(progress))
	}
	for k, p := range progress {
		if p.Epoch != 1+k/3 || p.Batch != 1+k%3 || p.Batches != 3 || !(p.Loss > 0) {
			t.Errorf("OnBatch call %d: %+v", k, p)
		}
	}
	for id, l := range model.seen {
		if l != lengths[int(id)] {
			t.Errorf("row %v trained with length %d, want %d", id, l, lengths[int(id)])
		}
	}
	if len(model.seen) != n {
		t.Errorf("lengths were set for %d rows, want %d", len(model.seen), n)
	}
	if l, a := Evaluate(model, CrossEntropy[float64]{}, data, 0); l != wantLoss || a != wantAcc {
		t.Errorf("Evaluate with the default batch size: %v, %v; want %v, %v", l, a, wantLoss, wantAcc)
	}
	if _, a := Evaluate(model, MSE[float64]{}, Dataset[float64]{X: x, Y: x}, 4); !math.IsNaN(a) {
		t.Errorf("accuracy without labels %v, want NaN", a)
	}
}

// TestFitCorruptsInputsNotTargets: a denoising run whose corruption zeroes
// the inputs must still compare with the clean inputs.
func TestFitCorruptsInputsNotTargets(t *testing.T) {
	x := MatrixFrom(4, 2, []float64{1, 2, 3, 4, 5, 6, 7, 8})
	model := NewDense[float64](2, 2, NewRand(1))
	clear(model.Params()[1].Value) // no bias: zero inputs give zero outputs
	hist, err := Fit(context.Background(), model, MSE[float64]{}, NewSGD(model.Params(), SGDConfig{LR: 0}), Dataset[float64]{X: x, Y: x},
		FitConfig[float64]{Epochs: 1, BatchSize: 3, Corrupt: func(m *Matrix[float64]) { clear(m.Data) }})
	if err != nil {
		t.Fatal(err)
	}
	numcheck.Scalar(t, "loss of zero outputs against the clean inputs", hist.Epochs[0].TrainLoss, 204.0/8, 1e-15) // mean of x²
	if x.At(3, 1) != 8 {
		t.Error("the corruption reached the dataset")
	}
}

// scriptedOptimizer sets the model's one weight to the next value of a
// script at each step (one batch per epoch), so that the validation loss
// of each epoch is known.
type scriptedOptimizer struct {
	params []Param[float64]
	script []float64
	steps  int
}

func (o *scriptedOptimizer) Step() {
	o.params[0].Value[0] = o.script[o.steps]
	o.steps++
}
func (o *scriptedOptimizer) LR() float64              { return 1 }
func (o *scriptedOptimizer) SetLR(float64)            {}
func (o *scriptedOptimizer) Params() []Param[float64] { return o.params }

// TestEarlyStoppingBoundaries: validation losses 9, 4, 4, 6.25, 1 (weights
// 3, 2, 2, 2.5, 1 on a constant input against target 0). A tie is not an
// improvement, so the best epoch is 2; with patience 2 the run stops after
// epoch 4 (two epochs without improvement, not three) and restores the
// weight 2. Without patience it runs all 5 epochs and keeps the last weight.
func TestEarlyStoppingBoundaries(t *testing.T) {
	for _, patience := range []int{2, 0} {
		model := NewDenseNoBias[float64](1, 1, NewRand(1))
		data := Dataset[float64]{X: MatrixFrom(1, 1, []float64{1}), Y: MatrixFrom(1, 1, []float64{0})}
		opt := &scriptedOptimizer{params: model.Params(), script: []float64{3, 2, 2, 2.5, 1}}
		hist, err := Fit(context.Background(), model, MSE[float64]{}, opt, data,
			FitConfig[float64]{Epochs: 5, BatchSize: 1, Validation: &data, Patience: patience})
		if err != nil {
			t.Fatal(err)
		}
		var losses []float64
		for _, e := range hist.Epochs {
			losses = append(losses, e.ValidationLoss)
		}
		if patience == 2 {
			if !slices.Equal(losses, []float64{9, 4, 4, 6.25}) || hist.BestEpoch != 2 || !hist.Stopped || model.Params()[0].Value[0] != 2 {
				t.Errorf("patience 2: losses %v, best epoch %d, stopped %v, weight %v; want 4 epochs, best 2, stopped, weight 2",
					losses, hist.BestEpoch, hist.Stopped, model.Params()[0].Value[0])
			}
		} else if len(losses) != 5 || hist.BestEpoch != 5 || hist.Stopped || model.Params()[0].Value[0] != 1 {
			t.Errorf("no patience: losses %v, best epoch %d, stopped %v, weight %v", losses, hist.BestEpoch, hist.Stopped, model.Params()[0].Value[0])
		}
	}
}

// TestFitErrorsNameEpochAndBatch: a cancellation during epoch 2, batch 2
// stops before batch 3 of epoch 2, and a NaN loss names where it appeared.
func TestFitErrorsNameEpochAndBatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := Dataset[float64]{X: MatrixFrom(6, 1, []float64{1, 2, 3, 4, 5, 6}), Y: MatrixFrom(6, 1, []float64{1, 2, 3, 4, 5, 6})}
	model := NewDense[float64](1, 1, NewRand(1))
	_, err := Fit(ctx, model, MSE[float64]{}, NewSGD(model.Params(), SGDConfig{LR: 0}), data, FitConfig[float64]{Epochs: 3, BatchSize: 2,
		OnBatch: func(p BatchProgress) {
			if p.Epoch == 2 && p.Batch == 2 {
				cancel()
			}
		}})
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "epoch 2, batch 3") {
		t.Errorf("cancelled: %v", err)
	}
	opt := &scriptedOptimizer{params: model.Params(), script: []float64{1, 1, 1, 1, math.NaN(), 1}}
	_, err = Fit(context.Background(), model, MSE[float64]{}, opt, data, FitConfig[float64]{Epochs: 3, BatchSize: 2, NoShuffle: true})
	if err == nil || !strings.Contains(err.Error(), "loss is NaN at epoch 2, batch 3") {
		t.Errorf("NaN weight after step 5: %v", err)
	}
}

// TestSubsetAndSplit: Subset takes X, Y, labels and lengths row by row;
// Split refuses fractions outside (0, 1) and divides the rest.
func TestSubsetAndSplit(t *testing.T) {
	d := Dataset[float64]{X: MatrixFrom(4, 1, []float64{0, 1, 2, 3}), Y: MatrixFrom(4, 1, []float64{10, 11, 12, 13}),
		Labels: []int{0, 1, 0, 1}, Lengths: []int{4, 3, 2, 1}}
	s := d.Subset([]int{3, 1})
	if !slices.Equal(s.X.Data, []float64{3, 1}) || !slices.Equal(s.Y.Data, []float64{13, 11}) || !slices.Equal(s.Labels, []int{1, 1}) || !slices.Equal(s.Lengths, []int{1, 3}) {
		t.Errorf("subset %+v %v %v", s, s.X.Data, s.Y.Data)
	}
	bare := Dataset[float64]{X: d.X}.Subset([]int{0})
	if bare.Y != nil || bare.Labels != nil || bare.Lengths != nil {
		t.Errorf("subset of a bare dataset: %+v", bare)
	}
	train, val := d.Split(0.25, 1)
	if train.Len() != 3 || val.Len() != 1 {
		t.Errorf("split 0.25 of 4: %d and %d", train.Len(), val.Len())
	}
	for _, f := range []float64{0, 1, -0.5, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Split(%v) did not panic", f)
				}
			}()
			d.Split(f, 1)
		}()
	}
}

// TestValidationLastIsKerasSplit: SplitLast keeps the order and takes the
// last rows, as Keras's validation_split; Fit with ValidationLast
// validates on exactly those rows.
func TestValidationLastIsKerasSplit(t *testing.T) {
	x := NewMatrix[float64](10, 1)
	for i := range x.Data {
		x.Data[i] = float64(i)
	}
	d := Dataset[float64]{X: x, Y: x.Clone()}
	train, val := d.SplitLast(0.2)
	if !slices.Equal(train.X.Data, []float64{0, 1, 2, 3, 4, 5, 6, 7}) || !slices.Equal(val.X.Data, []float64{8, 9}) {
		t.Errorf("SplitLast(0.2): train %v, validation %v", train.X.Data, val.X.Data)
	}
	// A model that predicts 0: the validation MSE is the mean of 8² and 9².
	zero := NewSequential[float64](NewDenseNoBias[float64](1, 1, NewRand(1)))
	zero.Params()[0].Value[0] = 0
	hist, err := Fit(context.Background(), zero, MSE[float64]{}, NewSGD(zero.Params(), SGDConfig{LR: 0}), d,
		FitConfig[float64]{Epochs: 1, BatchSize: 4, ValidationSplit: 0.2, ValidationLast: true})
	if err != nil || hist.Epochs[0].ValidationLoss != (64+81)/2.0 {
		t.Errorf("validation loss %v, want %v (rows 8 and 9): %v", hist.Epochs[0].ValidationLoss, (64+81)/2.0, err)
	}
}
