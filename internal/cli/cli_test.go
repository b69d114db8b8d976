package cli

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func flags() *flag.FlagSet {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Int("epochs", 10, "training epochs")
	fs.String("input", "", "the data")
	Renamed(fs, "hidden", "--layers")
	return fs
}

// TestParseReportsOneLine: a renamed flag's error is its hint, other flag
// errors spell flags --name, nothing is printed, and --help prints the
// usage without the renamed flag.
func TestParseReportsOneLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--hidden", "3"}, "--hidden is now --layers"},
		{[]string{"--hidden=3"}, "--hidden is now --layers"},
		{[]string{"--epochs", "x"}, `invalid value "x" for flag --epochs: parse error`},
		{[]string{"-nope"}, "flag provided but not defined: --nope"},
	} {
		fs := flags()
		var printed bytes.Buffer
		fs.SetOutput(&printed)
		err := Parse(fs, c.args)
		var u UsageError
		if !errors.As(err, &u) || err.Error() != c.want || printed.Len() != 0 {
			t.Errorf("%v: error %v (usage %v), printed %q; want %q", c.args, err, errors.As(err, &u), printed.String(), c.want)
		}
	}
	fs := flags()
	var help bytes.Buffer
	fs.Usage = func() { PrintFlags(&help, fs) }
	if err := Parse(fs, []string{"--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	if !strings.Contains(help.String(), "  --epochs int\n") || strings.Contains(help.String(), "hidden") {
		t.Errorf("help:\n%s", help.String())
	}
}

// TestOutputsWriteAllOrNothing: an error of making one file writes none;
// a destination that is a folder or one of the inputs is refused before
// anything is written.
func TestOutputsWriteAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	var stdout bytes.Buffer

	o := &Outputs{}
	o.JSON("a.json", map[string]int{"x": 1})
	o.Add("b.bin", nil, errors.New("no data"))
	if _, err := o.Write(out, nil, &stdout, ""); err == nil || !strings.Contains(err.Error(), "b.bin: no data") {
		t.Errorf("error %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the folder was made: %v", err)
	}

	input := filepath.Join(out, "in.npy")
	os.MkdirAll(filepath.Join(out, "c.npy"), 0o755)
	os.WriteFile(input, []byte("x"), 0o644)
	fs := flags()
	fs.Set("input", input)
	for name, want := range map[string]string{"c.npy": "not a regular file", "in.npy": "would replace the --input file"} {
		o := &Outputs{}
		o.Npy("first.npy", []int{1}, []float64{1})
		o.Add(name, []byte("y"), nil)
		if _, err := o.Write(out, fs, &stdout, ""); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", name, err, want)
		}
		if _, err := os.Stat(filepath.Join(out, "first.npy")); err == nil {
			t.Errorf("%s: first.npy was written", name)
		}
	}

	o = &Outputs{CSV: true}
	o.Table("t", []int{2}, []float64{1, 2}, []string{"v"})
	o.Rows([]int{4, 2}, []float64{0, 1, 2, 0, 2})
	paths, err := o.Write(out, fs, &stdout, "")
	if err != nil || len(paths) != 3 || !strings.Contains(stdout.String(), "wrote "+filepath.Join(out, "t.csv")) {
		t.Fatalf("paths %v, error %v, stdout %q", paths, err, stdout.String())
	}
	if b, _ := os.ReadFile(filepath.Join(out, "t.csv")); string(b) != "v\n1\n2\n" {
		t.Errorf("t.csv: %q", b)
	}
}

func TestValueChecks(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string // "" for no error
	}{
		{CheckLimit("limit", 0), ""},
		{CheckLimit("limit", -1), "--limit -1: want 0 (all) or a positive count"},
		{CheckPositive("lr", 1e-3), ""},
		{CheckPositive("lr", 0), "--lr 0: want a positive finite value"},
		{CheckPositive("lr", math.NaN()), "--lr NaN"},
		{CheckPositive("lr", math.Inf(1)), "--lr +Inf"},
		{CheckFraction("test", 0, 1), ""},
		{CheckFraction("test", 1, 1), "--test 1: want a value in [0, 1)"},
		{CheckFraction("test", math.NaN(), 1), "--test NaN"},
		{FirstError(nil, CheckLimit("a", -2), CheckLimit("b", -3)), "--a -2"},
	} {
		if c.want == "" && c.err != nil || c.want != "" && (c.err == nil || !strings.Contains(c.err.Error(), c.want)) {
			t.Errorf("got %v, want %q", c.err, c.want)
		}
		if c.err != nil && !errors.As(c.err, new(UsageError)) {
			t.Errorf("%v is not a usage error", c.err)
		}
	}
	for s, want := range map[string][]int{"256,64": {256, 64}, " 3 , 4": {3, 4}, "7": {7}} {
		if got, err := ParseSizes(s); err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseSizes(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "1e3", "12abc", "3.9", "4 5", "0", "-2", "3,"} {
		if _, err := ParseSizes(s); err == nil {
			t.Errorf("ParseSizes(%q) accepted", s)
		}
	}
}

// FuzzParseSizes: a list of sizes is positive decimal integers that print
// back as the list (spaces aside), or an error.
func FuzzParseSizes(f *testing.F) {
	for _, s := range []string{"256,64", "1e3", "12abc", " 8 , 4", "4 5", "-1", "+7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseSizes(s)
		if err != nil {
			return
		}
		var parts []string
		for i, x := range v {
			if x <= 0 {
				t.Fatalf("%q: size %d", s, x)
			}
			parts = append(parts, strconv.Itoa(x))
			field := strings.TrimSpace(strings.Split(s, ",")[i])
			if n, err := strconv.Atoi(field); err != nil || n != x {
				t.Fatalf("%q: field %q read as %d", s, field, x)
			}
		}
		if len(parts) != len(strings.Split(s, ",")) {
			t.Fatalf("%q: %d sizes", s, len(parts))
		}
	})
}
