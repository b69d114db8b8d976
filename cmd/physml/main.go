// Command physml reproduces the machine-learning examples of an advanced
// physical-sciences course — recurrent networks on MNIST, autoencoders,
// principal component analysis — on OpenBLAS (built with -tags netlib) or on
// gonum's pure-Go BLAS.
//
// Usage:
//
//	physml <command> [flags]
//
// Run "physml help" for the list of commands and "physml <command> --help"
// for the flags of one.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// command is one subcommand of physml.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"lstm", "train the lecture's MNIST row-by-row LSTM classifier, or one on your sequences (--input)", runLSTM},
		{"autoencoder", "train the lecture's MNIST autoencoder (or one on your data) and picture its reconstructions", runAutoencoder},
		{"anomaly", "anomaly detection with an autoencoder trained on normal data (your data, --example signals, or MNIST digits)", runAnomaly},
		{"vae", "train a variational autoencoder on MNIST (or your data) and draw samples from it", runVAE},
		{"pca", "principal component analysis of MNIST or of a .csv/.npy file", runPCA},
		{"forecast", "forecast a time series (your CSV, or --example sunspots|co2) against persistence and linear AR", runForecast},
		{"linear-ae", "train a linear autoencoder and compare it with PCA", runLinearAE},
		{"covariance", "the lecture's covariance and correlation example", runCovariance},
		{"eval", "evaluate a saved model on the MNIST test set or on your data", runEval},
		{"predict", "apply any saved model to new data: classes, codes, reconstructions, scores or a forecast", runPredict},
		{"export", "write a saved classifier or autoencoder as an ONNX model", runExport},
		{"version", "print the module version, Go version, BLAS/LAPACK backend and threads", runVersion},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the process exit code:
// 0 on success, 1 when the command failed, 2 for a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr) // a usage error: the list goes to stderr
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, new(usageError)):
			fmt.Fprintf(stderr, "physml %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "physml %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "physml: unknown command %q; run \"physml help\"\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "physml reproduces the lecture's machine-learning examples.")
	fmt.Fprintln(w, "\nUsage: physml <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
}

// usageError is a bad flag or argument: exit code 2.
type usageError struct{ error }

// lastFlagSet is the flag set newFlagSet made last; the help test reads it
// to check that --help lists every flag.
var lastFlagSet *flag.FlagSet

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its help to stdout, with every flag spelled --name.
func newFlagSet(name, summary string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	lastFlagSet = fs
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: physml %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		printFlags(stdout, fs)
	}
	return fs
}

// printFlags prints the flags of fs as flag.PrintDefaults does, spelled
// --name, without the renamed ones.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	fs.VisitAll(func(f *flag.Flag) {
		if _, old := f.Value.(*renamedFlag); !old {
			shown.Var(f.Value, f.Name, f.Usage)
			shown.Lookup(f.Name).DefValue = f.DefValue
		}
	})
	var b strings.Builder
	shown.SetOutput(&b)
	shown.PrintDefaults()
	io.WriteString(w, dashes(b.String()))
}

// dashes spells the flags of flag's messages and listings --name.
func dashes(s string) string {
	return singleDash.ReplaceAllString(s, "$1--$2")
}

// singleDash matches a flag spelled -name after a space or a line start.
var singleDash = regexp.MustCompile(`(^|\s)-([a-z][a-z0-9-]*)`)

// renamedFlag is a spelling of an earlier version: setting it is an error
// that names the flag to use now (parseFlags reports the hint).
type renamedFlag struct {
	hint string
	used bool
}

func (r *renamedFlag) String() string { return "" }
func (r *renamedFlag) Set(string) error {
	r.used = true
	return errors.New(r.hint)
}
func (r *renamedFlag) IsBoolFlag() bool { return true }

// renamed registers the earlier spelling old, which is refused with hint.
func renamed(fs *flag.FlagSet, old, hint string) {
	fs.Var(&renamedFlag{hint: "--" + old + " is now " + hint}, old, hint)
}

// parseFlags parses args, turning flag errors into usage errors (one
// line, flags spelled --name; a renamed flag names its new spelling); -h
// and --help print the usage once, with every flag.
func parseFlags(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {} // errors are reported once, by run
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return err
	}
	if err != nil {
		var hint error
		fs.VisitAll(func(f *flag.Flag) {
			if r, ok := f.Value.(*renamedFlag); ok && r.used {
				hint = errors.New(r.hint)
			}
		})
		if hint != nil {
			return usageError{hint}
		}
		return usageError{errors.New(dashes(err.Error()))}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}
