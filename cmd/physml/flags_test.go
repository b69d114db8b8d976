package main

import (
	"path/filepath"
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
// integers only (cli.ParseSizes); what fmt.Sscan once read as a prefix is
// refused.
func TestSizeListsAreReadStrictly(t *testing.T) {
	code, _, errOut := runCommand("autoencoder", "--layers", "1e3", "--out", t.TempDir())
	if code != 2 || !strings.Contains(errOut, `"1e3"`) {
		t.Errorf("--layers 1e3: exit %d, %q", code, errOut)
	}
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
