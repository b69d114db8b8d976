// Package progress reports the progress of a training run: a bar with rate
// and ETA on a terminal, plain lines every tenth of an epoch otherwise (a
// log file or a pipe gets no control characters).
package progress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/physml/physml/nn"
)

// Reporter reports the batches of a training run of Epochs epochs on W.
// Give Batch to nn.FitConfig.OnBatch and call Done at the end of each epoch
// and of the run.
type Reporter struct {
	w       io.Writer
	bar     *progressbar.ProgressBar
	epochs  int
	last    int
	started time.Time
}

// New returns a Reporter that writes on w for a run of epochs epochs.
func New(w io.Writer, epochs int) *Reporter {
	return &Reporter{w: w, epochs: epochs}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Batch reports one finished batch.
func (p *Reporter) Batch(b nn.BatchProgress) {
	if b.Batch == 1 {
		p.started, p.last = time.Now(), 0
		if isTerminal(p.w) {
			p.bar = progressbar.NewOptions(b.Batches, progressbar.OptionSetWriter(p.w),
				progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", b.Epoch, p.epochs)),
				progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("batch"),
				progressbar.OptionClearOnFinish())
		}
	}
	if p.bar != nil {
		p.bar.Set(b.Batch)
		return
	}
	if tenth := 10 * b.Batch / b.Batches; tenth > p.last && tenth < 10 {
		p.last = tenth
		el := time.Since(p.started)
		eta := time.Duration(float64(el) * float64(b.Batches-b.Batch) / float64(b.Batch))
		fmt.Fprintf(p.w, "epoch %d/%d: %3d%% batch %d/%d, loss %.4f, %.0f batches/s, ETA %v\n", b.Epoch, p.epochs,
			10*tenth, b.Batch, b.Batches, b.Loss, float64(b.Batch)/el.Seconds(), eta.Round(time.Second))
	}
}

// Done ends the bar of the current epoch, if one is drawn.
func (p *Reporter) Done() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}

// reportEarlyStop says where early stopping ended a run, and which epoch's
// weights were kept.
func reportEarlyStop(stdout io.Writer, hist nn.History, patience int) {
	if n := len(hist.Epochs); patience > 0 && n > 0 && hist.BestEpoch < n {
		fmt.Fprintf(stdout, "stopped early after epoch %d: kept the weights of epoch %d, the best validation loss (%.4g)\n", n, hist.BestEpoch, hist.Epochs[hist.BestEpoch-1].ValidationLoss)
	}
}

// Fit trains model with nn.Fit, with a progress bar (New) on stderr before each
// cfg.OnEpoch, and says where early stopping ended. interrupted reports
// that a signal (ctx) stopped the training; err is any other failure.
func Fit[T nn.Float](ctx context.Context, model nn.Layer[T], loss nn.Loss[T], opt nn.Optimizer[T], data nn.Dataset[T], cfg nn.FitConfig[T], stdout, stderr io.Writer) (hist nn.History, interrupted bool, err error) {
	prog := New(stderr, cfg.Epochs)
	onEpoch := cfg.OnEpoch
	cfg.OnBatch = prog.Batch
	cfg.OnEpoch = func(e nn.EpochStats) {
		prog.Done()
		if onEpoch != nil {
			onEpoch(e)
		}
	}
	hist, err = nn.Fit(ctx, model, loss, opt, data, cfg)
	prog.Done()
	interrupted = err != nil && errors.Is(err, ctx.Err())
	if err == nil || interrupted {
		reportEarlyStop(stdout, hist, cfg.Patience)
	}
	return hist, interrupted, err
}
