// Command physml-beam runs physml's PCA, covariance and model scoring as
// Apache Beam pipelines over data sharded in many files, on one machine
// (Beam's Prism runner, the default) or on a cluster (Flink, Spark, Google
// Dataflow).
//
// Usage:
//
//	physml-beam pca --input 'shards/*.npy' --out out/ [--components K | --variance F] [--whiten]
//	physml-beam covariance --input 'shards/*.csv' --out cov.npy [--correlation] [--ddof 1]
//	physml-beam score --model m.safetensors --input 'shards/*.npy' --out out/ [--format csv]
//
// Beam's own flags (--runner, --endpoint, --environment_type, --project,
// …) pass through to Beam. Run physml-beam COMMAND --help for the flags of
// a command.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/physml/physml/beam/scoring"
	"github.com/physml/physml/beam/shards"
	"github.com/physml/physml/beam/stats"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/internal/cli"
	"github.com/physml/physml/internal/fileio"
	"github.com/physml/physml/saved"
)

const usage = `physml-beam runs physml's PCA, covariance and model scoring as Apache Beam
pipelines over data sharded in many .npy or CSV files.

Commands:
  pca         principal components of all rows (exact: merged co-moments)
  covariance  covariance (or correlation) matrix of all rows
  score       reconstruction errors or class probabilities of every row
              under a model saved by physml

Run "physml-beam COMMAND --help" for a command's flags. The pipeline runs
on Beam's local Prism runner unless --runner says otherwise (flink, spark,
dataflow, universal with --endpoint); Beam's other flags pass through.
`

func main() {
	ctx, stop := cli.Interruptible("physml-beam", os.Stderr)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	interrupted := ctx.Err() != nil
	stop()
	code, message := exitStatus(err, interrupted)
	if message != "" {
		fmt.Fprintln(os.Stderr, message)
	}
	os.Exit(code)
}

// exitStatus returns the exit code and the message of a run that ended
// with err: 0 and none on success or --help, 2 for a usage error, 130
// when a signal stopped it (whatever the runner then reported, such as
// "failed to get metrics"), 1 otherwise.
func exitStatus(err error, interrupted bool) (int, string) {
	switch {
	case err != nil && interrupted:
		// Each output file is written whole or not at all.
		return 130, "physml-beam: interrupted: the files written before the signal are complete; the others were not written"
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0, ""
	case errors.As(err, new(usageError)):
		return 2, "physml-beam: " + err.Error()
	}
	return 1, "physml-beam: " + err.Error()
}

// usageError is an error in the command line.
type usageError struct{ error }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprint(stdout, usage)
			return nil
		}
		// A runner starts this binary as its worker, with Beam's flags only.
		if err := flag.CommandLine.Parse(args); err != nil {
			return usageError{err}
		}
		beam.Init()
		if len(args) == 0 {
			fmt.Fprint(stderr, usage)
			return usageError{errors.New("give a command: pca, covariance or score")}
		}
		return usageError{fmt.Errorf("give a command (pca, covariance or score) before the flags")}
	}
	var c command
	switch args[0] {
	case "pca":
		c = &pcaCommand{}
	case "covariance":
		c = &covarianceCommand{}
	case "score":
		c = &scoreCommand{}
	default:
		return usageError{fmt.Errorf("unknown command %q: want pca, covariance or score", args[0])}
	}
	fs := flag.NewFlagSet("physml-beam "+args[0], flag.ContinueOnError)
	fs.SetOutput(stdout) // --help; a parse error is one line on stderr, by main
	var in input
	in.register(fs)
	var verbose, helpBeam *bool
	define(fs, func() {
		verbose = fs.Bool("verbose", false, "show Beam's and the runner's log, and whole pipeline errors")
		helpBeam = fs.Bool("help-beam", false, "list Beam's flags")
	})
	c.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\nFlags (Beam's own flags, such as --runner, pass through; see --help-beam):\n", c.summary())
		fs.VisitAll(func(f *flag.Flag) {
			if !cli.IsRenamed(f) && !beamFlag(f.Name) {
				fmt.Fprintf(fs.Output(), "  --%-14s %s\n", f.Name, f.Usage)
			}
		})
	}
	// Beam's flags are on the global flag set: parse them with ours (the
	// runner from its default: run may run more than once in a process).
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		if fs.Lookup(f.Name) == nil {
			if f.Name == "runner" {
				f.Value.Set(f.DefValue)
			}
			fs.Var(f.Value, f.Name, f.Usage)
		}
	})
	var bad cli.UsageError
	if err := cli.Parse(fs, args[1:]); errors.As(err, &bad) {
		return usageError{bad.Err}
	} else if err != nil {
		return err
	}
	if *helpBeam {
		fs.VisitAll(func(f *flag.Flag) {
			if beamFlag(f.Name) {
				fmt.Fprintf(stdout, "  --%s\n    \t%s\n", f.Name, f.Usage)
			}
		})
		return nil
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q (flags only)", fs.Arg(0))}
	}
	if err := in.check(); err != nil {
		return usageError{err}
	}
	if err := checkLocalShards(in.glob); err != nil {
		return err
	}
	if r := flag.Lookup("runner"); r != nil && !knownRunners[r.Value.String()] {
		return usageError{fmt.Errorf("--runner %q: want prism (the default), direct, flink, spark, dataflow, universal or portable", r.Value)}
	}
	beam.Init()
	if !*verbose {
		// The runner logs every step, and a failure many times over; the
		// command says what failed once, at the end.
		slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError + 4})))
	}
	p, s := beam.NewPipelineWithRoot()
	if err := c.build(ctx, s, in, stdout); err != nil {
		return err
	}
	if err := beamx.Run(ctx, p); err != nil {
		return pipelineError(err, *verbose)
	}
	return c.report(stdout)
}

