package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
)

// common holds the flags every training or analysis command has.
type common struct {
	seed    uint64
	threads int
	float64 bool
	float32 bool
	out     string
	data    string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.Uint64Var(&c.seed, "seed", 1, "seed of initialisation, shuffling, dropout and noise")
	fs.IntVar(&c.threads, "threads", 0, "BLAS threads (OpenBLAS) or GOMAXPROCS (pure Go); 0 keeps the default")
	fs.BoolVar(&c.float32, "float32", true, "compute in float32 (the default, as PyTorch)")
	fs.BoolVar(&c.float64, "float64", false, "compute in float64")
	fs.StringVar(&c.out, "out", "out", "folder for the files the command writes")
	fs.StringVar(&c.data, "data", "", "folder of the MNIST IDX files (default: $PHYSML_DATA, else the GoMNIST module)")
}

// check validates the common flags before anything is written.
func (c *common) check() error {
	if c.threads < 0 {
		return usageError{fmt.Errorf("--threads %d: want 0 or more", c.threads)}
	}
	if c.out == "" {
		return usageError{fmt.Errorf("--out must name a folder")}
	}
	return nil
}

// start applies the thread setting, creates the output folder and returns a
// context cancelled by Ctrl-C.
func (c *common) start() (context.Context, context.CancelFunc, error) {
	if c.threads > 0 {
		blas.SetThreads(c.threads)
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return nil, nil, err
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	return ctx, cancel, nil
}

func (c *common) path(name string) string { return filepath.Join(c.out, name) }

// mnist loads MNIST from --data (or where MNISTDir finds it) and keeps the
// first trainLimit training and testLimit test images (all when 0).
func (c *common) mnist(trainLimit, testLimit int) (train, test *dataset.Images, err error) {
	dir := c.data
	if dir == "" {
		if dir, err = dataset.MNISTDir(); err != nil {
			return nil, nil, err
		}
	}
	if train, test, err = dataset.LoadMNIST(dir); err != nil {
		return nil, nil, err
	}
	return limit(train, trainLimit), limit(test, testLimit), nil
}

// limit returns the first n images (all when n is 0 or too large).
func limit(im *dataset.Images, n int) *dataset.Images {
	if n <= 0 || n >= im.Len() {
		return im
	}
	return im.Slice(0, n)
}

// progress reports training progress on w: a bar with rate and ETA on a
// terminal, plain lines every tenth of an epoch otherwise.
type progress struct {
	w       io.Writer
	bar     *progressbar.ProgressBar
	epochs  int
	last    int
	started time.Time
}

func newProgress(w io.Writer, epochs int) *progress {
	return &progress{w: w, epochs: epochs}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (p *progress) batch(b nn.BatchProgress) {
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

func (p *progress) done() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}

// render writes an image produced by fn into path atomically.
func render(path string, fn func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return fmt.Errorf("rendering %s: %w", path, err)
	}
	return nn.WriteFileAtomic(path, buf.Bytes())
}

// parseInts parses "256,64".
func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		var v int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &v); err != nil || v <= 0 {
			return nil, fmt.Errorf("%q is not a list of positive sizes", s)
		}
		out = append(out, v)
	}
	return out, nil
}

func parseSchedule(s string, epochs int) (nn.Schedule, error) {
	switch s {
	case "none", "":
		return nil, nil
	case "step":
		return nn.StepDecay{StepSize: max(epochs/3, 1), Gamma: 0.1}, nil
	case "exp":
		return nn.ExponentialDecay{Gamma: 0.9}, nil
	case "cosine":
		return nn.CosineAnnealing{TMax: epochs}, nil
	}
	return nil, fmt.Errorf("schedule %q: want none, step, exp or cosine", s)
}
