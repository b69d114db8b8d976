package forecast_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/forecast"
)

// Fit a forecaster on a CSV series, save it, load it and forecast the
// next steps after the end of the series.
func Example() {
	file, _ := os.Open("testdata/two_waves.csv") // columns t, x, y
	series, err := dataset.ParseTimeSeries(file, dataset.TimeSeriesOptions{TimeColumn: "t"})
	if err != nil {
		panic(err)
	}
	cfg := forecast.DefaultConfig() // LSTM(32), 24 steps in, 1 out, early stopping
	cfg.Window = 8
	f, _, err := forecast.Fit[float32](context.Background(), series, cfg)
	if err != nil {
		panic(err)
	}
	path := filepath.Join(os.TempDir(), "two_waves_forecaster.safetensors")
	if err := f.Save(path); err != nil {
		panic(err)
	}
	defer os.Remove(path)
	g, err := forecast.Load[float32](path)
	if err != nil {
		panic(err)
	}
	next, err := g.Forecast(series.Values, 3) // 3 steps × (x, y)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(next)/g.Vars(), "steps of", g.Names)
	// Output: 3 steps of [x y]
}
