package forecast

import (
	"context"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// Target is what the networks learn to predict.
type Target int

const (
	// Level: the values of the next steps (standardised).
	Level Target = iota
	// Change: the values of the next steps minus the window's last value, a
	// correction to persistence that follows trends leaving the training
	// range.
	Change
)

// String returns the target's name in files and flags: level or change.
func (t Target) String() string {
	if t == Change {
		return "change"
	}
	return "level"
}

// ParseTarget returns the target named level or change.
func ParseTarget(s string) (Target, error) {
	switch s {
	case "level":
		return Level, nil
	case "change":
		return Change, nil
	}
	return 0, fmt.Errorf("forecast: target %q: want level or change", s)
}

// MaxEnsemble is the largest number of networks in an ensemble (and in a
// file that Load accepts).
const MaxEnsemble = 100

// Config holds a forecaster's hyper-parameters and how it is trained.
// Start from DefaultConfig and change what you need.
type Config struct {
	Window  int // input steps per window
	Horizon int // steps predicted per window
	Target  Target

	Cell   seq.CellType
	Hidden int // hidden size
	Layers int // stacked recurrent layers
	Heads  int // heads of an sLSTM or mLSTM cell (it must divide Hidden)

	Ensemble  int     // networks, from seeds Seed, Seed+1, …, averaged
	Epochs    int     // most epochs; early stopping usually ends sooner
	BatchSize int     // windows per batch
	Patience  int     // epochs without a lower validation loss before stopping (0: none)
	LR        float64 // Adam's learning rate
	Seed      uint64  // initialisation and shuffling seed of the first network

	// Split is the chronological split's training and validation
	// fractions; the rest is the test part.
	Split Fractions

	// Covariates name the series' columns that drive the others: inputs
	// only, never forecast, whose values over the forecast steps are taken
	// as known (a planned drive, a measured outside temperature).
	Covariates []string

	// IntervalLevel is the nominal coverage of the prediction intervals
	// (0.9: 90 %), or 0 for none; see Interval.
	IntervalLevel float64

	// OnEpoch, when set, is called after each epoch of network member
	// (0-based) with its statistics, for progress reports.
	OnEpoch func(member int, stats nn.EpochStats)
}

// DefaultConfig returns the settings that give a good model on a few
// hundred to a few thousand steps without tuning: an LSTM of 32 units on
// windows of 24 steps, one step ahead, Adam 3e-3, batches of 16, up to 200
// epochs with early stopping after 30 without improvement, a 70/15/15
// split and 90 % prediction intervals.
func DefaultConfig() Config {
	return Config{Window: 24, Horizon: 1, Target: Level, Cell: seq.LSTM, Hidden: 32, Layers: 1, Heads: 4,
		Ensemble: 1, Epochs: 200, BatchSize: 16, Patience: 30, LR: 3e-3, Split: DefaultSplit, IntervalLevel: 0.9}
}

// check returns an error naming the first setting that cannot train.
func (c Config) check() error {
	switch {
	case c.Window < 1 || c.Window > 1<<16:
		return fmt.Errorf("forecast: window %d: want 1 to 65536 steps", c.Window)
	case c.Horizon < 1 || c.Horizon > 1<<16:
		return fmt.Errorf("forecast: horizon %d: want 1 to 65536 steps", c.Horizon)
	case c.Target != Level && c.Target != Change:
		return fmt.Errorf("forecast: target %d: want Level or Change", c.Target)
	case c.Hidden < 1 || c.Hidden > 1<<16:
		return fmt.Errorf("forecast: hidden size %d: want 1 to 65536", c.Hidden)
	case c.Layers < 1 || c.Layers > 1<<10:
		return fmt.Errorf("forecast: %d layers: want 1 to 1024", c.Layers)
	case c.Ensemble < 1 || c.Ensemble > MaxEnsemble:
		return fmt.Errorf("forecast: ensemble of %d: want 1 to %d networks", c.Ensemble, MaxEnsemble)
	case c.Epochs < 1 || c.BatchSize < 1 || c.Patience < 0:
		return fmt.Errorf("forecast: %d epochs, batches of %d, patience %d: want positive epochs and batches and a patience ≥ 0", c.Epochs, c.BatchSize, c.Patience)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("forecast: learning rate %g: want a positive finite value", c.LR)
	case !(c.IntervalLevel >= 0 && c.IntervalLevel < 1):
		return fmt.Errorf("forecast: interval level %g: want 0 (none) or a coverage in (0, 1)", c.IntervalLevel)
	}
	return c.Split.check()
}

// Check returns an error unless a series of steps steps and vars variables
// gives every part of the split enough windows for c: at least two
// training windows, and a horizon's worth of steps in the validation and
// test parts. Fit calls it before anything is trained.
func (c Config) Check(steps, vars int) error {
	if err := c.check(); err != nil {
		return err
	}
	if vars < 1 {
		return errors.New("forecast: a series of no variables")
	}
	if len(c.Covariates) >= vars {
		return fmt.Errorf("forecast: %d covariates of a series of %d variables leave nothing to forecast", len(c.Covariates), vars)
	}
	return c.checkSplit(c.Split.Of(steps), c.Split.String())
}

// checkSplit returns an error unless every part of sp (named split in the
// message) has enough windows: at least two for training, and a horizon's
// worth of steps to validate and to test.
func (c Config) checkSplit(sp Split, split string) error {
	if sp.TrainEnd-c.Window-c.Horizon+1 < 2 || sp.ValidationEnd-sp.TrainEnd < c.Horizon || sp.Steps-sp.ValidationEnd < c.Horizon {
		return fmt.Errorf("forecast: %d steps are too few for a window of %d and a horizon of %d on a %s split (%d training, %d validation and %d test steps)",
			sp.Steps, c.Window, c.Horizon, split, sp.TrainEnd, sp.ValidationEnd-sp.TrainEnd, sp.Steps-sp.ValidationEnd)
	}
	return nil
}

// Forecaster is a fitted forecaster: an ensemble of recurrent networks,
// each a seq.Classifier whose Dense head has Horizon·len(Names) outputs
// (a regression head trained with the MSE loss), on standardised windows.
//
// Its methods read series as steps × Inputs() values, row-major, in the
// data's units, with the columns of Columns(): the variables forecast,
// then the covariates.
type Forecaster[T nn.Float] struct {
	Window, Horizon int
	Target          Target
	// Names are the variables forecast.
	Names []string
	// Covariates are the driving variables, read and never forecast: a
	// window's input row for step t holds the variables at t and the
	// covariates at t + Horizon, the known future of the drive.
	Covariates []string
	// Scaler standardises each column of Columns() with the training
	// part's mean (Offset) and deviation (Scale).
	Scaler dataset.Scaler
	// Interval, when not nil, gives the forecasts' prediction intervals.
	Interval *Interval
	// Split is the chronological split the forecaster was fitted with;
	// Evaluate tests it on the same part of a series.
	Split Fractions
	// Members are the networks whose predictions are averaged.
	Members []*seq.Classifier[T]
}

// Vars returns the number of variables the forecaster predicts.
func (f *Forecaster[T]) Vars() int { return len(f.Names) }

// Inputs returns the number of columns the forecaster reads: its variables
// and its covariates.
func (f *Forecaster[T]) Inputs() int { return len(f.Names) + len(f.Covariates) }

// Columns returns the columns of a series the forecaster reads, in order:
// Names, then Covariates.
func (f *Forecaster[T]) Columns() []string {
	return append(append([]string(nil), f.Names...), f.Covariates...)
}

// Fit trains a forecaster on series s: it splits s in time by cfg.Split,
// standardises every column with the training part's statistics and
// trains cfg.Ensemble networks on the training windows with early stopping
// on the validation windows (the best epoch's weights restored). The
// columns named by cfg.Covariates are inputs only; the others are
// forecast. With cfg.IntervalLevel, the validation windows' errors give
// the prediction intervals (Interval). It returns the forecaster and each
// network's history. A cancelled ctx stops training with the context's
// error; the forecaster of the networks trained so far (the interrupted one
// after its last complete epoch) is returned with it, or nil when no epoch
// was complete.
func Fit[T nn.Float](ctx context.Context, s *dataset.TimeSeries, cfg Config) (*Forecaster[T], []nn.History, error) {
	if err := cfg.Check(s.Steps, s.Vars()); err != nil {
		return nil, nil, err
	}
	return fit[T](ctx, s, cfg, cfg.Split.Of(s.Steps))
}

// fit is Fit on the split sp of s, which cfg has been checked for.
func fit[T nn.Float](ctx context.Context, s *dataset.TimeSeries, cfg Config, sp Split) (*Forecaster[T], []nn.History, error) {
	if len(s.Values) != s.Steps*s.Vars() {
		return nil, nil, fmt.Errorf("forecast: %d values for %d steps of %d variables", len(s.Values), s.Steps, s.Vars())
	}
	for _, name := range s.Names {
		// The names go into the model file's JSON metadata, which would
		// replace bytes that are not UTF-8 and lose the column.
		if !utf8.ValidString(name) {
			return nil, nil, fmt.Errorf("forecast: the variable name %q is not UTF-8 text; rename the column", name)
		}
	}
	targets, order, err := columnOrder(s.Names, cfg.Covariates)
	if err != nil {
		return nil, nil, err
	}
	values := reorder(s.Values, s.Vars(), order)
	f := &Forecaster[T]{Window: cfg.Window, Horizon: cfg.Horizon, Target: cfg.Target, Names: targets,
		Covariates: append([]string(nil), cfg.Covariates...), Split: cfg.Split}
	in := f.Inputs()
	if f.Scaler, err = dataset.FitScaler(dataset.Standard, values[:sp.TrainEnd*in], in, nil); err != nil {
		return nil, nil, fmt.Errorf("forecast: %w", err)
	}
	z := f.standardize(values)
	w, h, v := cfg.Window, cfg.Horizon, f.Vars()
	// Windows whose targets lie in a part take their inputs from before it.
	xTrain, yTrain, nTrain := f.windows(z, 0, sp.TrainEnd)
	xVal, yVal, nVal := f.windows(z, sp.TrainEnd-w, sp.ValidationEnd)
	train := nn.Dataset[T]{X: matrix[T](nTrain, w*in, xTrain), Y: matrix[T](nTrain, h*v, f.toTarget(xTrain, yTrain, nTrain))}
	val := nn.Dataset[T]{X: matrix[T](nVal, w*in, xVal), Y: matrix[T](nVal, h*v, f.toTarget(xVal, yVal, nVal))}
	var histories []nn.History
	for e := 0; e < cfg.Ensemble; e++ {
		seed := cfg.Seed + uint64(e)
		model := seq.NewClassifier[T](cfg.Cell, seq.Config{InputSize: in, HiddenSize: cfg.Hidden, NumLayers: cfg.Layers, Heads: cfg.Heads}, h*v, nn.NewRand(seed))
		opt := nn.NewAdam(model.Params(), nn.AdamConfig{LR: cfg.LR})
		fc := nn.FitConfig[T]{Epochs: cfg.Epochs, BatchSize: cfg.BatchSize, Seed: seed, Validation: &val, Patience: cfg.Patience}
		if cfg.OnEpoch != nil {
			member := e
			fc.OnEpoch = func(st nn.EpochStats) { cfg.OnEpoch(member, st) }
		}
		hist, err := nn.Fit(ctx, model, nn.MSE[T]{}, opt, train, fc)
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			// Interrupted: keep the networks trained so far, the last one
			// as it was after its last complete epoch.
			if len(hist.Epochs) > 0 {
				histories, f.Members = append(histories, hist), append(f.Members, model)
			}
			if len(f.Members) == 0 {
				return nil, histories, fmt.Errorf("forecast: network %d: %w", e+1, err)
			}
			f.Interval = f.calibrate(xVal, yVal, nVal, cfg.IntervalLevel)
			return f, histories, fmt.Errorf("forecast: network %d: %w", e+1, err)
		}
		if err != nil {
			return nil, histories, fmt.Errorf("forecast: network %d: %w", e+1, err)
		}
		if best := hist.Epochs[hist.BestEpoch-1].ValidationLoss; math.IsNaN(best) || math.IsInf(best, 0) {
			return nil, histories, fmt.Errorf("forecast: network %d: the validation loss is %v; lower the learning rate", e+1, best)
		}
		histories = append(histories, hist)
		f.Members = append(f.Members, model)
	}
	f.Interval = f.calibrate(xVal, yVal, nVal, cfg.IntervalLevel)
	return f, histories, nil
}

