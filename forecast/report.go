package forecast

import (
	"fmt"
	"strings"
)

// Report returns the evaluation as physml forecast prints it: each
// method's test RMSE and MAE (the model named model), the reason a linear
// AR was not fitted, the model's RMSE by variable and lead time
// (LeadTable) and the coverage of its intervals.
func (e *Evaluation) Report(model string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "test errors over %d windows (%s units):\n", e.Windows, strings.Join(e.names, ", "))
	for _, l := range e.Lines(model) {
		fmt.Fprintf(&b, "  %-20s RMSE %10.4g   MAE %10.4g\n", l.Label, l.Errors.RMSE, l.Errors.MAE)
	}
	if e.LinearAR == nil {
		fmt.Fprintf(&b, "  %-20s not fitted: %s\n", e.LinearARLabel(), strings.TrimPrefix(e.LinearARSkipped, "forecast: linear AR: "))
	}
	fmt.Fprintf(&b, "%s RMSE by variable (its unit) and lead time:\n%s", model, e.LeadTable())
	if e.Interval != nil {
		fmt.Fprintf(&b, "%g %% prediction intervals hold %.1f %% of the test values\n", 100*e.Interval.Level, 100*e.Coverage)
	}
	return b.String()
}

// FirstStepCurves returns, for a plot of variable j one step ahead over the
// test windows, the curves by name and their order: the truth, the model
// (named model), persistence and the linear AR(X) when fitted.
func (e *Evaluation) FirstStepCurves(model string, j int) (map[string][]float64, []string) {
	curves := map[string][]float64{}
	curves["truth"], curves[model], curves["persistence"] = e.FirstStep(j)
	order := []string{"truth", model, "persistence"}
	if e.LinearAR != nil {
		curves[e.LinearARLabel()], order = e.FirstStepOf(e.LinearAR.Predictions, j), append(order, e.LinearARLabel())
	}
	return curves, order
}

// LeadCurves returns, for a plot of variable j's test RMSE against the
// lead time, the curves by name and their order: the model's (named
// model), persistence's and the linear AR(X)'s when fitted.
func (e *Evaluation) LeadCurves(model string, j int) (map[string][]float64, []string) {
	curves := map[string][]float64{model: e.LeadRMSE(e.Model.Predictions, j), "persistence": e.LeadRMSE(e.Persistence.Predictions, j)}
	order := []string{model, "persistence"}
	if e.LinearAR != nil {
		curves[e.LinearARLabel()], order = e.LeadRMSE(e.LinearAR.Predictions, j), append(order, e.LinearARLabel())
	}
	return curves, order
}

// FoldMetrics are one backtest fold's steps and metrics.
type FoldMetrics struct {
	TrainEnd  int     `json:"train_end"`
	TestStart int     `json:"test_start"`
	TestEnd   int     `json:"test_end"`
	Metrics   Metrics `json:"metrics"`
}

// BacktestMetrics are a backtest's folds and their summary, as
// metrics.json holds them.
type BacktestMetrics struct {
	Folds    []FoldMetrics `json:"folds"`
	Summary  []FoldSummary `json:"summary"`
	Coverage float64       `json:"interval_coverage,omitempty"`
}

// RunMetrics is what a forecasting run reports in its metrics.json: the
// data's source, the run's settings, the test metrics of Evaluation.Metrics
// and, when the run made one, the backtest's (BacktestReport).
type RunMetrics struct {
	Source     string   `json:"source"`
	Window     int      `json:"window"`
	Horizon    int      `json:"horizon"`
	Ensemble   int      `json:"ensemble"`
	Seed       uint64   `json:"seed"`
	Split      string   `json:"split"`
	Covariates []string `json:"covariates,omitempty"`
	Metrics
	Backtest *BacktestMetrics `json:"backtest,omitempty"`
}

// BacktestReport returns a backtest's folds as physml forecast prints them
// (each fold's steps and RMSEs, then each method's mean ± std over the
// folds and the intervals' mean coverage), and its metrics.
func BacktestReport(folds []Fold, model string) (string, BacktestMetrics) {
	var b strings.Builder
	var m BacktestMetrics
	for i, fold := range folds {
		sp, ev := fold.Split, fold.Evaluation
		fmt.Fprintf(&b, "  fold %d: steps %d–%d tested, %d trained, %d windows:", i+1, sp.ValidationEnd, sp.Steps-1, sp.TrainEnd, ev.Windows)
		for _, l := range ev.Lines(model) {
			fmt.Fprintf(&b, "  %s %.4g", l.Label, l.Errors.RMSE)
		}
		b.WriteString("\n")
		m.Folds = append(m.Folds, FoldMetrics{sp.TrainEnd, sp.ValidationEnd, sp.Steps, ev.Metrics(model)})
	}
	m.Summary, m.Coverage = SummarizeFolds(folds, model)
	for _, s := range m.Summary {
		fmt.Fprintf(&b, "  %-20s RMSE %.4g ± %.2g   MAE %.4g ± %.2g (mean ± std over folds)\n", s.Label, s.Mean.RMSE, s.Std.RMSE, s.Mean.MAE, s.Std.MAE)
	}
	if len(folds) > 0 && folds[0].Evaluation.Interval != nil {
		fmt.Fprintf(&b, "  intervals hold %.1f %% of the test values (mean over folds)\n", 100*m.Coverage)
	}
	return b.String(), m
}
