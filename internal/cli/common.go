package cli

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
	"github.com/physml/physml/internal/mnistdir"
	"github.com/physml/physml/nn"
)

// defaultMaxInput is dataset.MaxBytes in MiB as the program starts (the
// flag sets dataset.MaxBytes, so its default must not follow it).
var defaultMaxInput = dataset.MaxBytes >> 20

// Common holds the flags every training or analysis command of physml
// has, parsed and checked: a command embeds it, registers its flags with
// Register (and RegisterTable for CSV input) and validates them with Check.
// The methods then start the run (Start), load MNIST, apply the own-data
// training defaults and write the files (Write, WriteAfter,
// SaveInterrupted, WriteRun).
type Common struct {
	Seed      uint64   // --seed
	Threads   int      // --threads
	DType     string   // --dtype
	Float64   bool     // --dtype float64
	Out       string   // --out
	Data      string   // --data
	MaxInput  int64    // --max-input, MiB
	Delimiter string   // --delimiter
	Comma     rune     // of --delimiter; 0 detects it
	dropList  string   // --drop
	Drop      []string // of --drop
	keepList  string   // --columns
	Keep      []string // of --columns, for a table's rows
	fs        *flag.FlagSet
}

// Register registers --seed, --threads, --dtype, --out, --data and
// --max-input on fs.
func (c *Common) Register(fs *flag.FlagSet) {
	c.fs = fs
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of initialisation, shuffling, dropout and noise")
	fs.IntVar(&c.Threads, "threads", 0, fmt.Sprintf("BLAS threads (OpenBLAS) or GOMAXPROCS (pure Go), at most the %d CPUs; 0 keeps the default", runtime.NumCPU()))
	fs.StringVar(&c.DType, "dtype", "float32", "precision of the computation: float32 (as PyTorch) or float64")
	Renamed(fs, "float32", "--dtype float32")
	Renamed(fs, "float64", "--dtype float64")
	fs.StringVar(&c.Out, "out", "out", "folder for the files the command writes (made when there is something to write)")
	fs.StringVar(&c.Data, "data", "", "folder of the MNIST IDX files (default: $PHYSML_DATA, else the GoMNIST module)")
	fs.Int64Var(&c.MaxInput, "max-input", defaultMaxInput, "MiB of memory one input file (data or model) may fill; larger claims are refused before reading")
}

// RegisterTable registers --delimiter and --drop, for the commands that
// read CSV tables.
func (c *Common) RegisterTable(fs *flag.FlagSet) {
	fs.StringVar(&c.Delimiter, "delimiter", "", `separator of a CSV input: ",", ";", "tab" or "space" (runs of blanks); default: detected from its first line`)
	fs.StringVar(&c.dropList, "drop", "", "CSV columns (names or indexes, comma-separated) to leave out unread, such as text columns")
	if fs.Lookup("columns") == nil { // forecast's --columns names its variables
		fs.StringVar(&c.keepList, "columns", "", "the only CSV columns to read (names or indexes, comma-separated, kept in the file's order)")
	}
}

// Check validates the common flags, and that --out can be written, before
// anything is loaded or written.
func (c *Common) Check() error {
	if err := c.CheckFlags(); err != nil {
		return err
	}
	if c.Out == "" {
		return Usagef("--out must name a folder")
	}
	return CheckWritable(c.Out)
}

// IsSet reports whether the flag name was given on the command line.
func (c *Common) IsSet(name string) bool {
	set := false
	if c.fs != nil {
		c.fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	}
	return set
}

// NotWith returns a usage error naming the first of flags that was given,
// which does not apply when why holds.
func (c *Common) NotWith(why string, flags ...string) error {
	for _, f := range flags {
		if c.IsSet(f) {
			return Usagef("--%s does not apply %s", f, why)
		}
	}
	return nil
}

// CheckFlags validates the flags other than --out.
func (c *Common) CheckFlags() error {
	if c.Threads < 0 || c.Threads > runtime.NumCPU() {
		return Usagef("--threads %d: want 0 (the default) to %d, the number of CPUs", c.Threads, runtime.NumCPU())
	}
	if c.MaxInput <= 0 || c.MaxInput > 1<<30 {
		return Usagef("--max-input %d: want a positive number of MiB", c.MaxInput)
	}
	dataset.MaxBytes = c.MaxInput << 20       // data files
	nn.MaxSafetensorsBytes = c.MaxInput << 20 // model files
	if c.DType != "float32" && c.DType != "float64" {
		return Usagef("--dtype %q: want float32 or float64", c.DType)
	}
	c.Float64 = c.DType == "float64"
	c.Drop, c.Keep = nil, nil
	if c.dropList != "" {
		c.Drop = strings.Split(c.dropList, ",")
	}
	if c.keepList != "" {
		c.Keep = strings.Split(c.keepList, ",")
	}
	switch c.Delimiter {
	case "":
		c.Comma = 0
	case ",", ";":
		c.Comma = rune(c.Delimiter[0])
	case "tab", "\t":
		c.Comma = '\t'
	case "space", " ":
		c.Comma = ' '
	default:
		return Usagef("--delimiter %q: want \",\", \";\", tab or space", c.Delimiter)
	}
	return nil
}

