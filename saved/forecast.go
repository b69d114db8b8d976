package saved

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/physml/physml/dataset"
)

// SeriesForecast is a forecaster's forecast of the steps that follow a
// series: Values (Steps × the forecaster's Vars(), in the data's units)
// and, within the forecaster's horizon, the bounds of its prediction
// intervals (nil otherwise); the steps' times continue the series' time
// column (dataset.TimeSeries.Following).
type SeriesForecast struct {
	Steps                int
	Names                []string // the variables forecast
	Values, Lower, Upper []float64
	TimeName             string
	Times                []float64
	// NoIntervals says why the forecast has no intervals, when the
	// forecaster has them ("" otherwise).
	NoIntervals string
}

// ForecastSeries forecasts, with a forecaster, the steps after the end of
// the series s, which holds its Columns() by name; future holds the
// covariates' values over the steps forecast (nil without covariates).
// steps 0 forecasts as many steps as future holds, or the forecaster's
// horizon.
func (m *Model) ForecastSeries(s, future *dataset.TimeSeries, steps int) (*SeriesForecast, error) {
	if m.Kind != Forecaster {
		return nil, fmt.Errorf("a %v does not forecast a series", m.Kind)
	}
	f := m.Forecaster
	values, err := f.SeriesValues(s)
	if err != nil {
		return nil, err
	}
	var known []float64 // the covariates' future, steps × len(Covariates)
	if future != nil {
		cols := make([]int, len(f.Covariates))
		for j, c := range f.Covariates {
			if cols[j] = slices.Index(future.Names, c); cols[j] < 0 {
				return nil, fmt.Errorf("the covariates' future has no column %q", c)
			}
		}
		for t := 0; t < future.Steps; t++ {
			for _, j := range cols {
				known = append(known, future.Values[t*future.Vars()+j])
			}
		}
		steps = cmp.Or(steps, future.Steps)
	}
	steps = cmp.Or(steps, f.Horizon)
	forecasts, err := m.Forecast(values, known, steps)
	if err != nil {
		return nil, err
	}
	p := &SeriesForecast{Steps: steps, Names: f.Names, Values: forecasts}
	p.TimeName, p.Times = s.Following(steps)
	if s.Datetime {
		p.TimeName += "_unix_s" // seconds since 1970-01-01 UTC
	}
	switch {
	case f.Interval != nil && steps <= f.Horizon:
		p.Lower, p.Upper = f.Interval.Bounds(forecasts)
	case f.Interval != nil:
		p.NoIntervals = fmt.Sprintf("the intervals are calibrated for the forecaster's %d steps, not the %d forecast recursively", f.Horizon, steps)
	}
	return p, nil
}

// Arrays returns the forecast as physml predict writes it: for a CSV
// (table true) one table "forecast", a row per step with its time and each
// variable's forecast followed by its bounds; otherwise forecast,
// forecast_lower and forecast_upper, each (steps, variables).
func (p *SeriesForecast) Arrays(table bool) []Array {
	v := len(p.Names)
	shape := []int{p.Steps, v}
	if !table {
		arrays := []Array{{"forecast", shape, p.Values, p.Names}}
		if p.Lower != nil {
			arrays = append(arrays, Array{"forecast_lower", shape, p.Lower, p.Names}, Array{"forecast_upper", shape, p.Upper, p.Names})
		}
		return arrays
	}
	header := []string{p.TimeName}
	for _, n := range p.Names {
		header = append(header, n)
		if p.Lower != nil {
			header = append(header, n+"_lower", n+"_upper")
		}
	}
	var rows []float64
	for k, t := range p.Times {
		rows = append(rows, t)
		for i := k * v; i < (k+1)*v; i++ {
			rows = append(rows, p.Values[i])
			if p.Lower != nil {
				rows = append(rows, p.Lower[i], p.Upper[i])
			}
		}
	}
	return []Array{{"forecast", nil, rows, header}}
}