// matrix converts rows × cols float64 values to an nn.Matrix[T].
func matrix[T nn.Float](rows, cols int, x []float64) *nn.Matrix[T] {
	return nn.Convert[T](nn.MatrixFrom(rows, cols, x))
}

// standardize returns the steps × Inputs() values standardised column by
// column.
func (f *Forecaster[T]) standardize(values []float64) []float64 {
	in := f.Inputs()
	z := make([]float64, len(values))
	for i, x := range values {
		z[i] = (x - f.Scaler.Offset[i%in]) / f.Scaler.Scale[i%in]
	}
	return z
}

// unstandardize maps standardised values of the variables (rows of
// Vars(), the first columns of the scaler) back to the data's units, in
// place, and returns them.
func (f *Forecaster[T]) unstandardize(z []float64) []float64 {
	v := f.Vars()
	for i, x := range z {
		z[i] = x*f.Scaler.Scale[i%v] + f.Scaler.Offset[i%v]
	}
	return z
}

// toTarget returns the networks' targets for n windows x with future
// values y (standardised): y itself, or y minus the window's last value.
func (f *Forecaster[T]) toTarget(x, y []float64, n int) []float64 {
	out := append([]float64(nil), y...)
	if f.Target == Change {
		f.addLast(x, out, n, -1)
	}
	return out
}