// Start applies the thread setting and returns a context that the first
// SIGINT or SIGTERM cancels (training stops and saves what it has); a second
// signal exits at once with code 130. stop releases the signals.
func (c *Common) Start(stderr io.Writer) (ctx context.Context, stop func()) {
	if c.Threads > 0 {
		blas.SetThreads(c.Threads)
	}
	return Interruptible("physml", stderr)
}

// Write writes the files of out into --out (Outputs.Write) and
// prints their paths.
func (c *Common) Write(out *Outputs, stdout io.Writer) error {
	_, err := out.Write(c.Out, c.fs, stdout, "")
	return err
}

// WriteAfter writes the files of a finished training run; a signal that
// came after the training (while testing or drawing) ends the command
// once they are written, with exit code 1.
func (c *Common) WriteAfter(ctx context.Context, out *Outputs, stdout io.Writer) error {
	if err := c.Write(out, stdout); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return errors.New("interrupted after the training: the files written are complete")
	}
	return nil
}

// SaveInterrupted writes what a training run stopped by a signal after
// epochs complete epochs has, into the folder "interrupted" of --out (so
// that it replaces no complete run there, and stands beside none of its
// files), and returns the error that stopped it.
func (c *Common) SaveInterrupted(out *Outputs, epochs int, stdout io.Writer, stopped error) error {
	if _, err := out.Write(filepath.Join(c.Out, interruptedDir), c.fs, stdout, fmt.Sprintf("interrupted after %d complete epochs; ", epochs)); err != nil {
		return err
	}
	return stopped
}

// interruptedDir is the folder of --out that an interrupted run writes
// into.
const interruptedDir = "interrupted"

// WriteRun writes the files of a run that may have been interrupted: into
// --out, or, interrupted, into its folder "interrupted" (saveInterrupted).
func (c *Common) WriteRun(out *Outputs, stdout io.Writer, interrupted bool) error {
	dir := c.Out
	if interrupted {
		dir = filepath.Join(c.Out, interruptedDir)
	}
	_, err := out.Write(dir, c.fs, stdout, "")
	return err
}

// MNIST loads the first trainLimit training and testLimit test images (all
// when 0) of MNIST from --data (or where mnistdir.Find finds it), reading no
// further into the files.
func (c *Common) MNIST(trainLimit, testLimit int) (train, test *dataset.Images, err error) {
	dir := c.Data
	if dir == "" {
		if dir, err = mnistdir.Find(); err != nil {
			return nil, nil, err
		}
	}
	return dataset.LoadMNISTLimits(dir, trainLimit, testLimit)
}

// CheckModelMemory returns an error, before a model of params parameters
// of T is built, when its weights, gradients and Adam's two moments
// (4·params values) would fill more than --max-input: a size that the flag
// checks accept (--hidden 65536) cannot exhaust memory.
func CheckModelMemory[T nn.Float](params float64) error {
	need := 4 * params * float64(unsafe.Sizeof(T(0)))
	if need > float64(dataset.MaxBytes) {
		return Usagef("a model of %.4g parameters needs %.0f MiB for its weights, gradients and Adam's moments, more than --max-input's %d MiB: choose smaller sizes (--hidden, --layers, --code) or raise --max-input",
			params, need/(1<<20), dataset.MaxBytes>>20)
	}
	return nil
}

// OwnDataDefaults sets, for training on n rows of the user's data, the
// settings the flags leave open to nn.DefaultsForRows (without --epochs,
// early stopping with --patience's default 20 too), and prints them in
// one line.
func (c *Common) OwnDataDefaults(n int, epochs, batch, patience *int, lr *float64, stdout io.Writer) {
	e, p, b, l := nn.DefaultsForRows(n)
	if !c.IsSet("epochs") {
		*epochs = e
		if !c.IsSet("patience") {
			*patience = p
		}
	}
	if !c.IsSet("batch") {
		*batch = b
	}
	if !c.IsSet("lr") {
		*lr = l
	}
	stop := "no early stopping"
	if *patience > 0 {
		stop = fmt.Sprintf("stopping %d epochs after the best validation loss, whose weights are kept", *patience)
	}
	fmt.Fprintf(stdout, "training on your data: up to %d epochs, %s; batch %d, learning rate %g (--epochs, --patience, --batch and --lr set them)\n", *epochs, stop, *batch, *lr)
}
