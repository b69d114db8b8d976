package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFlagsThatUsedToBeIgnored: --dtype float64 computes in float64, and
// dropout with one layer warns (as PyTorch does) instead of doing nothing
// silently.
func TestFlagsThatUsedToBeIgnored(t *testing.T) {
	data := fakeMNIST(t, 60, 28, 28, 0)
	code, out, errOut := runCommand("lstm", "--data", data, "--dtype", "float64", "--dropout", "0.2", "--epochs", "1", "--layers", "4", "--out", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "float64") {
		t.Errorf("--dtype float64 did not compute in float64:\n%s", out)
	}
	if !strings.Contains(errOut, "warning: --dropout 0.2 has no effect with one layer") {
		t.Errorf("no dropout warning: %q", errOut)
	}
}

// TestSizeListsAreReadStrictly (L1): a list of sizes takes decimal
// integers only; what fmt.Sscan once read as a prefix is refused.
func TestSizeListsAreReadStrictly(t *testing.T) {
	for _, bad := range []string{"1e3", "12abc", "3.9", "4 5", "", "0", "-3", "64,", "9223372036854775808"} {
		if v, err := parseInts(bad); err == nil {
			t.Errorf("parseInts(%q) = %v, want an error", bad, v)
		}
	}
	if v, err := parseInts(" 256, 64 "); err != nil || len(v) != 2 || v[0] != 256 || v[1] != 64 {
		t.Errorf("parseInts(\" 256, 64 \") = %v, %v", v, err)
	}
	code, _, errOut := runCommand("autoencoder", "--layers", "1e3", "--out", t.TempDir())
	if code != 2 || !strings.Contains(errOut, `"1e3"`) {
		t.Errorf("--layers 1e3: exit %d, %q", code, errOut)
	}
}

// FuzzParseInts: a list of sizes is positive decimal integers that print
// back as the list (spaces aside), or an error.
func FuzzParseInts(f *testing.F) {
	for _, s := range []string{"256,64", "1e3", "12abc", " 8 , 4", "4 5", "-1", "+7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseInts(s)
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

// TestFlagsThatDoNotApplyAreUsageErrors (L7): a flag of another mode is a
// usage error naming it, not silently ignored.
func TestFlagsThatDoNotApplyAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	x, y, l := dampedOscillations(t, dir, 30, 10)
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lstm", "--input", x, "--labels", y, "--test-limit", "5"}, "--test-limit does not apply to --input"},
		{[]string{"lstm", "--test", "0.3"}, "--test does not apply to MNIST"},
		{[]string{"anomaly", "--input", x, "--arch", "dense", "--lengths", l}, "--lengths does not apply to --arch dense"},
		{[]string{"anomaly", "--input", x, "--arch", "dense", "--hidden", "8"}, "--hidden is now --layers"},
		{[]string{"anomaly", "--example", "signals", "--anomalous", "3"}, "--anomalous does not apply to --input or --example"},
	} {
		mustFailCleanly(t, strings.Join(c.args, " "), append(c.args, "--out", out), out, 2, c.want)
	}
}
