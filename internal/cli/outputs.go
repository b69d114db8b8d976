package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/fileio"
)

// File is one file a command writes: its name in the output folder and its
// content.
type File struct {
	Name string
	Data []byte
}

// Outputs collects the files a command writes, in order, and the first
// error of making one: nothing is written unless every file is ready.
type Outputs struct {
	Files []File
	Err   error
	CSV   bool // Table writes CSV files, not .npy
}

// Add adds the file name, whose content data was made with error err.
func (o *Outputs) Add(name string, data []byte, err error) {
	if o.Err == nil && err != nil {
		o.Err = fmt.Errorf("%s: %w", name, err)
	}
	o.Files = append(o.Files, File{name, data})
}

// File returns a function that adds the file name with the content and
// error it is given, as a figure is returned:
// out.File("loss.png")(figures.Curves(…)).
func (o *Outputs) File(name string) func([]byte, error) {
	return func(data []byte, err error) { o.Add(name, data, err) }
}

// Npy adds name, an .npy file of data in the given shape.
func (o *Outputs) Npy(name string, shape []int, data []float64) {
	b, err := dataset.EncodeNpy(shape, data)
	o.Add(name, b, err)
}

// Table adds name.npy, an array of the given shape, or, when o.CSV is set,
// name.csv: a row per first index under header, a column name per value
// of a row.
func (o *Outputs) Table(name string, shape []int, data []float64, header []string) {
	if o.CSV {
		o.File(name + ".csv")(dataset.EncodeCSV(header, data))
		return
	}
	o.Npy(name+".npy", shape, data)
}

// JSON adds name, v as indented JSON.
func (o *Outputs) JSON(name string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	o.Add(name, append(b, '\n'), err)
}

// Rows adds test_rows.npy, the input row (0-based) of each test row in
// the order of the per-row outputs beside it, and split.npy, a code per
// input row (nn.SplitCodes: 0 training, 1 validation, 2 test).
func (o *Outputs) Rows(rows []int, split []float64) {
	v := make([]float64, len(rows))
	for i, r := range rows {
		v[i] = float64(r)
	}
	o.Npy("test_rows.npy", []int{len(rows)}, v)
	o.Npy("split.npy", []int{len(split)}, split)
}

// Write writes the files into dir, making it first, and prints their
// paths after prefix on stdout. Before anything is written it refuses a
// destination that is not a regular file (a device, a FIFO, a folder, a
// link) or that is one of the files the flags of inputs name; each file
// is written atomically (fileio.WriteAtomic). It returns the paths
// written.
func (o *Outputs) Write(dir string, inputs *flag.FlagSet, stdout io.Writer, prefix string) ([]string, error) {
	if o.Err != nil {
		return nil, o.Err
	}
	for _, f := range o.Files {
		if err := CheckOutput(inputs, filepath.Join(dir, f.Name)); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	var paths []string
	for _, f := range o.Files {
		path := filepath.Join(dir, f.Name)
		if err := fileio.WriteAtomic(path, f.Data); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	fmt.Fprintf(stdout, "%swrote %s\n", prefix, strings.Join(paths, ", "))
	return paths, nil
}

// CheckOutput returns an error if path cannot be written as an output: it
// is there and not a regular file (a device, a FIFO, a folder, a link), or
// it is one of the files the flags of inputs name.
func CheckOutput(inputs *flag.FlagSet, path string) error {
	if err := fileio.CheckDestination(path); err != nil {
		return err
	}
	var err error
	if inputs != nil {
		inputs.VisitAll(func(f *flag.Flag) {
			if v := f.Value.String(); err == nil && v != "" && fileio.SameFile(v, path) {
				err = fmt.Errorf("%s would replace the --%s file %s: choose another --out", path, f.Name, v)
			}
		})
	}
	return err
}

// CheckWritable returns an error unless dir is a folder the command can
// write in, or can be made inside one, without making anything: an output
// that cannot be written is found before the work, and a failed run
// leaves no empty folder.
func CheckWritable(dir string) error {
	for p := dir; ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) && filepath.Dir(p) != p {
			continue
		}
		if err != nil {
			return fmt.Errorf("--out %s: %v", dir, err)
		}
		if !st.IsDir() {
			return fmt.Errorf("--out %s: %s is not a folder", dir, p)
		}
		probe, err := os.CreateTemp(p, ".physml-probe-*")
		if err != nil {
			return fmt.Errorf("--out %s: cannot write in %s: %v", dir, p, errors.Unwrap(err))
		}
		probe.Close()
		os.Remove(probe.Name())
		return nil
	}
}
