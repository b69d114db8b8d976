package saved

import (
	"fmt"
	"math"
	"strconv"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

// Features returns the values per row of an autoencoder or a dense
// detector, or the features per step of a sequence model (whose rows hold
// any number of steps) and the variables of a forecaster.
func (m *Model) Features() int { return m.features }

// Sequences reports whether the model reads rows as sequences of steps of
// Features() values (which may carry lengths), not as fixed rows.
func (m *Model) Sequences() bool { return m.sequence }

// Outputs returns the scores per row: 1 for an autoencoder or a detector,
// the classes of a classifier, the outputs of a regressor (0 for a
// forecaster, which scores no rows).
func (m *Model) Outputs() int {
	switch m.Kind {
	case Classifier:
		return m.Classifier.FC.Out
	case Regressor:
		return m.Regressor.FC.Out
	case Forecaster:
		return 0
	}
	return 1
}

// CheckWidth returns an error unless rows of width values suit the model.
func (m *Model) CheckWidth(width int) error {
	switch {
	case m.Kind == Forecaster:
		return fmt.Errorf("a forecaster reads a series, not rows to score: use Forecast")
	case !m.sequence && width != m.features:
		return fmt.Errorf("rows of %d values; the %v reads %d", width, m.Kind, m.features)
	case m.sequence && (width <= 0 || width%m.features != 0):
		return fmt.Errorf("rows of %d values; the %v reads sequences of steps of %d features", width, m.Kind, m.features)
	}
	return nil
}

// Prepare returns the model's input for rows × width values x (row-major):
// each value scaled as in training, in float32. NaN or ±Inf, before or
// after scaling, is an error naming its row and column.
func (m *Model) Prepare(x []float64, rows, width int) (*nn.Matrix[float32], error) {
	if err := m.CheckWidth(width); err != nil {
		return nil, err
	}
	if rows < 0 || len(x) != rows*width {
		return nil, fmt.Errorf("saved: %d values for %d rows of %d", len(x), rows, width)
	}
	in := nn.NewMatrix[float32](rows, width)
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("row %d, column %d: %v", k/width, k%width, v)
		}
		s := float32(m.scale(v, k%width%m.features))
		if math.IsInf(float64(s), 0) {
			return nil, fmt.Errorf("row %d, column %d: %v scales to %v, beyond the training data's range", k/width, k%width, v, s)
		}
		in.Data[k] = s
	}
	return in, nil
}

// unscale maps the model's values back to the data's units, in place: every
// scaling is affine per column, v ↦ a_j v + b_j.
func (m *Model) unscale(y []float64, width int) {
	a, b := make([]float64, m.features), make([]float64, m.features)
	for j := range a {
		b[j] = m.scale(0, j)
		a[j] = m.scale(1, j) - b[j]
	}
	for k, v := range y {
		j := k % width % m.features
		y[k] = (v - b[j]) / a[j]
	}
}

// Score returns the scores of rows × width values x, rows × Outputs()
// values: an autoencoder's (or detector's) reconstruction errors, a
// classifier's class probabilities, a regressor's outputs. Sequences are
// read to their last step; Predict takes lengths.
func (m *Model) Score(x []float64, rows, width int) ([]float64, error) {
	p, err := m.Predict(x, rows, width, nil)
	if err != nil {
		return nil, err
	}
	switch m.Kind {
	case Classifier:
		return p.Probabilities, nil
	case Regressor:
		return p.Outputs, nil
	}
	return p.Errors, nil
}

// Prediction is what a model gives for rows of data; the fields that do
// not apply to its kind are nil.
type Prediction struct {
	Rows int
	// Classes and Probabilities (rows × classes) of a classifier.
	Classes       []int
	Probabilities []float64
	// Outputs of a regressor, rows × steps·outputs, in its targets' units.
	Outputs []float64
	// Codes (rows × CodeSize: a VAE's are the means μ), Reconstructions
	// (rows × width, in the data's units) and reconstruction Errors of an
	// autoencoder of any kind; a detector's Errors are its scores (of its
	// kind: ae.ScoreKind).
	Codes           []float64
	CodeSize        int
	Reconstructions []float64
	Errors          []float64
	// Flags of a detector: the rows whose error exceeds its threshold.
	Flags []bool
	// StepScores of a sequence detector with a fault locator (rows ×
	// steps, ae.FaultLocator): where in each sequence the fault is.
	StepScores []float64
}