// addLast adds sign × the variables' values at the last step of each of
// the n windows x to its Horizon·Vars() values in y.
func (f *Forecaster[T]) addLast(x, y []float64, n int, sign float64) {
	v, in, w, h := f.Vars(), f.Inputs(), f.Window, f.Horizon
	for k := 0; k < n; k++ {
		last := x[(k*w+w-1)*in : (k*w+w-1)*in+v]
		for i := 0; i < h*v; i++ {
			y[k*h*v+i] += sign * last[i%v]
		}
	}
}

// predictStandardized returns the ensemble's forecasts, standardised, of
// the n standardised windows x: the members' average, with the windows'
// last values added back for the Change target.
func (f *Forecaster[T]) predictStandardized(x []float64, n int) []float64 {
	in, w, h, v := f.Inputs(), f.Window, f.Horizon, f.Vars()
	xm := matrix[T](n, w*in, x)
	pred := make([]float64, n*h*v)
	for _, m := range f.Members {
		for i, p := range nn.Predict[T](m, xm, 256).Data {
			pred[i] += float64(p) / float64(len(f.Members))
		}
	}
	if f.Target == Change {
		f.addLast(x, pred, n, 1)
	}
	return pred
}

// PredictWindows forecasts the windows of values (steps × Inputs()
// values, row-major, in the data's units) whose Horizon targets lie in
// steps [from, to), their inputs starting Window steps before from. It
// returns the forecasts and the true values, each n × Horizon·Vars() in the
// data's units, and n = to − from − Horizon + 1. A forecast that is not
// finite is an error naming its window.
func (f *Forecaster[T]) PredictWindows(values []float64, from, to int) (pred, truth []float64, n int, err error) {
	in := f.Inputs()
	if len(values)%in != 0 || from < f.Window || to > len(values)/in || to-from < f.Horizon {
		return nil, nil, 0, fmt.Errorf("forecast: windows with targets in steps [%d, %d) of a series of %d steps need %d steps before them and %d in the range",
			from, to, len(values)/max(in, 1), f.Window, f.Horizon)
	}
	x, y, n := f.windows(f.standardize(values[:to*in]), from-f.Window, to)
	pred = f.unstandardize(f.predictStandardized(x, n))
	if err := f.checkFinite(pred, "window"); err != nil {
		return nil, nil, 0, err
	}
	return pred, f.unstandardize(y), n, nil
}

