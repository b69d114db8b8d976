package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"gonum.org/v1/gonum/mat"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/beam/shards"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/internal/numcheck"
	"github.com/physml/physml/nn"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

// shardsOf writes n × p values in k .npy shards into dir and returns them
// as a matrix.
func shardsOf(t *testing.T, dir string, n, p, k int) *mat.Dense {
	t.Helper()
	X := mat.NewDense(n, p, nil)
	for i := range n {
		for j := range p {
			X.Set(i, j, float64(j+1)*math.Cos(0.13*float64(i*(j+2)))+0.5*float64(j))
		}
	}
	for s := range k {
		lo, hi := s*n/k, (s+1)*n/k
		rows := X.Slice(lo, hi, 0, p).(*mat.Dense)
		data := mat.DenseCopyOf(rows).RawMatrix().Data
		if err := shards.WriteNpy(context.Background(), filepath.Join(dir, fmt.Sprintf("s%d.npy", s)), hi-lo, p, data); err != nil {
			t.Fatal(err)
		}
	}
	return X
}

func runCommand(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func readNpy(t *testing.T, path string) []float64 {
	t.Helper()
	a, err := dataset.ReadNpy(path)
	if err != nil {
		t.Fatal(err)
	}
	return a.Data
}

func TestPCACommand(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	X := shardsOf(t, in, 900, 6, 4)
	if text, err := runCommand("pca", "--input", filepath.Join(in, "s*.npy"), "--out", out, "--components", "3"); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	want := decomposition.PCA{NComponents: 3, Solver: decomposition.CovarianceEigen}
	if err := want.Fit(X); err != nil {
		t.Fatal(err)
	}
	numcheck.Close(t, "components", readNpy(t, filepath.Join(out, "components.npy")), want.Components.RawMatrix().Data, 1e-13)
	numcheck.CloseRel(t, "explained variance", readNpy(t, filepath.Join(out, "explained_variance.npy")), want.ExplainedVariance, 1e-13, 0)
	numcheck.Close(t, "mean", readNpy(t, filepath.Join(out, "mean.npy")), want.Mean, 1e-13)
}

func TestCovarianceCommand(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	X := shardsOf(t, in, 500, 4, 2)
	var m decomposition.Moments
	if err := m.Add(X); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		flags []string
		want  func() (*mat.SymDense, error)
	}{
		{nil, func() (*mat.SymDense, error) { return m.Covariance(1) }},
		{[]string{"--ddof", "0"}, func() (*mat.SymDense, error) { return m.Covariance(0) }},
		{[]string{"--correlation"}, m.Correlation},
	} {
		path := filepath.Join(out, "m.npy")
		args := append([]string{"covariance", "--input", filepath.Join(in, "*.npy"), "--out", path}, c.flags...)
		if text, err := runCommand(args...); err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		want, err := c.want()
		if err != nil {
			t.Fatal(err)
		}
		full := mat.NewDense(4, 4, nil)
		full.Copy(want)
		numcheck.Close(t, "covariance "+strings.Join(c.flags, " "), readNpy(t, path), full.RawMatrix().Data, 1e-14)
	}
}

