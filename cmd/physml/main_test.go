package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/physml/physml/blas"
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
// every flag with its meaning.
func TestHelpListsEveryFlag(t *testing.T) {
	for _, c := range commands() {
		code, out, errOut := runCommand(c.name, "--help")
		if code != 0 || errOut != "" {
			t.Errorf("%s --help: exit %d, stderr %q", c.name, code, errOut)
		}
		if strings.Count(out, "Usage: physml "+c.name) != 1 || strings.Count(out, "Flags:") != 1 {
			t.Errorf("%s --help does not print its usage once:\n%s", c.name, out)
		}
		lastFlagSet.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(out, "\n  -"+f.Name+" ") && !strings.Contains(out, "\n  -"+f.Name+"\n") {
				t.Errorf("%s --help does not list -%s:\n%s", c.name, f.Name, out)
			}
			if f.Usage == "" {
				t.Errorf("%s: flag -%s has no description", c.name, f.Name)
			}
		})
	}
}
