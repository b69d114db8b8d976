package nn

import (
	"math"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

func TestConfusionWriters(t *testing.T) {
	predicted := []int{0, 1, 1, 2, 0}
	labels := []int{0, 1, 2, 2, 1}
	cm := ConfusionMatrix(predicted, labels, 3)
	if got, want := ConfusionCSV(cm), "true\\predicted,0,1,2\n0,1,0,0\n1,1,1,0\n2,0,1,1\n"; got != want {
		t.Errorf("ConfusionCSV:\n%s\nwant\n%s", got, want)
	}
	if got, want := ConfusionPairsCSV(predicted, labels), "true,predicted,count\n0,0,1\n1,0,1\n1,1,1\n2,1,1\n2,2,1\n"; got != want {
		t.Errorf("ConfusionPairsCSV:\n%s\nwant\n%s", got, want)
	}
	want := "confusion matrix (rows: true class, columns: predicted)\n          0     1     2\n    0     1     0     0\n    1     1     1     0\n    2     0     1     1\n"
	if got := ConfusionTable(cm); got != want {
		t.Errorf("ConfusionTable:\n%q\nwant\n%q", got, want)
	}
}

// TestArgmaxTiesAndSoftmaxOfLargeLogits: ties go to the first class, as
// numpy.argmax and torch.argmax do; softmax of logits near 1000 is finite
// and exact (the maximum is subtracted before exp).
func TestArgmaxTiesAndSoftmaxOfLargeLogits(t *testing.T) {
	logits := MatrixFrom(2, 3, []float64{1, 3, 3, 2, 2, 2})
	if acc := Accuracy(logits, []int{1, 0}); acc != 1 {
		t.Errorf("argmax of ties: accuracy %v with the first maxima as labels, want 1", acc)
	}
	y := (&Softmax[float64]{}).Forward(MatrixFrom(1, 3, []float64{1000, 1000 + math.Log(2), 1000 + math.Log(5)}), false)
	numcheck.Close(t, "softmax of large logits", y.Data, []float64{0.125, 0.25, 0.625}, 1e-12) // measured 1.9e-14: 1000 + log 2 is rounded to 1.1e-13
	cm := ConfusionMatrix([]int{0, 2, 1, 3, -1}, []int{0, 1, 1, 2, 0}, 3)
	want := [][]int{{1, 0, 0}, {0, 1, 1}, {0, 0, 0}} // labels 3 and −1 are outside 0…2 and not counted
	for i := range want {
		for j := range want[i] {
			if cm[i][j] != want[i][j] {
				t.Fatalf("confusion matrix %v, want %v", cm, want)
			}
		}
	}
}
