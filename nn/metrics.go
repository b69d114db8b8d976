package nn

import "fmt"

// Argmax returns the column index of the largest value in each row.
func Argmax[T Float](m *Matrix[T]) []int {
	out := make([]int, m.Rows)
	for i := range out {
		out[i] = argmaxRow(m.Row(i))
	}
	return out
}

func argmaxRow[T Float](row []T) int {
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	return best
}

func countCorrect[T Float](pred *Matrix[T], labels []int) int {
	n := 0
	for i, l := range labels {
		if argmaxRow(pred.Row(i)) == l {
			n++
		}
	}
	return n
}

// Accuracy returns the fraction of rows of scores (logits or probabilities)
// whose largest entry is at the label's index.
func Accuracy[T Float](scores *Matrix[T], labels []int) float64 {
	if len(labels) != scores.Rows {
		panic(fmt.Sprintf("nn: Accuracy: %d labels for %d rows", len(labels), scores.Rows))
	}
	if len(labels) == 0 {
		return 0
	}
	return float64(countCorrect(scores, labels)) / float64(len(labels))
}

// ConfusionMatrix counts, for true class i and predicted class j, the
// samples in cell [i][j], as sklearn.metrics.confusion_matrix.
func ConfusionMatrix(predicted, labels []int, classes int) [][]int {
	if len(predicted) != len(labels) {
		panic(fmt.Sprintf("nn: ConfusionMatrix: %d predictions for %d labels", len(predicted), len(labels)))
	}
	cm := make([][]int, classes)
	for i := range cm {
		cm[i] = make([]int, classes)
	}
	for i, p := range predicted {
		if l := labels[i]; l >= 0 && l < classes && p >= 0 && p < classes {
			cm[l][p]++
		}
	}
	return cm
}
