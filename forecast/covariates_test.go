package forecast

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

func TestWindowsReadTheCovariatesAheadOfTheTargets(t *testing.T) {
	f := &Forecaster[float64]{Window: 2, Horizon: 2, Names: []string{"a"}, Covariates: []string{"c"}}
	var z []float64
	for step := 0; step < 7; step++ {
		z = append(z, float64(step), 100+float64(step))
	}
	x, y, n := f.windows(z, 0, 6)
	if n != 3 {
		t.Fatalf("%d windows, want 3", n)
	}
	// Window k reads a at steps k, k+1 and c two steps later; it forecasts
	// a at steps k+2, k+3.
	wantX := []float64{0, 102, 1, 103, 1, 103, 2, 104, 2, 104, 3, 105}
	wantY := []float64{2, 3, 3, 4, 4, 5}
	if !slices.Equal(x, wantX) || !slices.Equal(y, wantY) {
		t.Errorf("windows\nx %v, want %v\ny %v, want %v", x, wantX, y, wantY)
	}
	if got := f.targetsOf(z[:6]); !slices.Equal(got, []float64{0, 1, 2}) {
		t.Errorf("targetsOf: %v", got)
	}
}

func TestColumnOrder(t *testing.T) {
	targets, order, err := columnOrder([]string{"drive", "x", "y"}, []string{"drive"})
	if err != nil || !slices.Equal(targets, []string{"x", "y"}) || !slices.Equal(order, []int{1, 2, 0}) {
		t.Errorf("targets %v, order %v, %v", targets, order, err)
	}
	for _, bad := range [][]string{{"z"}, {"x", "x"}, {"drive", "x", "y"}} {
		if _, _, err := columnOrder([]string{"drive", "x", "y"}, bad); err == nil {
			t.Errorf("covariates %v accepted", bad)
		}
	}
}

// drivenSeries returns n steps of x(t) = 0.7 x(t−1) + F(t) + 0.05 ε(t),
// with a drive F of independent N(0, 1) values: unpredictable from the past,
// known to a forecaster that reads it as a covariate.
func drivenSeries(n int) *dataset.TimeSeries {
	rng := nn.NewRand(5)
	s := &dataset.TimeSeries{Names: []string{"F", "x"}, Steps: n}
	x := 0.0
	for i := 0; i < n; i++ {
		drive := rng.NormFloat64()
		x = 0.7*x + drive + 0.05*rng.NormFloat64()
		s.Values = append(s.Values, drive, x)
	}
	return s
}

