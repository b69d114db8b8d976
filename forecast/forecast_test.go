package forecast

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// readSeries reads testdata/two_waves.csv: 120 steps of x = sin 0.3t and
// y = cos 0.2t + 0.01t, time column t.
func readSeries(t *testing.T) *dataset.TimeSeries {
	t.Helper()
	data, err := os.ReadFile("testdata/two_waves.csv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := dataset.ParseTimeSeries(bytes.NewReader(data), dataset.TimeSeriesOptions{TimeColumn: "t"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// smallConfig trains small networks quickly.
func smallConfig() Config {
	cfg := DefaultConfig()
	cfg.Window, cfg.Horizon, cfg.Hidden, cfg.Epochs, cfg.Ensemble, cfg.Target = 6, 2, 5, 3, 2, Change
	return cfg
}

func TestChronologicalSplitRoundsToTheNearestStep(t *testing.T) {
	for _, c := range []struct {
		steps int
		f     Fractions
		want  Split
	}{
		{309, DefaultSplit, Split{216, 263, 309}}, // 216.3, 262.65
		{120, DefaultSplit, Split{84, 102, 120}},
		{100, Fractions{0.5, 0.25}, Split{50, 75, 100}},
	} {
		if got := c.f.Of(c.steps); got != c.want {
			t.Errorf("%v of %d steps: %+v, want %+v", c.f, c.steps, got, c.want)
		}
	}
	if DefaultSplit.String() != "70/15/15" {
		t.Errorf("DefaultSplit prints as %q", DefaultSplit.String())
	}
	for _, bad := range []Fractions{{0, 0.2}, {0.8, 0.2}, {0.7, 0}, {math.NaN(), 0.1}} {
		if bad.check() == nil {
			t.Errorf("split %v accepted", bad)
		}
	}
}

func TestErrorsOf(t *testing.T) {
	got := ErrorsOf([]float64{1, 2, 3, 4}, []float64{1, 4, 2, 4})
	// errors 0, −2, 1, 0: RMSE √(5/4), MAE 3/4
	numcheck.Scalar(t, "RMSE", got.RMSE, math.Sqrt(1.25), 1e-15)
	numcheck.Scalar(t, "MAE", got.MAE, 0.75, 1e-15)
}

// TestBaselinesByHand: persistence and the seasonal naive forecast on a
// two-variable series whose values name their step and variable.
func TestBaselinesByHand(t *testing.T) {
	values := make([]float64, 2*10) // step s, variable j: 10s + j
	for s := 0; s < 10; s++ {
		values[2*s], values[2*s+1] = float64(10*s), float64(10*s+1)
	}
	p, err := Persistence(values, 2, 7, 10, 2)
	if err != nil {
		t.Fatal(err)
	}
	// windows with targets at steps 7–8 and 8–9: the last values of steps 6 and 7
	want := []float64{60, 61, 60, 61, 70, 71, 70, 71}
	if numcheck.MaxAbsDiff(p, want) != 0 {
		t.Errorf("persistence %v, want %v", p, want)
	}
	n, err := SeasonalNaive(values, 2, 2, 6, 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	// targets 6,7,8 from steps 4,5,4; targets 7,8,9 from 5,6,5
	want = []float64{40, 41, 50, 51, 40, 41, 50, 51, 60, 61, 50, 51}
	if numcheck.MaxAbsDiff(n, want) != 0 {
		t.Errorf("seasonal naive %v, want %v", n, want)
	}
	if _, err := SeasonalNaive(values, 2, 7, 6, 10, 1); err == nil {
		t.Error("a period longer than the steps before the targets accepted")
	}
	if _, err := Persistence(values, 2, 0, 10, 1); err == nil {
		t.Error("persistence with no step before the first target accepted")
	}
}

// TestLinearARRecoversAnExactAutoregression: on a series that follows
// x_t = 1.5 x_{t−1} − 0.7 x_{t−2} + 0.3 exactly, the fit finds the
// coefficients and forecasts to rounding error; with fewer windows than
// coefficients it refuses, naming both counts.
func TestLinearARRecoversAnExactAutoregression(t *testing.T) {
	x := []float64{1, 2}
	for len(x) < 60 {
		n := len(x)
		x = append(x, 1.5*x[n-1]-0.7*x[n-2]+0.3)
	}
	ar, err := FitLinearAR(x, 1, 2, 1, 40)
	if err != nil {
		t.Fatal(err)
	}
	beta := ar.Coefficients.RawMatrix().Data // x_{t−2}, x_{t−1}, 1
	if d := numcheck.MaxAbsDiff(beta, []float64{-0.7, 1.5, 0.3}); !(d <= 1e-12) {
		t.Errorf("coefficients %v, want [−0.7 1.5 0.3] (%.3g off)", beta, d)
	}
	pred, err := ar.Predict(x, 40, 60)
	if err != nil {
		t.Fatal(err)
	}
	if d := numcheck.MaxAbsDiff(pred, x[40:]); !(d <= 1e-12) {
		t.Errorf("forecasts %.3g off the series", d)
	}
	if _, err := FitLinearAR(x, 1, 20, 1, 30); err == nil || !strings.Contains(err.Error(), "10 training windows for 21 coefficients") {
		t.Errorf("an underdetermined fit: %v", err)
	}
}

// TestFitCheckesEverythingBeforeTraining: settings and series that cannot
// train are refused at once, naming the setting.
func TestFitChecksEverythingBeforeTraining(t *testing.T) {
	s := readSeries(t)
	for _, c := range []struct {
		change func(*Config)
		want   string
	}{
		{func(c *Config) { c.Window = 100 }, "too few for a window of 100"},
		{func(c *Config) { c.Horizon = 0 }, "horizon 0"},
		{func(c *Config) { c.Ensemble = 101 }, "ensemble of 101"},
		{func(c *Config) { c.LR = math.Inf(1) }, "learning rate"},
		{func(c *Config) { c.Split = Fractions{0.9, 0.1} }, "split"},
		{func(c *Config) { c.Hidden = 1 << 17 }, "hidden size"},
	} {
		cfg := smallConfig()
		c.change(&cfg)
		_, _, err := Fit[float64](context.Background(), s, cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", cfg, err, c.want)
		}
	}
}

// TestForecasterSavesAndLoadsExactly: a fitted forecaster's file loads
// into one that predicts the same numbers to the bit, in both precisions.
func TestForecasterSavesAndLoadsExactly(t *testing.T) {
	s := readSeries(t)
	f, hist, err := Fit[float64](context.Background(), s, smallConfig())
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || len(f.Members) != 2 {
		t.Fatalf("%d histories and %d members, want 2", len(hist), len(f.Members))
	}
	path := filepath.Join(t.TempDir(), "f.safetensors")
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	g, err := Load[float64](path)
	if err != nil {
		t.Fatal(err)
	}
	a, _, _, err := f.PredictWindows(s.Values, 102, 120)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _, err := g.PredictWindows(s.Values, 102, 120)
	if err != nil {
		t.Fatal(err)
	}
	if d := numcheck.MaxAbsDiff(a, b); d != 0 {
		t.Errorf("the loaded forecaster is %.3g off", d)
	}
	if g.Window != 6 || g.Horizon != 2 || g.Target != Change || g.Split != DefaultSplit || strings.Join(g.Names, "|") != "x|y" {
		t.Errorf("loaded %+v", g)
	}
}

// TestVariableNamesWithCommasSurviveTheFile: names are a JSON array, so a
// comma in a name (a quoted CSV header) comes back whole.
func TestVariableNamesWithCommasSurviveTheFile(t *testing.T) {
	s := readSeries(t)
	s.Names = []string{"x, metres", "y"}
	cfg := smallConfig()
	cfg.Epochs, cfg.Ensemble = 1, 1
	f, _, err := Fit[float32](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	data, err := f.EncodeFile()
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse[float32](data)
	if err != nil || strings.Join(g.Names, "|") != "x, metres|y" {
		t.Errorf("names %q, %v", g.Names, err)
	}
}

// TestFileWrittenBeforeThisPackageLoads: a forecaster file that physml
// forecast wrote before the package existed (comma-separated names, no
// split key; testdata/two_waves.csv, --window 6 --horizon 2 --hidden 5
// --epochs 3 --ensemble 2 --target change) loads and predicts the test
// windows that run saved in its predictions.npy.
func TestFileWrittenBeforeThisPackageLoads(t *testing.T) {
	f, err := Load[float32]("testdata/forecast_before_2026-12-05.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	want, err := dataset.ReadNpy("testdata/forecast_before_2026-12-05_predictions.npy")
	if err != nil {
		t.Fatal(err)
	}
	s := readSeries(t)
	pred, _, n, err := f.PredictWindows(s.Values, f.Split.Of(s.Steps).ValidationEnd, s.Steps)
	if err != nil {
		t.Fatal(err)
	}
	if n != want.Shape[0] || len(pred) != len(want.Data) {
		t.Fatalf("%d windows (%d values), the file has %v", n, len(pred), want.Shape)
	}
	// float32 networks: the same sums as the run's, in the same order.
	if d := numcheck.MaxRelDiff(pred, want.Data, 1e-3); !(d <= 1e-6) {
		t.Errorf("the predictions are %.3g (relative) off the run's", d)
	}
	ev, err := Evaluate(f, s.Values, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The run printed: lstm RMSE 0.3327, persistence 0.3025, linear AR 5.57e-07.
	numcheck.Scalar(t, "RMSE", ev.Model.Errors.RMSE, 0.3327, 1e-4)
	numcheck.Scalar(t, "persistence RMSE", ev.Persistence.Errors.RMSE, 0.3025, 1e-4)
	if ev.LinearAR == nil || !(ev.LinearAR.Errors.RMSE < 1e-5) {
		t.Errorf("linear AR: %+v (%s)", ev.LinearAR, ev.LinearARSkipped)
	}
}

// TestForecastContinuesTheSeries: the first Horizon steps of Forecast are
// the networks' forecast of the last window (PredictWindows of a series
// with Horizon steps more); later steps are the forecast of the series
// extended by the earlier ones.
func TestForecastContinuesTheSeries(t *testing.T) {
	s := readSeries(t)
	cfg := smallConfig()
	f, _, err := Fit[float64](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	v, h := s.Vars(), cfg.Horizon
	future, err := f.Forecast(s.Values, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(future) != 5*v {
		t.Fatalf("%d values, want 5 steps of %d", len(future), v)
	}
	padded := append(append([]float64(nil), s.Values...), make([]float64, h*v)...)
	direct, _, _, err := f.PredictWindows(padded, s.Steps, s.Steps+h)
	if err != nil {
		t.Fatal(err)
	}
	if d := numcheck.MaxRelDiff(future[:h*v], direct, 1); !(d <= 1e-14) {
		t.Errorf("the first %d steps are %.3g off the last window's forecast", h, d)
	}
	extended := append(append([]float64(nil), s.Values...), future[:h*v]...)
	rest, err := f.Forecast(extended, 3)
	if err != nil {
		t.Fatal(err)
	}
	if d := numcheck.MaxRelDiff(future[h*v:], rest, 1); !(d <= 1e-14) {
		t.Errorf("steps %d on are %.3g off the forecast of the extended series", h, d)
	}
	bad := append([]float64(nil), s.Values...)
	bad[len(bad)-3] = math.NaN()
	if _, err := f.Forecast(bad, 1); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("a NaN in the last window: %v", err)
	}
	if _, err := f.Forecast(s.Values[:10], 1); err == nil {
		t.Error("a series shorter than the window accepted")
	}
}

// TestEvaluateBeatsTheBaselinesOnANoisyOscillation: on 400 steps of a
// noisy oscillation the LSTM forecaster with default settings beats
// persistence and is within reach of the linear AR, and the seasonal naive
// baseline is reported when a period is given.
func TestEvaluateBeatsTheBaselinesOnANoisyOscillation(t *testing.T) {
	if testing.Short() {
		t.Skip("a training run")
	}
	rng := nn.NewRand(3)
	s := &dataset.TimeSeries{Names: []string{"x"}, Steps: 400}
	for i := 0; i < 400; i++ {
		s.Values = append(s.Values, math.Sin(2*math.Pi*float64(i)/20)+0.1*rng.NormFloat64())
	}
	cfg := DefaultConfig()
	cfg.Window, cfg.Hidden = 10, 16
	f, _, err := Fit[float32](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := Evaluate(f, s.Values, 20)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("RMSE: model %.4f, persistence %.4f, seasonal naive %.4f, linear AR %.4f",
		ev.Model.Errors.RMSE, ev.Persistence.Errors.RMSE, ev.SeasonalNaive.Errors.RMSE, ev.LinearAR.Errors.RMSE)
	if !(ev.Model.Errors.RMSE < ev.Persistence.Errors.RMSE) || !(ev.Model.Errors.RMSE < 1.5*ev.LinearAR.Errors.RMSE) {
		t.Errorf("model RMSE %.4f against persistence %.4f and linear AR %.4f", ev.Model.Errors.RMSE, ev.Persistence.Errors.RMSE, ev.LinearAR.Errors.RMSE)
	}
	// The seasonal naive forecast of a noisy period-20 sine errs by about
	// the noise of two samples, 0.1·√2 (0.105 on these 60 windows).
	if r := ev.SeasonalNaive.Errors.RMSE; !(r > 0.07 && r < 0.2) {
		t.Errorf("seasonal naive RMSE %.4f, want about 0.14", r)
	}
}

// TestCloneForecastsTheSame: a clone predicts the same numbers from its
// own networks.
func TestCloneForecastsTheSame(t *testing.T) {
	s := readSeries(t)
	cfg := smallConfig()
	cfg.Epochs, cfg.Cell = 1, seq.GRU
	f, _, err := Fit[float64](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	g := f.Clone()
	if g.Members[0] == f.Members[0] {
		t.Fatal("the clone shares a network")
	}
	a, _ := f.Forecast(s.Values, 4)
	b, _ := g.Forecast(s.Values, 4)
	if numcheck.MaxAbsDiff(a, b) != 0 {
		t.Error("the clone forecasts differently")
	}
}

// TestVariableNamesMustBeUTF8: a column name that is not UTF-8 would be
// mangled in the file's JSON metadata (and eval could not find the
// column): Fit refuses it before training, naming it.
func TestVariableNamesMustBeUTF8(t *testing.T) {
	s := readSeries(t)
	s.Names = []string{"a\xe9", "y"}
	if _, _, err := Fit[float32](context.Background(), s, smallConfig()); err == nil || !strings.Contains(err.Error(), `"a\xe9"`) {
		t.Errorf("error %v", err)
	}
}

// evaluated fits the small configuration for one epoch with the given
// horizon to the test series and evaluates it with the seasonal period.
func evaluated(t *testing.T, horizon, period int) (*dataset.TimeSeries, *Forecaster[float64], *Evaluation) {
	t.Helper()
	s := readSeries(t)
	cfg := smallConfig()
	cfg.Epochs, cfg.Horizon = 1, horizon
	f, _, err := Fit[float64](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := Evaluate(f, s.Values, period)
	if err != nil {
		t.Fatal(err)
	}
	return s, f, ev
}

// TestEvaluationLinesAndFirstStep: the table lists the methods made, in
// order and labelled with their orders; FirstStep picks the first step of
// each window for one variable.
func TestEvaluationLinesAndFirstStep(t *testing.T) {
	s, f, ev := evaluated(t, 2, 3)
	var labels []string
	for _, l := range ev.Lines("gru") {
		labels = append(labels, l.Label)
	}
	want := []string{"gru", "persistence", "seasonal naive(3)"}
	if ev.LinearAR != nil {
		want = append(want, fmt.Sprintf("linear AR(%d)", f.Window))
	}
	if !slices.Equal(labels, want) {
		t.Errorf("lines %q, want %q", labels, want)
	}
	if l := ev.Lines("gru")[1]; l.Key != "persistence" || l.Errors != ev.Persistence.Errors {
		t.Errorf("persistence line %+v", l)
	}
	v := f.Vars()
	truth, model, persistence := ev.FirstStep(v - 1)
	if len(truth) != ev.Windows || len(model) != ev.Windows || len(persistence) != ev.Windows {
		t.Fatalf("%d, %d, %d values for %d windows", len(truth), len(model), len(persistence), ev.Windows)
	}
	for k := 0; k < ev.Windows; k++ {
		// The truth one step ahead of window k is the series at step
		// ValidationEnd + k.
		if got, want := truth[k], s.Values[(ev.Split.ValidationEnd+k)*v+v-1]; math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Fatalf("window %d: truth %g, series %g", k, got, want)
		}
		if model[k] != ev.Model.Predictions[k*2*v+v-1] {
			t.Fatalf("window %d: model %g", k, model[k])
		}
	}
}

// TestTestErrorsAreTheEvaluationsModelErrors: the errors on the test
// windows, as Evaluate measures them.
func TestTestErrorsAreTheEvaluationsModelErrors(t *testing.T) {
	s, f, ev := evaluated(t, smallConfig().Horizon, 0)
	got, n, err := f.TestErrors(s.Values)
	if err != nil || got != ev.Model.Errors || n != ev.Windows {
		t.Errorf("TestErrors %+v over %d windows, %v; Evaluate %+v over %d", got, n, err, ev.Model.Errors, ev.Windows)
	}
}

// TestErrorsPerVariableAndLead: the per-variable and per-lead errors are
// those of the prediction columns they name.
func TestErrorsPerVariableAndLead(t *testing.T) {
	s, f, ev := evaluated(t, 3, 0)
	v := f.Vars()
	column := func(c int) (p, tr []float64) {
		for w := 0; w < ev.Windows; w++ {
			p, tr = append(p, ev.Model.Predictions[w*3*v+c]), append(tr, ev.Truth[w*3*v+c])
		}
		return p, tr
	}
	lead := ev.PerLead()
	if len(lead) != 3 || len(lead[2]) != v {
		t.Fatalf("PerLead: %d leads of %d variables", len(lead), len(lead[0]))
	}
	p, tr := column(2*v + v - 1)
	if got, want := lead[2][v-1], ErrorsOf(p, tr); got != want {
		t.Errorf("lead 3, last variable: %+v, want %+v", got, want)
	}
	if got := ev.LeadRMSE(ev.Model.Predictions, v-1); got[2] != lead[2][v-1].RMSE || got[0] != lead[0][v-1].RMSE {
		t.Errorf("LeadRMSE %v, PerLead %+v", got, lead)
	}
	var pv, tv []float64
	for k := 0; k < 3; k++ {
		p, tr := column(k*v + 0)
		pv, tv = append(pv, p...), append(tv, tr...)
	}
	table := ev.LeadTable()
	if !strings.HasPrefix(table, fmt.Sprintf("  lead   %12s %12s", s.Names[0], s.Names[1])) {
		t.Errorf("lead table header:\n%s", table)
	}
	report := ev.Report("lstm")
	if !strings.Contains(report, "test errors over") || !strings.Contains(report, fmt.Sprintf("  %-20s RMSE %10.4g", "lstm", ev.Model.Errors.RMSE)) || !strings.HasSuffix(report, table+"90 % prediction intervals hold "+fmt.Sprintf("%.1f", 100*ev.Coverage)+" % of the test values\n") {
		t.Errorf("report:\n%s", report)
	}
	if lines := strings.Split(table, "\n"); len(lines) != 6 || !strings.HasPrefix(lines[3], "  3      ") || !strings.Contains(lines[4], fmt.Sprintf("%12.4g", ev.PerVariable()[v-1].RMSE)) {
		t.Errorf("lead table:\n%s", table)
	}
	want := ErrorsOf(pv, tv)
	if got := ev.PerVariable()[0]; math.Abs(got.RMSE-want.RMSE) > 1e-12*want.RMSE || math.Abs(got.MAE-want.MAE) > 1e-12*want.MAE {
		t.Errorf("variable 0: %+v, want %+v", got, want)
	}
}
