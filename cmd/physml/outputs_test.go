package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOutputsNeverReplaceInputsOrSpecialFiles (H3): an output whose name in
// --out is the command's own input, a FIFO or a symbolic link is refused
// before anything is written, and the input stays whole.
func TestOutputsNeverReplaceInputsOrSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	input := npyFile(t, filepath.Join(dir, "scores.npy"), 40, 3, func(i, j int) float64 { return float64(i*j%7) + 0.1*float64(j) })
	before, _ := os.ReadFile(input)
	code, _, errOut := runCommand("pca", "--input", input, "--components", "2", "--out", dir)
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "would replace the --input file") {
		t.Errorf("pca writing over its input: exit %d, %q", code, errOut)
	}
	if after, _ := os.ReadFile(input); !bytes.Equal(after, before) {
		t.Error("the input changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "components.npy")); err == nil {
		t.Error("components.npy written although the run failed")
	}

	for _, special := range []string{"fifo", "link"} {
		out := filepath.Join(dir, special)
		os.Mkdir(out, 0o755)
		dest := filepath.Join(out, "components.npy")
		if special == "fifo" {
			if err := syscall.Mkfifo(dest, 0o600); err != nil {
				t.Fatal(err)
			}
		} else {
			os.Symlink(input, dest)
		}
		code, _, errOut := runCommand("pca", "--input", input, "--components", "2", "--out", out)
		if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, dest) {
			t.Errorf("%s at components.npy: exit %d, %q", special, code, errOut)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 1 {
			t.Errorf("%s: --out holds %d entries, want only the %s", special, len(entries), special)
		}
	}
	if after, _ := os.ReadFile(input); !bytes.Equal(after, before) {
		t.Error("the input changed through the link")
	}
}
