package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/figures"
	"github.com/physml/physml/forecast"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

type forecastOptions struct {
	common
	seriesSource
	columns                                   string
	splitFlag                                 string
	strict                                    bool
	split                                     forecast.Fractions
	target                                    string
	cell                                      string
	layerList                                 string
	window, horizon, hidden, layers, heads    int
	epochs, batch, patience, ensemble, period int
	lr                                        float64
}

const forecastSummary = `Forecast a time series with a recurrent network: a window of past steps
goes in, the next --horizon steps come out (direct multi-output). The series
(--input series.csv with a header, or --example sunspots|co2 shipped with
physml) is split in time (--split): the first 70 % for training, the next 15 %
for validation (early stopping), the last 15 % for testing; each variable is
standardised with the training part's mean and deviation. Test RMSE and MAE,
in the data's units, are printed beside two baselines on the same test
windows: persistence (the last value) and a least-squares linear
autoregression on the same window. Writes forecast.safetensors (every
network of the --ensemble, whose predictions are averaged; "physml eval"
reads it),
predictions.npy (test windows × horizon·variables, data units),
metrics.json and forecast.png into --out.`

func runForecast(args []string, stdout, stderr io.Writer) error {
	var o forecastOptions
	fs := newFlagSet("forecast", forecastSummary, stdout)
	o.common.register(fs)
	o.registerTable(fs)
	fs.StringVar(&o.input, "input", "", "CSV time series with a header: a column per variable")
	fs.StringVar(&o.example, "example", "", "a series shipped with physml instead of --input: "+strings.Join(dataset.ExampleNames(), " or "))
	fs.StringVar(&o.timeColumn, "time-column", "", "column of times, not forecast (the examples set it)")
	fs.StringVar(&o.columns, "columns", "", "variables to forecast, comma-separated (default: all but the time column)")
	fs.StringVar(&o.fill, "fill", "", "missing values: an error (default), previous or linear")
	fs.StringVar(&o.cell, "cell", "lstm", cellUsage)
	fs.IntVar(&o.heads, "heads", 4, headsUsage)
	fs.IntVar(&o.window, "window", 24, "input steps per window")
	fs.IntVar(&o.horizon, "horizon", 1, "steps forecast per window")
	fs.StringVar(&o.layerList, "layers", "32", "hidden size of each stacked recurrent layer, comma-separated (32,32: two layers)")
	cli.Renamed(fs, "hidden", layersHint)
	fs.IntVar(&o.epochs, "epochs", 200, "most training epochs (early stopping on the validation part ends sooner)")
	fs.IntVar(&o.batch, "batch", 16, "batch size")
	fs.IntVar(&o.patience, "patience", 30, "epochs without a better validation loss before stopping")
	fs.IntVar(&o.ensemble, "ensemble", 1, "train this many networks from seeds seed, seed+1, … and average them")
	fs.Float64Var(&o.lr, "lr", 3e-3, "Adam learning rate")
	fs.IntVar(&o.period, "period", 0, "steps of a season (12 for monthly data of a yearly cycle): adds the seasonal naive baseline")
	fs.BoolVar(&o.strict, "strict", false, "refuse a time column with gaps or steps that do not advance (default: a warning)")
	fs.StringVar(&o.splitFlag, "split", "0.7,0.15,0.15", "chronological fractions of training, validation (early stopping) and test steps, summing to 1")
	fs.StringVar(&o.target, "target", "level", "what the network predicts: level (the values) or change (the values minus the window's last one, for trends that leave the training range)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	var columns []string
	if o.columns != "" {
		columns = strings.Split(o.columns, ",")
	}
	series, source, err := o.load(columns, o.comma, o.drop)
	if err != nil {
		return err
	}
	if gaps, disorder := series.Irregular(); gaps+disorder > 0 {
		what := fmt.Sprintf("%s: the time column %s has %d gap(s) (steps of more than 1.5 times its median spacing) and %d step(s) that do not advance; the windows pass over them as if the steps were even", source, series.TimeName, gaps, disorder)
		if o.strict {
			return errors.New(what)
		}
		fmt.Fprintf(stderr, "physml forecast: warning: %s (--strict makes this an error)\n", what)
	}
	if o.float64 {
		return runForecasting[float64](o, series, source, stdout, stderr)
	}
	return runForecasting[float32](o, series, source, stdout, stderr)
}

func (o *forecastOptions) check() error {
	var err error
	if o.hidden, o.layers, err = recurrentLayers(o.layerList); err != nil {
		return err
	}
	if _, err := checkCell(o.cell, seq.Config{HiddenSize: o.hidden, NumLayers: o.layers, Heads: o.heads}); err != nil {
		return err
	}
	switch {
	case o.window < 1 || o.horizon < 1 || o.window > 1<<16 || o.horizon > 1<<16:
		return usageError(fmt.Errorf("--window %d and --horizon %d: want 1 to 65536", o.window, o.horizon))
	case o.epochs < 1 || o.batch < 1 || o.patience < 0 || o.ensemble < 1 || o.ensemble > 100:
		return usageError(fmt.Errorf("--epochs, --batch and --ensemble (at most 100) must be positive and --patience not negative"))
	case o.period < 0 || o.period > 1<<16:
		return usageError(fmt.Errorf("--period %d: want 0 (no seasonal baseline) to 65536 steps", o.period))
	case o.target != "level" && o.target != "change":
		return usageError(fmt.Errorf("--target %q: want level or change", o.target))
	case o.fill != "" && o.fill != "previous" && o.fill != "linear":
		return usageError(fmt.Errorf("--fill %q: want previous or linear", o.fill))
	}
	var fr []float64
	for _, f := range strings.Split(o.splitFlag, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0 && v < 1) {
			fr = nil
			break
		}
		fr = append(fr, v)
	}
	if len(fr) != 3 || math.Abs(fr[0]+fr[1]+fr[2]-1) > 1e-9 {
		return usageError(fmt.Errorf("--split %q: want three positive fractions, training, validation and test, that sum to 1", o.splitFlag))
	}
	o.split = forecast.Fractions{Train: fr[0], Validation: fr[1]}
	if err := cli.CheckPositive("lr", o.lr); err != nil {
		return err
	}
	return o.common.check()
}

