package main

import (
	"bytes"
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
	if !strings.Contains(out, "blas    "+blas.Backend()+"\n") {
		t.Errorf("version output lacks the backend %q:\n%s", blas.Backend(), out)
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
