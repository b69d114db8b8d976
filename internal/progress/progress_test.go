package progress

import (
	"bytes"
	"context"
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

// TestFitReportsItsEpochsAndAnInterrupt: each epoch reaches OnEpoch after
// the bar's line; a cancelled context is an interrupt, not a failure.
func TestFitReportsItsEpochsAndAnInterrupt(t *testing.T) {
	x := nn.MatrixFrom(8, 1, []float64{0, 1, 2, 3, 4, 5, 6, 7})
	y := nn.MatrixFrom(8, 1, []float64{1, 3, 5, 7, 9, 11, 13, 15})
	model := nn.NewDense[float64](1, 1, nn.NewRand(1))
	var bar, out bytes.Buffer
	epochs := 0
	cfg := nn.FitConfig[float64]{Epochs: 3, BatchSize: 4, Seed: 1, OnEpoch: func(nn.EpochStats) { epochs++ }}
	hist, interrupted, err := Fit(context.Background(), model, nn.MSE[float64]{}, nn.NewAdam(model.Params(), nn.AdamConfig{LR: 0.1}), nn.Dataset[float64]{X: x, Y: y}, cfg, &out, &bar)
	if err != nil || interrupted || len(hist.Epochs) != 3 || epochs != 3 {
		t.Errorf("%d epochs in the history, %d reported, interrupted %v, %v", len(hist.Epochs), epochs, interrupted, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, interrupted, err := Fit(ctx, model, nn.MSE[float64]{}, nn.NewAdam(model.Params(), nn.AdamConfig{LR: 0.1}), nn.Dataset[float64]{X: x, Y: y}, cfg, &out, &bar); !interrupted || err == nil {
		t.Errorf("a cancelled run: interrupted %v, %v", interrupted, err)
	}
}
