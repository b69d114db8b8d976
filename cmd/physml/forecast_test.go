package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/physml/physml/dataset"
)

// TestForecastSunspots: on the yearly sunspot numbers (chronological
// 70/15/15 split, window 9) the LSTM beats persistence and the AR(9)
// baseline, and the same seed gives the same numbers.
func TestForecastSunspots(t *testing.T) {
	if testing.Short() {
		t.Skip("training run; skipped with -short")
	}
	var runs [2]map[string]any
	for i := range runs {
		out := filepath.Join(t.TempDir(), "out")
		text := runOK(t, "forecast", "--example", "sunspots", "--window", "9", "--out", out)
		t.Log(text)
		data, err := os.ReadFile(filepath.Join(out, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &runs[i]); err != nil {
			t.Fatal(err)
		}
		preds, err := dataset.ReadNpy(filepath.Join(out, "predictions.npy"))
		if err != nil || len(preds.Shape) != 2 || preds.Shape[0] != 46 || preds.Shape[1] != 1 {
			t.Fatalf("predictions.npy: %v %v", preds, err)
		}
		mustDecodePNG(t, filepath.Join(out, "forecast.png"))
	}
	rmse := func(name string) float64 {
		return runs[0]["errors"].(map[string]any)[name].(map[string]any)["rmse"].(float64)
	}
	lstm, persistence, ar := rmse("lstm"), rmse("persistence"), rmse("linear AR")
	// Measured: LSTM 15.1, persistence 29.3, AR(9) 17.4 (both builds alike).
	if !(lstm < persistence) || !(lstm <= ar) || !(persistence > 29 && persistence < 30) {
		t.Errorf("test RMSE: LSTM %.3f, persistence %.3f, AR(9) %.3f", lstm, persistence, ar)
	}
	a, _ := json.Marshal(runs[0])
	b, _ := json.Marshal(runs[1])
	if string(a) != string(b) {
		t.Errorf("two runs with the same seed differ:\n%s\n%s", a, b)
	}
}

func TestForecastRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	zero := filepath.Join(dir, "zero.csv")
	os.Symlink("/dev/zero", zero)
	missing := file("missing.csv", "t,x\n1,1\n2,\n3,3\n4,4\n5,5\n6,6\n7,7\n8,8\n9,9\n10,10\n")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "--input series.csv or --example"},
		{[]string{"--example", "sunspots", "--input", missing}, 2, "one of them"},
		{[]string{"--example", "nope"}, 2, "no example"},
		{[]string{"--example", "sunspots", "--window", "0"}, 2, "--window 0"},
		{[]string{"--example", "sunspots", "--window", "250"}, 2, "too few"},
		{[]string{"--example", "sunspots", "--target", "ratio"}, 2, "--target"},
		{[]string{"--example", "sunspots", "--fill", "spline"}, 2, "--fill"},
		{[]string{"--example", "sunspots", "--lr", "NaN"}, 2, "--lr"},
		{[]string{"--example", "sunspots", "--columns", "YEAR"}, 1, "is the time column"},
		{[]string{"--input", missing, "--time-column", "t"}, 1, "row 2, column x: missing value"},
		{[]string{"--input", zero}, 1, "not a regular file"},
		{[]string{"--input", file("noheader.csv", "1,2\n3,4\n")}, 1, "no header"},
	}
	for _, c := range cases {
		out := filepath.Join(dir, "out")
		mustFailCleanly(t, fmt.Sprint(c.args), append(append([]string{"forecast"}, c.args...), "--out", out), out, c.code, c.want)
	}
}