// TestErrors returns the errors of f, in the data's units, on the windows
// of values (steps × f.Inputs(), row-major) whose targets lie in the test
// part of f's split, and how many windows there are.
func (f *Forecaster[T]) TestErrors(values []float64) (Errors, int, error) {
	sp := f.Split.Of(len(values) / max(f.Inputs(), 1))
	pred, truth, n, err := f.PredictWindows(values, sp.ValidationEnd, sp.Steps)
	if err != nil {
		return Errors{}, 0, err
	}
	return ErrorsOf(pred, truth), n, nil
}

// Forecast predicts the steps that follow the series values (at least
// Window steps × Vars() values, row-major, in the data's units), steps
// steps ahead: the networks read the last Window steps and predict the next
// Horizon; beyond Horizon, their forecasts are appended to the series and
// read again (recursive forecasting). It returns steps × Vars() values in
// the data's units. A forecaster with covariates needs their future:
// ForecastWith.
func (f *Forecaster[T]) Forecast(values []float64, steps int) ([]float64, error) {
	return f.ForecastWith(values, nil, steps)
}

// ForecastWith is Forecast for a forecaster with covariates: values is the
// series (steps × Inputs()), and future holds the covariates' values at the
// steps forecast, at least max(steps, Horizon) rows of len(Covariates)
// values, row-major, in the data's units. Without covariates future must
// be empty.
func (f *Forecaster[T]) ForecastWith(values, future []float64, steps int) ([]float64, error) {
	v, in, c, w, h := f.Vars(), f.Inputs(), len(f.Covariates), f.Window, f.Horizon
	switch {
	case len(values)%in != 0 || len(values)/in < w:
		return nil, fmt.Errorf("forecast: %d values are not a series of at least %d steps of %d columns", len(values), w, in)
	case steps < 1 || steps > 1<<20:
		return nil, fmt.Errorf("forecast: %d steps ahead: want 1 to %d", steps, 1<<20)
	case c == 0 && len(future) > 0:
		return nil, fmt.Errorf("forecast: a forecaster without covariates takes no future values")
	case c > 0 && (len(future)%c != 0 || len(future)/c < max(steps, h)):
		return nil, fmt.Errorf("forecast: the covariates %v are read %d steps ahead: give their values at the %d steps forecast (%d values, not %d)",
			f.Covariates, h, max(steps, h), max(steps, h)*c, len(future))
	}
	n := len(values) / in
	for i, x := range values[(n-w)*in:] {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("forecast: step %d, column %s of the last window is %v", n-w+i/in, f.Columns()[i%in], x)
		}
	}
	for i, x := range future {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("forecast: future step %d of covariate %s is %v", i/c, f.Covariates[i%c], x)
		}
	}
	// The series, extended by the future: the variables' forecasts are
	// written into it as they come, the covariates are known.
	series := append([]float64(nil), values[(n-w)*in:]...)
	for k := 0; k < len(future)/max(c, 1); k++ {
		series = append(append(series, make([]float64, v)...), future[k*c:(k+1)*c]...)
	}
	if c == 0 {
		series = append(series, make([]float64, (steps+h)*in)...)
	}
	z := f.standardize(series)
	known := len(z)/in - h // the last origin whose covariates are all known
	for done := 0; done < steps; {
		// An origin at step w+done; with covariates, the last block may
		// start earlier so that its covariates are known, overlapping
		// forecasts already made.
		origin := min(w+done, known)
		x, _, _ := f.windows(z, origin-w, origin+h)
		next := f.predictStandardized(x, 1)
		for j := (w + done - origin) * v; j < h*v && done < steps; j += v {
			copy(z[(origin+j/v)*in:], next[j:j+v])
			done++
		}
	}
	out := make([]float64, 0, steps*v)
	for t := w; t < w+steps; t++ {
		out = append(out, z[t*in:t*in+v]...)
	}
	out = f.unstandardize(out)
	if err := f.checkFinite(out, "step"); err != nil {
		return nil, err
	}
	return out, nil
}

// checkFinite returns an error naming the first value of x (rows of
// Horizon·Vars() or Vars() values, what) that is not finite.
func (f *Forecaster[T]) checkFinite(x []float64, what string) error {
	width := f.Vars()
	if what == "window" {
		width *= f.Horizon
	}
	for i, p := range x {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return fmt.Errorf("forecast: the forecast of %s %d is %v", what, i/width, p)
		}
	}
	return nil
}

// Clone returns an independent copy of f, with networks of their own, for
// use in another goroutine.
func (f *Forecaster[T]) Clone() *Forecaster[T] {
	g := *f
	g.Names = append([]string(nil), f.Names...)
	g.Scaler = f.Scaler.Clone()
	g.Members = make([]*seq.Classifier[T], len(f.Members))
	for i, m := range f.Members {
		g.Members[i] = m.Clone()
	}
	return &g
}
