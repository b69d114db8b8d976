package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"unsafe"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/internal/mnistdir"
	"github.com/physml/physml/internal/progress"
	"github.com/physml/physml/nn"
)

// defaultMaxInput is dataset.MaxBytes in MiB as the program starts (the
// flag sets dataset.MaxBytes, so its default must not follow it).
var defaultMaxInput = dataset.MaxBytes >> 20

// common holds the flags every training or analysis command has.
type common struct {
	seed      uint64
	threads   int
	dtype     string
	float64   bool // --dtype float64
	out       string
	data      string
	maxInput  int64 // MiB
	delimiter string
	comma     rune // of --delimiter; 0 detects it
	dropList  string
	drop      []string // of --drop
	keepList  string
	keep      []string // of --columns, for a table's rows
	fs        *flag.FlagSet
}

func (c *common) register(fs *flag.FlagSet) {
	c.fs = fs
	fs.Uint64Var(&c.seed, "seed", 1, "seed of initialisation, shuffling, dropout and noise")
	fs.IntVar(&c.threads, "threads", 0, fmt.Sprintf("BLAS threads (OpenBLAS) or GOMAXPROCS (pure Go), at most the %d CPUs; 0 keeps the default", runtime.NumCPU()))
	fs.StringVar(&c.dtype, "dtype", "float32", "precision of the computation: float32 (as PyTorch) or float64")
	cli.Renamed(fs, "float32", "--dtype float32")
	cli.Renamed(fs, "float64", "--dtype float64")
	fs.StringVar(&c.out, "out", "out", "folder for the files the command writes (made when there is something to write)")
	fs.StringVar(&c.data, "data", "", "folder of the MNIST IDX files (default: $PHYSML_DATA, else the GoMNIST module)")
	fs.Int64Var(&c.maxInput, "max-input", defaultMaxInput, "MiB of memory one input file (data or model) may fill; larger claims are refused before reading")
}

// registerTable registers --delimiter and --drop, for the commands that
// read CSV tables.
func (c *common) registerTable(fs *flag.FlagSet) {
	fs.StringVar(&c.delimiter, "delimiter", "", `separator of a CSV input: ",", ";", "tab" or "space" (runs of blanks); default: detected from its first line`)
	fs.StringVar(&c.dropList, "drop", "", "CSV columns (names or indexes, comma-separated) to leave out unread, such as text columns")
	if fs.Lookup("columns") == nil { // forecast's --columns names its variables
		fs.StringVar(&c.keepList, "columns", "", "the only CSV columns to read (names or indexes, comma-separated, kept in the file's order)")
	}
}

// check validates the common flags, and that --out can be written, before
// anything is loaded or written.
func (c *common) check() error {
	if err := c.checkFlags(); err != nil {
		return err
	}
	if c.out == "" {
		return usageError(fmt.Errorf("--out must name a folder"))
	}
	return cli.CheckWritable(c.out)
}

// isSet reports whether the flag name was given on the command line.
func (c *common) isSet(name string) bool {
	set := false
	if c.fs != nil {
		c.fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	}
	return set
}

// notWith returns a usage error naming the first of flags that was given,
// which does not apply when why holds.
func (c *common) notWith(why string, flags ...string) error {
	for _, f := range flags {
		if c.isSet(f) {
			return usageError(fmt.Errorf("--%s does not apply %s", f, why))
		}
	}
	return nil
}

// checkFlags validates the flags other than --out.
func (c *common) checkFlags() error {
	if c.threads < 0 || c.threads > runtime.NumCPU() {
		return usageError(fmt.Errorf("--threads %d: want 0 (the default) to %d, the number of CPUs", c.threads, runtime.NumCPU()))
	}
	if c.maxInput <= 0 || c.maxInput > 1<<30 {
		return usageError(fmt.Errorf("--max-input %d: want a positive number of MiB", c.maxInput))
	}
	dataset.MaxBytes = c.maxInput << 20       // data files
	nn.MaxSafetensorsBytes = c.maxInput << 20 // model files
	if c.dtype != "float32" && c.dtype != "float64" {
		return usageError(fmt.Errorf("--dtype %q: want float32 or float64", c.dtype))
	}
	c.float64 = c.dtype == "float64"
	c.drop, c.keep = nil, nil
	if c.dropList != "" {
		c.drop = strings.Split(c.dropList, ",")
	}
	if c.keepList != "" {
		c.keep = strings.Split(c.keepList, ",")
	}
	switch c.delimiter {
	case "":
		c.comma = 0
	case ",", ";":
		c.comma = rune(c.delimiter[0])
	case "tab", "\t":
		c.comma = '\t'
	case "space", " ":
		c.comma = ' '
	default:
		return usageError(fmt.Errorf("--delimiter %q: want \",\", \";\", tab or space", c.delimiter))
	}
	return nil
}

// start applies the thread setting and returns a context that the first
// SIGINT or SIGTERM cancels (training stops and saves what it has); a second
// signal exits at once with code 130. stop releases the signals.
func (c *common) start(stderr io.Writer) (ctx context.Context, stop func()) {
	if c.threads > 0 {
		blas.SetThreads(c.threads)
	}
	return cli.Interruptible("physml", stderr)
}

// write writes the files of out into --out (cli.Outputs.Write) and
// prints their paths.
func (c *common) write(out *cli.Outputs, stdout io.Writer) error {
	_, err := out.Write(c.out, c.fs, stdout, "")
	return err
}

// writeAfter writes the files of a finished training run; a signal that
// came after the training (while testing or drawing) ends the command
// once they are written, with exit code 1.
func (c *common) writeAfter(ctx context.Context, out *cli.Outputs, stdout io.Writer) error {
	if err := c.write(out, stdout); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return errors.New("interrupted after the training: the files written are complete")
	}
	return nil
}

