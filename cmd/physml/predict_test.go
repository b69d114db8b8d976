package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

// npyValues reads an .npy file's values.
func npyValues(t *testing.T, path string) []float64 {
	t.Helper()
	a, err := dataset.ReadNpy(path)
	if err != nil {
		t.Fatal(err)
	}
	return a.Data
}

// csvColumns reads a CSV file written by predict: its header and values.
func csvColumns(t *testing.T, path string) ([]string, []float64) {
	t.Helper()
	tab, err := dataset.ReadCSV(path, dataset.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tab.Columns, tab.Data
}

// atRows returns the rows (of width values) of x that rows lists, as the
// float64 indices of a test_rows.npy.
func atRows(x []float64, width int, rows []float64) []float64 {
	var out []float64
	for _, r := range rows {
		out = append(out, x[int(r)*width:(int(r)+1)*width]...)
	}
	return out
}

// sameNumbers fails t unless got equals the training run's want to 1e-6
// relative (float32 networks: the same sums in the same order, measured
// equal to the bit).
func sameNumbers(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if d := numcheck.MaxRelDiff(got, want, 1e-6); !(d <= 1e-6) {
		t.Errorf("%s: %.3g (relative) off the training run's", what, d)
	}
}

// schemaOnly fails t unless every metadata key of the model file at path
// is one of nn's schema.
func schemaOnly(t *testing.T, path string) {
	t.Helper()
	_, meta, err := nn.ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, k := range nn.SchemaKeys() {
		known[k] = true
	}
	for k := range meta {
		if !known[k] {
			t.Errorf("%s: metadata key %q is not in nn's schema", filepath.Base(path), k)
		}
	}
}

// table writes a 150 × 4 table with 30 rows off its normal relation, as
// t.csv (with a header) and t.npy, and their labels (0 normal, 1 off).
func table(t *testing.T, dir string) (csv, npy, labels string) {
	var b strings.Builder
	b.WriteString("u,v,w,z\n")
	x := make([]float64, 0, 600)
	y := make([]float64, 150)
	for i := 0; i < 150; i++ {
		u := math.Sin(0.37 * float64(i))
		v := math.Cos(0.23 * float64(i))
		row := []float64{u, v, u + v + 0.05*math.Sin(float64(7*i)), u - 2*v}
		if i%5 == 4 {
			row[3] += 1.5
			y[i] = 1
		}
		x = append(x, row...)
		fmt.Fprintf(&b, "%g,%g,%g,%g\n", row[0], row[1], row[2], row[3])
	}
	csv = filepath.Join(dir, "t.csv")
	os.WriteFile(csv, []byte(b.String()), 0o644)
	return csv, npyFile(t, filepath.Join(dir, "t.npy"), 150, 4, func(i, j int) float64 { return x[4*i+j] }),
		npyFile(t, filepath.Join(dir, "t_labels.npy"), 150, 1, func(i, _ int) float64 { return y[i] })
}

// splitMatches checks split.npy of n input rows against test_rows.npy:
// code 2 exactly at the test rows, and code 1 (validation) on the
// fraction validation of the others.
func splitMatches(t *testing.T, split, testRows []float64, n int, validation float64) {
	t.Helper()
	if len(split) != n {
		t.Fatalf("split.npy has %d codes for %d rows", len(split), n)
	}
	count := map[float64]int{}
	for _, c := range split {
		count[c]++
	}
	for _, r := range testRows {
		if split[int(r)] != 2 {
			t.Errorf("test row %g coded %g", r, split[int(r)])
		}
	}
	if train := n - len(testRows); count[2] != len(testRows) || count[1] != int(math.Round(validation*float64(train))) {
		t.Errorf("split.npy codes %v for %d test rows of %d", count, len(testRows), n)
	}
}

// TestEveryKindGivesTheTrainingRunsNumbers: for each kind of model the
// command trains on the user's own data, predict (and eval, where it prints
// a per-file figure) gives the numbers the training run wrote.
func TestEveryKindGivesTheTrainingRunsNumbers(t *testing.T) {
	dir := t.TempDir()
	csv, npy, _ := table(t, dir)

	t.Run("classifier", func(t *testing.T) {
		x, y, l := dampedOscillations(t, dir, 90, 20)
		out := filepath.Join(dir, "lstm")
		runOK(t, "lstm", "--input", x, "--labels", y, "--lengths", l, "--layers", "6", "--epochs", "2", "--out", out)
		schemaOnly(t, filepath.Join(out, "lstm.safetensors"))
		pred := filepath.Join(dir, "lstm_predict")
		runOK(t, "predict", "--model", filepath.Join(out, "lstm.safetensors"), "--input", x, "--lengths", l, "--out", pred)
		rows := npyValues(t, filepath.Join(out, "test_rows.npy"))
		sameNumbers(t, "probabilities", atRows(npyValues(t, filepath.Join(pred, "probabilities.npy")), 3, rows), npyValues(t, filepath.Join(out, "probabilities.npy")))
		sameNumbers(t, "classes", atRows(npyValues(t, filepath.Join(pred, "classes.npy")), 1, rows), npyValues(t, filepath.Join(out, "predictions.npy")))
		splitMatches(t, npyValues(t, filepath.Join(out, "split.npy")), rows, 90, 0.2)
	})

	t.Run("regressor", func(t *testing.T) {
		// 40 sequences of 8 steps of 2 features; targets at every step, a
		// smoothed mixture of the inputs far from 0 (mean 10).
		var xs []float64
		for i := 0; i < 40; i++ {
			for j := 0; j < 16; j++ {
				xs = append(xs, math.Sin(0.7*float64(i)+1.3*float64(j)))
			}
		}
		x := npyAt(t, filepath.Join(dir, "rx.npy"), []int{40, 8, 2}, xs)
		y := npyFile(t, filepath.Join(dir, "ry.npy"), 40, 8, func(i, s int) float64 { return 10 + xs[16*i+2*s] - 0.5*xs[16*i+2*s+1] })
		out := filepath.Join(dir, "reg")
		text := runOK(t, "lstm", "--input", x, "--targets", y, "--layers", "4", "--epochs", "3", "--out", out)
		schemaOnly(t, filepath.Join(out, "lstm.safetensors"))
		pred := filepath.Join(dir, "reg_predict")
		runOK(t, "predict", "--model", filepath.Join(out, "lstm.safetensors"), "--input", x, "--out", pred)
		rows := npyValues(t, filepath.Join(out, "test_rows.npy"))
		want := npyValues(t, filepath.Join(out, "predictions.npy"))
		sameNumbers(t, "outputs", atRows(npyValues(t, filepath.Join(pred, "outputs.npy")), 8, rows), want)
		// eval on the test sequences prints the run's test RMSE.
		xt := npyAt(t, filepath.Join(dir, "rxt.npy"), []int{len(rows), 8, 2}, atRows(xs, 16, rows))
		ys := npyValues(t, y)
		yt := npyFile(t, filepath.Join(dir, "ryt.npy"), len(rows), 8, func(i, s int) float64 { return ys[8*int(rows[i])+s] })
		ev := runOK(t, "eval", "--model", filepath.Join(out, "lstm.safetensors"), "--input", xt, "--targets", yt)
		rmse := numberAfter(t, text, "output 0: RMSE ")
		numcheck.Scalar(t, "eval's RMSE", numberAfter(t, ev, "output 0: RMSE "), rmse, 1e-5*rmse)
		if m := mean(want); m < 8 || m > 12 {
			t.Errorf("mean prediction %g: not in the targets' units (mean 10)", m)
		}
	})

	t.Run("autoencoder", func(t *testing.T) {
		out := filepath.Join(dir, "ae")
		runOK(t, "autoencoder", "--input", csv, "--layers", "6", "--code", "2", "--epochs", "3", "--out", out)
		schemaOnly(t, filepath.Join(out, "autoencoder.safetensors"))
		pred := filepath.Join(dir, "ae_predict")
		runOK(t, "predict", "--model", filepath.Join(out, "autoencoder.safetensors"), "--input", npy, "--out", pred)
		rows := npyValues(t, filepath.Join(out, "test_rows.npy"))
		sameNumbers(t, "codes", atRows(npyValues(t, filepath.Join(pred, "codes.npy")), 2, rows), npyValues(t, filepath.Join(out, "codes.npy")))
		// The reconstructions come back in the data's units: the sigmoid
		// outputs of minmax-scaled data lie within each column's range.
		rec, x := npyValues(t, filepath.Join(pred, "reconstructions.npy")), npyValues(t, npy)
		// The training run's predictions.csv (a CSV input) holds the test
		// rows' reconstructions, as predict gives them.
		header, own := csvColumns(t, filepath.Join(out, "predictions.csv"))
		if len(header) != 4 {
			t.Errorf("predictions.csv header %v", header)
		}
		sameNumbers(t, "reconstructions", atRows(rec, 4, rows), own)
		splitMatches(t, npyValues(t, filepath.Join(out, "split.npy")), rows, 150, 0) // --epochs: no early stopping, no validation
		for j := 0; j < 4; j++ {
			lo, hi := math.Inf(1), math.Inf(-1)
			for i := j; i < len(x); i += 4 {
				lo, hi = min(lo, x[i]), max(hi, x[i])
			}
			for i := j; i < len(rec); i += 4 {
				if !(rec[i] >= lo-1e-6 && rec[i] <= hi+1e-6) {
					t.Fatalf("reconstruction %g of column %d outside the data's [%g, %g]", rec[i], j, lo, hi)
				}
			}
		}
	})

	t.Run("vae", func(t *testing.T) {
		out := filepath.Join(dir, "vae")
		runOK(t, "vae", "--input", npy, "--layers", "6", "--code", "2", "--epochs", "3", "--out", out)
		schemaOnly(t, filepath.Join(out, "vae.safetensors"))
		pred := filepath.Join(dir, "vae_predict")
		runOK(t, "predict", "--model", filepath.Join(out, "vae.safetensors"), "--input", csv, "--out", pred)
		header, codes := csvColumns(t, filepath.Join(pred, "codes.csv"))
		if strings.Join(header, ",") != "code0,code1" {
			t.Errorf("codes.csv header %v", header)
		}
		rows := npyValues(t, filepath.Join(out, "test_rows.npy"))
		sameNumbers(t, "codes (μ)", atRows(codes, 2, rows), npyValues(t, filepath.Join(out, "codes.npy")))
		_, rec := csvColumns(t, filepath.Join(pred, "reconstructions.csv"))
		sameNumbers(t, "reconstructions", atRows(rec, 4, rows), npyValues(t, filepath.Join(out, "predictions.npy")))
	})

	// The detector trained on a CSV, applied to the same rows as CSV and as
	// .npy, and the other way round: the file carries its scaling, so the
	// format of the data does not matter (a CSV-trained detector was once
	// read back as an MNIST model).
	// The variational detector (--score elbo) scores by its −log p(x)
	// estimate, the same in predict as in the training run.
	for _, c := range []struct{ name, train, apply, score string }{
		{"detector from CSV", csv, npy, "combined"},
		{"detector from npy", npy, csv, "combined"},
		{"variational detector", csv, npy, "elbo"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_"))
			text := runOK(t, "anomaly", "--input", c.train, "--normalize", "standard", "--score", c.score, "--epochs", "5", "--out", out)
			if !strings.Contains(text, "score "+c.score+";") {
				t.Errorf("anomaly --score %s: %s", c.score, text)
			}
			model := filepath.Join(out, "anomaly.safetensors")
			schemaOnly(t, model)
			want := npyValues(t, filepath.Join(out, "scores.npy"))
			// scores_by_kind.csv: a column per kind the model has, the
			// flagged kind's equal to scores.npy.
			header, byKind := csvColumns(t, filepath.Join(out, "scores_by_kind.csv"))
			wantHeader := "reconstruction,latent,combined"
			if c.score == "elbo" {
				wantHeader += ",elbo"
			}
			if col := slices.Index(header, c.score); strings.Join(header, ",") != wantHeader || col < 0 {
				t.Errorf("scores_by_kind.csv header %v, want %s", header, wantHeader)
			} else {
				var column []float64
				for i := col; i < len(byKind); i += len(header) {
					column = append(column, byKind[i])
				}
				sameNumbers(t, "scores_by_kind.csv's "+c.score, column, want)
			}
			for _, data := range []string{c.train, c.apply} {
				pred := filepath.Join(out, "predict_"+filepath.Ext(data)[1:])
				runOK(t, "predict", "--model", model, "--input", data, "--out", pred)
				var got []float64
				if strings.HasSuffix(data, ".csv") {
					_, got = csvColumns(t, filepath.Join(pred, "scores.csv"))
				} else {
					got = npyValues(t, filepath.Join(pred, "scores.npy"))
				}
				sameNumbers(t, "scores of "+filepath.Base(data), got, want)
				ev := runOK(t, "eval", "--model", model, "--input", data)
				numcheck.Scalar(t, "eval's mean score", numberAfter(t, ev, "mean score "), mean(want), 1e-5*mean(want))
			}
		})
	}

	t.Run("sequence autoencoder", func(t *testing.T) {
		x, y, l := dampedOscillations(t, dir, 60, 20)
		out := filepath.Join(dir, "seqae")
		runOK(t, "anomaly", "--input", x, "--labels", y, "--lengths", l, "--layers", "4", "--code", "2", "--epochs", "2", "--out", out)
		schemaOnly(t, filepath.Join(out, "anomaly.safetensors"))
		pred := filepath.Join(dir, "seqae_predict")
		text := runOK(t, "predict", "--model", filepath.Join(out, "anomaly.safetensors"), "--input", x, "--lengths", l, "--out", pred)
		if !strings.Contains(text, "standard scaling of the training data") {
			t.Errorf("predict: %s", text)
		}
		sameNumbers(t, "scores", npyValues(t, filepath.Join(pred, "scores.npy")), npyValues(t, filepath.Join(out, "scores.npy")))
	})

	t.Run("forecaster", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("t,x,y\n")
		steps := 100
		for i := 0; i < steps; i++ {
			fmt.Fprintf(&b, "%d,%g,%g\n", 10*i, math.Sin(0.3*float64(i)), math.Cos(0.2*float64(i)))
		}
		series := filepath.Join(dir, "s.csv")
		os.WriteFile(series, []byte(b.String()), 0o644)
		out := filepath.Join(dir, "fc")
		runOK(t, "forecast", "--input", series, "--time-column", "t", "--window", "5", "--horizon", "2", "--layers", "4", "--epochs", "3", "--out", out)
		schemaOnly(t, filepath.Join(out, "forecast.safetensors"))
		want := npyValues(t, filepath.Join(out, "predictions.npy")) // test windows × 2 steps × 2 variables
		// Test window k forecasts steps 85+k and 86+k: predict from the
		// series cut after step 84+k.
		lines := strings.SplitAfter(b.String(), "\n")
		for _, k := range []int{0, 7} {
			cut := filepath.Join(dir, fmt.Sprintf("cut%d.csv", k))
			os.WriteFile(cut, []byte(strings.Join(lines[:1+85+k], "")), 0o644)
			pred := filepath.Join(dir, fmt.Sprintf("fc_predict%d", k))
			runOK(t, "predict", "--model", filepath.Join(out, "forecast.safetensors"), "--input", cut, "--time-column", "t", "--out", pred)
			header, got := csvColumns(t, filepath.Join(pred, "forecast.csv"))
			if strings.Join(header, ",") != "t,x,x_lower,x_upper,y,y_lower,y_upper" || got[0] != float64(10*(85+k)) {
				t.Errorf("forecast.csv: header %v, first time %g, want %d", header, got[0], 10*(85+k))
			}
			sameNumbers(t, fmt.Sprintf("forecast of window %d", k), []float64{got[1], got[4], got[8], got[11]}, want[4*k:4*k+4])
			if !(got[2] < got[1] && got[1] < got[3]) {
				t.Errorf("x's forecast %g is not inside its interval [%g, %g]", got[1], got[2], got[3])
			}
		}
	})
}

