package dataset_test

import (
	"fmt"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/mnistdir"
)

// MNIST from the GoMNIST module in the Go module cache: no download step.
func ExampleLoadMNIST() {
	dir, err := mnistdir.Find()
	if err != nil {
		panic(err)
	}
	train, test, err := dataset.LoadMNIST(dir)
	if err != nil {
		panic(err)
	}
	fmt.Println(train.Len(), test.Len(), train.Rows, train.Cols, train.Labels[:5])
	// Output: 60000 10000 28 28 [5 0 4 1 9]
}

// A time series from CSV with a missing value filled in, cut into
// forecasting windows: 3 steps in, the next one out.
func ExampleParseTimeSeries() {
	csv := "year,temperature\n2000,10\n2001,11\n2002,\n2003,13\n2004,14\n2005,15\n"
	s, err := dataset.ParseTimeSeries(strings.NewReader(csv), dataset.TimeSeriesOptions{TimeColumn: "year", Fill: "linear"})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Names, s.Steps, s.Values, s.Time[0])
	x, y, n := dataset.Windows(s.Values, 1, 0, s.Steps, 3, 1)
	fmt.Println(n, "windows:", x[:3], "→", y[0], "…", x[6:9], "→", y[2])
	// Output:
	// [temperature] 6 [10 11 12 13 14 15] 2000
	// 3 windows: [10 11 12] → 13 … [12 13 14] → 15
}

// Standardisation fitted on the training rows only, applied to all, and
// undone — as scikit-learn's StandardScaler.
func ExampleFitScaler() {
	x := []float64{1, 10, 2, 20, 3, 30, 100, 1000} // 4 rows of 2 features; the last is test data
	s, err := dataset.FitScaler(dataset.Standard, x, 2, []int{0, 1, 2})
	if err != nil {
		panic(err)
	}
	z := dataset.Transform[float64](s, x)
	fmt.Printf("%.4f\n", z[:6])
	fmt.Println(dataset.Inverse(s, z)[6:])
	// Output:
	// [-1.2247 -1.2247 0.0000 0.0000 1.2247 1.2247]
	// [100 1000]
}

// Simulated detector read-outs with labelled faults, for anomaly detection.
func ExampleSignals() {
	s, err := dataset.Signals(1000, 100, 1)
	if err != nil {
		panic(err)
	}
	counts := make([]int, len(dataset.SignalKinds))
	for _, l := range s.Labels {
		counts[l]++
	}
	for k, name := range dataset.SignalKinds {
		fmt.Printf("%s: %d\n", name, counts[k])
	}
	// Output:
	// normal: 614
	// spike: 97
	// level shift: 103
	// dropout: 93
	// frequency change: 93
}
