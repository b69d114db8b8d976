package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/forecast"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
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

// TestForecastEnsembleEval saves an ensemble of two networks on a CSV series
// and evaluates the file: eval rebuilds both networks and prints the test
// RMSE and MAE of the training run; a file whose metadata claims another
// ensemble size, or a series of other columns, is refused.
func TestForecastEnsembleEval(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("t,x,y\n")
	for i := 0; i < 120; i++ {
		fmt.Fprintf(&b, "%d,%g,%g\n", i, math.Sin(0.3*float64(i)), math.Cos(0.2*float64(i))+0.01*float64(i))
	}
	series := filepath.Join(dir, "s.csv")
	os.WriteFile(series, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "out")
	text := runOK(t, "forecast", "--input", series, "--time-column", "t", "--window", "6", "--horizon", "2", "--layers", "5",
		"--epochs", "3", "--ensemble", "2", "--target", "change", "--out", out)
	model := filepath.Join(out, "forecast.safetensors")
	ev := runOK(t, "eval", "--model", model, "--input", series, "--time-column", "t")
	if !strings.Contains(ev, "2 LSTM network(s)") {
		t.Errorf("eval: %s", ev)
	}
	_, lstmLine, _ := strings.Cut(text, "\n  lstm ")
	numcheck.Scalar(t, "eval RMSE", numberAfter(t, ev, "test RMSE "), numberAfter(t, lstmLine, "RMSE "), 0)
	numcheck.Scalar(t, "eval MAE", numberAfter(t, ev, "MAE "), numberAfter(t, lstmLine, "MAE "), 0)

	tensors, meta, err := nn.ReadSafetensors(model)
	if err != nil {
		t.Fatal(err)
	}
	params := func(prefix string) []nn.Param[float64] {
		var ps []nn.Param[float64]
		for name, tensor := range tensors {
			if strings.HasPrefix(name, prefix) {
				ps = append(ps, nn.Param[float64]{Name: name, Value: tensor.Data, Shape: tensor.Shape})
			}
		}
		return ps
	}
	oneOfTwo := filepath.Join(dir, "one.safetensors")
	if err := nn.SaveSafetensors(oneOfTwo, params("members.0."), meta); err != nil {
		t.Fatal(err)
	}
	meta["physml.ensemble"] = "3"
	claimsThree := filepath.Join(dir, "three.safetensors")
	if err := nn.SaveSafetensors(claimsThree, params(""), meta); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.csv")
	os.WriteFile(other, []byte(strings.ReplaceAll(b.String(), "t,x,y", "t,x,z")), 0o644)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"one network of two", []string{"--model", oneOfTwo, "--input", series, "--time-column", "t"}, 1, "network 1"},
		{"claims three", []string{"--model", claimsThree, "--input", series, "--time-column", "t"}, 1, "network 2"},
		{"other columns", []string{"--model", model, "--input", other, "--time-column", "t"}, 1, "y"},
		{"no series", []string{"--model", model}, 2, "give the data"},
		{"both", []string{"--model", model, "--input", series, "--example", "co2"}, 2, "one of them"},
	} {
		mustFailCleanly(t, c.name, append([]string{"eval"}, c.args...), filepath.Join(dir, "none"), c.code, c.want)
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

// TestForecastSplitAndErrorsPerLead (issue 35): --split sets the parts (the
// window counts follow it, and eval evaluates the same test part); the
// errors of each variable and lead time are printed and in metrics.json,
// and pooled over the leads they are the variable's.
func TestForecastSplitAndErrorsPerLead(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("t,x,y\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "%d,%g,%g\n", i, math.Sin(0.3*float64(i)), 10*math.Cos(0.2*float64(i)))
	}
	series := filepath.Join(dir, "s.csv")
	os.WriteFile(series, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "out")
	text := runOK(t, "forecast", "--input", series, "--time-column", "t", "--window", "5", "--horizon", "3", "--layers", "4",
		"--epochs", "2", "--split", "0.5,0.25,0.25", "--out", out)
	// Steps 0–49 train, 50–74 validate, 75–99 test: 50−5−3+1 = 43, 25−3+1
	// = 23 and 23 windows.
	if !strings.Contains(text, "43 training, 23 validation, 23 test windows") || !strings.Contains(text, "lstm RMSE by variable (its unit) and lead time:") {
		t.Errorf("output:\n%s", text)
	}
	var m struct {
		Split    string                       `json:"split"`
		Lead     []map[string]forecast.Errors `json:"errors_per_lead"`
		Variable map[string]forecast.Errors   `json:"errors_per_variable"`
		Errors   map[string]forecast.Errors   `json:"errors"`
	}
	data, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil || json.Unmarshal(data, &m) != nil {
		t.Fatalf("metrics.json: %v\n%s", err, data)
	}
	if m.Split != "50/25/25" || len(m.Lead) != 3 || len(m.Variable) != 2 {
		t.Fatalf("metrics.json: %+v", m)
	}
	// RMSE² pooled over the leads is the mean of the leads' RMSE².
	var sq float64
	for _, lead := range m.Lead {
		sq += lead["y"].RMSE * lead["y"].RMSE / 3
	}
	numcheck.Scalar(t, "y's RMSE over the leads", math.Sqrt(sq), m.Variable["y"].RMSE, 1e-12)
	ev := runOK(t, "eval", "--model", filepath.Join(out, "forecast.safetensors"), "--input", series, "--time-column", "t")
	numcheck.Scalar(t, "eval RMSE", numberAfter(t, ev, "test RMSE "), m.Errors["lstm"].RMSE, 1e-3)
	if !strings.Contains(ev, "over 23 windows") {
		t.Errorf("eval: %s", ev)
	}
	for _, bad := range []string{"0.5,0.5", "0.5,0.25,0.3", "0.7,0.3,0", "a,b,c"} {
		if code, _, stderr := runCommand("forecast", "--input", series, "--split", bad, "--out", filepath.Join(dir, "x")); code != 2 || !strings.Contains(stderr, "--split") {
			t.Errorf("--split %s: exit %d, %q", bad, code, stderr)
		}
	}
}

// TestForecastSaysWhereTheTimeColumnIsUneven (issue 35): ten missing steps
// are a warning with the count, an error with --strict.
func TestForecastSaysWhereTheTimeColumnIsUneven(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("t,x\n")
	for i := 0; i < 80; i++ {
		if i >= 30 && i < 40 {
			continue // ten missing steps
		}
		fmt.Fprintf(&b, "%d,%g\n", i, math.Sin(0.3*float64(i)))
	}
	series := filepath.Join(dir, "s.csv")
	os.WriteFile(series, []byte(b.String()), 0o644)
	args := []string{"forecast", "--input", series, "--time-column", "t", "--window", "4", "--layers", "3", "--epochs", "1", "--out", filepath.Join(dir, "out")}
	code, _, stderr := runCommand(args...)
	if code != 0 || !strings.Contains(stderr, "warning: "+series+": the time column t has 1 gap(s)") {
		t.Errorf("exit %d, %q", code, stderr)
	}
	code, _, stderr = runCommand(append(args, "--strict")...)
	if code != 1 || !strings.Contains(stderr, "has 1 gap(s)") || strings.Contains(stderr, "warning") {
		t.Errorf("--strict: exit %d, %q", code, stderr)
	}
}

// TestForecastWithACovariate (issue 35): on the shipped driven oscillator
// with drive_N as a covariate, ten steps ahead, the errors are of x_m
// only, per lead time; the 90 % intervals' coverage on the test part is
// printed and saved; three backtest folds are reported; predict reads the
// drive's future from --future.
func TestForecastWithACovariate(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	text := runOK(t, "forecast", "--example", "oscillator", "--covariates", "drive_N", "--horizon", "10", "--layers", "8", "--epochs", "3",
		"--backtest", "3", "--out", out)
	for _, want := range []string{"(x_m units)", "linear ARX(24)", "  lead            x_m\n  1 ", "\n  10 ", "90 % prediction intervals hold",
		"fold 1: steps 850–899 tested, 700 trained, 41 windows", "fold 3: steps 950–999 tested", "(mean ± std over folds)"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in the output:\n%s", want, text)
		}
	}
	var m struct {
		Covariates []string                     `json:"covariates"`
		Lead       []map[string]forecast.Errors `json:"errors_per_lead"`
		Variable   map[string]forecast.Errors   `json:"errors_per_variable"`
		Level      float64                      `json:"interval_level"`
		Coverage   float64                      `json:"interval_coverage"`
		Backtest   struct {
			Folds []map[string]any `json:"folds"`
		} `json:"backtest"`
	}
	data, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil || json.Unmarshal(data, &m) != nil {
		t.Fatalf("metrics.json: %v\n%s", err, data)
	}
	if len(m.Variable) != 1 || m.Variable["x_m"].RMSE == 0 || len(m.Lead) != 10 || len(m.Lead[9]) != 1 || m.Level != 0.9 || len(m.Backtest.Folds) != 3 {
		t.Fatalf("metrics.json: %s", data)
	}
	if !strings.Contains(text, fmt.Sprintf("hold %.1f %% of the test values", 100*m.Coverage)) {
		t.Errorf("the printed coverage is not metrics.json's %g", m.Coverage)
	}
	// The coverage is the fraction of test values inside the saved bounds.
	truth := oscillatorX(t)
	lower, _ := dataset.ReadNpy(filepath.Join(out, "predictions_lower.npy"))
	upper, _ := dataset.ReadNpy(filepath.Join(out, "predictions_upper.npy"))
	inside := 0
	for k := 0; k < lower.Shape[0]; k++ {
		for lead := 0; lead < 10; lead++ {
			x := truth[850+k+lead]
			if i := k*10 + lead; x >= lower.Data[i] && x <= upper.Data[i] {
				inside++
			}
		}
	}
	numcheck.Scalar(t, "coverage", float64(inside)/float64(len(lower.Data)), m.Coverage, 1e-12)
	mustDecodePNG(t, filepath.Join(out, "lead_rmse.png"))
	split, _ := dataset.ReadNpy(filepath.Join(out, "split.npy"))
	if len(split.Data) != 1000 || split.Data[699] != 0 || split.Data[700] != 1 || split.Data[850] != 2 {
		t.Errorf("split.npy: %v", split.Shape)
	}

	// predict: the drive's next 10 steps from --future.
	future := filepath.Join(dir, "future.csv")
	var b strings.Builder
	b.WriteString("t_s,drive_N\n")
	for k := 0; k < 10; k++ {
		fmt.Fprintf(&b, "%.1f,%g\n", 100+0.1*float64(k), 0.5)
	}
	os.WriteFile(future, []byte(b.String()), 0o644)
	model := filepath.Join(out, "forecast.safetensors")
	pred := runOK(t, "predict", "--model", model, "--example", "oscillator", "--future", future, "--time-column", "t_s", "--out", filepath.Join(dir, "p"))
	f, err := dataset.ReadNpy(filepath.Join(dir, "p", "forecast.npy"))
	if err != nil || len(f.Shape) != 2 || f.Shape[0] != 10 || f.Shape[1] != 1 {
		t.Fatalf("forecast.npy %v, %v\n%s", f, err, pred)
	}
	if lo, err := dataset.ReadNpy(filepath.Join(dir, "p", "forecast_lower.npy")); err != nil || !(lo.Data[0] < f.Data[0]) {
		t.Errorf("forecast_lower.npy: %v %v", lo, err)
	}
	if code, _, stderr := runCommand("predict", "--model", model, "--example", "oscillator", "--out", filepath.Join(dir, "q")); code != 2 || !strings.Contains(stderr, "--future") {
		t.Errorf("predict without --future: exit %d, %q", code, stderr)
	}
}

// oscillatorX returns the x_m column of the shipped oscillator example.
func oscillatorX(t *testing.T) []float64 {
	t.Helper()
	s, err := dataset.ExampleSeries("oscillator", dataset.TimeSeriesOptions{Columns: []string{"x_m"}})
	if err != nil {
		t.Fatal(err)
	}
	return s.Values
}
