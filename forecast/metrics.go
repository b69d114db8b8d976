package forecast

import "math"

// Errors are a forecast's errors in the data's units, over all values
// compared.
type Errors struct {
	RMSE float64 `json:"rmse"` // root mean squared error
	MAE  float64 `json:"mae"`  // mean absolute error
}

// ErrorsOf returns the errors of the forecasts pred against truth (of equal
// length).
func ErrorsOf(pred, truth []float64) Errors {
	if len(pred) != len(truth) {
		panic("forecast: ErrorsOf of slices of different lengths")
	}
	var se, ae float64
	for i := range pred {
		d := pred[i] - truth[i]
		se += d * d
		ae += math.Abs(d)
	}
	n := float64(len(pred))
	return Errors{RMSE: math.Sqrt(se / n), MAE: ae / n}
}

// RegressionMetrics is what the training run of a sequence regressor
// (seq.Regressor) reports in its metrics.json: the number of test
// sequences and the errors of each output in the targets' units
// (ErrorsPerColumn).
type RegressionMetrics struct {
	TestSequences   int      `json:"test_sequences"`
	ErrorsPerOutput []Errors `json:"errors_per_output"`
}

// ErrorsPerColumn returns the errors of each of the k columns of pred
// against truth, row-major values of equal length (a regressor's outputs
// at every step, an output per column).
func ErrorsPerColumn(pred, truth []float64, k int) []Errors {
	errs := make([]Errors, k)
	for j := range errs {
		var p, t []float64
		for i := j; i < len(pred); i += k {
			p, t = append(p, pred[i]), append(t, truth[i])
		}
		errs[j] = ErrorsOf(p, t)
	}
	return errs
}