// saveInterrupted writes what a training run stopped by a signal after
// epochs complete epochs has, into the folder "interrupted" of --out (so
// that it replaces no complete run there, and stands beside none of its
// files), and returns the error that stopped it.
func (c *common) saveInterrupted(out *cli.Outputs, epochs int, stdout io.Writer, stopped error) error {
	if _, err := out.Write(filepath.Join(c.out, interruptedDir), c.fs, stdout, fmt.Sprintf("interrupted after %d complete epochs; ", epochs)); err != nil {
		return err
	}
	return stopped
}

// interruptedDir is the folder of --out that an interrupted run writes
// into.
const interruptedDir = "interrupted"

// writeRun writes the files of a run that may have been interrupted: into
// --out, or, interrupted, into its folder "interrupted" (saveInterrupted).
func (c *common) writeRun(out *cli.Outputs, stdout io.Writer, interrupted bool) error {
	dir := c.out
	if interrupted {
		dir = filepath.Join(c.out, interruptedDir)
	}
	_, err := out.Write(dir, c.fs, stdout, "")
	return err
}

// mnist loads the first trainLimit training and testLimit test images (all
// when 0) of MNIST from --data (or where mnistdir.Find finds it), reading no
// further into the files.
func (c *common) mnist(trainLimit, testLimit int) (train, test *dataset.Images, err error) {
	dir := c.data
	if dir == "" {
		if dir, err = mnistdir.Find(); err != nil {
			return nil, nil, err
		}
	}
	return dataset.LoadMNISTLimits(dir, trainLimit, testLimit)
}

// checkModelMemory returns an error, before a model of params parameters
// of T is built, when its weights, gradients and Adam's two moments
// (4·params values) would fill more than --max-input: a size that the flag
// checks accept (--hidden 65536) cannot exhaust memory.
func checkModelMemory[T nn.Float](params float64) error {
	need := 4 * params * float64(unsafe.Sizeof(T(0)))
	if need > float64(dataset.MaxBytes) {
		return usageError(fmt.Errorf("a model of %.4g parameters needs %.0f MiB for its weights, gradients and Adam's moments, more than --max-input's %d MiB: choose smaller sizes (--hidden, --layers, --code) or raise --max-input",
			params, need/(1<<20), dataset.MaxBytes>>20))
	}
	return nil
}

// ownDataDefaults sets, for training on n rows of the user's data, the
// settings the flags leave open to nn.DefaultsForRows (without --epochs,
// early stopping with --patience's default 20 too), and prints them in
// one line.
func (c *common) ownDataDefaults(n int, epochs, batch, patience *int, lr *float64, stdout io.Writer) {
	e, p, b, l := nn.DefaultsForRows(n)
	if !c.isSet("epochs") {
		*epochs = e
		if !c.isSet("patience") {
			*patience = p
		}
	}
	if !c.isSet("batch") {
		*batch = b
	}
	if !c.isSet("lr") {
		*lr = l
	}
	stop := "no early stopping"
	if *patience > 0 {
		stop = fmt.Sprintf("stopping %d epochs after the best validation loss, whose weights are kept", *patience)
	}
	fmt.Fprintf(stdout, "training on your data: up to %d epochs, %s; batch %d, learning rate %g (--epochs, --patience, --batch and --lr set them)\n", *epochs, stop, *batch, *lr)
}

// reportEarlyStop says where early stopping ended a run, and which epoch's
// weights were kept.
func reportEarlyStop(stdout io.Writer, hist nn.History, patience int) {
	if n := len(hist.Epochs); patience > 0 && n > 0 && hist.BestEpoch < n {
		fmt.Fprintf(stdout, "stopped early after epoch %d: kept the weights of epoch %d, the best validation loss (%.4g)\n", n, hist.BestEpoch, hist.Epochs[hist.BestEpoch-1].ValidationLoss)
	}
}

// recurrentLayers parses --layers of a recurrent network: a hidden size
// per stacked layer, all the same ("64,64": two layers of 64), as
// PyTorch's nn.LSTM(hidden_size, num_layers) has them.
func recurrentLayers(s string) (hidden, layers int, err error) {
	sizes, err := cli.ParseSizes(s)
	if err != nil {
		return 0, 0, usageError(fmt.Errorf("--layers: %v", err))
	}
	for _, h := range sizes {
		if h != sizes[0] {
			return 0, 0, usageError(fmt.Errorf("--layers %s: stacked recurrent layers share one hidden size (as in PyTorch's nn.LSTM): give it once per layer, as %d,%d", s, sizes[0], sizes[0]))
		}
	}
	if sizes[0] > 1<<16 || len(sizes) > 1<<10 {
		return 0, 0, usageError(fmt.Errorf("--layers %s: at most 1024 layers of at most 65536", s))
	}
	return sizes[0], len(sizes), nil
}

// layersHint is the hint of a recurrent command's earlier --hidden.
const layersHint = "--layers: a hidden size per stacked layer (--hidden 64 with two layers is --layers 64,64)"

// fit trains model with nn.Fit, with a progress bar on stderr before each
// cfg.OnEpoch, and says where early stopping ended. interrupted reports
// that a signal (ctx) stopped the training; err is any other failure.
func fit[T nn.Float](ctx context.Context, model nn.Layer[T], loss nn.Loss[T], opt nn.Optimizer[T], data nn.Dataset[T], cfg nn.FitConfig[T], stdout, stderr io.Writer) (hist nn.History, interrupted bool, err error) {
	prog := progress.New(stderr, cfg.Epochs)
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
