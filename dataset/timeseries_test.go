package dataset

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParseTimeSeriesFillsOrRefusesMissingValues(t *testing.T) {
	text := "year,a,b\n2000,1,10\n2001,,20\n2002,3,NaN\n2003,4,40\n2004,,50\n"
	if _, err := ParseTimeSeries(strings.NewReader(text), TimeSeriesOptions{TimeColumn: "year"}); err == nil || !strings.Contains(err.Error(), "row 2, column a: missing value") {
		t.Errorf("missing values without fill: %v", err)
	}
	linear, err := ParseTimeSeries(strings.NewReader(text), TimeSeriesOptions{TimeColumn: "year", Fill: "linear"})
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, "linear fill", linear.Values, []float64{1, 10, 2, 20, 3, 30, 4, 40, 4, 50})
	sameValues(t, "time", linear.Time, []float64{2000, 2001, 2002, 2003, 2004})
	previous, err := ParseTimeSeries(strings.NewReader(text), TimeSeriesOptions{TimeColumn: "year", Columns: []string{"b", "a"}, Fill: "previous"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(previous.Names, ",") != "b,a" {
		t.Errorf("columns %v", previous.Names)
	}
	sameValues(t, "previous fill", previous.Values, []float64{10, 1, 20, 1, 20, 3, 40, 4, 50, 4})
	// Values before the first known one take it.
	lead, err := ParseTimeSeries(strings.NewReader("x\n\n\nNaN\n2\n3\n"), TimeSeriesOptions{Fill: "linear"})
	if err != nil || lead.Steps != 3 {
		t.Fatalf("leading NaN: %+v %v", lead, err)
	}
	sameValues(t, "leading fill", lead.Values, []float64{2, 2, 3})
	for _, c := range []struct {
		text string
		opt  TimeSeriesOptions
		want string
	}{
		{"1,2\n3,4\n", TimeSeriesOptions{}, "no header"},
		{"a,b\n1,2\n", TimeSeriesOptions{TimeColumn: "t"}, `time column "t" not among`},
		{"a,b\n1,2\n", TimeSeriesOptions{Columns: []string{"c"}}, `column "c" not among`},
		{"t,a\n1,2\n", TimeSeriesOptions{TimeColumn: "t", Columns: []string{"t"}}, "is the time column"},
		{"t\n1\n", TimeSeriesOptions{TimeColumn: "t"}, "no variable columns"},
		{"t,a\n1,\n2,\n", TimeSeriesOptions{TimeColumn: "t", Fill: "linear"}, "column a has no values"},
		{"t,a\n1,1\n,2\n", TimeSeriesOptions{TimeColumn: "t"}, "row 2: the time column t is empty"},
		{"a\n1\n", TimeSeriesOptions{Fill: "spline"}, `fill "spline"`},
	} {
		if _, err := ParseTimeSeries(strings.NewReader(c.text), c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one mentioning %q", c.text, err, c.want)
		}
	}
}

func TestWindowsAreChronological(t *testing.T) {
	values := []float64{0, 100, 1, 101, 2, 102, 3, 103, 4, 104, 5, 105} // 6 steps of 2 variables
	x, y, n := Windows(values, 2, 1, 6, 2, 2)                           // steps 1…5: inputs 2 steps, targets the next 2
	if n != 2 {
		t.Fatalf("%d windows, want 2", n)
	}
	sameValues(t, "inputs", x, []float64{1, 101, 2, 102, 2, 102, 3, 103})
	sameValues(t, "targets", y, []float64{3, 103, 4, 104, 4, 104, 5, 105})
	if _, _, n := Windows(values, 2, 0, 3, 2, 2); n != 0 {
		t.Errorf("too short a range gives %d windows", n)
	}
}

func TestExamplesAreThere(t *testing.T) {
	if strings.Join(ExampleNames(), ",") != "co2,oscillator,sunspots" {
		t.Errorf("examples %v", ExampleNames())
	}
	sun, err := Example("sunspots")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseTimeSeries(bytes.NewReader(sun), TimeSeriesOptions{TimeColumn: "YEAR"})
	if err != nil || s.Steps != 309 || s.Time[0] != 1700 || s.Time[308] != 2008 {
		t.Fatalf("sunspots: %v, %d steps", err, s.Steps)
	}
	co2, _ := Example("co2")
	if _, err := ParseTimeSeries(bytes.NewReader(co2), TimeSeriesOptions{TimeColumn: "date"}); err == nil || !strings.Contains(err.Error(), "missing value") {
		t.Errorf("co2 without fill: %v", err)
	}
	c, err := ParseTimeSeries(bytes.NewReader(co2), TimeSeriesOptions{TimeColumn: "date", Fill: "linear"})
	if err != nil || c.Steps != 2284 {
		t.Fatalf("co2: %v", err)
	}
	for _, v := range c.Values {
		if math.IsNaN(v) || v < 300 || v > 400 {
			t.Fatalf("co2 value %v", v)
		}
	}
	if _, err := Example("nope"); err == nil {
		t.Error("unknown example: no error")
	}
}

func FuzzParseTimeSeries(f *testing.F) {
	for _, s := range []string{"t,x,y\n0,1,2\n1,,3\n2,4,5\n", "x\n1\n2\nNaN\n", "a;b\n1;2\n", "\"t, s\",x\n1,2\n"} {
		f.Add([]byte(s), "t", "linear")
	}
	f.Fuzz(func(t *testing.T, data []byte, timeColumn, fill string) {
		s, err := ParseTimeSeries(bytes.NewReader(data), TimeSeriesOptions{TimeColumn: timeColumn, Fill: Fill(fill), Limits: Limits{MaxBytes: 1 << 20}})
		if err != nil {
			return
		}
		if s.Steps < 1 || s.Vars() < 1 || len(s.Values) != s.Steps*s.Vars() || (s.Time != nil && len(s.Time) != s.Steps) {
			t.Fatalf("%d steps of %d variables with %d values and %d times", s.Steps, s.Vars(), len(s.Values), len(s.Time))
		}
		for i, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("value %d is %v after filling", i, v)
			}
		}
	})
}