// TestCovariatesDriveTheForecast: with the drive as a covariate, the LSTM
// and the linear ARX forecast x to about the noise (0.05); without it, to
// about the drive's deviation (1).
func TestCovariatesDriveTheForecast(t *testing.T) {
	if testing.Short() {
		t.Skip("two training runs")
	}
	s := drivenSeries(400)
	cfg := DefaultConfig()
	cfg.Window, cfg.Hidden, cfg.Covariates = 4, 16, []string{"F"}
	f, _, err := Fit[float32](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Names, []string{"x"}) || !slices.Equal(f.Columns(), []string{"x", "F"}) {
		t.Fatalf("names %v, columns %v", f.Names, f.Columns())
	}
	values, err := f.SeriesValues(s)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := Evaluate(f, values, 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Covariates = nil
	blind, _, err := Fit[float32](context.Background(), &dataset.TimeSeries{Names: []string{"x"}, Steps: s.Steps, Values: f.targetsOf(values)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	blindErrors, _, err := blind.TestErrors(f.targetsOf(values))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test RMSE: LSTM with the drive %.4f, linear ARX %.4f, persistence %.4f, LSTM without the drive %.4f; 90 %% interval coverage %.3f",
		ev.Model.Errors.RMSE, ev.LinearAR.Errors.RMSE, ev.Persistence.Errors.RMSE, blindErrors.RMSE, ev.Coverage)
	if ev.LinearARLabel() != "linear ARX(4)" {
		t.Errorf("the linear baseline is %q", ev.LinearARLabel())
	}
	if r := ev.LinearAR.Errors.RMSE; !(r < 0.08) {
		t.Errorf("linear ARX RMSE %.4f, want about the noise, 0.05", r)
	}
	if r := ev.Model.Errors.RMSE; !(r < 0.3) {
		t.Errorf("LSTM with the drive: RMSE %.4f, want below 0.3", r)
	}
	if r := blindErrors.RMSE; !(r > 0.7) {
		t.Errorf("LSTM without the drive: RMSE %.4f, want about 1 (the drive cannot be forecast)", r)
	}
	// Persistence forecasts x, not the drive.
	if want := values[(ev.Split.ValidationEnd-1)*2]; ev.Persistence.Predictions[0] != want {
		t.Errorf("persistence's first forecast %g, want x at the step before, %g", ev.Persistence.Predictions[0], want)
	}
	if !(ev.Coverage > 0.75 && ev.Coverage <= 1) {
		t.Errorf("coverage of the 90 %% intervals %.3f", ev.Coverage)
	}
}

// TestForecastWithTheDrivesFuture: the forecast of the steps after a
// series, given the drive's future, is the forecast of the window at that
// origin; beyond the horizon it continues from its own forecasts.
func TestForecastWithTheDrivesFuture(t *testing.T) {
	s := drivenSeries(120)
	cfg := smallConfig()
	cfg.Covariates = []string{"F"}
	f, _, err := Fit[float64](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	values, _ := f.SeriesValues(s)
	const origin, in, v = 100, 2, 1
	h := cfg.Horizon
	covariate := func(from, to int) []float64 {
		var out []float64
		for step := from; step < to; step++ {
			out = append(out, values[step*in+1])
		}
		return out
	}
	direct, _, _, err := f.PredictWindows(values, origin, origin+h)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.ForecastWith(values[:origin*in], covariate(origin, origin+h+1), h+1)
	if err != nil {
		t.Fatal(err)
	}
	if d := numcheck.MaxRelDiff(got[:h*v], direct, 1); !(d <= 1e-14) {
		t.Errorf("the first %d steps are %.3g off the window's forecast", h, d)
	}
	// Step h: from the series extended by the first forecast step.
	extended := append(append([]float64(nil), values[:origin*in]...), got[0], values[origin*in+1])
	next, err := f.ForecastWith(extended, covariate(origin+1, origin+h+1), h)
	if err != nil {
		t.Fatal(err)
	}
	if d := numcheck.MaxRelDiff(got[h*v:], next[(h-1)*v:], 1); !(d <= 1e-14) {
		t.Errorf("step %d is %.3g off the forecast of the extended series", h, d)
	}
	if _, err := f.ForecastWith(values[:origin*in], covariate(origin, origin+1), 1); err == nil || !strings.Contains(err.Error(), "2 steps ahead") {
		t.Errorf("one future step of a drive read 2 ahead: %v", err)
	}
	if _, err := f.Forecast(values[:origin*in], 1); err == nil {
		t.Error("a forecast without the drive's future accepted")
	}
	bad := covariate(origin, origin+h)
	bad[1] = math.Inf(1)
	if _, err := f.ForecastWith(values[:origin*in], bad, h); err == nil || !strings.Contains(err.Error(), "covariate F") {
		t.Errorf("an infinite drive: %v", err)
	}
}

// TestIntervalsAreConformalQuantiles: the half-widths are the
// ⌈(n+1)·0.9⌉-th smallest absolute validation errors, lead by lead; the
// coverage counts the truths inside them.
func TestIntervalsAreConformalQuantiles(t *testing.T) {
	s := readSeries(t)
	cfg := smallConfig()
	cfg.Epochs = 2
	f, _, err := Fit[float64](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if f.Interval == nil || f.Interval.Level != 0.9 || len(f.Interval.HalfWidth) != cfg.Horizon*s.Vars() {
		t.Fatalf("interval %+v", f.Interval)
	}
	sp := cfg.Split.Of(s.Steps)
	pred, truth, n, err := f.PredictWindows(s.Values, sp.TrainEnd, sp.ValidationEnd)
	if err != nil {
		t.Fatal(err)
	}
	width := len(f.Interval.HalfWidth)
	k := int(math.Ceil(float64(n+1)*0.9)) - 1
	for j := 0; j < width; j++ {
		var errs []float64
		for w := 0; w < n; w++ {
			errs = append(errs, math.Abs(pred[w*width+j]-truth[w*width+j]))
		}
		slices.Sort(errs)
		if d := numcheck.MaxRelDiff([]float64{f.Interval.HalfWidth[j]}, []float64{errs[k]}, 1); !(d <= 1e-12) {
			t.Errorf("half-width %d: %g, want the %d-th of %d errors %g", j, f.Interval.HalfWidth[j], k+1, n, errs[k])
		}
	}
	iv := &Interval{Level: 0.9, HalfWidth: []float64{1, 2}}
	if c := iv.Coverage([]float64{0, 0, 0, 0}, []float64{0.5, 3, -1, -1.5}); c != 0.75 {
		t.Errorf("coverage %g, want 0.75", c)
	}
	lo, hi := iv.Bounds([]float64{1, 1})
	if !slices.Equal(lo, []float64{0, -1}) || !slices.Equal(hi, []float64{2, 3}) {
		t.Errorf("bounds %v %v", lo, hi)
	}
	cfg.IntervalLevel = 0
	if g, _, _ := Fit[float64](context.Background(), s, cfg); g.Interval != nil {
		t.Error("intervals without a level")
	}
}

func TestCovariatesAndIntervalsSurviveTheFile(t *testing.T) {
	s := drivenSeries(120)
	cfg := smallConfig()
	cfg.Covariates = []string{"F"}
	f, _, err := Fit[float32](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	data, err := f.EncodeFile()
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse[float32](data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.Covariates, f.Covariates) || !slices.Equal(g.Names, f.Names) || g.Interval.Level != 0.9 || !slices.Equal(g.Interval.HalfWidth, f.Interval.HalfWidth) {
		t.Errorf("loaded covariates %v, names %v, interval %+v; saved %v, %v, %+v", g.Covariates, g.Names, g.Interval, f.Covariates, f.Names, f.Interval)
	}
	values, _ := f.SeriesValues(s)
	a, _, _, _ := f.PredictWindows(values, 100, 120)
	b, _, _, _ := g.PredictWindows(values, 100, 120)
	if !slices.Equal(a, b) {
		t.Error("the loaded forecaster predicts other numbers")
	}
}

func TestBacktestSplitsCutTheTestPartIntoBlocks(t *testing.T) {
	got := BacktestSplits(DefaultSplit, 200, 3)
	want := []Split{{140, 170, 180}, {150, 180, 190}, {160, 190, 200}}
	if !slices.Equal(got, want) {
		t.Errorf("splits %v, want %v", got, want)
	}
}

// TestBacktestSeesNothingAfterItsFold: each fold is fitted and tested on
// the steps before its block's end only, so changing the steps after the
// first fold changes nothing of it.
func TestBacktestSeesNothingAfterItsFold(t *testing.T) {
	s := readSeries(t)
	cfg := smallConfig()
	cfg.Epochs = 2
	folds, err := Backtest[float64](context.Background(), s, cfg, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(folds) != 3 || folds[0].Split != (Split{84, 102, 108}) || folds[2].Split.Steps != 120 {
		t.Fatalf("folds %+v", folds)
	}
	for i, fold := range folds {
		if fold.Evaluation.Windows != 5 {
			t.Errorf("fold %d: %d test windows, want 6 − 2 + 1", i, fold.Evaluation.Windows)
		}
	}
	changed := *s
	changed.Values = slices.Clone(s.Values)
	for i := 108 * s.Vars(); i < len(changed.Values); i++ {
		changed.Values[i] = 1e6
	}
	again, err := Backtest[float64](context.Background(), &changed, cfg, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := folds[0].Evaluation.Model.Errors, again[0].Evaluation.Model.Errors; a != b {
		t.Errorf("fold 1's errors changed with the steps after it: %+v, then %+v", a, b)
	}
	if a, b := folds[2].Evaluation.Model.Errors, again[2].Evaluation.Model.Errors; a == b {
		t.Error("fold 3's errors did not change with its own steps")
	}
	summary, coverage := SummarizeFolds(folds, "lstm")
	if summary[0].Key != "lstm" || !(coverage > 0 && coverage <= 1) {
		t.Fatalf("summary %+v, coverage %g", summary, coverage)
	}
	var rmse []float64
	for _, fold := range folds {
		rmse = append(rmse, fold.Evaluation.Model.Errors.RMSE)
	}
	mean := (rmse[0] + rmse[1] + rmse[2]) / 3
	std := math.Sqrt(((rmse[0]-mean)*(rmse[0]-mean) + (rmse[1]-mean)*(rmse[1]-mean) + (rmse[2]-mean)*(rmse[2]-mean)) / 2)
	if d := numcheck.MaxRelDiff([]float64{summary[0].Mean.RMSE, summary[0].Std.RMSE}, []float64{mean, std}, 1); !(d <= 1e-14) {
		t.Errorf("mean ± std %g ± %g, want %g ± %g", summary[0].Mean.RMSE, summary[0].Std.RMSE, mean, std)
	}
	if _, err := Backtest[float64](context.Background(), s, cfg, 10, 0); err == nil {
		t.Error("10 folds of 1 step each accepted with a horizon of 2")
	}
}