// knownRunners are the runners beamx registers, under both their names.
var knownRunners = map[string]bool{
	"": true, "prism": true, "PrismRunner": true, "direct": true, "DirectRunner": true,
	"dataflow": true, "DataflowRunner": true, "flink": true, "FlinkRunner": true,
	"spark": true, "SparkRunner": true, "universal": true, "portable": true, "PortableRunner": true,
	"dot": true, "vet": true,
}

// ourFlags are the flags of every command; the others on a command's flag
// set are Beam's.
var ourFlags = map[string]bool{}

func beamFlag(name string) bool { return !ourFlags[name] }

// command is one of physml-beam's commands.
type command interface {
	summary() string
	register(fs *flag.FlagSet)
	// build adds the command's transforms to the pipeline.
	build(ctx context.Context, s beam.Scope, in input, stdout io.Writer) error
	// report says what the finished pipeline wrote.
	report(stdout io.Writer) error
}

// define registers one of our flags.
func define(fs *flag.FlagSet, f func()) {
	before := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { before[f.Name] = true })
	f()
	fs.VisitAll(func(f *flag.Flag) {
		if !before[f.Name] {
			ourFlags[f.Name] = true
		}
	})
}

// input are the flags that say what to read.
type input struct {
	glob, format, labelColumn string
	width                     int
	maxShard                  int64
}

func (in *input) register(fs *flag.FlagSet) {
	define(fs, func() {
		fs.StringVar(&in.glob, "input", "", "the shards: a glob of .npy or CSV files, quoted (required)")
		fs.StringVar(&in.format, "format-in", "", "npy or csv (default: by extension; .gz is decompressed)")
		fs.IntVar(&in.width, "width", 0, "values per row every shard must hold (default: those of the first shard by name)")
		fs.StringVar(&in.labelColumn, "label-column", "", "a CSV column to leave out (name or number)")
		fs.Int64Var(&in.maxShard, "max-shard", 2048, "MiB of values one shard may hold in a worker's memory")
	})
}

func (in *input) check() error {
	if in.glob == "" {
		return errors.New("--input is required")
	}
	if in.width < 0 {
		return fmt.Errorf("--width %d: want a positive number of values (or 0)", in.width)
	}
	if in.maxShard <= 0 || in.maxShard > 1<<30 {
		return fmt.Errorf("--max-shard %d: want MiB between 1 and 2^30", in.maxShard)
	}
	if in.format != "" && in.format != "npy" && in.format != "csv" {
		return fmt.Errorf("--format-in %q: want npy or csv", in.format)
	}
	return nil
}

// checkLocalShards refuses, before Beam lists them, the local files of
// glob that are not regular files after their links: Beam's file matching
// blocks on a FIFO, and a link to /dev/zero would be read without end.
func checkLocalShards(glob string) error {
	if strings.Contains(glob, "://") {
		return nil // a remote file system holds objects, not devices
	}
	matched, err := filepath.Glob(glob)
	if err != nil {
		return usageError{fmt.Errorf("--input %q: %v", glob, err)}
	}
	for _, name := range matched {
		if !utf8.ValidString(name) {
			return fmt.Errorf("%q: the file name is not UTF-8, which Beam cannot carry: rename it", name)
		}
		if err := fileio.CheckRegular(name); err != nil {
			return err
		}
	}
	return nil
}

