package forecast

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

// Fold is one fold of a rolling-origin evaluation: the forecaster fitted
// on the steps before its test block and evaluated on that block.
type Fold struct {
	Split      Split // [0, TrainEnd) train, [TrainEnd, ValidationEnd) validate, [ValidationEnd, Steps) test
	Evaluation *Evaluation
}

// BacktestSplits returns the splits of a rolling-origin evaluation of a
// series of steps steps in folds folds (an expanding window, as
// scikit-learn's TimeSeriesSplit): the test part of the split fractions
// is cut into folds consecutive blocks; fold i tests on block i, validates
// on as many steps before it as the split validates on, and trains on
// every step before those.
func BacktestSplits(fr Fractions, steps, folds int) []Split {
	sp := fr.Of(steps)
	block, val := (steps-sp.ValidationEnd)/max(folds, 1), sp.ValidationEnd-sp.TrainEnd
	out := make([]Split, folds)
	for i := range out {
		start := sp.ValidationEnd + i*block
		end := start + block
		if i == folds-1 {
			end = steps
		}
		out[i] = Split{TrainEnd: start - val, ValidationEnd: start, Steps: end}
	}
	return out
}

// MaxFolds is the most folds Backtest takes.
const MaxFolds = 100

// Backtest fits and evaluates a forecaster of cfg on each fold of
// BacktestSplits (each fold's standardisation fitted on its own training
// part, nothing of its test block seen), with the baselines of Evaluate
// (period > 0 adds the seasonal naive one). A cancelled ctx stops it with
// the context's error and the folds complete so far.
func Backtest[T nn.Float](ctx context.Context, s *dataset.TimeSeries, cfg Config, folds, period int) ([]Fold, error) {
	if err := cfg.Check(s.Steps, s.Vars()); err != nil {
		return nil, err
	}
	if folds < 1 || folds > MaxFolds {
		return nil, fmt.Errorf("forecast: %d backtest folds: want 1 to %d", folds, MaxFolds)
	}
	splits := BacktestSplits(cfg.Split, s.Steps, folds)
	for i, sp := range splits {
		if err := cfg.checkSplit(sp, fmt.Sprintf("backtest fold %d of %d", i+1, folds)); err != nil {
			return nil, err
		}
	}
	var out []Fold
	for _, sp := range splits {
		f, _, err := fit[T](ctx, s, cfg, sp)
		if err != nil {
			return out, err
		}
		values, err := f.SeriesValues(s)
		if err != nil {
			return out, err
		}
		ev, err := evaluate(f, values, sp, period)
		if err != nil {
			return out, err
		}
		out = append(out, Fold{Split: sp, Evaluation: ev})
	}
	return out, nil
}

// SeriesValues returns the values of s in the order of f.Columns(), as
// f's methods read them: an error names a column s lacks.
func (f *Forecaster[T]) SeriesValues(s *dataset.TimeSeries) ([]float64, error) {
	order := make([]int, 0, f.Inputs())
	for _, name := range f.Columns() {
		j := slices.Index(s.Names, name)
		if j < 0 {
			return nil, fmt.Errorf("forecast: the series has no column %q (it has %s)", name, strings.Join(s.Names, ", "))
		}
		order = append(order, j)
	}
	return reorder(s.Values, s.Vars(), order), nil
}

// FoldSummary is a method's test errors over the folds of a backtest: the
// mean of each fold's RMSE and MAE, and their standard deviations (n − 1).
type FoldSummary struct {
	Key, Label string
	Mean, Std  Errors
}

// SummarizeFolds returns the mean and spread of every method's errors
// over folds (Evaluation.Lines, the model named model), and the mean
// coverage of the model's intervals (0 without intervals).
func SummarizeFolds(folds []Fold, model string) ([]FoldSummary, float64) {
	if len(folds) == 0 {
		return nil, 0
	}
	var out []FoldSummary
	coverage := 0.0
	for _, fold := range folds {
		coverage += fold.Evaluation.Coverage / float64(len(folds))
	}
	for i, l := range folds[0].Evaluation.Lines(model) {
		var rmse, mae []float64
		for _, fold := range folds {
			if lines := fold.Evaluation.Lines(model); i < len(lines) && lines[i].Key == l.Key {
				rmse, mae = append(rmse, lines[i].Errors.RMSE), append(mae, lines[i].Errors.MAE)
			}
		}
		if len(rmse) < len(folds) {
			continue // a baseline missing from a fold (the linear AR on a short one)
		}
		mr, sr := meanStd(rmse)
		mm, sm := meanStd(mae)
		out = append(out, FoldSummary{Key: l.Key, Label: l.Label, Mean: Errors{mr, mm}, Std: Errors{sr, sm}})
	}
	return out, coverage
}

// meanStd returns the mean of x and its sample standard deviation (0 for
// one value).
func meanStd(x []float64) (mean, std float64) {
	for _, v := range x {
		mean += v / float64(len(x))
	}
	if len(x) < 2 {
		return mean, 0
	}
	for _, v := range x {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(x)-1))
}
