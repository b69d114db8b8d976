package saved

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/forecast"
)

// TestForecastSeries: the forecast of a saved forecaster with a covariate
// is the library's ForecastWith, its intervals within the horizon are the
// forecast ± the half-widths, and the CSV table lays each variable beside
// its bounds, a row per following time.
func TestForecastSeries(t *testing.T) {
	s := &dataset.TimeSeries{Names: []string{"drive", "x"}, Steps: 80, TimeName: "t"}
	for i := 0; i < 80; i++ {
		s.Values = append(s.Values, math.Sin(0.7*float64(i)), math.Cos(0.3*float64(i)))
		s.Time = append(s.Time, 0.5*float64(i))
	}
	cfg := forecast.DefaultConfig()
	cfg.Window, cfg.Horizon, cfg.Hidden, cfg.Epochs, cfg.Covariates = 5, 2, 4, 2, []string{"drive"}
	f, _, err := forecast.Fit[float32](context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	data, err := f.EncodeFile()
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	future := &dataset.TimeSeries{Names: []string{"drive"}, Steps: 2, Values: []float64{0.1, -0.2}}
	p, err := m.ForecastSeries(s, future, 0)
	if err != nil {
		t.Fatal(err)
	}
	values, _ := f.SeriesValues(s)
	want, _ := f.ForecastWith(values, future.Values, 2)
	if p.Steps != 2 || !slices.Equal(p.Values, want) || p.TimeName != "t" || !slices.Equal(p.Times, []float64{40, 40.5}) {
		t.Fatalf("forecast %+v, want values %v", p, want)
	}
	if p.Lower[1] != want[1]-f.Interval.HalfWidth[1] || p.Upper[0] != want[0]+f.Interval.HalfWidth[0] {
		t.Errorf("bounds %v %v around %v with half-widths %v", p.Lower, p.Upper, want, f.Interval.HalfWidth)
	}
	csv := p.Arrays(true)
	if len(csv) != 1 || !slices.Equal(csv[0].Columns, []string{"t", "x", "x_lower", "x_upper"}) || !slices.Equal(csv[0].Data[:4], []float64{40, want[0], p.Lower[0], p.Upper[0]}) {
		t.Errorf("CSV table %+v", csv)
	}
	if npy := p.Arrays(false); len(npy) != 3 || npy[2].Name != "forecast_upper" || !slices.Equal(npy[2].Shape, []int{2, 1}) {
		t.Errorf("arrays %+v", npy)
	}
	longer := &dataset.TimeSeries{Names: []string{"drive"}, Steps: 3, Values: []float64{0.1, -0.2, 0.3}}
	if p, err := m.ForecastSeries(s, longer, 0); err != nil || p.Steps != 3 || p.Lower != nil || p.NoIntervals == "" {
		t.Errorf("3 steps of a horizon of 2: %+v, %v", p, err)
	}
	if _, err := m.ForecastSeries(s, &dataset.TimeSeries{Names: []string{"other"}, Steps: 2, Values: []float64{1, 2}}, 0); err == nil {
		t.Error("a future without the covariate accepted")
	}
}