// Predict applies the model to rows × width values x (row-major, in the
// data's units or MNIST pixels 0–255) prepared as in training; lengths,
// for a sequence model, are the valid steps of each row (nil: all). Every
// output that is not finite is an error naming its row.
func (m *Model) Predict(x []float64, rows, width int, lengths []int) (*Prediction, error) {
	in, err := m.Prepare(x, rows, width)
	if err != nil {
		return nil, err
	}
	if lengths != nil {
		if !m.sequence || len(lengths) != rows {
			return nil, fmt.Errorf("saved: %d lengths for %d rows of a %v", len(lengths), rows, m.Kind)
		}
		for i, l := range lengths {
			if l < 1 || l > width/m.features {
				return nil, fmt.Errorf("row %d: length %d outside 1 to %d steps", i, l, width/m.features)
			}
		}
	}
	p := &Prediction{Rows: rows}
	data := nn.Dataset[float32]{X: in, Lengths: lengths}
	reconstruct := func(codes, rec *nn.Matrix[float32]) {
		p.Codes, p.CodeSize = floats(codes.Data), codes.Cols
		p.Reconstructions = floats(rec.Data)
		m.unscale(p.Reconstructions, width)
	}
	switch m.Kind {
	case Classifier:
		p.Probabilities = Probabilities(nn.PredictDataset[float32](m.Classifier, data, 512))
		p.Classes = argmax(p.Probabilities, m.Classifier.FC.Out)
		return p, checkFinite(p.Probabilities, m.Classifier.FC.Out, "probability")
	case Regressor:
		p.Outputs = floats(nn.PredictDataset[float32](m.Regressor, data, 512).Data)
		if m.targets != nil {
			p.Outputs = dataset.Inverse(*m.targets, p.Outputs)
		}
		return p, checkFinite(p.Outputs, m.Regressor.FC.Out, "output")
	case Autoencoder:
		a := m.Autoencoder
		reconstruct(a.Encode(in), a.Reconstruct(in))
		p.Errors = a.ReconstructionErrors(in)
	case VAE:
		v := m.VAE
		reconstruct(v.Encode(in), v.Reconstruct(in))
		p.Errors = v.ReconstructionErrors(in)
	case SequenceAutoencoder:
		a := m.SequenceAutoencoder
		reconstruct(a.Encode(in, lengths), nn.PredictDataset[float32](a, data, 256))
		p.Errors = a.ReconstructionErrors(in, lengths)
	case AnomalyDetector:
		d := m.Detector
		codes, rec, errs := d.Reconstruct(in, lengths)
		reconstruct(codes, rec)
		if err := checkFinite(errs, 1, "reconstruction error"); err != nil {
			return nil, err
		}
		// The detector's kind of score: the reconstruction error, the
		// codes' latent distance, both combined, or a VAE's −log p(x).
		if p.Errors, err = d.ScoreOf(in, errs, p.Codes); err != nil {
			return nil, err
		}
		if err := checkFinite(p.Errors, 1, "score"); err != nil {
			return nil, err
		}
		p.Flags = d.Flag(p.Errors)
		if d.Locator != nil {
			if p.StepScores, err = d.Locator.StepScores(in, lengths); err != nil {
				return nil, err
			}
			if err := checkFinite(p.StepScores, width/m.features, "step score"); err != nil {
				return nil, err
			}
		}
		return p, nil
	}
	return p, checkFinite(p.Errors, 1, "reconstruction error")
}

