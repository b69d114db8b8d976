package dataset

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// TimeSeries is a multivariate series sampled at regular steps: Values holds
// Steps rows of len(Names) variables, row-major; Time, when the file has a
// time column, the time of each step.
type TimeSeries struct {
	Names    []string
	Steps    int
	Values   []float64
	Time     []float64
	TimeName string // the time column's name
	// Datetime reports that the time column held ISO 8601 dates: Time is
	// then in seconds since 1970-01-01 UTC.
	Datetime bool
}

// Vars returns the number of variables.
func (s *TimeSeries) Vars() int { return len(s.Names) }

// TimeSeriesOptions tune ParseTimeSeries.
type TimeSeriesOptions struct {
	// TimeColumn names a column of times, kept apart from the variables.
	TimeColumn string
	// Columns picks the variables by name (all columns but the time
	// column when empty).
	Columns []string
	// Fill says what to do with missing values (empty cells, NaN).
	Fill   Fill
	Comma  rune     // the separator (CSVOptions.Comma; 0 detects it)
	Drop   []string // columns to leave out unread (CSVOptions.Drop)
	Limits Limits
}

// Fill is the treatment of a time series' missing values: NoFill (an error
// naming the first one), FillPrevious (carry the last value forward) or
// FillLinear (interpolate between the neighbours). Either way the steps
// before the first known value take it, and with FillLinear the steps
// after the last known value take that.
type Fill string

// The treatments of missing values.
const (
	NoFill       Fill = ""
	FillPrevious Fill = "previous"
	FillLinear   Fill = "linear"
)

// ParseFill returns the Fill named s: "" (no filling), previous or linear.
func ParseFill(s string) (Fill, error) {
	switch f := Fill(s); f {
	case NoFill, FillPrevious, FillLinear:
		return f, nil
	}
	return NoFill, fmt.Errorf("fill %q: want previous or linear", s)
}

// ParseTimeSeries reads a CSV time series with a header: one row per step,
// one column per variable.
func ParseTimeSeries(r io.Reader, opt TimeSeriesOptions) (*TimeSeries, error) {
	if _, err := ParseFill(string(opt.Fill)); err != nil {
		return nil, err
	}
	t, err := ParseCSV(r, CSVOptions{AllowMissing: true, Comma: opt.Comma, Drop: opt.Drop, Limits: opt.Limits, TimeColumn: opt.TimeColumn})
	if err != nil {
		return nil, err
	}
	if t.Columns == nil {
		return nil, errors.New("no header: a time series needs column names")
	}
	timeCol := -1
	if opt.TimeColumn != "" {
		if timeCol = slices.Index(t.Columns, opt.TimeColumn); timeCol < 0 {
			return nil, fmt.Errorf("time column %q not among the columns %s", opt.TimeColumn, strings.Join(t.Columns, ", "))
		}
	}
	var picked []int
	if len(opt.Columns) == 0 {
		for j := range t.Columns {
			if j != timeCol {
				picked = append(picked, j)
			}
		}
	}
	for _, name := range opt.Columns {
		j := slices.Index(t.Columns, name)
		if j < 0 {
			return nil, fmt.Errorf("column %q not among the columns %s", name, strings.Join(t.Columns, ", "))
		}
		if j == timeCol {
			return nil, fmt.Errorf("column %q is the time column", name)
		}
		picked = append(picked, j)
	}
	if len(picked) == 0 {
		return nil, errors.New("no variable columns besides the time column")
	}
	s := &TimeSeries{Steps: t.Rows, Values: make([]float64, t.Rows*len(picked)), TimeName: opt.TimeColumn, Datetime: t.Datetime}
	for _, j := range picked {
		s.Names = append(s.Names, t.Columns[j])
	}
	for i := 0; i < t.Rows; i++ {
		row := t.Data[i*t.Cols : (i+1)*t.Cols]
		values := s.Values[i*len(picked) : (i+1)*len(picked)]
		for k, j := range picked {
			values[k] = row[j]
		}
		if timeCol >= 0 {
			if math.IsNaN(row[timeCol]) {
				return nil, fmt.Errorf("row %d: the time column %s is empty", i+1, opt.TimeColumn)
			}
			s.Time = append(s.Time, row[timeCol])
		}
	}
	if err := s.fill(opt.Fill); err != nil {
		return nil, err
	}
	return s, nil
}

