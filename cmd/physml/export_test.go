package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/physml/physml/onnx"
	"github.com/physml/physml/seq"
)

// TestExportCommand: export writes exactly onnx.Export of the model the
// file rebuilds, says what the graph expects, and refuses what it cannot
// export without writing anything.
func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	x, y, l := dampedOscillations(t, dir, 60, 10)
	model := filepath.Join(dir, "gru", "lstm.safetensors")
	runOK(t, "lstm", "--cell", "gru", "--input", x, "--labels", y, "--lengths", l, "--layers", "4", "--epochs", "1", "--out", filepath.Dir(model))
	out := filepath.Join(dir, "gru.onnx")
	text := runOK(t, "export", "--model", model, "--onnx", out)
	if !strings.Contains(text, "GRU classifier: input (batch, steps, 1), output logits (batch, 3)") || !strings.Contains(text, "physml.feature_mean") {
		t.Errorf("output:\n%s", text)
	}
	c, _, err := seq.LoadClassifier[float32](model)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := onnx.Export(c, &want); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("the file is not onnx.Export of the model (%d bytes, want %d): %v", len(got), want.Len(), err)
	}

	xl := filepath.Join(dir, "mlstm")
	runOK(t, "lstm", "--cell", "mlstm", "--heads", "1", "--input", x, "--labels", y, "--layers", "4", "--epochs", "1", "--out", xl)
	series := filepath.Join(dir, "s.csv")
	var b strings.Builder
	b.WriteString("x\n")
	for i := 0; i < 80; i++ {
		b.WriteString(strings.Repeat("1", 1+i%3) + "\n")
	}
	os.WriteFile(series, []byte(b.String()), 0o644)
	fc := filepath.Join(dir, "fc")
	runOK(t, "forecast", "--input", series, "--window", "4", "--layers", "3", "--epochs", "1", "--out", fc)
	none := filepath.Join(dir, "none.onnx")
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no flags", nil, 2, "give --model"},
		{"no --onnx", []string{"--model", model}, 2, "--onnx"},
		{"an mLSTM", []string{"--model", filepath.Join(xl, "lstm.safetensors"), "--onnx", none}, 1, "no mLSTM operator"},
		{"a forecast", []string{"--model", filepath.Join(fc, "forecast.safetensors"), "--onnx", none}, 1, "forecast model"},
		{"not a model", []string{"--model", series, "--onnx", none}, 1, series},
		{"no folder", []string{"--model", model, "--onnx", filepath.Join(dir, "nowhere", "m.onnx")}, 1, "nowhere"},
	} {
		mustFailCleanly(t, c.name, append([]string{"export"}, c.args...), none, c.code, c.want)
	}

	// An output that is not a regular file, or that is the model itself,
	// is refused and left as it was (H3: --onnx /dev/null once made
	// /dev/null a regular file).
	fifo := filepath.Join(dir, "fifo.onnx")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.onnx")
	os.Symlink(out, link)
	modelBytes, _ := os.ReadFile(model)
	for _, c := range []struct{ name, dest, want string }{
		{"a FIFO", fifo, "not a regular file"},
		{"a symbolic link", link, "symbolic link"},
		{"the model itself", model, "would replace the --model file"},
	} {
		before, _ := os.Lstat(c.dest)
		code, _, errOut := runCommand("export", "--model", model, "--onnx", c.dest)
		if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, %q; want 2 and one line with %q", c.name, code, errOut, c.want)
		}
		if after, err := os.Lstat(c.dest); err != nil || after.Mode() != before.Mode() || after.Size() != before.Size() {
			t.Errorf("%s: changed (%v)", c.name, err)
		}
	}
	if got, _ := os.ReadFile(model); !bytes.Equal(got, modelBytes) {
		t.Error("the model file changed")
	}
}