// TestPredictRefusesWhatDoesNotApply: flags of another kind of model, a
// missing --input for the user's data, and rows of the wrong width are
// usage errors or errors naming the problem, and write nothing.
func TestPredictRefusesWhatDoesNotApply(t *testing.T) {
	dir := t.TempDir()
	csv, npy, _ := table(t, dir)
	out := filepath.Join(dir, "ae")
	runOK(t, "autoencoder", "--input", csv, "--layers", "6", "--code", "2", "--epochs", "1", "--out", out)
	model := filepath.Join(out, "autoencoder.safetensors")
	wide := npyFile(t, filepath.Join(dir, "wide.npy"), 5, 6, func(i, j int) float64 { return float64(i + j) })
	none := filepath.Join(dir, "none")
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no model", []string{"--input", npy, "--out", none}, 2, "--model is required"},
		{"no input", []string{"--model", model, "--out", none}, 2, "give the data"},
		{"a forecaster's flag", []string{"--model", model, "--input", npy, "--horizon", "3", "--out", none}, 2, "for forecasters"},
		{"lengths for a table", []string{"--model", model, "--input", npy, "--lengths", npy, "--out", none}, 2, "--lengths is for sequences"},
		{"wrong width", []string{"--model", model, "--input", wide, "--out", none}, 1, "reads 4"},
		{"not a model", []string{"--model", npy, "--input", npy, "--out", none}, 1, npy},
	} {
		mustFailCleanly(t, c.name, append([]string{"predict"}, c.args...), none, c.code, c.want)
	}
}
