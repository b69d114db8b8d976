package ae

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// FaultLocator points at where in a sequence a fault sits. It is a
// one-step-ahead forecaster of normal sequences: a recurrent layer and a
// Dense head (a seq.Regressor) that reads steps 0 … t−1 and forecasts step
// t (step 0 from a zero input, the training mean), trained on the
// detector's normal training sequences. A step's score is its squared
// forecast error, averaged over the features and standardised by the
// calibration rows' errors at the same step.
//
// A reading whose score exceeds Gate is replaced by its forecast before
// the forecaster reads it (innovation gating, as a Kalman filter rejects
// outliers): the forecaster keeps the signal's normal course through a
// fault instead of following it, so that the largest score lies inside
// the fault and not where the signal returns from it. A step's error
// depends on the steps up to it only; a sequence autoencoder's code of
// the whole sequence spreads a fault's error to the steps before it.
type FaultLocator[T Float] struct {
	Forecaster *seq.Regressor[T]
	// StepMean and StepDeviation are the mean and the sample deviation of
	// the calibration rows' forecast errors at each step (without gating),
	// one value per step of the sequences calibrated on.
	StepMean, StepDeviation []float64
	// Gate is the detector's quantile of the calibration rows' largest
	// step scores (without gating).
	Gate float64
}

// newFaultLocator returns the untrained locator of a sequence autoencoder
// of cfg: a forecaster of the same cell, hidden size and layers.
func newFaultLocator[T Float](cfg SequenceConfig, rng *rand.Rand) *FaultLocator[T] {
	c := seq.Config{InputSize: cfg.Features, HiddenSize: cfg.Hidden, NumLayers: max(cfg.Layers, 1)}
	return &FaultLocator[T]{Forecaster: seq.NewRegressor[T](cfg.Cell, c, cfg.Features, rng)}
}

// features returns the values per step.
func (l *FaultLocator[T]) features() int { return l.Forecaster.FC.Out }

// LocatorMaxEpochs and LocatorPatience bound a fault locator's training:
// it stops after LocatorPatience epochs without a lower loss on
// ValidationFraction of the training rows, at most LocatorMaxEpochs, and
// keeps its best epoch.
// A forecaster needs many updates on a few hundred sequences: on 500
// simulated signals (180 training rows), 100 epochs located 71 % of the
// dropouts, training to convergence 98 %.
const (
	LocatorMaxEpochs = 1000
	LocatorPatience  = 20
)

// fit trains the forecaster on the scaled training sequences with Adam
// (the learning rate, batch size and seed of cfg), every valid step's
// forecast against its reading, until the loss of ValidationFraction of
// them held out stops falling (LocatorPatience), and calibrates it on the
// calibration sequences (calibrate). A cancelled ctx ends the training early: the forecaster as
// trained so far is calibrated and the context's error returned.
func (l *FaultLocator[T]) fit(ctx context.Context, train, calib nn.Dataset[T], cfg DetectorConfig) error {
	net := &forecastNet[T]{Regressor: l.Forecaster}
	set := nn.Dataset[T]{X: l.shifted(train.X), Y: train.X, Lengths: train.Lengths}
	epochs, patience, split := LocatorMaxEpochs, LocatorPatience, ValidationFraction
	if train.X.Rows < minValidationRows {
		epochs, patience, split = cfg.Epochs, 0, 0 // too few to hold any out: the autoencoder's epochs
	}
	loss := maskedMSE[T]{features: l.features(), lengths: func() []int { return net.lengths }}
	_, err := nn.Fit(ctx, nn.Layer[T](net), nn.Loss[T](loss), nn.NewAdam(l.Forecaster.Params(), nn.AdamConfig{LR: cfg.LR}), set,
		nn.FitConfig[T]{Epochs: epochs, Patience: patience, ValidationSplit: split, BatchSize: cfg.BatchSize, Seed: cfg.Seed ^ 0x10c, OnBatch: cfg.OnBatch, OnEpoch: cfg.OnEpoch})
	if err != nil && !(ctx.Err() != nil && errors.Is(err, ctx.Err())) {
		return err
	}
	l.calibrate(calib, cfg.Quantile)
	return err
}

// forecastNet is the forecaster as nn.Fit trains it: it keeps the batch's
// lengths for the masked loss.
type forecastNet[T Float] struct {
	*seq.Regressor[T]
	lengths []int
}

// SetLengths keeps the batch's lengths and passes them on.
func (n *forecastNet[T]) SetLengths(lengths []int) {
	n.lengths = lengths
	n.Regressor.SetLengths(lengths)
}

// shifted returns the sequences x moved one step later, step 0 zero: the
// forecaster's inputs, whose output at step t forecasts step t of x.
func (l *FaultLocator[T]) shifted(x *nn.Matrix[T]) *nn.Matrix[T] {
	f := l.features()
	out := nn.NewMatrix[T](x.Rows, x.Cols)
	for r := 0; r < x.Rows; r++ {
		copy(out.Row(r)[f:], x.Row(r)[:x.Cols-f])
	}
	return out
}

