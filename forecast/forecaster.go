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

	// OnEpoch, when set, is called after each epoch of network member
	// (0-based) with its statistics, for progress reports.
	OnEpoch func(member int, stats nn.EpochStats)
}

// DefaultConfig returns the settings that give a good model on a few
// hundred to a few thousand steps without tuning: an LSTM of 32 units on
// windows of 24 steps, one step ahead, Adam 3e-3, batches of 16, up to 200
// epochs with early stopping after 30 without improvement, and a 70/15/15
// split.
func DefaultConfig() Config {
	return Config{Window: 24, Horizon: 1, Target: Level, Cell: seq.LSTM, Hidden: 32, Layers: 1, Heads: 4,
		Ensemble: 1, Epochs: 200, BatchSize: 16, Patience: 30, LR: 3e-3, Split: DefaultSplit}
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
	sp := c.Split.Of(steps)
	if sp.TrainEnd-c.Window-c.Horizon+1 < 2 || sp.ValidationEnd-sp.TrainEnd < c.Horizon || steps-sp.ValidationEnd < c.Horizon {
		return fmt.Errorf("forecast: %d steps are too few for a window of %d and a horizon of %d on a %s split (%d training, %d validation and %d test steps)",
			steps, c.Window, c.Horizon, c.Split, sp.TrainEnd, sp.ValidationEnd-sp.TrainEnd, steps-sp.ValidationEnd)
	}
	return nil
}

// Forecaster is a fitted forecaster: an ensemble of recurrent networks,
// each a seq.Classifier whose Dense head has Horizon·len(Names) outputs
// (a regression head trained with the MSE loss), on standardised windows.
type Forecaster[T nn.Float] struct {
	Window, Horizon int
	Target          Target
	// Names are the variables, in the order of a series' columns.
	Names []string
	// Scaler standardises each variable with the training part's mean
	// (Offset) and deviation (Scale).
	Scaler dataset.Scaler
	// Split is the chronological split the forecaster was fitted with;
	// Evaluate tests it on the same part of a series.
	Split Fractions
	// Members are the networks whose predictions are averaged.
	Members []*seq.Classifier[T]
}

// Vars returns the number of variables the forecaster reads and predicts.
func (f *Forecaster[T]) Vars() int { return len(f.Names) }