func TestScoreCommand(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	X := shardsOf(t, in, 300, 5, 3)
	a, err := ae.New[float32](ae.Config{Layers: []int{5, 2}, Hidden: ae.Tanh, Output: ae.Identity, Loss: ae.MSELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	scaler, err := dataset.FitScaler(dataset.MinMax, X.RawMatrix().Data, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	meta := scaler.Metadata("physml.input_")
	meta["physml.data"] = "user"
	model := filepath.Join(t.TempDir(), "m.safetensors")
	if err := a.Save(model, meta); err != nil {
		t.Fatal(err)
	}
	text, err := runCommand("score", "--model", model, "--input", filepath.Join(in, "*.npy"), "--out", out, "--format", "csv")
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	want := a.ReconstructionErrors(nn.MatrixFrom(300, 5, dataset.Transform[float32](scaler, X.RawMatrix().Data)))
	var got []float64
	for s := range 3 {
		tab, err := dataset.ReadCSV(filepath.Join(out, fmt.Sprintf("s%d.scores.csv", s)), dataset.CSVOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tab.Cols != 1 || tab.Columns[0] != "reconstruction_error" {
			t.Fatalf("s%d.scores.csv: columns %v", s, tab.Columns)
		}
		got = append(got, tab.Data...)
	}
	numcheck.Close(t, "scores", got, want, 0)
}

// TestScoreCommandGivesTheTrainingRunsScores: the anomaly detectors that
// physml anomaly wrote before the one model layer (the core module's
// saved/testdata) score their data as their runs did, to 1e-6 relative:
// the CSV-trained one on the CSV and on the same rows as .npy (it was
// once read as an MNIST model, scores 300 times off), and the sequence
// detector on its signals. table.csv holds table.npy's values to six
// decimals: across the two formats the scores agree to 1e-5.
func TestScoreCommandGivesTheTrainingRunsScores(t *testing.T) {
	before := filepath.Join("..", "..", "..", "saved", "testdata", "before_2026-12-05")
	signals, err := dataset.Signals(60, 50, 1) // the run's --example signals --train-limit 60
	if err != nil {
		t.Fatal(err)
	}
	seqDir := t.TempDir()
	if err := shards.WriteNpy(context.Background(), filepath.Join(seqDir, "signals.npy"), 60, 50, signals.X); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		model, input, scores, wantText string
		tol                            float64
	}{
		{"anomaly_csv.safetensors", filepath.Join(before, "table.csv"), "anomaly_csv_scores.npy", "standard scaling of the training data", 1e-6},
		{"anomaly_csv.safetensors", filepath.Join(before, "table.npy"), "anomaly_csv_scores.npy", "standard scaling of the training data", 1e-5},
		{"anomaly_dense.safetensors", filepath.Join(before, "table.npy"), "anomaly_dense_scores.npy", "minmax scaling", 1e-6},
		{"anomaly_dense.safetensors", filepath.Join(before, "table.csv"), "anomaly_dense_scores.npy", "minmax scaling", 1e-5},
		{"anomaly_seq.safetensors", filepath.Join(seqDir, "signals.npy"), "anomaly_seq_scores.npy", "standard scaling", 1e-6},
	} {
		out := t.TempDir()
		text, err := runCommand("score", "--model", filepath.Join(before, c.model), "--input", c.input, "--out", out)
		if err != nil {
			t.Fatalf("%s on %s: %v\n%s", c.model, c.input, err, text)
		}
		if !strings.Contains(text, "anomaly_detector, inputs: "+c.wantText) {
			t.Errorf("%s: %s", c.model, text)
		}
		name := strings.TrimSuffix(filepath.Base(c.input), filepath.Ext(c.input))
		got := readNpy(t, filepath.Join(out, name+".scores.npy"))
		want := readNpy(t, filepath.Join(before, c.scores))
		if d := numcheck.MaxRelDiff(got, want, 1e-3); !(d <= c.tol) {
			t.Errorf("%s on %s: scores %.3g (relative) off the run's", c.model, filepath.Base(c.input), d)
		}
	}
}

// TestScoreCommandGivesARegressorsOutputs: a regressor's outputs at every
// step, one row per step of every sequence, are what physml predict wrote
// for the same sequences (saved/testdata/regressor).
func TestScoreCommandGivesARegressorsOutputs(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "saved", "testdata", "regressor")
	out := t.TempDir()
	text, err := runCommand("score", "--model", filepath.Join(dir, "regressor.safetensors"), "--input", filepath.Join(dir, "x.npy"), "--out", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	got := readNpy(t, filepath.Join(out, "x.scores.npy"))
	want := readNpy(t, filepath.Join(dir, "outputs.npy"))
	if d := numcheck.MaxRelDiff(got, want, 1e-3); len(got) != 80*12 || !(d <= 1e-6) {
		t.Errorf("%d outputs, %.3g (relative) off predict's %d", len(got), d, len(want))
	}
}

// TestScoreRefusesShardsThatWouldShareAnOutput (issue 31 H4): shards whose
// names differ only in folder or extension would write one scores file
// (80 rows in, 40 out); the command refuses them before running, naming
// both, and writes nothing.
func TestScoreRefusesShardsThatWouldShareAnOutput(t *testing.T) {
	before := filepath.Join("..", "..", "..", "saved", "testdata", "before_2026-12-05")
	model := filepath.Join(before, "anomaly_csv.safetensors")
	table, err := os.ReadFile(filepath.Join(before, "table.csv"))
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	for _, name := range []string{"a/part.csv", "b/part.csv", "x.csv", "y.csv", "y.csv.gz"} {
		os.MkdirAll(filepath.Dir(filepath.Join(in, name)), 0o755)
		if err := os.WriteFile(filepath.Join(in, name), table, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, glob := range []string{filepath.Join(in, "*", "part.csv"), filepath.Join(in, "y.csv*")} {
		out := filepath.Join(t.TempDir(), "scores")
		_, err := runCommand("score", "--model", model, "--input", glob, "--out", out)
		var u usageError
		if err == nil || !strings.Contains(err.Error(), "would both write") || !errors.As(err, &u) {
			t.Errorf("%s: %v, want a usage error naming the two shards", glob, err)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: the output folder was made", glob)
		}
	}
	if err := shards.CheckOutputNames([]string{"d/x.npy", "d/y.npy", "e/z.csv"}, "out", ".scores", ".npy"); err != nil {
		t.Errorf("distinct names refused: %v", err)
	}
}

func TestCommandErrors(t *testing.T) {
	in := t.TempDir()
	shardsOf(t, in, 20, 3, 2)
	glob := filepath.Join(in, "*.npy")
	// A FIFO among the shards blocked Beam's file matching (issue 31 M9).
	fifos := t.TempDir()
	shardsOf(t, fifos, 20, 3, 2)
	if err := syscall.Mkfifo(filepath.Join(fifos, "s9.npy"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{nil, true, "give a command"},
		{[]string{"fit"}, true, `unknown command "fit"`},
		{[]string{"pca", "--out", "x"}, true, "--input is required"},
		{[]string{"pca", "--input", glob}, true, "--out is required"},
		{[]string{"pca", "--input", glob, "--output", "x"}, true, "--output is now --out"},
		{[]string{"pca", "--input", glob, "--out", t.TempDir(), "--components", "2", "--variance", "0.9"}, true, "not both"},
		{[]string{"pca", "--input", glob, "--out", t.TempDir(), "--variance", "1.5"}, true, "--variance 1.5"},
		{[]string{"pca", "--input", glob, "--out", t.TempDir(), "--runner", "nonsense"}, true, `--runner "nonsense"`},
		{[]string{"pca", "--input", glob, "--out", t.TempDir(), "stray"}, true, `unexpected argument "stray"`},
		{[]string{"pca", "--input", glob, "--out", t.TempDir(), "--components", "5"}, false, "5 components requested"},
		{[]string{"pca", "--input", filepath.Join(in, "none*.npy"), "--out", t.TempDir()}, false, "no files matching"},
		{[]string{"pca", "--input", filepath.Join(fifos, "*.npy"), "--out", t.TempDir()}, false, "s9.npy: not a regular file but a FIFO"},
		{[]string{"covariance", "--input", glob, "--out", "c.csv"}, true, "want a .npy file"},
		{[]string{"covariance", "--input", glob, "--out", filepath.Join(t.TempDir(), "c.npy"), "--width", "4"}, false, "s0.npy, row 0: 3 values per row; the pipeline reads rows of 4"},
		{[]string{"score", "--input", glob, "--out", t.TempDir()}, true, "--model and --out are required"},
		{[]string{"score", "--model", filepath.Join(in, "s0.npy"), "--input", glob, "--out", t.TempDir()}, false, "s0.npy"},
		{[]string{"score", "--model", "m", "--input", glob, "--out", t.TempDir(), "--format", "xls"}, true, `--format "xls"`},
	} {
		text, err := runCommand(c.args...)
		var u usageError
		if err == nil || !strings.Contains(err.Error(), c.want) || errors.As(err, &u) != c.usage {
			t.Errorf("physml-beam %s: %v (usage error %v)\n%s\nwant an error with %q (usage error %v)", strings.Join(c.args, " "), err, errors.As(err, &u), text, c.want, c.usage)
		}
		if strings.Contains(fmt.Sprint(err), "while executing Process") {
			t.Errorf("physml-beam %s: the error carries Beam's plan: %v", strings.Join(c.args, " "), err)
		}
	}
	if _, err := runCommand("pca", "--help"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("pca --help: %v", err)
	}
	if _, err := os.Stat("c.csv"); err == nil {
		t.Error("a refused command wrote c.csv")
	}
}

// TestFailuresLeaveNoOutputFolder (issue 31 L3): a pca that fails in the
// pipeline leaves no empty output folder, and an output under a file is
// refused before the pipeline runs, naming the flag.
func TestFailuresLeaveNoOutputFolder(t *testing.T) {
	in := t.TempDir()
	shardsOf(t, in, 20, 3, 2)
	glob := filepath.Join(in, "*.npy")
	out := filepath.Join(t.TempDir(), "pca")
	if _, err := runCommand("pca", "--input", glob, "--out", out, "--components", "5"); err == nil {
		t.Fatal("5 components of 3 features: no error")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the failed run left %s (%v)", out, err)
	}
	file := filepath.Join(in, "s0.npy")
	for _, args := range [][]string{
		{"pca", "--input", glob, "--out", filepath.Join(file, "sub")},
		{"covariance", "--input", glob, "--out", filepath.Join(file, "c.npy")},
	} {
		text, err := runCommand(args...)
		if err == nil || !strings.Contains(err.Error(), "--out") || strings.Contains(err.Error(), "pipeline") {
			t.Errorf("%v: error %v\n%s", args, err, text)
		}
	}
}

// TestMessagesThatAreNotUTF8 (issue 31 M8): an error naming a Latin-1
// column name reaches the user as file, line and column (the runner lost
// it and printed its internals), and a file name that is not UTF-8 is
// refused before the pipeline.
func TestMessagesThatAreNotUTF8(t *testing.T) {
	in := t.TempDir()
	os.WriteFile(filepath.Join(in, "s.csv"), []byte("a\xe9,b\n1,2\nx,3\n"), 0o644)
	_, err := runCommand("pca", "--input", filepath.Join(in, "*.csv"), "--out", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "s.csv: line 3, column 1") || strings.Contains(err.Error(), "grpc") {
		t.Errorf("error %v", err)
	}
	named := t.TempDir()
	os.WriteFile(filepath.Join(named, "n\xe9.csv"), []byte("a,b\n1,2\n"), 0o644)
	_, err = runCommand("pca", "--input", filepath.Join(named, "*.csv"), "--out", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "the file name is not UTF-8") {
		t.Errorf("error %v", err)
	}
}

// TestValuesNearTheFloatLimit (issue 31 L3): ±1e308 in a pca or covariance
// shard is refused naming shard, row and column (it surfaced as a coder
// failure naming neither).
func TestValuesNearTheFloatLimit(t *testing.T) {
	in := t.TempDir()
	x := make([]float64, 30)
	for i := range x {
		x[i] = float64(i % 7)
	}
	x[3*2+1] = 1e308
	if err := shards.WriteNpy(context.Background(), filepath.Join(in, "s.npy"), 10, 3, x); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"pca", "--input", filepath.Join(in, "*.npy"), "--out", t.TempDir()},
		{"covariance", "--input", filepath.Join(in, "*.npy"), "--out", filepath.Join(t.TempDir(), "c.npy")},
	} {
		_, err := runCommand(args...)
		if err == nil || !strings.Contains(err.Error(), "s.npy, row 2, column 1: 1e+308 is beyond") {
			t.Errorf("%s: error %v", args[0], err)
		}
	}
}

// TestExitStatus (issue 31 L3): a run stopped by a signal ends with code
// 130 and says that the files written are complete, whatever the runner
// reported (it printed "failed to get metrics"); usage errors exit 2.
func TestExitStatus(t *testing.T) {
	for _, c := range []struct {
		err         error
		interrupted bool
		code        int
		message     string
	}{
		{errors.New("failed to get metrics"), true, 130, "physml-beam: interrupted: the files written before the signal are complete"},
		{nil, true, 0, ""},
		{usageError{errors.New("--out is required")}, false, 2, "physml-beam: --out is required"},
		{errors.New("the pipeline failed: x"), false, 1, "physml-beam: the pipeline failed: x"},
		{flag.ErrHelp, false, 0, ""},
	} {
		code, message := exitStatus(c.err, c.interrupted)
		if code != c.code || !strings.HasPrefix(message, c.message) || (c.message == "") != (message == "") {
			t.Errorf("%v, interrupted %v: %d %q; want %d %q", c.err, c.interrupted, code, message, c.code, c.message)
		}
	}
}
