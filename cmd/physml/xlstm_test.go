package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/physml/physml/internal/numcheck"
)

// TestXLSTMCellsFromTheCommand: lstm and forecast train sLSTM and mLSTM
// networks, their files say so, and eval rebuilds them to the same test
// figures.
func TestXLSTMCellsFromTheCommand(t *testing.T) {
	dir := t.TempDir()
	x, y, l := dampedOscillations(t, dir, 120, 20)
	var b strings.Builder
	b.WriteString("t,x\n")
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&b, "%d,%g\n", i, math.Sin(0.3*float64(i)))
	}
	series := filepath.Join(dir, "s.csv")
	if err := os.WriteFile(series, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cell := range []string{"slstm", "mlstm"} {
		out := filepath.Join(dir, cell)
		text := runOK(t, "lstm", "--cell", cell, "--heads", "2", "--input", x, "--labels", y, "--lengths", l,
			"--layers", "8", "--epochs", "2", "--batch", "16", "--out", out)
		want := map[string]string{"slstm": "sLSTM(1, 8, num_layers=1, num_heads=2", "mlstm": "mLSTM(1, 8, num_layers=1, num_heads=2"}[cell]
		if !strings.Contains(text, want) {
			t.Errorf("%s: output lacks %q:\n%s", cell, want, text)
		}
		ev := runOK(t, "eval", "--model", filepath.Join(out, "lstm.safetensors"), "--input", x, "--labels", y, "--lengths", l)
		if !strings.Contains(ev, "on 120 sequences") {
			t.Errorf("%s eval: %s", cell, ev)
		}
		fc := runOK(t, "forecast", "--cell", cell, "--heads", "2", "--input", series, "--time-column", "t", "--window", "5",
			"--layers", "6", "--epochs", "3", "--out", out)
		fev := runOK(t, "eval", "--model", filepath.Join(out, "forecast.safetensors"), "--input", series, "--time-column", "t")
		_, line, _ := strings.Cut(fc, "\n  "+cell+" ")
		numcheck.Scalar(t, cell+" forecast RMSE in eval", numberAfter(t, fev, "test RMSE "), numberAfter(t, line, "RMSE "), 0)
	}
	mustFailCleanly(t, "heads that do not divide", []string{"lstm", "--cell", "mlstm", "--layers", "10", "--heads", "4"}, filepath.Join(dir, "none"), 2, "4 heads of a mLSTM: the heads must divide the hidden size 10")
}
