package forecast

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/dataset"
)

// The baselines forecast the windows whose horizon targets lie in steps
// [from, to) of values (steps × vars values, row-major): window k's targets
// are steps from+k, …, from+k+horizon−1, and there are
// to − from − horizon + 1 windows. Each returns windows × horizon·vars
// forecasts, as Forecaster.PredictWindows.

// checkRange returns an error unless [from, to) holds a horizon and lies in
// a series of values of vars variables, with before steps ahead of it.
func checkRange(values []float64, vars, from, to, horizon, before int) error {
	if vars < 1 || len(values)%vars != 0 || from < before || to > len(values)/vars || horizon < 1 || to-from < horizon {
		return fmt.Errorf("forecast: targets in steps [%d, %d) with a horizon of %d need %d steps before them in a series of %d steps",
			from, to, horizon, before, len(values)/max(vars, 1))
	}
	return nil
}

// Persistence forecasts every step of a window's horizon as the last value
// before it: the forecast any model must beat.
func Persistence(values []float64, vars, from, to, horizon int) ([]float64, error) {
	if err := checkRange(values, vars, from, to, horizon, 1); err != nil {
		return nil, err
	}
	n := to - from - horizon + 1
	out := make([]float64, 0, n*horizon*vars)
	for k := 0; k < n; k++ {
		last := values[(from+k-1)*vars : (from+k)*vars]
		for step := 0; step < horizon; step++ {
			out = append(out, last...)
		}
	}
	return out, nil
}

// SeasonalNaive forecasts step t as the value one period earlier, or as
// many periods earlier as it takes to reach a known step: for a window
// whose targets start at step s, step s+j is forecast by step
// s + j − period·(1 + ⌊j/period⌋). It needs period steps before from.
func SeasonalNaive(values []float64, vars, period, from, to, horizon int) ([]float64, error) {
	if period < 1 {
		return nil, fmt.Errorf("forecast: seasonal period %d: want a positive number of steps", period)
	}
	if err := checkRange(values, vars, from, to, horizon, period); err != nil {
		return nil, err
	}
	n := to - from - horizon + 1
	out := make([]float64, 0, n*horizon*vars)
	for k := 0; k < n; k++ {
		s := from + k
		for j := 0; j < horizon; j++ {
			t := s + j - period*(1+j/period)
			out = append(out, values[t*vars:(t+1)*vars]...)
		}
	}
	return out, nil
}

// LinearAR is the linear autoregression of a window: every value of the
// horizon is a least-squares linear function of the window's window·vars
// values and a constant, [x, 1] β (numpy.linalg.lstsq's minimum-norm
// solution, with its rank cutoff).
type LinearAR struct {
	Window, Horizon, Vars int
	// Coefficients is β, (window·vars + 1) × horizon·vars: a column per
	// forecast value, the constant's row last.
	Coefficients *mat.Dense
}

// eps is the float64 machine epsilon, 2⁻⁵².
const eps = 0x1p-52

// FitLinearAR fits the autoregression on the windows of values (steps ×
// vars, row-major) whose targets lie in steps [0, trainEnd). It needs more
// windows than coefficients: trainEnd − window − horizon + 1 > window·vars.
func FitLinearAR(values []float64, vars, window, horizon, trainEnd int) (*LinearAR, error) {
	if err := checkRange(values, vars, window, trainEnd, horizon, window); err != nil {
		return nil, err
	}
	x, y, n := dataset.Windows(values, vars, 0, trainEnd, window, horizon)
	beta, err := leastSquares(x, y, n, window*vars, horizon*vars)
	if err != nil {
		return nil, err
	}
	return &LinearAR{Window: window, Horizon: horizon, Vars: vars, Coefficients: beta}, nil
}

// leastSquares returns β of the least-squares fit of the n rows of y (out
// values each) by [x, 1] β, x of in values per row. It needs more rows than
// in.
func leastSquares(x, y []float64, n, in, out int) (*mat.Dense, error) {
	if n <= in {
		return nil, fmt.Errorf("forecast: linear AR: %d training windows for %d coefficients; it needs a shorter window or a longer series", n, in+1)
	}
	a := withConstant(x, n, in)
	// The minimum-norm least-squares solution through the SVD (LAPACK): an
	// exactly predictable series, whose windows are collinear, gets an
	// answer rather than a singular error.
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return nil, errors.New("forecast: linear AR: the SVD of the training windows did not converge")
	}
	var beta mat.Dense
	svd.SolveTo(&beta, mat.NewDense(n, out, y), svd.Rank(eps*float64(max(n, in+1))))
	return &beta, nil
}

// withConstant returns the n × (in+1) matrix of the rows of x with a 1
// appended to each.
func withConstant(x []float64, n, in int) *mat.Dense {
	a := mat.NewDense(n, in+1, nil)
	for i := 0; i < n; i++ {
		copy(a.RawRowView(i), x[i*in:(i+1)*in])
		a.Set(i, in, 1)
	}
	return a
}

// Predict forecasts the windows of values whose targets lie in steps
// [from, to).
func (ar *LinearAR) Predict(values []float64, from, to int) ([]float64, error) {
	if err := checkRange(values, ar.Vars, from, to, ar.Horizon, ar.Window); err != nil {
		return nil, err
	}
	x, _, n := dataset.Windows(values, ar.Vars, from-ar.Window, to, ar.Window, ar.Horizon)
	return applyLinear(ar.Coefficients, x, n), nil
}

// applyLinear returns [x, 1] β for the n rows of x.
func applyLinear(beta *mat.Dense, x []float64, n int) []float64 {
	in, _ := beta.Dims()
	var pred mat.Dense
	pred.Mul(withConstant(x, n, in-1), beta)
	return pred.RawMatrix().Data
}
