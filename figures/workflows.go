package figures

import (
	"cmp"
	"fmt"
	"path/filepath"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/forecast"
	"github.com/physml/physml/nn"
)

// This file draws the pictures of the library's workflows from their own
// types: a regressor's history, an autoencoder's and a VAE's test images,
// a forecaster's test period, an anomaly detector's flagged signals.

// RegressionHistory draws a regressor's training history: the training
// and validation MSE of its standardised targets, epoch by epoch.
func RegressionHistory(title string, hist nn.History) ([]byte, error) {
	series := map[string][]float64{}
	for _, e := range hist.Epochs {
		series["train MSE"] = append(series["train MSE"], e.TrainLoss)
		series["validation MSE"] = append(series["validation MSE"], e.ValidationLoss)
	}
	return CurvesLegendTop(title, "MSE (standardised targets)", series, []string{"train MSE", "validation MSE"})
}

// ForecastTest draws the test period of a forecaster's evaluation one step
// ahead, for the first variable of s: the truth, the network (named cell)
// with its prediction interval, and the baselines, over their residuals.
// The title names source, the series' file or example.
func ForecastTest(ev *forecast.Evaluation, s *dataset.TimeSeries, source, cell string) ([]byte, error) {
	steps := make([]float64, ev.Windows)
	for k := range steps {
		steps[k] = float64(ev.Split.ValidationEnd + k)
		if s.Time != nil {
			steps[k] = s.Time[ev.Split.ValidationEnd+k]
		}
	}
	series, order := ev.FirstStepCurves(cell, 0)
	var band *Band
	if ev.Interval != nil {
		band = &Band{Name: fmt.Sprintf("%g %% interval", 100*ev.Interval.Level), Lower: ev.FirstStepOf(ev.Lower, 0), Upper: ev.FirstStepOf(ev.Upper, 0)}
	}
	title := fmt.Sprintf("%s: test period, one step ahead", filepath.Base(source))
	return SeriesWithResiduals(title, XAxis{Label: cmp.Or(s.TimeName, "step"), Dates: s.Datetime}, s.Names[0], steps, series, order, band)
}

// LeadRMSE draws the test RMSE of the first variable (named name) of a
// forecaster's evaluation against the lead time: the network's (named
// cell) and the baselines'.
func LeadRMSE(ev *forecast.Evaluation, name, cell string) ([]byte, error) {
	series, order := ev.LeadCurves(cell, 0)
	leads := make([]float64, len(series[cell]))
	for k := range leads {
		leads[k] = float64(k + 1)
	}
	return Series("test RMSE by lead time", "lead (steps ahead)", "RMSE of "+name, leads, series, order)
}

// FlaggedSignals returns the flagged test sequences of an anomaly set to
// draw with Faults: the n most anomalous and the n least (just above the
// threshold; ae.AnomalySet.FlaggedExtremes), each with its first feature,
// its step scores (stepScores, Steps per row) and its kind and score
// as title. It returns nil when none is flagged.
func FlaggedSignals(set *ae.AnomalySet, scores, stepScores []float64, threshold float64, n int) []FaultSignal {
	var out []FaultSignal
	features := len(set.X) / set.N / set.Steps
	for _, i := range set.FlaggedExtremes(scores, threshold, n) {
		steps := set.Steps // a padded sequence is drawn to its length
		if set.Lengths != nil {
			steps = set.Lengths[i]
		}
		s := FaultSignal{Title: fmt.Sprintf("row %d, score %.3g", i, scores[i]), StepScores: stepScores[i*set.Steps : i*set.Steps+steps]}
		if set.Labels != nil {
			s.Title = fmt.Sprintf("%s, score %.3g", set.Kinds[set.Labels[i]], scores[i])
		}
		for t := 0; t < steps; t++ {
			s.Values = append(s.Values, set.X[(i*set.Steps+t)*features])
		}
		out = append(out, s)
	}
	return out
}

// VAESamples draws decoded draws from a VAE's prior, rows of the split's
// scaled inputs, as images of the split's shape in rows of 8.
func VAESamples[T nn.Float](draws *nn.Matrix[T], d *ae.SampleSplit[T]) ([]byte, error) {
	images := make([][]float64, draws.Rows)
	for i := range images {
		images[i] = d.Display(draws.Row(i))
	}
	return ImageGrid(nil, Tiles(images, 8), d.Shape[0], d.Shape[1], vaeScale(d.Shape))
}

