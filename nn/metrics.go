package nn

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

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

// ConfusionCSV writes a confusion matrix as CSV: a header of the predicted
// classes after the corner "true\\predicted", then one row per true class,
// its label first.
func ConfusionCSV(cm [][]int) string { return formatConfusion(cm, "true\\predicted", "%d", ",%d") }

// ConfusionTable writes a confusion matrix as an aligned text table, for a
// terminal.
func ConfusionTable(cm [][]int) string {
	return "confusion matrix (rows: true class, columns: predicted)\n" + formatConfusion(cm, "     ", "%5d", "%6d")
}

// formatConfusion writes a header of predicted classes after corner, then a
// row per true class: its label in the first format, the counts in cell.
func formatConfusion(cm [][]int, corner, first, cell string) string {
	var b strings.Builder
	b.WriteString(corner)
	for j := range cm {
		fmt.Fprintf(&b, cell, j)
	}
	b.WriteString("\n")
	for i, row := range cm {
		fmt.Fprintf(&b, first, i)
		for _, v := range row {
			fmt.Fprintf(&b, cell, v)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ConfusionPairsCSV writes the confusion of many classes sparsely, as CSV:
// the (true, predicted) pairs that occur, with their counts, sorted by
// true and then predicted class. Its size is bounded by the number of
// samples, not by the square of the number of classes.
func ConfusionPairsCSV(predicted, labels []int) string {
	if len(predicted) != len(labels) {
		panic(fmt.Sprintf("nn: ConfusionPairsCSV: %d predictions for %d labels", len(predicted), len(labels)))
	}
	counts := map[[2]int]int{}
	for i, p := range predicted {
		counts[[2]int{labels[i], p}]++
	}
	pairs := slices.SortedFunc(maps.Keys(counts), func(a, b [2]int) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	var b strings.Builder
	b.WriteString("true,predicted,count\n")
	for _, k := range pairs {
		fmt.Fprintf(&b, "%d,%d,%d\n", k[0], k[1], counts[k])
	}
	return b.String()
}
