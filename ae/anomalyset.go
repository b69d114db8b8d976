package ae

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

// AnomalySet is the data of an anomaly detection run: rows with labels
// (0 normal, k > 0 an anomaly of the kind Kinds[k]; nil when there are
// none, and every row counts as normal) and their split into training,
// calibration and test rows, by index.
type AnomalySet struct {
	Rows
	Steps              int   // steps of the sequences; 0 for tables and images
	Image              []int // (height, width) of images, or nil
	Labels             []int
	Kinds              []string // "normal" first; nil without labels
	Train, Calib, Test []int
}

// NewAnomalySet returns the rows with their labels, split by SplitNormal
// (60/20/20 of the normal rows, every anomaly tested). Without kinds, the
// anomaly kinds are named "label 1", "label 2", ….
func NewAnomalySet(rows Rows, labels []int, kinds []string, seed uint64) (*AnomalySet, error) {
	set := &AnomalySet{Rows: rows, Labels: labels, Kinds: kinds}
	if labels != nil && kinds == nil {
		classes := 0
		for _, l := range labels {
			classes = max(classes, l+1)
		}
		set.Kinds = []string{"normal"}
		for k := 1; k < classes; k++ {
			set.Kinds = append(set.Kinds, "label "+strconv.Itoa(k))
		}
	}
	var err error
	set.Train, set.Calib, set.Test, err = SplitNormal(rows.N, labels, seed)
	return set, err
}

// MNISTAnomalies returns MNIST's digits as an anomaly set, pixels/255:
// the training images of the normal digits, 80 % of them (a seeded
// shuffle) for training and 20 % for calibration, and the test images of
// the normal and the anomalous digits for testing, the anomalies labelled
// by digit ("digit 9").
func MNISTAnomalies(train, test *dataset.Images, normal, anomalous []int, seed uint64) (*AnomalySet, error) {
	kind := map[int]int{}
	set := &AnomalySet{Kinds: []string{"normal"}, Image: []int{dataset.MNISTRows, dataset.MNISTCols}}
	for _, digit := range normal {
		kind[digit] = 0
	}
	for _, digit := range anomalous {
		if _, dup := kind[digit]; dup {
			return nil, fmt.Errorf("ae: digit %d is both normal and anomalous", digit)
		}
		kind[digit] = len(set.Kinds)
		set.Kinds = append(set.Kinds, "digit "+strconv.Itoa(digit))
	}
	const p = dataset.MNISTPixels
	var normalRows []int
	add := func(im *dataset.Images, i int) {
		set.X = append(set.X, dataset.Floats[float64](im.Pixels[i*p:(i+1)*p], dataset.Unit)...)
		set.Labels = append(set.Labels, kind[im.Labels[i]])
		set.N++
	}
	for i, l := range train.Labels {
		if k, ok := kind[l]; ok && k == 0 {
			normalRows = append(normalRows, set.N)
			add(train, i)
		}
	}
	for i, l := range test.Labels {
		if _, ok := kind[l]; ok {
			set.Test = append(set.Test, set.N)
			add(test, i)
		}
	}
	if len(normalRows) < 5 || len(set.Test) == 0 {
		return nil, fmt.Errorf("MNIST: %d training images of the normal digits and %d test images: too few", len(normalRows), len(set.Test))
	}
	nTrain := len(normalRows) * 4 / 5
	for r, i := range nn.NewRand(seed ^ 0xa40).Perm(len(normalRows)) {
		if r < nTrain {
			set.Train = append(set.Train, normalRows[i])
		} else {
			set.Calib = append(set.Calib, normalRows[i])
		}
	}
	return set, nil
}

// SplitCodes returns, for every row, 0 for a training row, 1 for a
// calibration row and 2 for a test row (the layout of physml's
// split.npy).
func (set *AnomalySet) SplitCodes() []float64 {
	codes := make([]float64, set.N)
	for part, rows := range [][]int{set.Train, set.Calib, set.Test} {
		for _, i := range rows {
			codes[i] = float64(part)
		}
	}
	return codes
}

// Detection is the outcome of Detect.
type Detection[T Float] struct {
	Detector *AnomalyDetector[T]
	History  nn.History
	Scores   []float64   // of every row of the set, of the detector's kind
	ByKind   [][]float64 // every row's scores of each kind, indexed by ScoreKind
	Metrics  AnomalyMetrics
	// StepErrors and StepScores are, for a sequence detector, every row's
	// reconstruction error at each step (AnomalyDetector.StepErrors) and
	// its fault locator's step scores (AnomalyDetector.StepScores; nil if
	// the training was interrupted before the locator): rows × steps.
	StepErrors, StepScores []float64
}

