// Package cli holds what the physml and physml-beam commands share: flags
// spelled --name with earlier spellings refused by a hint, usage errors,
// the files a command writes (all made before the first is written, each
// written atomically), and the signal handling of a long run.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// UsageError is a bad flag or argument: the commands exit with code 2.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError of the formatted message.
func Usagef(format string, a ...any) error { return UsageError{fmt.Errorf(format, a...)} }

// RenamedFlag is a spelling of an earlier version: setting it is an error
// whose message names the flag to use now.
type RenamedFlag struct {
	hint string
	used bool
}

func (r *RenamedFlag) String() string { return "" }

// Set records the use and returns the hint as its error.
func (r *RenamedFlag) Set(string) error {
	r.used = true
	return errors.New(r.hint)
}

// IsBoolFlag lets the earlier spelling stand with or without a value.
func (r *RenamedFlag) IsBoolFlag() bool { return true }

// Renamed registers the earlier spelling old on fs: using it is a usage
// error "--old is now now".
func Renamed(fs *flag.FlagSet, old, now string) {
	fs.Var(&RenamedFlag{hint: "--" + old + " is now " + now}, old, "renamed: "+now)
}

// IsRenamed reports whether f is an earlier spelling (Renamed).
func IsRenamed(f *flag.Flag) bool {
	_, old := f.Value.(*RenamedFlag)
	return old
}

// Parse parses args with fs. A flag error is a UsageError of one line with
// flags spelled --name (an earlier spelling: its hint), and nothing is
// printed; -h and --help call fs.Usage once and return flag.ErrHelp.
func Parse(fs *flag.FlagSet, args []string) error {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {} // errors are reported once, by the caller
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return err
	}
	if err != nil {
		var hint error
		fs.VisitAll(func(f *flag.Flag) {
			if r, ok := f.Value.(*RenamedFlag); ok && r.used {
				hint = errors.New(r.hint)
			}
		})
		if hint != nil {
			return UsageError{hint}
		}
		return UsageError{errors.New(Dashes(err.Error()))}
	}
	return nil
}

// PrintFlags writes the flags of fs as flag.PrintDefaults does, spelled
// --name, without the earlier spellings.
func PrintFlags(w io.Writer, fs *flag.FlagSet) {
	shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	fs.VisitAll(func(f *flag.Flag) {
		if !IsRenamed(f) {
			shown.Var(f.Value, f.Name, f.Usage)
			shown.Lookup(f.Name).DefValue = f.DefValue
		}
	})
	var b strings.Builder
	shown.SetOutput(&b)
	shown.PrintDefaults()
	io.WriteString(w, Dashes(b.String()))
}

// Dashes spells the flags in the flag package's messages and listings
// --name.
func Dashes(s string) string { return singleDash.ReplaceAllString(s, "$1--$2") }

// singleDash matches a flag spelled -name after a space or a line start.
var singleDash = regexp.MustCompile(`(^|\s)-([a-z][a-z0-9-]*)`)