// Fit trains a forecaster on series s: it splits s in time by cfg.Split,
// standardises every variable with the training part's statistics and
// trains cfg.Ensemble networks on the training windows with early stopping
// on the validation windows (the best epoch's weights restored). It
// returns the forecaster and each network's history. A cancelled ctx
// stops training with the context's error; the forecaster of the networks
// trained so far (the interrupted one after its last complete epoch) is
// returned with it, or nil when no epoch was complete.
func Fit[T nn.Float](ctx context.Context, s *dataset.TimeSeries, cfg Config) (*Forecaster[T], []nn.History, error) {
	v := s.Vars()
	if err := cfg.Check(s.Steps, v); err != nil {
		return nil, nil, err
	}
	if len(s.Values) != s.Steps*v {
		return nil, nil, fmt.Errorf("forecast: %d values for %d steps of %d variables", len(s.Values), s.Steps, v)
	}
	for _, name := range s.Names {
		// The names go into the model file's JSON metadata, which would
		// replace bytes that are not UTF-8 and lose the column.
		if !utf8.ValidString(name) {
			return nil, nil, fmt.Errorf("forecast: the variable name %q is not UTF-8 text; rename the column", name)
		}
	}
	sp := cfg.Split.Of(s.Steps)
	scaler, err := dataset.FitScaler(dataset.Standard, s.Values[:sp.TrainEnd*v], v, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("forecast: %w", err)
	}
	f := &Forecaster[T]{Window: cfg.Window, Horizon: cfg.Horizon, Target: cfg.Target, Names: append([]string(nil), s.Names...), Scaler: scaler, Split: cfg.Split}
	z := f.standardize(s.Values)
	w, h := cfg.Window, cfg.Horizon
	// Windows whose targets lie in a part take their inputs from before it.
	xTrain, yTrain, nTrain := dataset.Windows(z, v, 0, sp.TrainEnd, w, h)
	xVal, yVal, nVal := dataset.Windows(z, v, sp.TrainEnd-w, sp.ValidationEnd, w, h)
	train := nn.Dataset[T]{X: matrix[T](nTrain, w*v, xTrain), Y: matrix[T](nTrain, h*v, f.toTarget(xTrain, yTrain, nTrain))}
	val := nn.Dataset[T]{X: matrix[T](nVal, w*v, xVal), Y: matrix[T](nVal, h*v, f.toTarget(xVal, yVal, nVal))}
	var histories []nn.History
	for e := 0; e < cfg.Ensemble; e++ {
		seed := cfg.Seed + uint64(e)
		model := seq.NewClassifier[T](cfg.Cell, seq.Config{InputSize: v, HiddenSize: cfg.Hidden, NumLayers: cfg.Layers, Heads: cfg.Heads}, h*v, nn.NewRand(seed))
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
	return f, histories, nil
}

// matrix converts rows × cols float64 values to an nn.Matrix[T].
func matrix[T nn.Float](rows, cols int, x []float64) *nn.Matrix[T] {
	return nn.Convert[T](nn.MatrixFrom(rows, cols, x))
}

// standardize returns the steps × vars values standardised variable by
// variable.
func (f *Forecaster[T]) standardize(values []float64) []float64 {
	v := f.Vars()
	z := make([]float64, len(values))
	for i, x := range values {
		z[i] = (x - f.Scaler.Offset[i%v]) / f.Scaler.Scale[i%v]
	}
	return z
}

// unstandardize maps standardised values back to the data's units, in
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

// addLast adds sign × the last step of each of the n windows x to its
// horizon·vars values in y.
func (f *Forecaster[T]) addLast(x, y []float64, n int, sign float64) {
	v, w, h := f.Vars(), f.Window, f.Horizon
	for k := 0; k < n; k++ {
		last := x[(k*w+w-1)*v : (k*w+w)*v]
		for i := 0; i < h*v; i++ {
			y[k*h*v+i] += sign * last[i%v]
		}
	}
}

// predictStandardized returns the ensemble's forecasts, standardised, of
// the n standardised windows x: the members' average, with the windows'
// last values added back for the Change target.
func (f *Forecaster[T]) predictStandardized(x []float64, n int) []float64 {
	v, w, h := f.Vars(), f.Window, f.Horizon
	xm := matrix[T](n, w*v, x)
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

// PredictWindows forecasts the windows of values (steps × Vars() values,
// row-major, in the data's units) whose Horizon targets lie in steps
// [from, to), their inputs starting Window steps before from. It returns
// the forecasts and the true values, each n × Horizon·Vars() in the data's
// units, and n = to − from − Horizon + 1. A forecast that is not finite is
// an error naming its window.
func (f *Forecaster[T]) PredictWindows(values []float64, from, to int) (pred, truth []float64, n int, err error) {
	v := f.Vars()
	if len(values)%v != 0 || from < f.Window || to > len(values)/v || to-from < f.Horizon {
		return nil, nil, 0, fmt.Errorf("forecast: windows with targets in steps [%d, %d) of a series of %d steps need %d steps before them and %d in the range",
			from, to, len(values)/max(v, 1), f.Window, f.Horizon)
	}
	x, y, n := dataset.Windows(f.standardize(values), v, from-f.Window, to, f.Window, f.Horizon)
	pred = f.unstandardize(f.predictStandardized(x, n))
	if err := f.checkFinite(pred, "window"); err != nil {
		return nil, nil, 0, err
	}
	return pred, f.unstandardize(y), n, nil
}

// TestErrors returns the errors of f, in the data's units, on the windows
// of values (steps × f.Vars(), row-major) whose targets lie in the test
// part of f's split, and how many windows there are.
func (f *Forecaster[T]) TestErrors(values []float64) (Errors, int, error) {
	sp := f.Split.Of(len(values) / max(f.Vars(), 1))
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
// the data's units.
func (f *Forecaster[T]) Forecast(values []float64, steps int) ([]float64, error) {
	v := f.Vars()
	switch {
	case len(values)%v != 0 || len(values)/v < f.Window:
		return nil, fmt.Errorf("forecast: %d values are not a series of at least %d steps of %d variables", len(values), f.Window, v)
	case steps < 1 || steps > 1<<20:
		return nil, fmt.Errorf("forecast: %d steps ahead: want 1 to %d", steps, 1<<20)
	}
	for i, x := range values[len(values)-f.Window*v:] {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("forecast: step %d, variable %s of the last window is %v", len(values)/v-f.Window+i/v, f.Names[i%v], x)
		}
	}
	history := f.standardize(values[len(values)-f.Window*v:])
	var out []float64
	for len(out) < steps*v {
		next := f.predictStandardized(history[len(history)-f.Window*v:], 1)
		out = append(out, next...)
		history = append(history, next...)
	}
	out = f.unstandardize(out[:steps*v])
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
