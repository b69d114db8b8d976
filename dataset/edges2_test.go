package dataset

import (
	"slices"
	"strings"
	"testing"
)

// TestFillBeforeTheFirstValue: leading gaps of two variables take each
// variable's own first value, with --fill previous and linear alike; a
// trailing gap keeps the last value.
func TestFillBeforeTheFirstValue(t *testing.T) {
	for _, mode := range []string{"previous", "linear"} {
		s, err := ParseTimeSeries(strings.NewReader("a,b\n,\n,5\n1,\n3,7\n,\n"), TimeSeriesOptions{Fill: mode})
		if err != nil {
			t.Fatal(err)
		}
		want := []float64{1, 5, 1, 5, 1, 6, 3, 7, 3, 7}
		if mode == "previous" {
			want[5] = 5
		}
		if !slices.Equal(s.Values, want) {
			t.Errorf("%s: %v, want %v", mode, s.Values, want)
		}
	}
}

// TestCSVEdges: each boundary of the CSV reader on both sides.
func TestCSVEdges(t *testing.T) {
	parse := func(text string, opt CSVOptions) (*Table, error) { return ParseCSV(strings.NewReader(text), opt) }
	// A separator just inside ASCII is taken; one past it is refused.
	if tb, err := parse("a\x7fb\n1\x7f2\n", CSVOptions{Comma: 0x7f}); err != nil || tb.Cols != 2 {
		t.Errorf("separator 0x7f: %v, %v", tb, err)
	}
	if _, err := parse("a,b\n", CSVOptions{Comma: 0x80}); err == nil {
		t.Error("separator 0x80 accepted")
	}
	// The label column by index: 0 is the first column, width−1 the last,
	// width is not a column.
	for _, c := range []struct {
		col    string
		labels []int
		data   []float64
	}{{"0", []int{1, 0}, []float64{2, 3, 5, 6}}, {"2", []int{3, 6}, []float64{1, 2, 0, 5}}} {
		tb, err := parse("1,2,3\n0,5,6\n", CSVOptions{LabelColumn: c.col})
		if err != nil || !slices.Equal(tb.Labels, c.labels) || !slices.Equal(tb.Data, c.data) {
			t.Errorf("label column %s: %+v, %v", c.col, tb, err)
		}
	}
	if _, err := parse("1,2,3\n", CSVOptions{LabelColumn: "3"}); err == nil || !strings.Contains(err.Error(), `label column "3" not found among 3 columns`) {
		t.Errorf("label column 3 of 3: %v", err)
	}
	// Labels up to MaxLabel are labels; one more is not.
	if tb, err := parse("x,y\n1,2147483647\n", CSVOptions{LabelColumn: "y"}); err != nil || tb.Labels[0] != MaxLabel {
		t.Errorf("label MaxLabel: %v, %v", tb, err)
	}
	if _, err := parse("x,y\n1,2147483648\n", CSVOptions{LabelColumn: "y"}); err == nil || !strings.Contains(err.Error(), "line 2, label column y") {
		t.Errorf("label MaxLabel+1: %v", err)
	}
	// A row of as many fields as the header reads; one more is refused.
	if _, err := parse("a,b\n1,2,3\n", CSVOptions{}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("3 fields under 2 names: %v", err)
	}
	// Line ends: "\r\n", a lone "\r" and "\n" mixed, a "\r" as the last byte.
	tb, err := parse("a,b\r\n1,2\r3,4\n5,6\r", CSVOptions{})
	if err != nil || !slices.Equal(tb.Data, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("mixed line ends: %+v, %v", tb, err)
	}
	// A line longer than the limit names its line, counting from 1.
	if _, err := parse("a\n"+strings.Repeat("1", 200<<10)+"\n", CSVOptions{Limits: Limits{MaxBytes: 128 << 10}}); err == nil || !strings.Contains(err.Error(), "line 2 is longer than the limit of 131072 bytes") {
		t.Errorf("long line: %v", err)
	}
}

// TestRowsLimitAtItsEdges: a limit of exactly the rows there are, or more,
// reads them all; one less stops a row early.
func TestRowsLimitAtItsEdges(t *testing.T) {
	for _, c := range []struct{ limit, n, want int }{{3, 3, 3}, {4, 3, 3}, {2, 3, 2}, {0, 3, 3}} {
		if got := (Limits{Rows: c.limit}).rows(c.n); got != c.want {
			t.Errorf("Limits{Rows: %d}.rows(%d) = %d, want %d", c.limit, c.n, got, c.want)
		}
	}
}
