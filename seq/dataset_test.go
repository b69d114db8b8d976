package seq

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// TestSetTargetsStandardisesWithTheTrainingPart: each output of the
// per-step targets gets the mean and deviation of the training
// sequences' values, and the metadata carries both scalings.
func TestSetTargetsStandardisesWithTheTrainingPart(t *testing.T) {
	s := &dataset.Sequences{N: 6, Steps: 3, Features: 1}
	var targets []float64
	for i := 0; i < 6; i++ {
		for k := 0; k < 3; k++ {
			s.X = append(s.X, float64(i+k))
			targets = append(targets, 100+float64(10*i+k), -float64(i))
		}
	}
	sp, err := SplitSequences[float64](s, 0.5, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := sp.SetTargets(targets, 3, 2); err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 2; j++ {
		var sum, sq float64
		for _, i := range sp.TrainRows {
			for k := 0; k < 3; k++ {
				v := targets[(i*3+k)*2+j]
				sum, sq = sum+v, sq+v*v
			}
		}
		n := float64(3 * len(sp.TrainRows))
		mean := sum / n
		std := math.Sqrt(sq/n - mean*mean)
		if math.Abs(sp.TargetScaler.Offset[j]-mean) > 1e-12 || math.Abs(sp.TargetScaler.Scale[j]-std) > 1e-9 {
			t.Errorf("output %d: scaler %g, %g; want %g, %g", j, sp.TargetScaler.Offset[j], sp.TargetScaler.Scale[j], mean, std)
		}
	}
	i := sp.TestRows[0]
	if got, want := sp.Test.Y.At(0, 1), (targets[i*6+1]-sp.TargetScaler.Offset[1])/sp.TargetScaler.Scale[1]; math.Abs(got-want) > 1e-12 {
		t.Errorf("first test target %g, want %g", got, want)
	}
	meta := sp.Metadata()
	if meta[nn.KeyTargetMean] == "" || meta[nn.KeyFeatureStd] == "" || meta[nn.KeyData] != "user" {
		t.Errorf("metadata %v", meta)
	}
	if err := sp.SetTargets(targets[:10], 3, 2); err == nil {
		t.Error("targets of the wrong length: no error")
	}
}

// TestFromSequences: sequences of (steps, features) become the batch-first
// matrix, padded to the longest with lengths when they differ; ragged
// features and empty sequences are errors.
func TestFromSequences(t *testing.T) {
	x, lengths, err := FromSequences[float32]([][][]float64{{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}}})
	if err != nil || x.Rows != 2 || x.Cols != 6 || !slices.Equal(x.Data, []float32{1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0}) || !slices.Equal(lengths, []int{3, 1}) {
		t.Errorf("ragged: %v %v %v", x, lengths, err)
	}
	if _, lengths, err := FromSequences[float64]([][][]float64{{{1}, {2}}, {{3}, {4}}}); err != nil || lengths != nil {
		t.Errorf("equal lengths: %v, %v", lengths, err)
	}
	for _, bad := range [][][][]float64{{{{1, 2}, {3}}}, {{{1}}, {}}} {
		if _, _, err := FromSequences[float64](bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// TestDatasetOfStandardisesValidStepsOnly: DatasetOf scales every valid
// step's features by the scaler and leaves padding at zero, with the
// sequences' labels and lengths in the order rows gives.
func TestDatasetOfStandardisesValidStepsOnly(t *testing.T) {
	s := &dataset.Sequences{N: 2, Steps: 3, Features: 2, X: []float64{1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 99, 99},
		Lengths: []int{3, 2}, Labels: []int{1, 0}, Classes: 2}
	scaler, err := s.FitStandardization([]int{1})
	if err != nil {
		t.Fatal(err)
	}
	// Sequence 1's valid steps: (4, 40), (5, 50): means 4.5 and 45, deviations 0.5 and 5.
	if numcheck.MaxAbsDiff(scaler.Offset, []float64{4.5, 45}) != 0 || numcheck.MaxAbsDiff(scaler.Scale, []float64{0.5, 5}) != 0 {
		t.Fatalf("scaler %+v", scaler)
	}
	d := DatasetOf[float64](s, []int{1, 0}, scaler)
	want := []float64{-1, -1, 1, 1, 0, 0, -7, -7, -5, -5, -3, -3}
	if numcheck.MaxAbsDiff(d.X.Data, want) != 0 || d.Labels[0] != 0 || d.Labels[1] != 1 || d.Lengths[0] != 2 || d.Lengths[1] != 3 {
		t.Errorf("X %v, labels %v, lengths %v", d.X.Data, d.Labels, d.Lengths)
	}
}

// TestSplitSequencesStandardisesWithTheTrainingPartOnly: the scaler is the
// training sequences' statistics, and the test part is scaled with it.
func TestSplitSequencesStandardisesWithTheTrainingPartOnly(t *testing.T) {
	s := &dataset.Sequences{N: 10, Steps: 2, Features: 1, X: make([]float64, 20), Labels: make([]int, 10), Classes: 2}
	for i := range s.X {
		s.X[i] = float64(i * i)
		s.Labels[i/2] = i / 2 % 2
	}
	sp, err := SplitSequences[float64](s, 0.3, 4)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Outputs != 2 {
		t.Errorf("outputs %d of two classes", sp.Outputs)
	}
	want, _ := s.FitStandardization(sp.TrainRows)
	if len(sp.TestRows) != 3 || sp.Scaler.Offset[0] != want.Offset[0] || sp.Scaler.Scale[0] != want.Scale[0] {
		t.Fatalf("%d test rows, scaler %+v, want %+v", len(sp.TestRows), sp.Scaler, want)
	}
	i := sp.TestRows[0]
	if got := sp.Test.X.At(0, 1); got != (s.X[2*i+1]-want.Offset[0])/want.Scale[0] {
		t.Errorf("test row 0, step 1: %g", got)
	}
	if _, err := SplitSequences[float64](s, 0.01, 4); err == nil {
		t.Error("a test part of no sequence accepted")
	}
	one := *s
	one.Labels, one.Classes = make([]int, 10), 1
	if _, err := SplitSequences[float64](&one, 0.3, 4); err == nil || !strings.Contains(err.Error(), "needs at least 2") {
		t.Errorf("labels of one class: %v", err)
	}
	regression := *s
	regression.Labels, regression.Classes, regression.Targets, regression.TargetCols = nil, 0, make([]float64, 60), 6
	if sp, err := SplitSequences[float64](&regression, 0.3, 4); err != nil || sp.Outputs != 3 || sp.TargetScaler == nil || sp.Train.Y.Cols != 6 {
		t.Errorf("targets of 3 outputs per step: %v", err)
	}
	regression.TargetCols, regression.Targets = 5, make([]float64, 50)
	if _, err := SplitSequences[float64](&regression, 0.3, 4); err == nil || !strings.Contains(err.Error(), "predicts every step") {
		t.Errorf("5 targets per sequence of 2 steps: %v", err)
	}
}

// TestMNISTSplitIsTheLecturesRowsWithItsMetadata: 28 steps of 28 pixels,
// 10 classes, MNIST metadata, no rows and no split codes.
func TestMNISTSplitIsTheLecturesRowsWithItsMetadata(t *testing.T) {
	im := &dataset.Images{Rows: 28, Cols: 28, Pixels: make([]byte, 2*784), Labels: []int{3, 7}}
	im.Pixels[784+5] = 255
	sp := MNISTSplit[float32](im, im, dataset.Unit)
	if sp.Features != 28 || sp.Outputs != 10 || sp.Test.X.Cols != 784 || sp.Test.X.At(1, 5) != 1 || sp.Train.Labels[1] != 7 {
		t.Errorf("features %d, outputs %d, %d columns, pixel %g, label %d", sp.Features, sp.Outputs, sp.Test.X.Cols, sp.Test.X.At(1, 5), sp.Train.Labels[1])
	}
	if m := sp.Metadata(); m[nn.KeyData] != "mnist" || m[nn.KeyNormalization] != dataset.Unit.String() || len(m) != 2 {
		t.Errorf("metadata %v", m)
	}
	if sp.SplitCodes(0.2, 1, false) != nil {
		t.Error("split codes of MNIST's images, which come from no one set")
	}
}
