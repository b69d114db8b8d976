package nn

import (
	"strings"
	"testing"
)

// TestCrossEntropyRefusesTheLabelEqualToTheClassCount: label = classes is
// one past the last class.
func TestCrossEntropyRefusesTheLabelEqualToTheClassCount(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "label 3 of row 0 outside [0, 3)") {
			t.Errorf("panic %v", r)
		}
	}()
	pred := MatrixFrom(1, 3, []float64{1, 2, 3})
	CrossEntropy[float64]{}.Evaluate(pred, Target[float64]{Labels: []int{3}}, NewMatrix[float64](1, 3))
}
