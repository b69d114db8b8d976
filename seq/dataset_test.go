package seq

import (
	"math"
	"testing"

	"github.com/physml/physml/dataset"
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
