package nn

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/physml/physml/blas"
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
	before := 0
	_, err := Fit(context.Background(), model, MSE[float64]{}, opt, data, FitConfig[float64]{Epochs: 50, BatchSize: 10,
		OnBatch: func(BatchProgress) { before++ }})
	if err == nil || !strings.Contains(err.Error(), "epoch") || !strings.Contains(err.Error(), "batch") {
		t.Fatalf("error %v, want one naming epoch and batch", err)
	}
	for _, p := range model.Params() {
		for _, v := range p.Value {
			if math.IsNaN(v) {
				t.Fatal("the NaN step was applied to the parameters")
			}
		}
	}
	t.Log(err)
}

func TestFitLinearRegressionAndEarlyStopping(t *testing.T) {
	data := regressionData(400)
	model := NewSequential[float64](NewDense[float64](2, 1, NewRand(1)))
	opt := NewSGD(model.Params(), SGDConfig{LR: 0.1, Momentum: 0.9})
	var epochs int
	hist, err := Fit(context.Background(), model, MSE[float64]{}, opt, data, FitConfig[float64]{
		Epochs: 200, BatchSize: 16, ValidationSplit: 0.25, Patience: 3, Schedule: StepDecay{StepSize: 5, Gamma: 0.5},
		OnEpoch: func(EpochStats) { epochs++ }})
	if err != nil {
		t.Fatal(err)
	}
	if !hist.Stopped || len(hist.Epochs) == 200 {
		t.Errorf("early stopping did not stop (%d epochs)", len(hist.Epochs))
	}
	w := model.Params()[0].Value
	b := model.Params()[1].Value
	if math.Abs(w[0]-2) > 1e-3 || math.Abs(w[1]+1) > 1e-3 || math.Abs(b[0]-0.5) > 1e-3 {
		t.Errorf("fitted w = %v, b = %v, want [2 -1], 0.5", w, b)
	}
	best := hist.Epochs[hist.BestEpoch-1].ValidationLoss
	if l, _ := Evaluate[float64](model, MSE[float64]{}, data, 100); l > best*10+1e-12 {
		t.Errorf("restored parameters have loss %g, best epoch had %g", l, best)
	}
	if epochs != len(hist.Epochs) {
		t.Errorf("OnEpoch called %d times for %d epochs", epochs, len(hist.Epochs))
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
		if got := c.s.LR(c.epoch, 1); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%#v at epoch %d: %g, want %g", c.s, c.epoch, got, c.want)
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	p := []Param[float64]{{Grad: []float64{3, 0}}, {Grad: []float64{4}}}
	if n := ClipGradNorm(p, 1); n != 5 {
		t.Errorf("norm %g, want 5", n)
	}
	if g := p[0].Grad[0]; math.Abs(g-3/(5+1e-6)) > 1e-15 {
		t.Errorf("clipped gradient %g, want %g", g, 3/(5+1e-6))
	}
}

func TestAccuracyAndConfusionMatrix(t *testing.T) {
	scores := MatrixFrom(3, 2, []float64{0.1, 0.9, 0.8, 0.2, 0.3, 0.7})
	if a := Accuracy(scores, []int{1, 1, 1}); math.Abs(a-2.0/3) > 1e-15 {
		t.Errorf("accuracy %g", a)
	}
	cm := ConfusionMatrix(Argmax(scores), []int{1, 1, 0}, 2)
	if cm[1][1] != 1 || cm[1][0] != 1 || cm[0][1] != 1 || cm[0][0] != 0 {
		t.Errorf("confusion matrix %v", cm)
	}
}
