package nn

import "testing"

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