// VAEInterpolations draws, for the first pairs of test images of the split
// (images 1 and 2, 3 and 4, …, at most 4 pairs), the decoded straight path
// of steps codes between theirs (ae.VAE.InterpolationRow), each row named
// by the pair's labels. It returns nil, nil when the split has fewer than
// two test images.
func VAEInterpolations[T nn.Float](model *ae.VAE[T], d *ae.SampleSplit[T], steps int) ([]byte, error) {
	var names []string
	var rows [][][]float64
	for k := 0; k+1 < d.Test.Rows && k < 8; k += 2 {
		name := fmt.Sprintf("test %d → %d", k+1, k+2)
		if d.TestLabels != nil {
			name = fmt.Sprintf("%d → %d", d.TestLabels[k], d.TestLabels[k+1])
		}
		path := model.InterpolationRow(d.Test, k, k+1, steps)
		row := make([][]float64, path.Rows)
		for s := range row {
			row[s] = d.Display(path.Row(s))
		}
		names, rows = append(names, name), append(rows, row)
	}
	if rows == nil {
		return nil, nil
	}
	return ImageGrid(names, rows, d.Shape[0], d.Shape[1], vaeScale(d.Shape))
}

// vaeScale is the factor that draws images of shape (height, width) at
// least 56 pixels on their longer side.
func vaeScale(shape []int) int { return max(1, 56/max(shape[0], shape[1])) }

// VAELoss draws a VAE's training loss and its test negative ELBO with its
// reconstruction and KL terms, per sample and epoch.
func VAELoss(hist nn.History, testRec, testKL []float64) ([]byte, error) {
	series := map[string][]float64{"test reconstruction": testRec, "test KL": testKL}
	for i := range testRec {
		series["test −ELBO"] = append(series["test −ELBO"], testRec[i]+testKL[i])
		series["train loss"] = append(series["train loss"], hist.Epochs[i].TrainLoss)
	}
	// The losses fall from the top left and the KL term stays low: the
	// legend goes top right.
	return CurvesLegendTop("variational autoencoder", "per sample", series, []string{"train loss", "test −ELBO", "test reconstruction", "test KL"})
}

// AutoencoderReconstructions draws the first test samples of the split
// (8 images, or 4 rows of a table as profiles) over their reconstructions
// by the autoencoder and, when pca is not nil, over PCA's (the rows of
// pca, PCA's reconstructions of the test samples by k components).
func AutoencoderReconstructions[T nn.Float](model *ae.Autoencoder[T], d *ae.SampleSplit[T], pca *nn.Matrix[T], k int) ([]byte, error) {
	n := min(8, d.Test.Rows)
	if len(d.Shape) != 2 {
		n = min(4, d.Test.Rows)
	}
	shown := d.Test.Slice(0, n)
	names := []string{"input", "autoencoder"}
	rows := [][][]float64{make([][]float64, n), make([][]float64, n)}
	rec := model.Reconstruct(shown)
	for i := 0; i < n; i++ {
		rows[0][i], rows[1][i] = d.Display(shown.Row(i)), d.Display(rec.Row(i))
	}
	if pca != nil {
		names = append(names, fmt.Sprintf("PCA (%d components)", k))
		rows = append(rows, make([][]float64, n))
		for i := 0; i < n; i++ {
			rows[2][i] = d.Display(pca.Row(i))
		}
	}
	return Reconstructions(names, rows, d.Shape, d.Names)
}

// AutoencoderLoss draws an autoencoder's training loss (named by loss) and
// its test reconstruction MSE, epoch by epoch.
func AutoencoderLoss(title, loss string, hist nn.History, testMSE []float64) ([]byte, error) {
	series := map[string][]float64{"test MSE": testMSE}
	trainName := "train " + loss
	for _, e := range hist.Epochs {
		series[trainName] = append(series[trainName], e.TrainLoss)
	}
	return Curves(title, "loss", series, []string{trainName, "test MSE"})
}