// Forecast returns a forecaster's forecast of the steps steps after the
// end of series (at least its window of steps × Features() values, the
// columns of Forecaster.Columns(), row-major, in the data's units): steps
// × Forecaster.Vars() values. future holds the covariates' values over the
// steps forecast (forecast.Forecaster.ForecastWith), nil without
// covariates.
func (m *Model) Forecast(series, future []float64, steps int) ([]float64, error) {
	if m.Kind != Forecaster {
		return nil, fmt.Errorf("a %v does not forecast a series", m.Kind)
	}
	return m.Forecaster.ForecastWith(series, future, steps)
}

// floats converts float32 values to float64.
func floats(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// argmax returns the index of the largest value of each row of width
// values.
func argmax(x []float64, width int) []int {
	out := make([]int, len(x)/width)
	for i := range out {
		row := x[i*width : (i+1)*width]
		for j, v := range row {
			if v > row[out[i]] {
				out[i] = j
			}
		}
	}
	return out
}

// checkFinite returns an error naming the row (of width values) of the
// first value of x that is not finite.
func checkFinite(x []float64, width int, what string) error {
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("row %d: the %s is %v (the model's parameters or the row are beyond what it can compute)", k/width, what, v)
		}
	}
	return nil
}

// Probabilities returns the softmax of each row of logits, in float64.
func Probabilities(logits *nn.Matrix[float32]) []float64 {
	out := make([]float64, len(logits.Data))
	for i := range logits.Rows {
		row, p := logits.Row(i), out[i*logits.Cols:(i+1)*logits.Cols]
		top := math.Inf(-1)
		for _, v := range row {
			top = max(top, float64(v))
		}
		var sum float64
		for j, v := range row {
			p[j] = math.Exp(float64(v) - top)
			sum += p[j]
		}
		for j := range p {
			p[j] /= sum
		}
	}
	return out
}

// Array is one named output of a prediction: its values in the given
// shape, and a name per column of a row for a table (a CSV header).
type Array struct {
	Name    string
	Shape   []int
	Data    []float64
	Columns []string
}

// Arrays returns the outputs of the prediction p of m for rows of width
// values, as physml predict writes them: a classifier's classes and
// probabilities; a regressor's outputs (rows, steps, outputs); an
// autoencoder's errors, codes and reconstructions (a detector's scores and
// flags, 1 above its threshold, in place of the errors, and a sequence
// detector's step scores). names, when not
// nil, name the reconstructions' columns (x0, x1, … otherwise).
func (p *Prediction) Arrays(m *Model, width int, names []string) []Array {
	n := p.Rows
	switch m.Kind {
	case Classifier:
		classes := make([]float64, n)
		for i, c := range p.Classes {
			classes[i] = float64(c)
		}
		return []Array{{"classes", []int{n}, classes, []string{"class"}},
			{"probabilities", []int{n, m.Outputs()}, p.Probabilities, numbered("p", m.Outputs())}}
	case Regressor:
		k, per := m.Outputs(), len(p.Outputs)/max(n, 1)
		return []Array{{"outputs", []int{n, per / k, k}, p.Outputs, numbered("output", per)}}
	}
	arrays := []Array{{"errors", []int{n}, p.Errors, []string{"error"}}}
	if m.Kind == AnomalyDetector {
		flags := make([]float64, n)
		for i, f := range p.Flags {
			if f {
				flags[i] = 1
			}
		}
		arrays = []Array{{"scores", []int{n}, p.Errors, []string{"score"}}, {"flags", []int{n}, flags, []string{"flag"}}}
		if p.StepScores != nil {
			steps := len(p.StepScores) / max(n, 1)
			arrays = append(arrays, Array{"step_scores", []int{n, steps}, p.StepScores, numbered("step", steps)})
		}
	}
	if names == nil {
		names = numbered("x", width)
	}
	return append(arrays, Array{"codes", []int{n, p.CodeSize}, p.Codes, numbered("code", p.CodeSize)},
		Array{"reconstructions", []int{n, width}, p.Reconstructions, names})
}

// numbered returns prefix0, prefix1, …, prefix(n−1).
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}
