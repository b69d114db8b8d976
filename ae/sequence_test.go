package ae

import (
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// TestSequenceAEGradient checks every parameter's gradient of the masked
// reconstruction loss against central differences, with variable lengths
// (padded steps hold values that must not matter), for an LSTM of two
// layers and a GRU.
func TestSequenceAEGradient(t *testing.T) {
	for _, cfg := range []SequenceConfig{
		{Cell: seq.LSTM, Features: 2, Hidden: 3, Layers: 2, Code: 2},
		{Cell: seq.GRU, Features: 3, Hidden: 4, Code: 1},
	} {
		a, err := NewSequenceAE[float64](cfg, nn.NewRand(5))
		if err != nil {
			t.Fatal(err)
		}
		const steps = 5
		lengths := []int{5, 3, 4}
		rng := nn.NewRand(6)
		x := nn.NewMatrix[float64](3, steps*cfg.Features)
		for i := range x.Data {
			x.Data[i] = rng.NormFloat64()
		}
		a.SetLengths(lengths)
		loss := a.TrainingLoss()
		objective := func() float64 {
			pred := a.Forward(x, true)
			return loss.Evaluate(pred, nn.Target[float64]{Values: x}, nn.NewMatrix[float64](pred.Rows, pred.Cols))
		}
		nn.ZeroGrad(a.Params())
		pred := a.Forward(x, true)
		grad := nn.NewMatrix[float64](pred.Rows, pred.Cols)
		base := loss.Evaluate(pred, nn.Target[float64]{Values: x}, grad)
		a.Backward(grad)
		worst := worstFiniteDifference(a.Params(), objective)
		t.Logf("%v: worst relative gradient error %.2g", a, float64(worst))
		if !numcheck.Within(float64(worst), 1e-6) { // measured 2.8e-8 (LSTM) and 2.7e-8 (GRU)
			t.Errorf("%v: worst relative gradient error %g", a, float64(worst))
		}
		// The padded steps change neither the loss nor the errors.
		for i := 0; i < 3; i++ {
			for s := lengths[i]; s < steps; s++ {
				for j := 0; j < cfg.Features; j++ {
					x.Data[i*steps*cfg.Features+s*cfg.Features+j] = 100
				}
			}
		}
		numcheck.Scalar(t, "loss with other padding", objective(), base, 1e-14)
		errs := a.ReconstructionErrors(x, lengths)
		var mean float64
		for i, e := range errs {
			mean += e * float64(lengths[i])
		}
		numcheck.Scalar(t, "errors weighted by length", mean/12, base, 1e-14)
		c := a.Clone()
		numcheck.Close(t, "clone's errors", c.ReconstructionErrors(x, lengths), errs, 0)
		if codes := a.Encode(x, lengths); codes.Rows != 3 || codes.Cols != cfg.Code {
			t.Errorf("codes %s", codes.Shape())
		}
	}
	if _, err := NewSequenceAE[float32](SequenceConfig{Cell: seq.LSTM, Features: 1, Hidden: 0, Code: 1}, nn.NewRand(1)); err == nil || !strings.Contains(err.Error(), "positive") {
		t.Errorf("hidden size 0: %v", err)
	}
}

// TestStepErrorsAverageToTheScore: each row's per-step errors average, over
// its valid steps, to its reconstruction error, and are zero past its
// length.
func TestStepErrorsAverageToTheScore(t *testing.T) {
	a, err := NewSequenceAE[float64](SequenceConfig{Cell: seq.GRU, Features: 2, Hidden: 3, Code: 2}, nn.NewRand(2))
	if err != nil {
		t.Fatal(err)
	}
	const steps = 6
	lengths := []int{6, 2, 4}
	rng := nn.NewRand(3)
	x := nn.NewMatrix[float64](3, steps*2)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	errs := a.ReconstructionErrors(x, lengths)
	step := a.StepErrors(x, lengths)
	for i, n := range lengths {
		var sum float64
		for tt := 0; tt < steps; tt++ {
			if tt >= n && step[i*steps+tt] != 0 {
				t.Errorf("row %d, step %d past its length: %g", i, tt, step[i*steps+tt])
			}
			sum += step[i*steps+tt]
		}
		numcheck.Scalar(t, "mean of the step errors", sum/float64(n), errs[i], 1e-13)
	}
}
