package forecast

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestRunMetricsIsOneFlatObject: the settings and the test metrics sit
// side by side in metrics.json, the backtest only when there is one.
func TestRunMetricsIsOneFlatObject(t *testing.T) {
	m := RunMetrics{Source: "co2", Window: 12, Horizon: 3, Ensemble: 2, Seed: 7, Split: "0.7,0.15,0.15",
		Metrics: Metrics{Errors: map[string]Errors{"lstm": {RMSE: 0.5, MAE: 0.25}}, Windows: 40, TestStart: 600}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	keys := keysOf(t, b)
	slices.Sort(keys)
	want := []string{"ensemble", "errors", "errors_per_lead", "errors_per_variable", "horizon", "seed", "source", "split", "test_start", "test_windows", "window"}
	if !slices.Equal(keys, want) {
		t.Errorf("metrics.json keys %v, want %v; %s", keys, want, b)
	}
	m.Backtest = &BacktestMetrics{}
	if b, _ := json.Marshal(m); !json.Valid(b) || !slices.Contains(keysOf(t, b), "backtest") {
		t.Errorf("no backtest key: %s", b)
	}
}

// keysOf returns the keys of the JSON object b.
func keysOf(t *testing.T, b []byte) []string {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	return keys
}

// TestRegressionMetricsKeys: a regressor run's metrics.json names the test
// sequences and each output's RMSE and MAE.
func TestRegressionMetricsKeys(t *testing.T) {
	b, err := json.Marshal(RegressionMetrics{TestSequences: 3, ErrorsPerOutput: ErrorsPerColumn([]float64{1, 2, 3, 4}, []float64{1, 2, 3, 6}, 2)})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		TestSequences int `json:"test_sequences"`
		Errors        []struct {
			RMSE, MAE float64
		} `json:"errors_per_output"`
	}
	if err := json.Unmarshal(b, &got); err != nil || got.TestSequences != 3 || len(got.Errors) != 2 || got.Errors[0].RMSE != 0 || got.Errors[1].MAE != 1 {
		t.Errorf("%s: %+v, %v", b, got, err)
	}
}