// Detect runs the anomaly detection workflow on set: FitDetector on the
// training rows, the scores of every row in one pass, the threshold
// calibrated on the calibration rows' scores of that pass, the metrics of
// the test rows and, for sequences, every step's errors and scores. A
// cancelled ctx ends the training early: the detector as trained so far is
// calibrated and scored, and returned with the context's error.
func Detect[T Float](ctx context.Context, model nn.Layer[T], set *AnomalySet, cfg DetectorConfig) (*Detection[T], error) {
	det, hist, fitErr := FitDetector(ctx, model, set.Rows, set.Train, set.Calib, cfg)
	if det == nil || fitErr != nil && !errors.Is(fitErr, ctx.Err()) {
		return nil, fitErr
	}
	byKind, err := det.ScoresByKind(set.Rows)
	if err != nil {
		return nil, err
	}
	calib := make([][]float64, len(byKind))
	for k := range byKind {
		if byKind[k] == nil {
			continue // a kind this detector lacks
		}
		for _, i := range set.Calib {
			calib[k] = append(calib[k], byKind[k][i])
		}
	}
	det.Calibrate(calib) // the threshold of exactly these scores
	byKind[CombinedScore] = det.combine(byKind[ReconstructionScore], byKind[LatentScore])
	scores := byKind[det.Score]
	metrics := EvaluateScores(scores, set.Labels, set.Test, det.Threshold, det.Quantile, set.Kinds)
	metrics.Score = det.Score.String()
	if metrics.Separation != nil {
		metrics.ROCAUCByScore = map[string]float64{}
		for _, k := range ScoreKinds {
			if byKind[k] == nil {
				continue // a kind this detector lacks (elbo without a VAE)
			}
			test, _, anomalous := set.TestScores(byKind[k])
			metrics.ROCAUCByScore[k.String()] = ROCAUC(test, anomalous)
		}
	}
	run := &Detection[T]{Detector: det, History: hist, Scores: scores, ByKind: byKind, Metrics: metrics}
	if det.Sequence != nil {
		if run.StepErrors, err = det.StepErrors(set.Rows); err != nil {
			return nil, err
		}
	}
	if det.Locator != nil {
		if run.StepScores, err = det.StepScores(set.Rows); err != nil {
			return nil, err
		}
	}
	return run, fitErr
}

// ScoreTable returns every row's score of each kind the detector has, as
// a table: the kinds' names (as ParseScoreKind reads them) and the rows ×
// kinds values, row-major.
func (r *Detection[T]) ScoreTable() (header []string, values []float64) {
	var columns [][]float64
	for _, k := range ScoreKinds {
		if r.ByKind[k] != nil {
			header, columns = append(header, k.String()), append(columns, r.ByKind[k])
		}
	}
	values = make([]float64, 0, len(columns)*len(columns[0]))
	for i := range columns[0] {
		for _, c := range columns {
			values = append(values, c[i])
		}
	}
	return header, values
}

// SequenceAnomalies returns sequences as an anomaly set (NewAnomalySet):
// their labels (0 normal) with the anomaly kinds named by kinds (nil:
// "label 1", "label 2", …), and their steps. dataset.Signals with
// dataset.SignalKinds is one.
func SequenceAnomalies(s *dataset.Sequences, kinds []string, seed uint64) (*AnomalySet, error) {
	set, err := NewAnomalySet(Rows{X: s.X, N: s.N, Lengths: s.Lengths}, s.Labels, kinds, seed)
	if err != nil {
		return nil, err
	}
	set.Steps = s.Steps
	return set, nil
}

// SampleAnomalies returns a table or images as an anomaly set
// (NewAnomalySet), with their labels (0 normal) and the images' shape.
func SampleAnomalies(s *dataset.Samples, seed uint64) (*AnomalySet, error) {
	set, err := NewAnomalySet(Rows{X: s.X, N: s.N}, s.Labels, nil, seed)
	if err != nil {
		return nil, err
	}
	if len(s.Shape) == 2 {
		set.Image = s.Shape
	}
	return set, nil
}

// TestScores returns the scores of the test rows (scores holds one per
// row of the set), in the order of set.Test, with their labels (all 0
// without labels) and whether each is an anomaly.
func (set *AnomalySet) TestScores(scores []float64) (test []float64, labels []int, anomalous []bool) {
	test, labels, anomalous = make([]float64, len(set.Test)), make([]int, len(set.Test)), make([]bool, len(set.Test))
	for r, i := range set.Test {
		test[r] = scores[i]
		if set.Labels != nil {
			labels[r], anomalous[r] = set.Labels[i], set.Labels[i] != 0
		}
	}
	return test, labels, anomalous
}

// FlaggedExtremes returns the flagged test rows (score above threshold)
// to look at first: the n of highest score and the n lowest, just above
// the threshold, in decreasing score; all of them when there are at most
// 2n.
func (set *AnomalySet) FlaggedExtremes(scores []float64, threshold float64, n int) []int {
	var flagged []int
	for _, i := range set.Test {
		if scores[i] > threshold {
			flagged = append(flagged, i)
		}
	}
	slices.SortStableFunc(flagged, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	if len(flagged) > 2*n {
		flagged = append(flagged[:n], flagged[len(flagged)-n:]...)
	}
	return flagged
}