// momentOptions are the options of a pipeline that sums co-moments.
func (in input) momentOptions() shards.Options {
	opt := in.options()
	opt.MaxAbs = shards.MomentsMaxAbs
	return opt
}

func (in input) options() shards.Options {
	lim := dataset.Limits{MaxBytes: in.maxShard << 20}
	opt := shards.Options{Width: in.width, Limits: lim, CSV: dataset.CSVOptions{LabelColumn: in.labelColumn, Limits: lim}}
	switch in.format {
	case "npy":
		opt.Format = shards.Npy
	case "csv":
		opt.Format = shards.CSV
	}
	return opt
}

// outputDir checks that a local output folder can be written (made when
// the results are written); other file systems are checked by Beam.
func outputDir(dir string) error {
	if strings.Contains(dir, "://") {
		return nil
	}
	return cli.CheckWritable(dir)
}

// pipelineError shortens a failed job's error to its cause: Beam wraps the
// error of the DoFn that failed in the job's, the bundle's and the plan's
// descriptions, which --verbose shows.
func pipelineError(err error, verbose bool) error {
	msg := err.Error()
	if i := strings.LastIndex(msg, "] failed:\n"); i >= 0 && !verbose {
		msg = strings.TrimSpace(msg[i+len("] failed:\n"):])
	}
	return fmt.Errorf("the pipeline failed: %s", msg)
}

type pcaCommand struct {
	output     string
	components int
	variance   float64
	whiten     bool
}

func (c *pcaCommand) summary() string {
	return `physml-beam pca: principal components of all rows of the shards, exact
(the co-moments of each worker merged), written as .npy files under
scikit-learn's names: components.npy (k × p), explained_variance.npy,
explained_variance_ratio.npy, singular_values.npy, mean.npy.`
}

func (c *pcaCommand) register(fs *flag.FlagSet) {
	define(fs, func() {
		fs.StringVar(&c.output, "out", "", "folder to write the .npy files into (required)")
		cli.Renamed(fs, "output", "--out")
		fs.IntVar(&c.components, "components", 0, "components to keep (0: all, unless --variance)")
		fs.Float64Var(&c.variance, "variance", 0, "keep the fewest components whose explained-variance ratio exceeds this fraction in (0, 1)")
		fs.BoolVar(&c.whiten, "whiten", false, "scale the components to unit variance (as scikit-learn's whiten)")
	})
}

func (c *pcaCommand) build(_ context.Context, s beam.Scope, in input, _ io.Writer) error {
	if c.output == "" {
		return usageError{errors.New("--out is required")}
	}
	if c.components < 0 {
		return usageError{fmt.Errorf("--components %d: want 0 or more", c.components)}
	}
	if c.variance != 0 && !(c.variance > 0 && c.variance < 1) {
		return usageError{fmt.Errorf("--variance %g: want a fraction in (0, 1)", c.variance)}
	}
	if c.variance != 0 && c.components != 0 {
		return usageError{errors.New("give --components or --variance, not both")}
	}
	if err := outputDir(c.output); err != nil {
		return err
	}
	rows := shards.Rows(s, shards.Read(s, in.glob, in.momentOptions()))
	opt := decomposition.PCA{NComponents: c.components, VarianceFraction: c.variance, Whiten: c.whiten}
	stats.WritePCA(s, c.output, stats.PCA(s, rows, opt))
	return nil
}

func (c *pcaCommand) report(stdout io.Writer) error {
	for _, f := range stats.PCAFiles {
		fmt.Fprintf(stdout, "wrote %s/%s\n", strings.TrimSuffix(c.output, "/"), f)
	}
	return nil
}

type covarianceCommand struct {
	output      string
	correlation bool
	ddof        int
}

func (c *covarianceCommand) summary() string {
	return `physml-beam covariance: the covariance matrix of all rows of the shards
(divisor n − ddof, as numpy.cov), or with --correlation the correlation
matrix (numpy.corrcoef), written as a p × p .npy file.`
}

func (c *covarianceCommand) register(fs *flag.FlagSet) {
	define(fs, func() {
		fs.StringVar(&c.output, "out", "", "the .npy file to write (required)")
		cli.Renamed(fs, "output", "--out")
		fs.BoolVar(&c.correlation, "correlation", false, "the correlation matrix instead")
		fs.IntVar(&c.ddof, "ddof", 1, "delta degrees of freedom: divisor n − ddof")
	})
}

