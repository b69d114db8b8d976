package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
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
	cli.Common
	seriesSource
	columns, covariates, splitFlag, target, cell, layerList string
	strict                                                  bool
	split                                                   forecast.Fractions
	window, horizon, hidden, layers, heads, backtest        int
	epochs, batch, patience, ensemble, period               int
	lr, interval                                            float64
}

const forecastSummary = `Forecast a time series with a recurrent network: a window of past steps
goes in, the next --horizon steps come out (direct multi-output). The series
(--input series.csv with a header, or --example sunspots|co2 shipped with
physml) is split in time (--split): the first 70 % for training, the next 15 %
for validation (early stopping), the last 15 % for testing; each variable is
standardised with the training part's mean and deviation. Test RMSE and MAE,
in the data's units, are printed beside two baselines on the same test
windows: persistence (the last value) and a least-squares linear
autoregression on the same window; then the RMSE of each variable at each
lead time. --covariates names driving columns (a force, a temperature):
inputs only, never forecast, whose values over the forecast steps are
taken as known. Prediction intervals (--interval, 90 %) are the
validation errors' quantiles (split conformal); their coverage on the
test part is printed. --backtest K refits on K rolling origins over the
test part and reports each fold and the mean ± spread.

Writes into --out: forecast.safetensors (every network of the --ensemble,
whose predictions are averaged; "physml eval" and "physml predict" read
it); predictions.npy and predictions_lower.npy, predictions_upper.npy
(test windows × horizon·variables, data units); split.npy (0 training, 1
validation, 2 test, per step); metrics.json; forecast.png; for --horizon above 1, lead_rmse.png (the
first variable's test RMSE against the lead time, beside the baselines').`

func runForecast(args []string, stdout, stderr io.Writer) error {
	var o forecastOptions
	fs := newFlagSet("forecast", forecastSummary, stdout)
	o.Common.Register(fs)
	fs.StringVar(&o.input, "input", "", "CSV time series with a header: a column per variable")
	fs.StringVar(&o.example, "example", "", "a series shipped with physml instead of --input: "+strings.Join(dataset.ExampleNames(), " or "))
	fs.StringVar(&o.timeColumn, "time-column", "", "column of times, not forecast (the examples set it)")
	fs.StringVar(&o.columns, "columns", "", "variables to forecast, comma-separated (default: all but the time column and the covariates)")
	o.RegisterTable(fs) // after --columns, which names the variables here
	fs.StringVar(&o.covariates, "covariates", "", "driving columns, comma-separated: read as inputs, not forecast; their future values are taken as known")
	fs.Float64Var(&o.interval, "interval", 0.9, "coverage of the prediction intervals (0: none)")
	fs.IntVar(&o.backtest, "backtest", 0, "rolling-origin evaluation: refit on this many folds over the test part (0: none)")
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
		columns = append(strings.Split(o.columns, ","), o.config().Covariates...)
	}
	series, source, err := o.load(columns, o.Comma, o.Drop)
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
	if o.Float64 {
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
	case !(o.interval >= 0 && o.interval < 1):
		return usageError(fmt.Errorf("--interval %g: want 0 (none) or a coverage in (0, 1), such as 0.9", o.interval))
	case o.backtest < 0 || o.backtest > forecast.MaxFolds:
		return usageError(fmt.Errorf("--backtest %d: want 0 (none) to %d folds", o.backtest, forecast.MaxFolds))
	}
	if o.split, err = forecast.ParseFractions(o.splitFlag); err != nil {
		return usageError(fmt.Errorf("--split: %v", strings.TrimPrefix(err.Error(), "forecast: ")))
	}
	if err := cli.CheckPositive("lr", o.lr); err != nil {
		return err
	}
	return o.Common.Check()
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
	if err := cli.CheckModelMemory[T](float64(cfg.Ensemble) * seq.ParamCount(cfg.Cell, net, h*v)); err != nil {
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

	ctx, stop := o.Start(stderr)
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
	values, err := f.SeriesValues(s)
	if err != nil {
		return err
	}
	ev, err := forecast.Evaluate(f, values, o.period)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d network(s) trained in %v; %s", len(f.Members), trainTime.Round(10*time.Millisecond), ev.Report(o.cell))
	metrics := forecast.RunMetrics{Source: source, Window: w, Horizon: h, Ensemble: len(f.Members), Seed: o.Seed, Split: f.Split.String(),
		Covariates: f.Covariates, Metrics: ev.Metrics(o.cell)}
	if o.backtest > 0 && !interrupted {
		cfg.OnEpoch = nil
		fmt.Fprintf(stdout, "backtest: %d folds over the test part, each refitted on every step before its block\n", o.backtest)
		folds, err := forecast.Backtest[T](ctx, s, cfg, o.backtest, o.period)
		if err != nil {
			return err
		}
		text, m := forecast.BacktestReport(folds, o.cell)
		fmt.Fprint(stdout, text)
		metrics.Backtest = &m
	}

	// Everything is ready before the first file is written.
	out := &cli.Outputs{}
	out.File("forecast.safetensors")(f.EncodeFile())
	shape := []int{ev.Windows, h * f.Vars()}
	out.Npy("predictions.npy", shape, ev.Model.Predictions)
	if ev.Interval != nil {
		out.Npy("predictions_lower.npy", shape, ev.Lower)
		out.Npy("predictions_upper.npy", shape, ev.Upper)
	}
	out.Npy("split.npy", []int{s.Steps}, ev.Split.Codes())
	out.JSON("metrics.json", metrics)
	out.File("forecast.png")(figures.ForecastTest(ev, s, source, o.cell))
	if h > 1 {
		out.File("lead_rmse.png")(figures.LeadRMSE(ev, f.Names[0], o.cell))
	}
	if err := o.WriteRun(out, stdout, interrupted); err != nil {
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
	cfg.Ensemble, cfg.Epochs, cfg.BatchSize, cfg.Patience, cfg.LR, cfg.Seed = o.ensemble, o.epochs, o.batch, o.patience, o.lr, o.Seed
	cfg.Split, cfg.IntervalLevel = o.split, o.interval
	if o.covariates != "" {
		cfg.Covariates = strings.Split(o.covariates, ",")
	}
	return cfg
}
