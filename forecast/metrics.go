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
