package dataset

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestCSVExtraFieldIsCountedNotParsed: a row with one field more than the
// header, even a non-number, is reported by its field count.
func TestCSVExtraFieldIsCountedNotParsed(t *testing.T) {
	_, err := ParseCSV(strings.NewReader("a,b,c\n1,2,3\n1,2,3,x\n"), CSVOptions{})
	if err == nil || err.Error() != "line 3: 4 fields, want 3" {
		t.Errorf("an extra non-numeric field: %v", err)
	}
}

func TestCSVAtTheMemoryBound(t *testing.T) {
	csv := "1,2,3\n4,5,6\n7,8,9\n" // 9 values, 72 bytes
	if tab, err := ParseCSV(strings.NewReader(csv), CSVOptions{Limits: Limits{MaxBytes: 72}}); err != nil || tab.Rows != 3 {
		t.Errorf("72 bytes of values under a bound of 72: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader(csv), CSVOptions{Limits: Limits{MaxBytes: 71}}); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("72 bytes of values under a bound of 71: %v", err)
	}
}

func TestCSVQuotesSeparatorsAndLabelIndex(t *testing.T) {
	tab, err := ParseCSV(strings.NewReader("\"x \"\"m\"\"\"; \"y, s\" ;k\n1;2;0\n3; 4 ;1\n"), CSVOptions{Comma: ';', LabelColumn: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tab.Columns, "|") != `x "m"|y, s` || fmt.Sprint(tab.Data) != "[1 2 3 4]" || fmt.Sprint(tab.Labels) != "[0 1]" {
		t.Errorf("columns %q, data %v, labels %v", tab.Columns, tab.Data, tab.Labels)
	}
	limited, err := ParseCSV(strings.NewReader("a\n1\n2\n3\n"), CSVOptions{Limits: Limits{Rows: 2}})
	if err != nil || limited.Rows != 2 {
		t.Errorf("2 rows: %+v %v", limited, err)
	}
	headerless, err := ParseCSV(strings.NewReader("1,2\n"), CSVOptions{})
	if err != nil || headerless.ColumnName(1) != "1" {
		t.Errorf("headerless column name: %v", err)
	}
	named, _ := ParseCSV(strings.NewReader("a,b\n1,2\n"), CSVOptions{})
	if named.ColumnName(1) != "b" {
		t.Errorf("column name %q", named.ColumnName(1))
	}
	for text, want := range map[string]string{
		"\"a\nb\n":          "unterminated quoted field",
		"\"a\"x,b\n1,2\n":   "text after a closing quote",
		"a,b\n1,2,3\n":      "3 fields, want 2",
		"a,b\n1,\n":         `"" is not a finite number`,
		"":                  "no data",
		"a,b\n":             "no data rows",
		"a,b\n1,2\n\"3,4\n": "line 3",
	} {
		if _, err := ParseCSV(strings.NewReader(text), CSVOptions{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one mentioning %q", text, err, want)
		}
	}
	if _, err := ParseCSV(strings.NewReader("a\n1\n"), CSVOptions{Comma: '"'}); err == nil {
		t.Error("a quote as separator: no error")
	}
	if _, err := ParseCSV(strings.NewReader("a,b\n1,2\n"), CSVOptions{LabelColumn: "c"}); err == nil || !strings.Contains(err.Error(), `label column "c" not found among 2`) {
		t.Errorf("missing label column: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader("a,b\n1,2\n"), CSVOptions{LabelColumn: "2"}); err == nil {
		t.Error("label column index 2 of 2: no error")
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

// TestCSVLineEndsAndSeparators: errors name the line whichever line ends
// the file uses (a "\r\n" or a "\n\n" is not two line ends of data), a
// missing label column names the number of columns, and a separator
// outside ASCII is refused from 0x80 on.
func TestCSVLineEndsAndSeparators(t *testing.T) {
	for _, end := range []string{"\n", "\r\n", "\r"} {
		data := strings.Join([]string{"a,b", "1,2", "3,x", ""}, end)
		_, err := ParseCSV(strings.NewReader(data), CSVOptions{})
		if err == nil || !strings.Contains(err.Error(), "line 3, column 2") {
			t.Errorf("line ends %q: %v, want the bad value at line 3", end, err)
		}
	}
	if _, err := ParseCSV(strings.NewReader("a,b\n\n1,2\n3,x\n"), CSVOptions{}); err == nil || !strings.Contains(err.Error(), "line 4, column 2") {
		t.Errorf("after a blank line: %v, want line 4", err)
	}
	if _, err := ParseCSV(strings.NewReader("a,b,c\n1,2,3\n"), CSVOptions{LabelColumn: "y"}); err == nil || !strings.Contains(err.Error(), `"y" not found among 3 columns`) {
		t.Errorf("missing label column: %v", err)
	}
	if _, err := ParseCSV(strings.NewReader("a\u0080b\n"), CSVOptions{Comma: '\u0080'}); err == nil || !strings.Contains(err.Error(), "ASCII") {
		t.Errorf("separator 0x80: %v", err)
	}
	if tab, err := ParseCSV(strings.NewReader("a\x7fb\n1\x7f2\n"), CSVOptions{Comma: '\x7f'}); err != nil || tab.Cols != 2 {
		t.Errorf("separator 0x7f: %v", err)
	}
}

// TestCSVLineEndingsAndByteOrderMark reads the same table written with a
// byte-order mark and \n, \r\n and lone \r line ends.
func TestCSVLineEndingsAndByteOrderMark(t *testing.T) {
	for _, text := range []string{
		"\ufeffa,b\n1,2\n3,4\n",
		"\ufeffa,b\r\n1,2\r\n3,4",
		"a,b\r1,2\r3,4\r",
		"\"a\", \"b\"\n1,2\n\n3,4\n",
	} {
		tab, err := ParseCSV(strings.NewReader(text), CSVOptions{})
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if tab.Rows != 2 || strings.Join(tab.Columns, "|") != "a|b" || fmt.Sprint(tab.Data) != "[1 2 3 4]" {
			t.Errorf("%q: columns %q, %d rows %v", text, tab.Columns, tab.Rows, tab.Data)
		}
	}
	// Without a header, a byte-order mark must not turn the first row into one.
	tab, err := ParseCSV(strings.NewReader("\ufeff1,2\r3,4\r"), CSVOptions{})
	if err != nil || tab.Rows != 2 || fmt.Sprint(tab.Data) != "[1 2 3 4]" {
		t.Errorf("headerless with BOM: %v, %+v", err, tab)
	}
}

func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{"a,b,label\n1,2,0\n3,4,1\n", "\ufeff1,2\r3,4\r", "\"x, m\",y\n1,2\n", "1\n\n2\n", "a\n\"1\"\"\n"} {
		f.Add([]byte(s), "label")
	}
	f.Fuzz(func(t *testing.T, data []byte, label string) {
		tab, err := ParseCSV(bytes.NewReader(data), CSVOptions{LabelColumn: label, Limits: Limits{MaxBytes: 1 << 20}})
		if err != nil {
			return
		}
		if tab.Rows < 1 || len(tab.Data) != tab.Rows*tab.Cols || (tab.Columns != nil && len(tab.Columns) != tab.Cols) {
			t.Fatalf("%d rows of %d columns (%d names) with %d values", tab.Rows, tab.Cols, len(tab.Columns), len(tab.Data))
		}
		if tab.Labels != nil && len(tab.Labels) != tab.Rows {
			t.Fatalf("%d labels for %d rows", len(tab.Labels), tab.Rows)
		}
		for _, l := range tab.Labels {
			if l < 0 || l > MaxLabel {
				t.Fatalf("label %d", l)
			}
		}
	})
}

// TestParseCSVDetectsTheSeparatorAndReadsSavetxtHeaders: semicolons, tabs
// and runs of blanks are found from the first line; np.savetxt's "# "
// header names the columns; other comment lines are skipped.
func TestParseCSVDetectsTheSeparatorAndReadsSavetxtHeaders(t *testing.T) {
	want := &Table{Columns: []string{"t_s", "x_m"}, Cols: 2, Rows: 2, Data: []float64{0, 1.5, 0.1, -2}}
	for name, text := range map[string]string{
		"commas":         "t_s,x_m\n0,1.5\n0.1,-2\n",
		"semicolons":     "t_s;x_m\n0;1.5\n0.1;-2\n",
		"tabs":           "t_s\tx_m\n0\t1.5\n0.1\t-2\n",
		"blanks":         "t_s   x_m\n  0  1.5  \n0.1 \t -2\n",
		"savetxt header": "# t_s,x_m\n0.000000000000000000e+00,1.500000000000000000e+00\n1.000000000000000056e-01,-2.000000000000000000e+00\n",
		"savetxt blanks": "# t_s x_m\n0 1.5\n0.1 -2\n",
		"comments":       "# written by a logger\n# t_s;x_m\n0;1.5\n# a pause\n0.1;-2\n",
		"quoted":         "\"t_s\";\"x_m\"\n0;1.5\n0.1;\"-2\"\n",
	} {
		got, err := ParseCSV(strings.NewReader(text), CSVOptions{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !slices.Equal(got.Columns, want.Columns) || got.Rows != 2 || got.Cols != 2 || !slices.Equal(got.Data, want.Data) {
			t.Errorf("%s: columns %q, %d × %d, data %v", name, got.Columns, got.Rows, got.Cols, got.Data)
		}
	}
	// A comment whose fields do not match the data is no header.
	got, err := ParseCSV(strings.NewReader("# made on Monday\n1,2\n3,4\n"), CSVOptions{})
	if err != nil || got.Columns != nil || got.Rows != 2 {
		t.Errorf("a comment of another width: columns %q, %d rows, %v", got.Columns, got.Rows, err)
	}
	// A set separator is kept: semicolons in a comma file are text.
	if _, err := ParseCSV(strings.NewReader("a;b\n1;2\n"), CSVOptions{Comma: ','}); err == nil {
		t.Error("--delimiter , read a semicolon file")
	}
	for line, want := range map[string]byte{"1,5;2,5": ';', "a\tb,c": '\t', "1, 2": ',', " 1  2 ": ' ', "x": ',', "\"a;b\",c": ','} {
		if got := Sniff([]byte(line)); got != want {
			t.Errorf("Sniff(%q) = %q, want %q", line, got, want)
		}
	}
}

// TestParseCSVDropsColumns: dropped columns are not read (text is fine
// there), by name or index, beside a label column.
func TestParseCSVDropsColumns(t *testing.T) {
	text := "name,a,date,b,class\nalice,1,2024-01-02,2,0\nbob,3,2024-01-03,4,1\n"
	got, err := ParseCSV(strings.NewReader(text), CSVOptions{Drop: []string{"name", "2"}, LabelColumn: "class"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Columns, []string{"a", "b"}) || got.Cols != 2 || !slices.Equal(got.Data, []float64{1, 2, 3, 4}) || !slices.Equal(got.Labels, []int{0, 1}) {
		t.Errorf("columns %q, %d cols, data %v, labels %v", got.Columns, got.Cols, got.Data, got.Labels)
	}
	for _, drop := range [][]string{{"nope"}, {"class"}} {
		if _, err := ParseCSV(strings.NewReader(text), CSVOptions{Drop: drop, LabelColumn: "class"}); err == nil {
			t.Errorf("drop %q accepted", drop)
		}
	}
	if _, err := ParseCSV(strings.NewReader(text), CSVOptions{Drop: []string{"date"}}); err == nil || !strings.Contains(err.Error(), `"alice" is not a finite number`) {
		t.Errorf("a text column not dropped: %v", err)
	}
}

func TestParseCSVReadsOnlyTheColumnsAsked(t *testing.T) {
	text := "name,a,date,b,class\nalice,1,2024-01-02,2,0\nbob,3,2024-01-03,4,1\n"
	got, err := ParseCSV(strings.NewReader(text), CSVOptions{Columns: []string{"b", "1"}, LabelColumn: "class"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Columns, []string{"a", "b"}) || !slices.Equal(got.Data, []float64{1, 2, 3, 4}) || !slices.Equal(got.Labels, []int{0, 1}) {
		t.Errorf("columns %q, data %v, labels %v", got.Columns, got.Data, got.Labels)
	}
	for _, c := range []CSVOptions{{Columns: []string{"nope"}}, {Columns: []string{"a", "class"}, LabelColumn: "class"}, {Columns: []string{"a"}, Drop: []string{"a"}}} {
		if _, err := ParseCSV(strings.NewReader(text), c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