// seriesSource is the series a forecaster reads: --input or --example,
// with --time-column and --fill.
type seriesSource struct{ input, example, timeColumn, fill string }

// load reads the series (with the separator comma, 0 to detect it, and
// without the columns drop): its columns (all but the time column when nil;
// a saved forecaster's variables, whose names may hold commas).
func (o seriesSource) load(columns []string, comma rune, drop []string) (*dataset.TimeSeries, string, error) {
	if (o.input == "") == (o.example == "") {
		return nil, "", usageError(errors.New("give the data: --input series.csv or --example NAME (one of them)"))
	}
	opt := dataset.TimeSeriesOptions{TimeColumn: o.timeColumn, Fill: dataset.Fill(o.fill), Columns: columns, Comma: comma, Drop: drop}
	if o.example != "" {
		if !slices.Contains(dataset.ExampleNames(), o.example) {
			return nil, "", usageError(fmt.Errorf("--example: no example %q: want %s", o.example, strings.Join(dataset.ExampleNames(), " or ")))
		}
		s, err := dataset.ExampleSeries(o.example, opt)
		return s, o.example, err
	}
	s, err := dataset.ReadTimeSeries(o.input, opt)
	return s, o.input, err
}

// runForecasting trains, evaluates and writes the forecaster of the flags.
func runForecasting[T nn.Float](o forecastOptions, s *dataset.TimeSeries, source string, stdout, stderr io.Writer) error {
	cfg := o.config()
	if err := cfg.Check(s.Steps, s.Vars()); err != nil {
		return usageError(fmt.Errorf("%s: %w", source, err))
	}
	v, w, h := s.Vars(), o.window, o.horizon
	net := seq.Config{InputSize: v, HiddenSize: cfg.Hidden, NumLayers: cfg.Layers, Heads: cfg.Heads}
	if err := checkModelMemory[T](float64(cfg.Ensemble) * seq.ParamCount(cfg.Cell, net, h*v)); err != nil {
		return err
	}
	// The windows are copied out of the series (inputs and targets, for
	// training and prediction): bound them like an input file.
	if need := 4 * float64(s.Steps) * float64(w+h) * float64(v) * 8; need > float64(dataset.MaxBytes) {
		return usageError(fmt.Errorf("%s: windows of %d steps over %d steps of %d variables need %.0f MiB, more than --max-input's %d MiB: choose a shorter --window or --horizon, or raise --max-input",
			source, w+h, s.Steps, v, need/(1<<20), dataset.MaxBytes>>20))
	}
	sp := cfg.Split.Of(s.Steps)
	fmt.Fprintf(stdout, "%s: %d steps of %s; windows of %d steps forecast %d ahead: %d training, %d validation, %d test windows; backend %s\n",
		source, s.Steps, strings.Join(s.Names, ", "), w, h, sp.TrainEnd-w-h+1, sp.ValidationEnd-sp.TrainEnd-h+1, s.Steps-sp.ValidationEnd-h+1, blas.Describe())

	ctx, stop := o.start(stderr)
	defer stop()
	start := time.Now()
	cfg.OnEpoch = func(member int, e nn.EpochStats) {
		if e.Epoch == 1 || e.Epoch%25 == 0 {
			fmt.Fprintf(stdout, "network %d epoch %4d  train MSE %.4f  validation MSE %.4f\n", member+1, e.Epoch, e.TrainLoss, e.ValidationLoss)
		}
	}
	f, histories, fitErr := forecast.Fit[T](ctx, s, cfg)
	interrupted := fitErr != nil && errors.Is(fitErr, ctx.Err())
	if f == nil || fitErr != nil && !interrupted {
		return fitErr // an interrupt before any complete epoch included: nothing is written
	}
	if interrupted {
		fmt.Fprintf(stdout, "interrupted: evaluating and saving the %d network(s) trained so far\n", len(f.Members))
	}
	for e, hm := range histories {
		fmt.Fprintf(stdout, "network %d: best validation MSE %.4f (standardised) at epoch %d of %d\n",
			e+1, hm.Epochs[hm.BestEpoch-1].ValidationLoss, hm.BestEpoch, len(hm.Epochs))
	}
	trainTime := time.Since(start)
	ev, err := forecast.Evaluate(f, s.Values, o.period)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "test errors over %d windows (%s units), %d network(s) trained in %v:\n", ev.Windows, strings.Join(s.Names, ", "), len(f.Members), trainTime.Round(10*time.Millisecond))
	metrics := map[string]forecast.Errors{}
	for _, l := range ev.Lines(o.cell) {
		metrics[l.Key] = l.Errors
		fmt.Fprintf(stdout, "  %-20s RMSE %10.4g   MAE %10.4g\n", l.Label, l.Errors.RMSE, l.Errors.MAE)
	}
	if ev.LinearAR == nil {
		fmt.Fprintf(stdout, "  %-20s not fitted: %s\n", fmt.Sprintf("linear AR(%d)", w), strings.TrimPrefix(ev.LinearARSkipped, "forecast: linear AR: "))
	}
	// The network's errors of each variable in its own unit, and at each
	// lead time.
	fmt.Fprintf(stdout, "%s RMSE by variable (its unit) and lead time:\n%s", o.cell, ev.LeadTable(s.Names))
	perVariable, perLead := map[string]forecast.Errors{}, make([]map[string]forecast.Errors, h)
	for j, e := range ev.PerVariable() {
		perVariable[s.Names[j]] = e
	}
	for k, lead := range ev.PerLead() {
		perLead[k] = map[string]forecast.Errors{}
		for j, e := range lead {
			perLead[k][s.Names[j]] = e
		}
	}

	// Everything is ready before the first file is written.
	out := &cli.Outputs{}
	out.File("forecast.safetensors")(f.EncodeFile())
	out.Npy("predictions.npy", []int{ev.Windows, h * v}, ev.Model.Predictions)
	out.JSON("metrics.json", map[string]any{"source": source, "window": w, "horizon": h, "test_windows": ev.Windows,
		"ensemble": len(f.Members), "seed": o.seed, "split": f.Split.String(), "errors": metrics,
		"errors_per_variable": perVariable, "errors_per_lead": perLead})
	// The plot: the test period, one step ahead, first variable.
	steps := make([]float64, ev.Windows)
	for k := range steps {
		steps[k] = float64(sp.ValidationEnd + k)
		if s.Time != nil {
			steps[k] = s.Time[sp.ValidationEnd+k]
		}
	}
	series := map[string][]float64{}
	series["truth"], series[o.cell], series["persistence"] = ev.FirstStep(0)
	order := []string{"truth", o.cell, "persistence"}
	if ev.LinearAR != nil {
		label := fmt.Sprintf("linear AR(%d)", w)
		series[label], order = ev.FirstStepOf(ev.LinearAR.Predictions, 0), append(order, label)
	}
	xlabel := "step"
	if s.Time != nil {
		xlabel = s.TimeName
	}
	out.File("forecast.png")(figures.SeriesWithResiduals(fmt.Sprintf("%s: test period, one step ahead", filepath.Base(source)), xlabel, s.Names[0], steps, series, order))
	if err := o.writeRun(out, stdout, interrupted); err != nil {
		return err
	}
	return fitErr
}

// config returns the library's configuration for the flags.
func (o *forecastOptions) config() forecast.Config {
	cfg := forecast.DefaultConfig()
	cfg.Window, cfg.Horizon, cfg.Hidden, cfg.Layers, cfg.Heads = o.window, o.horizon, o.hidden, o.layers, o.heads
	cfg.Target, _ = forecast.ParseTarget(o.target)
	cfg.Cell, _ = seq.ParseCell(o.cell)
	cfg.Ensemble, cfg.Epochs, cfg.BatchSize, cfg.Patience, cfg.LR, cfg.Seed = o.ensemble, o.epochs, o.batch, o.patience, o.lr, o.seed
	cfg.Split = o.split
	return cfg
}
