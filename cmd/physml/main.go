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

	"github.com/physml/physml/internal/cli"
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
		{"covariance", "covariance and correlation: the lecture's example, or of your table (--input)", runCovariance},
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
		case errors.As(err, new(cli.UsageError)):
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

// usageError returns err as a bad flag or argument (cli.UsageError): exit
// code 2.
func usageError(err error) error { return cli.UsageError{Err: err} }

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
		cli.PrintFlags(stdout, fs)
	}
	return fs
}

// parseFlags parses args (cli.Parse) and refuses arguments that are not
// flags.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	return nil
}