// fill replaces missing values as the mode says, or names the first one.
func (s *TimeSeries) fill(mode Fill) error {
	v := s.Vars()
	for j := 0; j < v; j++ {
		known := -1 // step of the last known value
		for i := 0; i <= s.Steps; i++ {
			if i < s.Steps && math.IsNaN(s.Values[i*v+j]) {
				if mode == "" {
					return fmt.Errorf("row %d, column %s: missing value; fill it with --fill previous or --fill linear", i+1, s.Names[j])
				}
				continue
			}
			// Steps known+1 … i−1 are missing: fill them.
			for m := known + 1; m < i; m++ {
				switch {
				case known < 0 && i == s.Steps:
					return fmt.Errorf("column %s has no values", s.Names[j])
				case known < 0:
					s.Values[m*v+j] = s.Values[i*v+j] // before the first value
				case mode == "previous" || i == s.Steps:
					s.Values[m*v+j] = s.Values[known*v+j]
				default:
					w := float64(m-known) / float64(i-known)
					s.Values[m*v+j] = (1-w)*s.Values[known*v+j] + w*s.Values[i*v+j]
				}
			}
			known = i
		}
	}
	return nil
}

// Windows cuts the steps from, …, to−1 of an n×vars row-major series into
// forecasting windows, stride 1: inputs of window steps and, as targets,
// the horizon steps that follow each input (direct multi-output). Window k
// of the result starts at step from+k; its targets must end before to.
// It returns the inputs (count, window·vars), the targets
// (count, horizon·vars) and count.
func Windows(values []float64, vars, from, to, window, horizon int) (x, y []float64, count int) {
	count = max(0, to-from-window-horizon+1)
	in, out := window*vars, horizon*vars // values in an input and in its targets
	x = make([]float64, count*in)
	y = make([]float64, count*out)
	for k := range count {
		start := (from + k) * vars
		copy(x[k*in:(k+1)*in], values[start:start+in])
		copy(y[k*out:(k+1)*out], values[start+in:start+in+out])
	}
	return x, y, count
}

// Following returns the k steps after the end of the series, for a
// forecast of them: the times continuing the time column at its last
// spacing, named by it, or, without times (or with one step), the step
// numbers Steps, Steps+1, … named "step". Dates continue in Unix seconds.
func (s *TimeSeries) Following(k int) (name string, times []float64) {
	name, first, step := "step", float64(s.Steps), 1.0
	if s.Time != nil && s.Steps > 1 {
		last, spacing := s.Time[s.Steps-1], s.Time[s.Steps-1]-s.Time[s.Steps-2]
		name, first, step = s.TimeName, last+spacing, spacing
	}
	times = make([]float64, k)
	for i := range times {
		times[i] = first + float64(i)*step
	}
	return name, times
}

// Irregular counts the steps where the time column does not advance
// evenly: gaps, where it advances by more than 1.5 times its median
// spacing (missing steps, which a forecaster's windows would pass over
// unawares), and disorder, where it does not advance at all or goes back.
// A series without times has neither.
func (s *TimeSeries) Irregular() (gaps, disorder int) {
	if s.Time == nil || s.Steps < 3 {
		return 0, 0
	}
	d := make([]float64, s.Steps-1)
	for i := range d {
		d[i] = s.Time[i+1] - s.Time[i]
	}
	sorted := slices.Clone(d)
	slices.Sort(sorted)
	median := sorted[len(sorted)/2]
	for _, v := range d {
		switch {
		case !(v > 0):
			disorder++
		case median > 0 && v > 1.5*median:
			gaps++
		}
	}
	return gaps, disorder
}
