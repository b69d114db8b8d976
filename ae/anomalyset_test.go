package ae

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

// TestSplitSamplesScalesWithTheTrainingRowsOnly: the scaler is fitted on
// the training rows (a test row outside their range maps outside [0, 1]),
// and the rows and labels of each part are the held-out indices'.
func TestSplitSamplesScalesWithTheTrainingRowsOnly(t *testing.T) {
	s := &dataset.Samples{N: 10, Features: 2, Shape: []int{2}, Labels: make([]int, 10)}
	for i := 0; i < 10; i++ {
		s.X = append(s.X, float64(i), float64(10*i))
		s.Labels[i] = i % 3
	}
	sp, err := SplitSamples[float64](s, dataset.MinMax, 0.3, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.TrainRows) != 7 || len(sp.TestRows) != 3 || sp.Train.Rows != 7 || sp.Test.Rows != 3 {
		t.Fatalf("parts of %d and %d rows", len(sp.TrainRows), len(sp.TestRows))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, i := range sp.TrainRows {
		lo, hi = min(lo, float64(i)), max(hi, float64(i))
	}
	for r, i := range sp.TestRows {
		if want := (float64(i) - lo) / (hi - lo); math.Abs(sp.Test.At(r, 0)-want) > 1e-15 || sp.TestLabels[r] != i%3 {
			t.Errorf("test row %d (sample %d): %g, label %d; want %g, %d", r, i, sp.Test.At(r, 0), sp.TestLabels[r], want, i%3)
		}
	}
	meta := sp.Metadata()
	if meta[nn.KeyData] != "user" || meta[nn.KeyInputShape] != "2" || meta[nn.KeyInputScaling] != "minmax" {
		t.Errorf("metadata %v", meta)
	}
	if DefaultScaling(s) != dataset.MinMax || DefaultScaling(&dataset.Samples{Shape: []int{3, 4}}) != dataset.UnitRange {
		t.Error("DefaultScaling: want minmax for tables, unit for images")
	}
}

// TestMNISTAnomaliesSelectsDigits: the normal digits' training images go
// 80/20 to training and calibration, the test images of both kinds to
// testing, labelled by digit.
func TestMNISTAnomaliesSelectsDigits(t *testing.T) {
	im := func(labels ...int) *dataset.Images {
		return &dataset.Images{Pixels: make([]byte, len(labels)*dataset.MNISTPixels), Labels: labels}
	}
	train := im(0, 1, 0, 1, 2, 0, 1, 0, 1, 0, 7)
	test := im(0, 2, 7, 1, 2)
	set, err := MNISTAnomalies(train, test, []int{0, 1}, []int{2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Train) != 7 || len(set.Calib) != 2 || len(set.Test) != 4 || set.N != 13 {
		t.Fatalf("%d training, %d calibration, %d test of %d rows", len(set.Train), len(set.Calib), len(set.Test), set.N)
	}
	var testLabels []int
	for _, i := range set.Test {
		testLabels = append(testLabels, set.Labels[i])
	}
	if !slices.Equal(testLabels, []int{0, 1, 0, 1}) || !slices.Equal(set.Kinds, []string{"normal", "digit 2"}) {
		t.Errorf("test labels %v, kinds %v", testLabels, set.Kinds)
	}
	codes := set.SplitCodes()
	if codes[set.Calib[0]] != 1 || codes[set.Test[3]] != 2 || codes[set.Train[0]] != 0 {
		t.Errorf("split codes %v", codes)
	}
	if _, err := MNISTAnomalies(train, test, []int{0, 1}, []int{1}, 1); err == nil {
		t.Error("a digit both normal and anomalous: no error")
	}
}

// TestDetectFindsOffRelationRows: rows off a linear relation score above
// the calibrated threshold; the threshold is the calibration quantile of
// the returned scores, and the names of the kinds default to labels.
func TestDetectFindsOffRelationRows(t *testing.T) {
	var x []float64
	labels := make([]int, 200)
	for i := 0; i < 200; i++ {
		u, v := math.Sin(0.37*float64(i)), math.Cos(0.23*float64(i))
		w := u + v
		if i%10 == 9 {
			w += 2
			labels[i] = 1
		}
		x = append(x, u, v, w)
	}
	set, err := NewAnomalySet(Rows{X: x, N: 200}, labels, nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(set.Kinds, []string{"normal", "label 1"}) {
		t.Errorf("kinds %v", set.Kinds)
	}
	model, err := New[float64](Config{Layers: []int{3, 8, 2}, Hidden: Tanh, Code: Identity, Output: Identity, Loss: MSELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	run, err := Detect(context.Background(), model, set, DetectorConfig{Quantile: 0.95, Epochs: 60, BatchSize: 16, LR: 1e-2, Seed: 1, Scaling: dataset.Standard})
	if err != nil {
		t.Fatal(err)
	}
	calib := make([]float64, len(set.Calib))
	for r, i := range set.Calib {
		calib[r] = run.Scores[i]
	}
	above := 0
	for _, v := range calib {
		if v > run.Detector.Threshold {
			above++
		}
	}
	if above > len(calib)/20+1 {
		t.Errorf("%d of %d calibration scores above the 0.95 threshold", above, len(calib))
	}
	if run.Metrics.Separation == nil || run.Metrics.ROCAUC < 0.9 {
		t.Errorf("metrics %+v: want a ROC AUC of at least 0.9", run.Metrics)
	}
}

func TestAnomalySetsOfReadData(t *testing.T) {
	labels := []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2}
	images := &dataset.Samples{X: make([]float64, 12*6), N: 12, Features: 6, Shape: []int{2, 3}, Labels: labels}
	set, err := SampleAnomalies(images, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(set.Image, []int{2, 3}) || set.Steps != 0 || !slices.Equal(set.Kinds, []string{"normal", "label 1", "label 2"}) || len(set.Train)+len(set.Calib)+len(set.Test) != 12 {
		t.Errorf("images: shape %v, steps %d, kinds %q, parts %d+%d+%d", set.Image, set.Steps, set.Kinds, len(set.Train), len(set.Calib), len(set.Test))
	}
	signals := &dataset.Sequences{X: make([]float64, 12*5), N: 12, Steps: 5, Features: 1, Labels: labels}
	set, err = SequenceAnomalies(signals, []string{"normal", "spike", "dropout"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if set.Image != nil || set.Steps != 5 || set.Kinds[2] != "dropout" {
		t.Errorf("sequences: shape %v, steps %d, kinds %q", set.Image, set.Steps, set.Kinds)
	}
}

func TestTestScoresFollowTheTestRows(t *testing.T) {
	set := &AnomalySet{Labels: []int{0, 2, 0, 1}, Test: []int{3, 0, 1}}
	scores, labels, anomalous := set.TestScores([]float64{10, 11, 12, 13})
	if !slices.Equal(scores, []float64{13, 10, 11}) || !slices.Equal(labels, []int{1, 0, 2}) || !slices.Equal(anomalous, []bool{true, false, true}) {
		t.Errorf("scores %v, labels %v, anomalous %v", scores, labels, anomalous)
	}
}

func TestFlaggedExtremes(t *testing.T) {
	set := &AnomalySet{Test: []int{0, 1, 2, 3, 4, 5, 6, 7}}
	scores := []float64{0.9, 0.1, 0.5, 0.7, 0.3, 0.8, 0.6, 0.4}
	if got := set.FlaggedExtremes(scores, 0.35, 2); !slices.Equal(got, []int{0, 5, 2, 7}) {
		t.Errorf("extremes %v, want [0 5 2 7]", got)
	}
	if got := set.FlaggedExtremes(scores, 0.75, 2); !slices.Equal(got, []int{0, 5}) {
		t.Errorf("two flagged: %v", got)
	}
}
