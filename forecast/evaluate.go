package forecast

import (
	"github.com/physml/physml/nn"
)

// Result is one forecaster's forecasts of the test windows and its errors.
type Result struct {
	Predictions []float64 // windows × Horizon·Vars(), in the data's units
	Errors      Errors
}

// Evaluation compares a forecaster with the baselines on the test windows
// of a series: the windows whose targets lie in the split's test part.
type Evaluation struct {
	Split   Split
	Windows int
	Truth   []float64 // windows × Horizon·Vars(), in the data's units

	Model       Result
	Persistence Result
	// SeasonalNaive is nil when no period was given.
	SeasonalNaive *Result
	// LinearAR is fitted on the training windows (standardised as the
	// networks' inputs); nil, with the reason in LinearARSkipped, when the
	// training part has no more windows than the autoregression has
	// coefficients.
	LinearAR        *Result
	LinearARSkipped string
}

// Evaluate forecasts the test windows of values (steps × f.Vars(),
// row-major, in the data's units) with f and the baselines, under the split
// that f was fitted with (f.Split): persistence, the seasonal naive
// forecast when period > 0, and the linear autoregression of the window.
func Evaluate[T nn.Float](f *Forecaster[T], values []float64, period int) (*Evaluation, error) {
	v := f.Vars()
	split := f.Split.Of(len(values) / max(v, 1))
	from, to := split.ValidationEnd, split.Steps
	pred, truth, n, err := f.PredictWindows(values, from, to)
	if err != nil {
		return nil, err
	}
	e := &Evaluation{Split: split, Windows: n, Truth: truth, Model: Result{pred, ErrorsOf(pred, truth)}}
	persistence, err := Persistence(values, v, from, to, f.Horizon)
	if err != nil {
		return nil, err
	}
	e.Persistence = Result{persistence, ErrorsOf(persistence, truth)}
	if period > 0 {
		naive, err := SeasonalNaive(values, v, period, from, to, f.Horizon)
		if err != nil {
			return nil, err
		}
		e.SeasonalNaive = &Result{naive, ErrorsOf(naive, truth)}
	}
	z := f.standardize(values)
	ar, err := FitLinearAR(z, v, f.Window, f.Horizon, split.TrainEnd)
	if err != nil {
		e.LinearARSkipped = err.Error()
		return e, nil
	}
	arPred, err := ar.Predict(z, from, to)
	if err != nil {
		return nil, err
	}
	arPred = f.unstandardize(arPred)
	e.LinearAR = &Result{arPred, ErrorsOf(arPred, truth)}
	return e, nil
}
