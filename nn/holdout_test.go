package nn

import (
	"slices"
	"testing"
)

// TestSplitCodesMarkTheRowsFitValidatesOn: the rows coded 1 are those
// whose samples Dataset.Split (and SplitLast) holds out of a dataset of the
// training rows.
func TestSplitCodesMarkTheRowsFitValidatesOn(t *testing.T) {
	trainRows, testRows, err := HoldOut(50, 0.2, 3)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]float64, len(trainRows))
	for k, i := range trainRows {
		rows[k] = float64(i) // each sample holds its row's index
	}
	d := Dataset[float64]{X: MatrixFrom(len(rows), 1, rows), Y: MatrixFrom(len(rows), 1, rows)}
	for _, last := range []bool{false, true} {
		codes := SplitCodes(50, trainRows, testRows, 0.25, 9, last)
		_, val := d.Split(0.25, 9)
		if last {
			_, val = d.SplitLast(0.25)
		}
		var want, got []int
		for _, x := range val.X.Data {
			want = append(want, int(x))
		}
		for i, c := range codes {
			if c == 1 {
				got = append(got, i)
			}
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("last %v: rows coded 1 %v, validation rows %v", last, got, want)
		}
		for _, i := range testRows {
			if codes[i] != 2 {
				t.Errorf("test row %d coded %g", i, codes[i])
			}
		}
	}
	if codes := SplitCodes(50, trainRows, testRows, 0, 9, false); slices.Contains(codes, 1) {
		t.Error("rows coded 1 without validation")
	}
}