// calibrate sets StepMean, StepDeviation and Gate from the scaled
// calibration sequences' forecast errors without gating: at each step the
// mean and the sample deviation over the sequences that reach it (0 and 1
// where fewer than two do, or where the errors do not vary), and the Gate
// at the quantile q of each sequence's largest step score.
func (l *FaultLocator[T]) calibrate(calib nn.Dataset[T], q float64) {
	steps := calib.X.Cols / l.features()
	errs := l.forecastErrors(calib.X, calib.Lengths, false)
	mean, dev := make([]float64, steps), make([]float64, steps)
	for t := 0; t < steps; t++ {
		var n int
		var sum, sq float64
		for i := 0; i < calib.X.Rows; i++ {
			if validStep(calib.Lengths, i, t) {
				n++
				sum += errs[i*steps+t]
			}
		}
		if n < 2 {
			mean[t], dev[t] = 0, 1
			continue
		}
		mean[t] = sum / float64(n)
		for i := 0; i < calib.X.Rows; i++ {
			if validStep(calib.Lengths, i, t) {
				d := errs[i*steps+t] - mean[t]
				sq += d * d
			}
		}
		if dev[t] = math.Sqrt(sq / float64(n-1)); !(dev[t] > 0) {
			dev[t] = 1
		}
	}
	l.StepMean, l.StepDeviation = mean, dev
	peaks := make([]float64, calib.X.Rows)
	for i := range peaks {
		peaks[i] = math.Inf(-1)
		for t := 0; t < steps && validStep(calib.Lengths, i, t); t++ {
			peaks[i] = max(peaks[i], l.score(t, errs[i*steps+t]))
		}
	}
	l.Gate = Quantile(peaks, q)
}

// validStep reports whether step t of sequence i is within its length.
func validStep(lengths []int, i, t int) bool { return lengths == nil || t < lengths[i] }

// score returns the standardised score of the forecast error e at step t.
func (l *FaultLocator[T]) score(t int, e float64) float64 {
	return (e - l.StepMean[t]) / l.StepDeviation[t]
}

// StepScores returns the score of every step of the scaled sequences x
// (rows of steps × features values, with lengths; nil: all steps valid),
// gated: rows × steps values, zero past a row's length. Sequences longer
// than those calibrated on are an error.
func (l *FaultLocator[T]) StepScores(x *nn.Matrix[T], lengths []int) ([]float64, error) {
	f := l.features()
	if x.Cols%f != 0 || x.Cols/f > len(l.StepMean) {
		return nil, fmt.Errorf("ae: sequences of %d values: the fault locator reads steps of %d features, at most %d steps (those it was calibrated on)", x.Cols, f, len(l.StepMean))
	}
	steps := x.Cols / f
	scores := l.forecastErrors(x, lengths, true)
	for i := 0; i < x.Rows; i++ {
		for t := 0; t < steps && validStep(lengths, i, t); t++ {
			scores[i*steps+t] = l.score(t, scores[i*steps+t])
		}
	}
	return scores, nil
}

// forecastErrors returns the squared forecast error of every valid step of
// the sequences x, averaged over the features (zero past a row's length),
// stepping the forecaster through rows 1024 at a time. gated replaces a
// reading whose score exceeds the Gate by its forecast before the
// forecaster reads it.
func (l *FaultLocator[T]) forecastErrors(x *nn.Matrix[T], lengths []int, gated bool) []float64 {
	f, r := l.features(), l.Forecaster.RNN
	steps := x.Cols / f
	out := make([]float64, x.Rows*steps)
	cells := make([]*seq.StepCell[T], r.NumLayers)
	for k := range cells {
		cells[k] = r.StepCell(k, 0)
	}
	const chunk = 1024
	for lo := 0; lo < x.Rows; lo += chunk {
		b := min(chunk, x.Rows-lo)
		h, c := make([]*nn.Matrix[T], len(cells)), make([]*nn.Matrix[T], len(cells))
		for k := range cells {
			h[k] = nn.NewMatrix[T](b, r.HiddenSize)
			if r.Cell == seq.LSTM {
				c[k] = nn.NewMatrix[T](b, r.HiddenSize)
			}
		}
		in := nn.NewMatrix[T](b, f) // step 0 reads zeros: the training mean
		for t := 0; t < steps; t++ {
			next := in
			for k, cell := range cells {
				cell.Step(next, h[k], c[k])
				next = h[k]
			}
			forecast := l.Forecaster.FC.Forward(next, false)
			for i := 0; i < b; i++ {
				row := lo + i
				if !validStep(lengths, row, t) {
					continue // a padded step: its input is never read
				}
				reading, p := x.Row(row)[t*f:(t+1)*f], forecast.Row(i)
				var e float64
				for j, v := range reading {
					d := float64(p[j]) - float64(v)
					e += d * d
				}
				e /= float64(f)
				out[row*steps+t] = e
				if gated && l.score(t, e) > l.Gate {
					reading = p
				}
				copy(in.Row(i), reading)
			}
		}
	}
	return out
}

// Clone returns an independent copy of l for another goroutine.
func (l *FaultLocator[T]) Clone() *FaultLocator[T] {
	return &FaultLocator[T]{Forecaster: l.Forecaster.Clone(), StepMean: l.StepMean, StepDeviation: l.StepDeviation, Gate: l.Gate}
}
