package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/fileio"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

type forecastOptions struct {
	common
	input, example, timeColumn, columns, fill string
	target                                    string
	cell                                      string
	window, horizon, hidden, layers, heads    int
	epochs, batch, patience, ensemble         int
	lr                                        float64
}

const forecastSummary = `Forecast a time series with a recurrent network: a window of past steps
goes in, the next --horizon steps come out (direct multi-output). The series
(--input series.csv with a header, or --example sunspots|co2 shipped with
physml) is split in time: the first 70 % for training, the next 15 % for
validation (early stopping), the last 15 % for testing; each variable is
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
	fs.StringVar(&o.input, "input", "", "CSV time series with a header: a column per variable")
	fs.StringVar(&o.example, "example", "", "a series shipped with physml instead of --input: "+strings.Join(dataset.ExampleNames(), " or "))
	fs.StringVar(&o.timeColumn, "time-column", "", "column of times, not forecast (the examples set it)")
	fs.StringVar(&o.columns, "columns", "", "variables to forecast, comma-separated (default: all but the time column)")
	fs.StringVar(&o.fill, "fill", "", "missing values: an error (default), previous or linear")
	fs.StringVar(&o.cell, "cell", "lstm", cellUsage)
	fs.IntVar(&o.heads, "heads", 4, headsUsage)
	fs.IntVar(&o.window, "window", 24, "input steps per window")
	fs.IntVar(&o.horizon, "horizon", 1, "steps forecast per window")
	fs.IntVar(&o.hidden, "hidden", 32, "hidden size")
	fs.IntVar(&o.layers, "layers", 1, "stacked recurrent layers")
	fs.IntVar(&o.epochs, "epochs", 200, "most training epochs (early stopping on the validation part ends sooner)")
	fs.IntVar(&o.batch, "batch", 16, "batch size")
	fs.IntVar(&o.patience, "patience", 30, "epochs without a better validation loss before stopping")
	fs.IntVar(&o.ensemble, "ensemble", 1, "train this many networks from seeds seed, seed+1, … and average them")
	fs.Float64Var(&o.lr, "lr", 3e-3, "Adam learning rate")
	fs.StringVar(&o.target, "target", "level", "what the network predicts: level (the values) or change (the values minus the window's last one, for trends that leave the training range)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	series, source, err := o.load()
	if err != nil {
		return err
	}
	if o.float64 {
		return forecast[float64](o, series, source, stdout, stderr)
	}
	return forecast[float32](o, series, source, stdout, stderr)
}

func (o *forecastOptions) check() error {
	if err := checkCell(o.cell, o.hidden, o.heads, false); err != nil {
		return err
	}
	switch {
	case (o.input == "") == (o.example == ""):
		return usageError{errors.New("give --input series.csv or --example NAME (one of them)")}
	case o.window < 1 || o.horizon < 1 || o.window > 1<<16 || o.horizon > 1<<16:
		return usageError{fmt.Errorf("--window %d and --horizon %d: want 1 to 65536", o.window, o.horizon)}
	case o.hidden < 1 || o.layers < 1 || o.hidden > 1<<16 || o.layers > 1<<10:
		return usageError{fmt.Errorf("--hidden %d and --layers %d: want positive sizes (at most 65536 and 1024)", o.hidden, o.layers)}
	case o.epochs < 1 || o.batch < 1 || o.patience < 0 || o.ensemble < 1 || o.ensemble > 100:
		return usageError{fmt.Errorf("--epochs, --batch and --ensemble (at most 100) must be positive and --patience not negative")}
	case o.target != "level" && o.target != "change":
		return usageError{fmt.Errorf("--target %q: want level or change", o.target)}
	case o.fill != "" && o.fill != "previous" && o.fill != "linear":
		return usageError{fmt.Errorf("--fill %q: want previous or linear", o.fill)}
	}
	if err := checkPositive("lr", o.lr); err != nil {
		return err
	}
	return o.common.check()
}

// load reads --input or the --example series.
func (o *forecastOptions) load() (*dataset.TimeSeries, string, error) {
	opt := dataset.TimeSeriesOptions{TimeColumn: o.timeColumn, Fill: o.fill}
	if o.columns != "" {
		opt.Columns = strings.Split(o.columns, ",")
	}
	if o.example != "" {
		data, err := dataset.Example(o.example)
		if err != nil {
			return nil, "", usageError{fmt.Errorf("--example: %v", err)}
		}
		if opt.TimeColumn == "" {
			opt.TimeColumn = map[string]string{"sunspots": "YEAR", "co2": "date"}[o.example]
		}
		if opt.Fill == "" && o.example == "co2" {
			opt.Fill = "linear" // 59 weeks are missing
		}
		s, err := dataset.ParseTimeSeries(bytes.NewReader(data), opt)
		if err != nil {
			return nil, "", fmt.Errorf("example %s: %w", o.example, err)
		}
		return s, o.example, nil
	}
	f, _, err := fileio.Open(o.input)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	s, err := dataset.ParseTimeSeries(f, opt)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", o.input, err)
	}
	return s, o.input, nil
}

// forecastSplit is the chronological split: steps [0, trainEnd) train,
// [trainEnd, valEnd) validate, [valEnd, steps) test.
func forecastSplit(steps int) (trainEnd, valEnd int) {
	return int(math.Round(0.70 * float64(steps))), int(math.Round(0.85 * float64(steps)))
}

// forecastMetrics are the test errors of one forecaster, in data units.
type forecastMetrics struct {
	RMSE float64 `json:"rmse"`
	MAE  float64 `json:"mae"`
}

func metricsOf(pred, truth []float64) forecastMetrics {
	var se, ae float64
	for i := range pred {
		d := pred[i] - truth[i]
		se += d * d
		ae += math.Abs(d)
	}
	n := float64(len(pred))
	return forecastMetrics{RMSE: math.Sqrt(se / n), MAE: ae / n}
}

func forecast[T nn.Float](o forecastOptions, s *dataset.TimeSeries, source string, stdout, stderr io.Writer) error {
	v, w, h := s.Vars(), o.window, o.horizon
	trainEnd, valEnd := forecastSplit(s.Steps)
	if trainEnd-w-h+1 < 2 || valEnd-trainEnd < h || s.Steps-valEnd < h {
		return usageError{fmt.Errorf("%s has %d steps: too few for --window %d and --horizon %d on a 70/15/15 split", source, s.Steps, w, h)}
	}
	// Standardise with the training part's statistics only.
	scaler, err := dataset.FitScaler(dataset.Standard, s.Values[:trainEnd*v], v, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	mean, std := scaler.Offset, scaler.Scale
	z := make([]float64, len(s.Values))
	for i := range z {
		z[i] = (s.Values[i] - mean[i%v]) / std[i%v]
	}
	// Windows whose targets lie in a part take their inputs from before it.
	xTrain, yTrain, nTrain := dataset.Windows(z, v, 0, trainEnd, w, h)
	xVal, yVal, nVal := dataset.Windows(z, v, trainEnd-w, valEnd, w, h)
	xTest, _, nTest := dataset.Windows(z, v, valEnd-w, s.Steps, w, h)
	// With --target change the network learns y − (the window's last value),
	// a correction to persistence, and the last value is added back.
	last := func(x []float64, k int) []float64 { return x[(k*w+w-1)*v : (k*w+w)*v] }
	shift := func(x, y []float64, n int, sign float64) []float64 {
		out := append([]float64(nil), y...)
		if o.target == "change" {
			for k := 0; k < n; k++ {
				for i := 0; i < h*v; i++ {
					out[k*h*v+i] += sign * last(x, k)[i%v]
				}
			}
		}
		return out
	}
	fmt.Fprintf(stdout, "%s: %d steps of %s; windows of %d steps forecast %d ahead: %d training, %d validation, %d test windows; backend %s\n",
		source, s.Steps, strings.Join(s.Names, ", "), w, h, nTrain, nVal, nTest, backendLine())

	ctx, stop := o.start(stderr)
	defer stop()
	cell, _ := seq.ParseCell(o.cell)
	matrix := func(rows, cols int, x []float64) *nn.Matrix[T] { return nn.Convert[T](nn.MatrixFrom(rows, cols, x)) }
	train := nn.Dataset[T]{X: matrix(nTrain, w*v, xTrain), Y: matrix(nTrain, h*v, shift(xTrain, yTrain, nTrain, -1))}
	val := nn.Dataset[T]{X: matrix(nVal, w*v, xVal), Y: matrix(nVal, h*v, shift(xVal, yVal, nVal, -1))}
	var models []*seq.Classifier[T]
	start := time.Now()
	for e := 0; e < o.ensemble; e++ {
		seed := o.seed + uint64(e)
		// A many-to-one network: the last hidden state through a Dense layer
		// to the horizon·variables outputs (a "classifier" with a regression
		// head and the MSE loss).
		model := seq.NewClassifier[T](cell, seq.Config{InputSize: v, HiddenSize: o.hidden, NumLayers: o.layers, Heads: o.heads}, h*v, nn.NewRand(seed))
		opt := nn.NewAdam(model.Params(), nn.AdamConfig{LR: o.lr})
		hm, err := nn.Fit(ctx, model, nn.MSE[T]{}, opt, train,
			nn.FitConfig[T]{Epochs: o.epochs, BatchSize: o.batch, Seed: seed, Validation: &val, Patience: o.patience})
		if err != nil {
			return err // an interrupt included: nothing is written
		}
		fmt.Fprintf(stdout, "network %d: best validation MSE %.4f (standardised) at epoch %d of %d\n",
			e+1, hm.Epochs[hm.BestEpoch-1].ValidationLoss, hm.BestEpoch, len(hm.Epochs))
		models = append(models, model)
	}
	trainTime := time.Since(start)

	// Back to the data's units; the baselines on the same test windows.
	unit := func(zs []float64) []float64 {
		out := make([]float64, len(zs))
		for i, x := range zs {
			out[i] = x*std[i%v] + mean[i%v]
		}
		return out
	}
	f := forecaster[T]{models: models, window: w, horizon: h, change: o.target == "change", mean: mean, std: std}
	pred, truth, _ := f.test(s.Values, valEnd, s.Steps)
	persistenceZ := make([]float64, len(truth))
	for k := 0; k < nTest; k++ {
		for step := 0; step < h; step++ {
			copy(persistenceZ[(k*h+step)*v:], last(xTest, k))
		}
	}
	persistence := unit(persistenceZ)
	ar, err := linearAutoregression(xTrain, yTrain, nTrain, xTest, nTest, w*v, h*v)
	if err != nil {
		return err
	}
	metrics := map[string]forecastMetrics{
		o.cell:        metricsOf(pred, truth),
		"persistence": metricsOf(persistence, truth),
		"linear AR":   metricsOf(unit(ar), truth),
	}
	fmt.Fprintf(stdout, "test errors over %d windows (%s units), %d network(s) trained in %v:\n", nTest, strings.Join(s.Names, ", "), o.ensemble, trainTime.Round(10*time.Millisecond))
	for _, name := range []string{o.cell, "persistence", "linear AR"} {
		label := name
		if name == "linear AR" {
			label = fmt.Sprintf("linear AR(%d)", w)
		}
		fmt.Fprintf(stdout, "  %-16s RMSE %10.4g   MAE %10.4g\n", label, metrics[name].RMSE, metrics[name].MAE)
	}

	// Everything is ready before the first file is written.
	modelFile, err := encodeForecaster(models, map[string]string{"physml.task": "forecast", "physml.window": strconv.Itoa(w),
		"physml.horizon": strconv.Itoa(h), "physml.target": o.target, "physml.columns": strings.Join(s.Names, ","),
		"physml.feature_mean": floatsString(mean), "physml.feature_std": floatsString(std), "physml.data": "user"})
	if err != nil {
		return err
	}
	preds, err := dataset.EncodeNpy([]int{nTest, h * v}, pred)
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(map[string]any{"source": source, "window": w, "horizon": h, "test_windows": nTest,
		"ensemble": o.ensemble, "seed": o.seed, "errors": metrics}, "", "  ")
	if err != nil {
		return err
	}
	// The plot: the test period, one step ahead, first variable.
	steps := make([]float64, nTest)
	series := map[string][]float64{}
	for k := 0; k < nTest; k++ {
		steps[k] = float64(valEnd + k)
		if s.Time != nil {
			steps[k] = s.Time[valEnd+k]
		}
		series["truth"] = append(series["truth"], truth[k*h*v])
		series[o.cell] = append(series[o.cell], pred[k*h*v])
		series["persistence"] = append(series["persistence"], persistence[k*h*v])
	}
	xlabel := "step"
	if s.Time != nil {
		xlabel = s.TimeName
	}
	png, err := seriesPNG(fmt.Sprintf("%s: test period, one step ahead", source), xlabel, s.Names[0], steps, series, []string{"truth", o.cell, "persistence"})
	if err != nil {
		return err
	}
	written, err := o.writeFiles([]outputFile{{"forecast.safetensors", modelFile}, {"predictions.npy", preds},
		{"metrics.json", append(js, '\n')}, {"forecast.png", png}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", strings.Join(written, ", "))
	return nil
}

// forecaster makes forecasts with trained networks: it standardises a
// series with the training statistics, cuts it into windows, averages the
// networks' outputs and maps them back to the data's units.
type forecaster[T nn.Float] struct {
	models          []*seq.Classifier[T]
	window, horizon int
	change          bool // the networks predict the change from the window's last value
	mean, std       []float64
}

// test returns the forecasts and the truth, in the data's units, for the n
// windows whose targets lie in steps [from, to) of values (steps × variables,
// row-major); the windows' inputs start from−window steps in.
func (f forecaster[T]) test(values []float64, from, to int) (pred, truth []float64, n int) {
	v, w, h := len(f.mean), f.window, f.horizon
	z := make([]float64, len(values))
	for i, x := range values {
		z[i] = (x - f.mean[i%v]) / f.std[i%v]
	}
	x, y, n := dataset.Windows(z, v, from-w, to, w, h)
	xm := nn.Convert[T](nn.MatrixFrom(n, w*v, x))
	predZ := make([]float64, n*h*v)
	for _, m := range f.models {
		for i, p := range nn.Predict[T](m, xm, 256).Data {
			predZ[i] += float64(p) / float64(len(f.models))
		}
	}
	unit := func(zs []float64) []float64 {
		out := make([]float64, len(zs))
		for i, x := range zs {
			out[i] = x*f.std[i%v] + f.mean[i%v]
		}
		return out
	}
	if f.change {
		for k := 0; k < n; k++ {
			last := x[(k*w+w-1)*v : (k*w+w)*v]
			for i := 0; i < h*v; i++ {
				predZ[k*h*v+i] += last[i%v]
			}
		}
	}
	return unit(predZ), unit(y), n
}

// encodeForecaster returns the safetensors file of the ensemble: each
// network's parameters under "members.i." (as a PyTorch nn.ModuleList
// named members), the architecture of the first (all share it) and extra.
func encodeForecaster[T nn.Float](models []*seq.Classifier[T], extra map[string]string) ([]byte, error) {
	var params []nn.Param[T]
	for i, m := range models {
		params = append(params, nn.Prefixed(fmt.Sprintf("members.%d", i), m.Params())...)
	}
	extra["physml.ensemble"] = strconv.Itoa(len(models))
	return nn.EncodeModel(params, models[0].Metadata(), extra)
}

// eps is the float64 machine epsilon, 2⁻⁵².
const eps = 0x1p-52

// linearAutoregression fits y = [x, 1] β by least squares on the training
// windows and returns its predictions for the test windows.
func linearAutoregression(xTrain, yTrain []float64, nTrain int, xTest []float64, nTest, in, out int) ([]float64, error) {
	if nTrain <= in {
		return nil, fmt.Errorf("linear AR: %d training windows for %d coefficients; use a shorter --window", nTrain, in+1)
	}
	a := mat.NewDense(nTrain, in+1, nil)
	for i := 0; i < nTrain; i++ {
		copy(a.RawRowView(i), xTrain[i*in:(i+1)*in])
		a.Set(i, in, 1)
	}
	// The minimum-norm least-squares solution through the SVD (LAPACK), with
	// numpy.linalg.lstsq's rank cutoff: an exactly predictable series, whose
	// windows are collinear, gets an answer rather than a singular error.
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return nil, errors.New("linear AR: the SVD of the training windows did not converge")
	}
	var beta mat.Dense
	svd.SolveTo(&beta, mat.NewDense(nTrain, out, yTrain), svd.Rank(eps*float64(max(nTrain, in+1))))
	t := mat.NewDense(nTest, in+1, nil)
	for i := 0; i < nTest; i++ {
		copy(t.RawRowView(i), xTest[i*in:(i+1)*in])
		t.Set(i, in, 1)
	}
	var pred mat.Dense
	pred.Mul(t, &beta)
	return pred.RawMatrix().Data, nil
}
