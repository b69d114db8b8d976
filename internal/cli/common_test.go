package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/dataset"
)

// parsed returns the common flags of a command parsed from args.
func parsed(t *testing.T, args ...string) *Common {
	t.Helper()
	var c Common
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Register(fs)
	c.RegisterTable(fs)
	fs.Int("epochs", 10, "")
	if err := Parse(fs, args); err != nil {
		t.Fatal(err)
	}
	return &c
}

// TestCommonFlagsAreCheckedAndRead: the separator, the column lists and
// the precision are read from their flags; bad values are usage errors
// naming the flag.
func TestCommonFlagsAreCheckedAndRead(t *testing.T) {
	saved := dataset.MaxBytes
	defer func() { dataset.MaxBytes = saved }()
	for _, c := range []struct {
		delimiter string
		comma     rune
	}{{"", 0}, {",", ','}, {";", ';'}, {"tab", '\t'}, {"space", ' '}} {
		cm := parsed(t, "--delimiter", c.delimiter, "--drop", "a,b", "--columns", "c", "--dtype", "float64", "--max-input", "3")
		if err := cm.CheckFlags(); err != nil || cm.Comma != c.comma || !slices.Equal(cm.Drop, []string{"a", "b"}) || !slices.Equal(cm.Keep, []string{"c"}) || !cm.Float64 || dataset.MaxBytes != 3<<20 {
			t.Errorf("--delimiter %q: %v, comma %q, drop %q, keep %q, float64 %v, max %d", c.delimiter, err, cm.Comma, cm.Drop, cm.Keep, cm.Float64, dataset.MaxBytes)
		}
	}
	for _, args := range [][]string{{"--delimiter", "|"}, {"--dtype", "float16"}, {"--threads", "-1"}, {"--max-input", "0"}} {
		err := parsed(t, args...).CheckFlags()
		if !errors.As(err, new(UsageError)) || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: %v, want a usage error naming the flag", args, err)
		}
	}
	if err := parsed(t, "--out", "").Check(); err == nil || !strings.Contains(err.Error(), "--out") {
		t.Errorf("an empty --out: %v", err)
	}
}

// TestNotWithNamesTheFirstFlagGiven: only flags given on the command line
// count, defaults do not.
func TestNotWithNamesTheFirstFlagGiven(t *testing.T) {
	c := parsed(t, "--seed", "3", "--drop", "x")
	if !c.IsSet("seed") || c.IsSet("dtype") {
		t.Errorf("IsSet: seed %v, dtype %v", c.IsSet("seed"), c.IsSet("dtype"))
	}
	if err := c.NotWith("here", "dtype", "drop", "seed"); err == nil || err.Error() != "--drop does not apply here" {
		t.Errorf("NotWith: %v", err)
	}
	if err := c.NotWith("here", "dtype"); err != nil {
		t.Errorf("a default counted as given: %v", err)
	}
}

// TestOwnDataDefaultsKeepWhatTheFlagsSet: the defaults of
// nn.DefaultsForRows fill what the command line left open, and the line
// printed says what was chosen.
func TestOwnDataDefaultsKeepWhatTheFlagsSet(t *testing.T) {
	var out bytes.Buffer
	epochs, batch, patience, lr := 10, 64, 0, 1e-3
	parsed(t).OwnDataDefaults(300, &epochs, &batch, &patience, &lr, &out)
	if epochs != 300 || patience != 20 || batch != 16 || lr != 3e-3 || !strings.Contains(out.String(), "up to 300 epochs, stopping 20 epochs after the best validation loss") {
		t.Errorf("300 rows: %d epochs, patience %d, batch %d, lr %g; %q", epochs, patience, batch, lr, out.String())
	}
	epochs, batch, patience, lr = 7, 64, 0, 1e-3
	parsed(t, "--epochs", "7").OwnDataDefaults(300, &epochs, &batch, &patience, &lr, io.Discard)
	if epochs != 7 || patience != 0 {
		t.Errorf("--epochs 7: %d epochs, patience %d; want both kept", epochs, patience)
	}
}

// TestCheckModelMemoryCountsWeightsGradientsAndMoments: 4 values of T per
// parameter against dataset.MaxBytes.
func TestCheckModelMemoryCountsWeightsGradientsAndMoments(t *testing.T) {
	saved := dataset.MaxBytes
	defer func() { dataset.MaxBytes = saved }()
	dataset.MaxBytes = 1600
	if err := CheckModelMemory[float32](100); err != nil {
		t.Errorf("1600 bytes of float32: %v", err)
	}
	if err := CheckModelMemory[float64](100); !errors.As(err, new(UsageError)) {
		t.Errorf("3200 bytes of float64 over 1600: %v", err)
	}
}

// TestWriteRunOfAnInterruptedRunGoesBesideTheRun: an interrupted run's
// files go into --out/interrupted, a complete run's into --out.
func TestWriteRunOfAnInterruptedRunGoesBesideTheRun(t *testing.T) {
	dir := t.TempDir()
	c := parsed(t, "--out", dir)
	for _, interrupted := range []bool{false, true} {
		out := &Outputs{}
		out.Add("a.txt", []byte("x"), nil)
		if err := c.WriteRun(out, io.Discard, interrupted); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{filepath.Join(dir, "a.txt"), filepath.Join(dir, "interrupted", "a.txt")} {
		if b, err := os.ReadFile(p); err != nil || string(b) != "x" {
			t.Errorf("%s: %q, %v", p, b, err)
		}
	}
	stopped := errors.New("stopped")
	out := &Outputs{}
	out.Add("b.txt", []byte("y"), nil)
	if err := c.SaveInterrupted(out, 3, io.Discard, stopped); err != stopped {
		t.Errorf("SaveInterrupted returned %v, want the error that stopped the run", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "interrupted", "b.txt")); err != nil {
		t.Error(err)
	}
}
