package forecast

import (
	"fmt"
	"strings"

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

	// Interval is the forecaster's (nil without). Lower and Upper bound
	// the model's prediction intervals (laid out as Truth) and Coverage is
	// the fraction of Truth they hold.
	Interval     *Interval
	Lower, Upper []float64
	Coverage     float64

	window, period, horizon, vars int
	covariates                    bool
	names                         []string // the variables forecast
}

// PerVariable returns the model's errors of each variable in its own
// unit, over every lead time of the test windows.
func (e *Evaluation) PerVariable() []Errors {
	return ErrorsPerColumn(e.Model.Predictions, e.Truth, e.vars)
}

// LeadTable returns the model's RMSE at each lead time (a row each) of
// each variable (a column each, headed by its name), and over all leads.
func (e *Evaluation) LeadTable() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %-6s", "lead")
	for _, name := range e.names {
		fmt.Fprintf(&b, " %12s", name)
	}
	for k, lead := range e.PerLead() {
		fmt.Fprintf(&b, "\n  %-6d", k+1)
		for _, err := range lead {
			fmt.Fprintf(&b, " %12.4g", err.RMSE)
		}
	}
	fmt.Fprintf(&b, "\n  %-6s", "all")
	for _, err := range e.PerVariable() {
		fmt.Fprintf(&b, " %12.4g", err.RMSE)
	}
	b.WriteString("\n")
	return b.String()
}

// Metrics are an evaluation's errors as metrics.json holds them: each
// method's, the model's by variable and by lead time (1 first), and the
// coverage of its intervals.
type Metrics struct {
	Errors        map[string]Errors   `json:"errors"`
	PerVariable   map[string]Errors   `json:"errors_per_variable"`
	PerLead       []map[string]Errors `json:"errors_per_lead"`
	IntervalLevel float64             `json:"interval_level,omitempty"`
	Coverage      float64             `json:"interval_coverage,omitempty"`
	Windows       int                 `json:"test_windows"`
	TestStart     int                 `json:"test_start"`
}

// Metrics returns the evaluation's metrics, the model named model.
func (e *Evaluation) Metrics(model string) Metrics {
	names := e.names
	m := Metrics{Errors: map[string]Errors{}, PerVariable: map[string]Errors{}, Windows: e.Windows, TestStart: e.Split.ValidationEnd}
	for _, l := range e.Lines(model) {
		m.Errors[l.Key] = l.Errors
	}
	for j, err := range e.PerVariable() {
		m.PerVariable[names[j]] = err
	}
	for _, lead := range e.PerLead() {
		byName := map[string]Errors{}
		for j, err := range lead {
			byName[names[j]] = err
		}
		m.PerLead = append(m.PerLead, byName)
	}
	if e.Interval != nil {
		m.IntervalLevel, m.Coverage = e.Interval.Level, e.Coverage
	}
	return m
}

// PerLead returns the model's errors at each lead time, 1 to the
// horizon steps ahead, of each variable: PerLead()[lead-1][variable].
func (e *Evaluation) PerLead() [][]Errors {
	all := ErrorsPerColumn(e.Model.Predictions, e.Truth, e.horizon*e.vars)
	out := make([][]Errors, e.horizon)
	for k := range out {
		out[k] = all[k*e.vars : (k+1)*e.vars]
	}
	return out
}

// LeadRMSE returns the RMSE of variable j at each lead time, 1 to the
// horizon steps ahead, of predictions laid out as Truth (a Result's).
func (e *Evaluation) LeadRMSE(predictions []float64, j int) []float64 {
	all := ErrorsPerColumn(predictions, e.Truth, e.horizon*e.vars)
	out := make([]float64, e.horizon)
	for k := range out {
		out[k] = all[k*e.vars+j].RMSE
	}
	return out
}

// Line is one method of an evaluation: its key in Lines' order (the
// model's name, "persistence", "seasonal naive", "linear AR"), its label
// with its order ("seasonal naive(12)", "linear AR(24)") and its errors.
type Line struct {
	Key, Label string
	Errors     Errors
}

