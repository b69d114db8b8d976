package ae

import (
	"context"
	"math"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// TestFaultLocatorStepsAsItsForward: stepped one reading at a time,
// without gating, the locator's errors are those of its forecaster's
// Forward over the sequences moved one step later, in both cells, two
// layers and two features, with padded sequences (zero past their end).
func TestFaultLocatorStepsAsItsForward(t *testing.T) {
	for _, cell := range []seq.CellType{seq.LSTM, seq.GRU} {
		l := newFaultLocator[float64](SequenceConfig{Cell: cell, Features: 2, Hidden: 5, Layers: 2, Code: 1}, nn.NewRand(1))
		const rows, steps = 3, 6
		x := nn.NewMatrix[float64](rows, steps*2)
		rng := nn.NewRand(2)
		for k := range x.Data {
			x.Data[k] = rng.NormFloat64()
		}
		lengths := []int{6, 2, 4}
		got := l.forecastErrors(x, lengths, false)
		l.Forecaster.SetLengths(lengths)
		pred := l.Forecaster.Forward(l.shifted(x), false)
		want := make([]float64, rows*steps)
		for i := 0; i < rows; i++ {
			for t := 0; t < lengths[i]; t++ {
				for j := 0; j < 2; j++ {
					d := pred.At(i, t*2+j) - x.At(i, t*2+j)
					want[i*steps+t] += d * d / 2
				}
			}
		}
		if d := numcheck.MaxAbsDiff(got, want); d > 1e-12 {
			t.Errorf("%v: stepped errors %.3g from Forward's\n got %v\nwant %v", cell, d, got, want)
		}
	}
}

// TestFaultLocatorGateDecidesWhatItReads: below the gate the forecaster
// reads every reading, so a changed reading changes the errors of the
// steps after it; with every reading above the gate it reads only its own
// forecasts, so a changed reading changes its own step's error alone.
func TestFaultLocatorGateDecidesWhatItReads(t *testing.T) {
	l := newFaultLocator[float64](SequenceConfig{Cell: seq.LSTM, Features: 1, Hidden: 4, Layers: 1, Code: 1}, nn.NewRand(3))
	const steps = 8
	l.StepMean, l.StepDeviation = make([]float64, steps), make([]float64, steps)
	for t := range l.StepDeviation {
		l.StepDeviation[t] = 1
	}
	x := nn.NewMatrix[float64](1, steps)
	for t := range x.Data {
		x.Data[t] = math.Sin(float64(t))
	}
	changed := nn.NewMatrix[float64](1, steps)
	copy(changed.Data, x.Data)
	changed.Data[3] += 2
	for _, gate := range []float64{math.Inf(1), math.Inf(-1)} {
		l.Gate = gate
		a, err := l.StepScores(x, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := l.StepScores(changed, nil)
		for s := 0; s < steps; s++ {
			differs := a[s] != b[s]
			wantDiffers := s == 3 || (s > 3 && gate > 0)
			if differs != wantDiffers {
				t.Errorf("gate %v: step %d's score %v → %v after step 3 changed", gate, s, a[s], b[s])
			}
		}
	}
	if _, err := l.StepScores(nn.NewMatrix[float64](1, steps+1), nil); err == nil {
		t.Error("sequences longer than the calibrated steps accepted")
	}
}

// TestFaultLocatorFindsTheFaults: trained on normal simulated signals, the
// locator's largest step score lies inside the fault for nine in ten
// spikes, level shifts and dropouts; without the gate, a dropout's largest
// score is where the signal returns, after the fault.
func TestFaultLocatorFindsTheFaults(t *testing.T) {
	s, spans, err := dataset.SignalsWithFaults(1000, 50, 1)
	if err != nil {
		t.Fatal(err)
	}
	set, err := SequenceAnomalies(s, dataset.SignalKinds, 1)
	if err != nil {
		t.Fatal(err)
	}
	scaler, err := s.FitStandardization(set.Train)
	if err != nil {
		t.Fatal(err)
	}
	l := newFaultLocator[float32](SequenceConfig{Cell: seq.LSTM, Features: 1, Hidden: 32, Layers: 1, Code: 1}, nn.NewRand(1))
	cfg := DetectorConfig{Quantile: 0.99, BatchSize: 32, LR: 1e-3, Seed: 1}
	if err := l.fit(context.Background(), seq.DatasetOf[float32](s, set.Train, scaler), seq.DatasetOf[float32](s, set.Calib, scaler), cfg); err != nil {
		t.Fatal(err)
	}
	x := seq.DatasetOf[float32](s, nil, scaler).X
	gated, err := l.StepScores(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	located := LocatedFaults(gated, 50, set.Test, s.Labels, spans, dataset.SignalKinds)
	l.Gate = math.Inf(1)
	ungated, _ := l.StepScores(x, nil)
	without := LocatedFaults(ungated, 50, set.Test, s.Labels, spans, dataset.SignalKinds)
	t.Logf("located with the gate %v, without %v", located, without)
	// Measured (both builds): 1, 1, 0.99, 0.98 with the gate; the dropout
	// 0.60 without it.
	for _, kind := range []string{"spike", "level shift", "dropout"} {
		if !(located[kind] >= 0.9) {
			t.Errorf("%s located in %.3f of the test faults, want ≥ 0.9", kind, located[kind])
		}
	}
	if !(without["dropout"] < located["dropout"]-0.2) {
		t.Errorf("dropouts located in %.3f without the gate, %.3f with it", without["dropout"], located["dropout"])
	}
}
