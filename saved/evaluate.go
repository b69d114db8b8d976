package saved

import (
	"fmt"
	"slices"
	"strings"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/forecast"
	"github.com/physml/physml/nn"
)

// Evaluation is what Evaluate measures of a model on rows of data; the
// fields that do not apply to its kind are zero.
type Evaluation struct {
	Rows int
	// Accuracy of a classifier against the labels.
	Accuracy float64
	// Errors of each output of a regressor against the targets, in the
	// targets' units.
	Errors []forecast.Errors
	// ReconstructionMSE of a dense autoencoder: the mean squared error over
	// all inputs, in the scaled units it was trained in.
	ReconstructionMSE float64
	// MeanError is the mean reconstruction error (score) per row of any
	// autoencoder or detector.
	MeanError float64
	// Flagged counts a detector's rows above its threshold; Detection holds
	// its metrics when the rows have labels (0 normal, k > 0 anomalies).
	Flagged   int
	Detection *ae.AnomalyMetrics
}

// Evaluate applies the model to rows × width values x (Predict) and
// measures it: a classifier against labels (required), a regressor
// against targets (required, rows × steps·outputs in the targets' units),
// an autoencoder by its reconstruction errors, and a detector by its
// scores and, with labels, how they separate the anomalies.
func (m *Model) Evaluate(x []float64, rows, width int, lengths, labels []int, targets []float64) (*Evaluation, error) {
	if m.Kind == Forecaster {
		return nil, fmt.Errorf("saved: a forecaster is evaluated on a series (Forecaster.PredictWindows), not on rows")
	}
	p, err := m.Predict(x, rows, width, lengths)
	if err != nil {
		return nil, err
	}
	ev := &Evaluation{Rows: rows}
	var sum float64
	for _, e := range p.Errors {
		sum += e
	}
	ev.MeanError = sum / float64(max(len(p.Errors), 1))
	switch m.Kind {
	case Classifier:
		switch {
		case len(labels) != rows:
			return nil, fmt.Errorf("saved: %d labels for %d rows: a classifier is evaluated against labels", len(labels), rows)
		case rows > 0 && slices.Max(labels) >= m.Outputs():
			return nil, fmt.Errorf("saved: labels up to %d; the classifier knows %d classes", slices.Max(labels), m.Outputs())
		}
		correct := 0
		for i, c := range p.Classes {
			if c == labels[i] {
				correct++
			}
		}
		ev.Accuracy = float64(correct) / float64(max(rows, 1))
	case Regressor:
		if len(targets) != len(p.Outputs) {
			return nil, fmt.Errorf("saved: %d target values for the regressor's %d outputs", len(targets), len(p.Outputs))
		}
		ev.Errors = forecast.ErrorsPerColumn(p.Outputs, targets, m.Outputs())
	case Autoencoder:
		in, err := m.Prepare(x, rows, width)
		if err != nil {
			return nil, err
		}
		ev.ReconstructionMSE = m.Autoencoder.ReconstructionMSE(in)
	case AnomalyDetector:
		for _, f := range p.Flags {
			if f {
				ev.Flagged++
			}
		}
		if labels != nil {
			all := make([]int, rows)
			for i := range all {
				all[i] = i
			}
			met := ae.EvaluateScores(p.Errors, labels, all, m.Detector.Threshold, m.Detector.Quantile, nil)
			ev.Detection = &met
		}
	}
	return ev, nil
}

// Report describes the model and what e measured of it, in lines: a
// classifier's test accuracy, a regressor's errors of each output, an
// autoencoder's reconstruction error, a detector's mean score, flagged
// rows and, with labels, how its scores separate the anomalies.
func (m *Model) Report(e *Evaluation) string {
	var b strings.Builder
	switch m.Kind {
	case Regressor:
		fmt.Fprintf(&b, "%v regressor, errors in the targets' units:\n", m.Regressor.RNN)
		for j, err := range e.Errors {
			fmt.Fprintf(&b, "  output %d: RMSE %.6g  MAE %.6g\n", j, err.RMSE, err.MAE)
		}
	case Classifier:
		fmt.Fprintf(&b, "%v classifier, test accuracy %.4f\n", m.Classifier.RNN, e.Accuracy)
	case Autoencoder:
		fmt.Fprintf(&b, "autoencoder %s (%s), test reconstruction MSE %.4f\n", strings.ReplaceAll(m.Metadata[nn.KeyLayers], ",", "-"), m.Scaling, e.ReconstructionMSE)
	case AnomalyDetector:
		fmt.Fprintf(&b, "anomaly detector (%s): mean score %.6g (%d of %d rows flagged above the threshold %.6g)\n", m.Scaling, e.MeanError, e.Flagged, e.Rows, m.Detector.Threshold)
		if d := e.Detection; d != nil && d.Separation != nil {
			fmt.Fprintf(&b, "ROC AUC %.4f  average precision %.4f  at the threshold: precision %.4f, recall %.4f\n", d.ROCAUC, d.AveragePrecision, d.Precision, d.Recall)
		}
	default: // VAE, sequence autoencoder
		fmt.Fprintf(&b, "%v (%s), mean reconstruction error %.6g\n", m.Kind, m.Scaling, e.MeanError)
	}
	return b.String()
}
