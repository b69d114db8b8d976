package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/internal/cli"
)

// runCommand runs physml with args and returns its exit code and outputs.
func runCommand(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersionPrintsBackend(t *testing.T) {
	code, out, _ := runCommand("version")
	if code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if !strings.Contains(out, "blas    "+blas.Backend()+"\n") || !strings.Contains(out, "gemm    "+blas.Kernels()+"\n") {
		t.Errorf("version output lacks the backend %q or the kernels %q:\n%s", blas.Backend(), blas.Kernels(), out)
	}
}

func TestUnknownCommandAndBadFlag(t *testing.T) {
	for _, args := range [][]string{{"bogus"}, {"version", "--nope"}, {"version", "extra"}} {
		code, _, errOut := runCommand(args...)
		if code != 2 {
			t.Errorf("%v: exit code %d, want 2", args, code)
		}
		if lines := strings.Count(errOut, "\n"); lines != 1 {
			t.Errorf("%v: want one error line, got %q", args, errOut)
		}
	}
}

// TestHelpListsEveryFlag: each command's --help prints its usage once and
// every flag, spelled --name, with its meaning; renamed flags are not
// listed.
func TestHelpListsEveryFlag(t *testing.T) {
	for _, c := range commands() {
		code, out, errOut := runCommand(c.name, "--help")
		if code != 0 || errOut != "" {
			t.Errorf("%s --help: exit %d, stderr %q", c.name, code, errOut)
		}
		if strings.Count(out, "Usage: physml "+c.name) != 1 || strings.Count(out, "Flags:") != 1 {
			t.Errorf("%s --help does not print its usage once:\n%s", c.name, out)
		}
		listed := strings.Contains
		lastFlagSet.VisitAll(func(f *flag.Flag) {
			inHelp := listed(out, "\n  --"+f.Name+" ") || listed(out, "\n  --"+f.Name+"\n")
			if _, old := f.Value.(*cli.RenamedFlag); old {
				if inHelp {
					t.Errorf("%s --help lists the renamed --%s", c.name, f.Name)
				}
				return
			}
			if !inHelp {
				t.Errorf("%s --help does not list --%s:\n%s", c.name, f.Name, out)
			}
			if f.Usage == "" {
				t.Errorf("%s: flag --%s has no description", c.name, f.Name)
			}
		})
	}
}

// TestBarePhysmlIsAUsageError: physml without a command lists the
// commands on stderr and exits 2; "physml help" lists them on stdout.
func TestBarePhysmlIsAUsageError(t *testing.T) {
	code, out, errOut := runCommand()
	if code != 2 || out != "" || !strings.Contains(errOut, "Commands:") {
		t.Errorf("bare physml: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = runCommand("help")
	if code != 0 || errOut != "" || !strings.Contains(out, "Commands:") {
		t.Errorf("physml help: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestRenamedFlagsHint: an earlier spelling is a usage error of one line
// that names the new flag, and flag errors spell flags --name.
func TestRenamedFlagsHint(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lstm", "--hidden", "64"}, "--hidden is now --layers"},
		{[]string{"forecast", "--hidden=8"}, "--hidden is now --layers"},
		{[]string{"autoencoder", "--hidden", "tanh"}, "--hidden is now --activation"},
		{[]string{"vae", "--output", "tanh"}, "--output is now --output-activation"},
		{[]string{"vae", "--latent", "2"}, "--latent is now --code"},
		{[]string{"anomaly", "--model", "lstm"}, "--model is now --arch"},
		{[]string{"pca", "--float64"}, "--float64 is now --dtype float64"},
		{[]string{"linear-ae", "-k", "3"}, "--k is now --code"},
		{[]string{"lstm", "--epochs", "x"}, `invalid value "x" for flag --epochs`},
		{[]string{"lstm", "--layers", "64,32"}, "share one hidden size"},
	} {
		code, out, errOut := runCommand(c.args...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want one line with %q", c.args, code, out, errOut, c.want)
		}
	}
}

// TestMain lets the test binary run as physml itself (for the signal
// tests, which need a process of their own): PHYSML_TEST_ARGS holds the
// arguments separated by newlines.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("PHYSML_TEST_ARGS"); ok {
		if args == "interruptible-selftest" {
			// A command stuck after the first signal (say, in a write): the
			// second must end it at once.
			cli.Interruptible("physml", os.Stderr)
			fmt.Println("ready")
			time.Sleep(time.Minute)
			os.Exit(0)
		}
		os.Exit(run(strings.Split(args, "\n"), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
