package dataset

import (
	"bytes"
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/physml/physml/internal/fileio"
)

//go:embed examples/*.csv
var examples embed.FS

// Example returns the CSV text of an example time series shipped with
// physml: "sunspots" (yearly sunspot numbers 1700–2008) or "co2" (weekly
// Mauna Loa CO₂ 1958–2001, with 59 missing weeks). Source, units and licence
// are in dataset/examples/README.md.
func Example(name string) ([]byte, error) {
	data, err := examples.ReadFile("examples/" + name + ".csv")
	if err != nil {
		return nil, fmt.Errorf("no example %q: want %s", name, strings.Join(ExampleNames(), " or "))
	}
	return data, nil
}

// ExampleNames lists the example time series.
func ExampleNames() []string {
	entries, _ := examples.ReadDir("examples")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".csv"))
	}
	sort.Strings(names)
	return names
}

// exampleDefaults are the options each example series is read with unless
// the caller sets them: its time column, and for co2 linear interpolation
// of the missing weeks.
var exampleDefaults = map[string]TimeSeriesOptions{
	"sunspots":   {TimeColumn: "YEAR"},
	"co2":        {TimeColumn: "date", Fill: "linear"},
	"oscillator": {TimeColumn: "t_s"},
}

// ExampleSeries reads the example time series name with opt, whose empty
// TimeColumn and Fill take the example's own (sunspots: YEAR; co2: date,
// and linear interpolation of its 59 missing weeks; oscillator: t_s).
func ExampleSeries(name string, opt TimeSeriesOptions) (*TimeSeries, error) {
	data, err := Example(name)
	if err != nil {
		return nil, err
	}
	def := exampleDefaults[name]
	if opt.TimeColumn == "" {
		opt.TimeColumn = def.TimeColumn
	}
	if opt.Fill == "" {
		opt.Fill = def.Fill
	}
	s, err := ParseTimeSeries(bytes.NewReader(data), opt)
	if err != nil {
		return nil, fmt.Errorf("example %s: %w", name, err)
	}
	return s, nil
}

// ReadTimeSeries reads the CSV time series at path (a regular file only).
func ReadTimeSeries(path string, opt TimeSeriesOptions) (*TimeSeries, error) {
	f, _, err := fileio.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := ParseTimeSeries(f, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