// Lines returns the methods evaluated, in order: the model (named model),
// persistence, and the seasonal naive forecast and the linear AR where
// they were made.
func (e *Evaluation) Lines(model string) []Line {
	lines := []Line{{model, model, e.Model.Errors}, {"persistence", "persistence", e.Persistence.Errors}}
	if e.SeasonalNaive != nil {
		lines = append(lines, Line{"seasonal naive", fmt.Sprintf("seasonal naive(%d)", e.period), e.SeasonalNaive.Errors})
	}
	if e.LinearAR != nil {
		lines = append(lines, Line{"linear AR", e.LinearARLabel(), e.LinearAR.Errors})
	}
	return lines
}

// LinearARLabel names the linear baseline with its window: "linear
// AR(24)", or "linear ARX(24)" when it reads covariates too.
func (e *Evaluation) LinearARLabel() string {
	if e.covariates {
		return fmt.Sprintf("linear ARX(%d)", e.window)
	}
	return fmt.Sprintf("linear AR(%d)", e.window)
}

// FirstStep returns, for variable j, the first forecast step of each test
// window: the truth, the model's forecast and persistence's, one value per
// window (the series one step ahead, from step Split.ValidationEnd on).
func (e *Evaluation) FirstStep(j int) (truth, model, persistence []float64) {
	return e.FirstStepOf(e.Truth, j), e.FirstStepOf(e.Model.Predictions, j), e.FirstStepOf(e.Persistence.Predictions, j)
}

// FirstStepOf returns the first forecast step of variable j of each test
// window of values laid out as Truth (a Result's Predictions, such as
// the linear AR's).
func (e *Evaluation) FirstStepOf(values []float64, j int) []float64 {
	stride := len(e.Truth) / max(e.Windows, 1)
	out := make([]float64, e.Windows)
	for k := range out {
		out[k] = values[k*stride+j]
	}
	return out
}

// Evaluate forecasts the test windows of values (steps × f.Inputs(),
// row-major, in the data's units) with f and the baselines, under the
// split that f was fitted with (f.Split): persistence, the seasonal naive
// forecast when period > 0, and the linear autoregression of the window
// (fitted on the training windows; with covariates it reads them as the
// networks do, an ARX model). With f.Interval it measures the intervals'
// coverage.
func Evaluate[T nn.Float](f *Forecaster[T], values []float64, period int) (*Evaluation, error) {
	return evaluate(f, values, f.Split.Of(len(values)/max(f.Inputs(), 1)), period)
}

// evaluate is Evaluate on the test part [sp.ValidationEnd, sp.Steps) of
// the split sp of values, whose first sp.Steps steps it reads.
func evaluate[T nn.Float](f *Forecaster[T], values []float64, sp Split, period int) (*Evaluation, error) {
	v, in := f.Vars(), f.Inputs()
	from, to := sp.ValidationEnd, sp.Steps
	values = values[:min(len(values), to*in)]
	pred, truth, n, err := f.PredictWindows(values, from, to)
	if err != nil {
		return nil, err
	}
	e := &Evaluation{Split: sp, Windows: n, Truth: truth, Model: Result{pred, ErrorsOf(pred, truth)},
		window: f.Window, period: period, horizon: f.Horizon, vars: v, covariates: in > v, names: f.Names}
	if e.Interval = f.Interval; f.Interval != nil {
		e.Lower, e.Upper = f.Interval.Bounds(pred)
		e.Coverage = f.Interval.Coverage(pred, truth)
	}
	targets := f.targetsOf(values)
	persistence, err := Persistence(targets, v, from, to, f.Horizon)
	if err != nil {
		return nil, err
	}
	e.Persistence = Result{persistence, ErrorsOf(persistence, truth)}
	if period > 0 {
		naive, err := SeasonalNaive(targets, v, period, from, to, f.Horizon)
		if err != nil {
			return nil, err
		}
		e.SeasonalNaive = &Result{naive, ErrorsOf(naive, truth)}
	}
	z := f.standardize(values)
	x, y, nTrain := f.windows(z, 0, sp.TrainEnd)
	beta, err := leastSquares(x, y, nTrain, f.Window*in, f.Horizon*v)
	if err != nil {
		e.LinearARSkipped = err.Error()
		return e, nil
	}
	xTest, _, _ := f.windows(z, from-f.Window, to)
	arPred := f.unstandardize(applyLinear(beta, xTest, n))
	e.LinearAR = &Result{arPred, ErrorsOf(arPred, truth)}
	return e, nil
}