// TestEncodeCSVReadsBack: EncodeCSV's text reads back through ReadCSV to
// the same names and the same float64 values, a quoted name included.
func TestEncodeCSVReadsBack(t *testing.T) {
	header := []string{"x, m", `say "hi"`, "t"}
	data := []float64{0.1, -1e-300, 123456789.123456789, math.Pi, 2, math.MaxFloat64}
	text, err := EncodeCSV(header, data)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := ParseCSV(bytes.NewReader(text), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tab.Columns, "|") != strings.Join(header, "|") || tab.Rows != 2 {
		t.Errorf("columns %q, %d rows", tab.Columns, tab.Rows)
	}
	for i, v := range tab.Data {
		if v != data[i] {
			t.Errorf("value %d: %v, want %v", i, v, data[i])
		}
	}
	if _, err := EncodeCSV(header, data[:4]); err == nil {
		t.Error("4 values for 3 columns accepted")
	}
}

// TestFillBeforeTheFirstValue: leading gaps of two variables take each
// variable's own first value, with --fill previous and linear alike; a
// trailing gap keeps the last value.
func TestFillBeforeTheFirstValue(t *testing.T) {
	for _, mode := range []string{"previous", "linear"} {
		s, err := ParseTimeSeries(strings.NewReader("a,b\n,\n,5\n1,\n3,7\n,\n"), TimeSeriesOptions{Fill: Fill(mode)})
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

func TestFollowingContinuesTheTimes(t *testing.T) {
	s := &TimeSeries{Steps: 3, Time: []float64{1990, 1990.5, 1991}, TimeName: "year"}
	if name, times := s.Following(3); name != "year" || !slices.Equal(times, []float64{1991.5, 1992, 1992.5}) {
		t.Errorf("following %q %v", name, times)
	}
	s.Time = nil
	if name, times := s.Following(2); name != "step" || !slices.Equal(times, []float64{3, 4}) {
		t.Errorf("following %q %v", name, times)
	}
}

func TestIrregularCountsGapsAndDisorder(t *testing.T) {
	s := &TimeSeries{Steps: 8, Time: []float64{0, 1, 2, 5, 6, 6, 7, 4}}
	if gaps, disorder := s.Irregular(); gaps != 1 || disorder != 2 {
		t.Errorf("gaps %d, disorder %d; want 1 and 2", gaps, disorder)
	}
	s.Time = []float64{0, 1, 2, 3, 4, 5, 6, 7}
	if gaps, disorder := s.Irregular(); gaps != 0 || disorder != 0 {
		t.Errorf("an even series: gaps %d, disorder %d", gaps, disorder)
	}
}

// TestISODatetimeTimeColumn: ISO 8601 dates and datetimes in the time
// column are read as Unix seconds (UTC unless a zone is given); a column
// mixing them with numbers, or text that is no date, is refused.
func TestISODatetimeTimeColumn(t *testing.T) {
	for _, c := range []struct {
		csv  string
		want []float64
	}{
		{"date;x\n2024-03-01;1\n2024-03-02;2\n2024-03-04;3\n", []float64{1709251200, 1709337600, 1709510400}},
		{"time,x\n2024-03-01T00:00:00Z,1\n2024-03-01 00:30,2\n2024-03-01T02:00:00+01:00,3\n2024-03-01T01:00:00.5,4\n",
			[]float64{1709251200, 1709253000, 1709254800, 1709254800.5}},
	} {
		name := strings.SplitN(c.csv, ",", 2)[0]
		name = strings.SplitN(name, ";", 2)[0]
		s, err := ParseTimeSeries(strings.NewReader(c.csv), TimeSeriesOptions{TimeColumn: name})
		if err != nil {
			t.Fatalf("%q: %v", c.csv, err)
		}
		if !s.Datetime || !slices.Equal(s.Time, c.want) {
			t.Errorf("%q: times %v (datetime %v), want %v", c.csv, s.Time, s.Datetime, c.want)
		}
	}
	s, _ := ParseTimeSeries(strings.NewReader("date,x\n2024-03-01,1\n2024-03-02,2\n2024-03-04,3\n2024-03-05,4\n"), TimeSeriesOptions{TimeColumn: "date"})
	if gaps, disorder := s.Irregular(); gaps != 1 || disorder != 0 {
		t.Errorf("a missing day: %d gaps, %d out of order", gaps, disorder)
	}
	if name, next := s.Following(2); name != "date" || !slices.Equal(next, []float64{1709683200, 1709769600}) {
		t.Errorf("following: %s %v", name, next)
	}
	for _, bad := range []string{"t,x\n1,1\n2024-03-02,2\n", "t,x\n2024-03-01,1\n5,2\n", "t,x\n2024-13-01,1\n", "t,x\nyesterday,1\n"} {
		if _, err := ParseTimeSeries(strings.NewReader(bad), TimeSeriesOptions{TimeColumn: "t"}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseTimeSeries(strings.NewReader("t,x\n2024-03-01,1\n"), TimeSeriesOptions{}); err == nil {
		t.Error("a date outside the time column accepted")
	}
}