func (c *covarianceCommand) build(_ context.Context, s beam.Scope, in input, _ io.Writer) error {
	if c.output == "" {
		return usageError{errors.New("--out is required")}
	}
	if c.ddof < 0 {
		return usageError{fmt.Errorf("--ddof %d: want 0 or more", c.ddof)}
	}
	if !strings.HasSuffix(c.output, ".npy") {
		return usageError{fmt.Errorf("--out %s: want a .npy file", c.output)}
	}
	if !strings.Contains(c.output, "://") {
		if err := cli.CheckWritable(filepath.Dir(c.output)); err != nil {
			return err
		}
		if err := cli.CheckOutput(nil, c.output); err != nil {
			return err
		}
	}
	rows := shards.Rows(s, shards.Read(s, in.glob, in.momentOptions()))
	if c.correlation {
		stats.WriteMatrix(s, c.output, stats.Correlation(s, rows))
	} else {
		stats.WriteMatrix(s, c.output, stats.Covariance(s, rows, c.ddof))
	}
	return nil
}

func (c *covarianceCommand) report(stdout io.Writer) error {
	fmt.Fprintf(stdout, "wrote %s\n", c.output)
	return nil
}

type scoreCommand struct {
	model, output, format string
	outputs               []string
}

func (c *scoreCommand) summary() string {
	return `physml-beam score: score every row of the shards with a model saved by
physml (any kind but a forecaster, which reads a series), scaled as in its
training: an autoencoder's or anomaly detector's reconstruction error per
row, a classifier's class probabilities, a regressor's outputs at every
step (a row of steps·outputs per sequence). Writes one file per shard, its
rows in the shard's order:
OUTPUT/NAME.scores.npy (or .csv with --format csv).`
}

func (c *scoreCommand) register(fs *flag.FlagSet) {
	define(fs, func() {
		fs.StringVar(&c.model, "model", "", "the .safetensors file (required)")
		fs.StringVar(&c.output, "out", "", "folder to write the scores into (required)")
		cli.Renamed(fs, "output", "--out")
		fs.StringVar(&c.format, "format", "npy", "npy or csv")
	})
}

func (c *scoreCommand) build(ctx context.Context, s beam.Scope, in input, stdout io.Writer) error {
	if c.model == "" || c.output == "" {
		return usageError{errors.New("--model and --out are required")}
	}
	if c.format != "npy" && c.format != "csv" {
		return usageError{fmt.Errorf("--format %q: want npy or csv", c.format)}
	}
	m, err := scoring.Load(ctx, c.model)
	if err != nil {
		return err
	}
	if m.Kind == saved.Forecaster {
		return fmt.Errorf("%s: a forecaster reads a series, not rows to score: use physml predict", c.model)
	}
	opt := in.options()
	if err := m.CheckWidth(opt.Width); opt.Width != 0 && err != nil {
		return usageError{fmt.Errorf("--width %d: %v", opt.Width, err)}
	}
	var header []string
	switch m.Kind {
	case saved.Classifier:
		for k := range m.Outputs() {
			header = append(header, fmt.Sprintf("p%d", k))
		}
	case saved.Regressor:
		for k := range m.Outputs() {
			header = append(header, fmt.Sprintf("output%d", k))
		}
	case saved.AnomalyDetector:
		header = []string{"score"}
	default:
		header = []string{"reconstruction_error"}
	}
	if opt.Width == 0 && !m.Sequences() {
		opt.Width = m.Features()
	}
	format, ext := shards.Npy, ".npy"
	if c.format == "csv" {
		format, ext = shards.CSV, ".csv"
	}
	matched, err := shards.Match(ctx, in.glob)
	if err != nil {
		return err
	}
	if err := shards.CheckOutputNames(matched, c.output, ".scores", ext); err != nil {
		return usageError{err}
	}
	if err := outputDir(c.output); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %v, inputs: %s\n", c.model, m.Kind, m.Scaling)
	scores := scoring.Score(s, c.model, shards.Read(s, in.glob, opt))
	shards.WriteShards(s, c.output, ".scores", format, header, scores)
	return nil
}

func (c *scoreCommand) report(stdout io.Writer) error {
	fmt.Fprintf(stdout, "wrote the scores of each shard into %s\n", c.output)
	return nil
}
