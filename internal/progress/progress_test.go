package progress

import (
	"bytes"
	"strings"
	"testing"

	"github.com/physml/physml/nn"
)

// TestLines checks that a non-terminal writer gets one plain line per
// tenth of an epoch (none at the last batch) and no control characters.
func TestLines(t *testing.T) {
	var buf bytes.Buffer
	p := New(&buf, 3)
	for b := 1; b <= 20; b++ {
		p.Batch(nn.BatchProgress{Epoch: 2, Batch: b, Batches: 20, Loss: 0.5})
	}
	p.Done()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 9 {
		t.Fatalf("%d lines, want 9 (10 %% to 90 %%):\n%s", len(lines), buf.String())
	}
	if !strings.HasPrefix(lines[0], "epoch 2/3:  10% batch 2/20, loss 0.5000") {
		t.Errorf("first line %q", lines[0])
	}
	if strings.ContainsAny(buf.String(), "\r\x1b") {
		t.Errorf("control characters in %q", buf.String())
	}
}
