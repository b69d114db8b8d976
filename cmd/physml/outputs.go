package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/fileio"
)

// outputFile is one file a command writes: its name in --out and content.
type outputFile struct {
	name string
	data []byte
}

// outputs collects the files a command writes, in order, and the first
// error of making one: nothing is written unless every file is ready.
type outputs struct {
	files []outputFile
	err   error
	csv   bool // table writes CSV files, not .npy
}

// add adds the file name, whose content data was made with error err.
func (o *outputs) add(name string, data []byte, err error) {
	if o.err == nil && err != nil {
		o.err = fmt.Errorf("%s: %w", name, err)
	}
	o.files = append(o.files, outputFile{name, data})
}

// file returns a function that adds the file name with the content and
// error it is given, as a figure is returned:
// out.file("loss.png")(figures.Curves(…)).
func (o *outputs) file(name string) func([]byte, error) {
	return func(data []byte, err error) { o.add(name, data, err) }
}

// npy adds name, an .npy file of data in the given shape.
func (o *outputs) npy(name string, shape []int, data []float64) {
	b, err := dataset.EncodeNpy(shape, data)
	o.add(name, b, err)
}

// table adds name.npy, an array of the given shape, or, when o.csv is
// set, name.csv: a row per first index under header, a column name per
// value of a row.
func (o *outputs) table(name string, shape []int, data []float64, header []string) {
	if o.csv {
		o.file(name + ".csv")(dataset.EncodeCSV(header, data))
		return
	}
	o.npy(name+".npy", shape, data)
}

// json adds name, v as indented JSON.
func (o *outputs) json(name string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	o.add(name, append(b, '\n'), err)
}

// rows adds test_rows.npy: the input row (0-based) of each test row, in
// the order of the per-row outputs beside it (codes.npy,
// probabilities.npy, predictions.npy).
func (o *outputs) rows(rows []int) {
	v := make([]float64, len(rows))
	for i, r := range rows {
		v[i] = float64(r)
	}
	o.npy("test_rows.npy", []int{len(rows)}, v)
}

// write writes the files into --out, making the folder first, and prints
// their paths; nothing is written before every file is ready.
func (c *common) write(out *outputs, stdout io.Writer) error {
	_, err := c.writeFiles(out, stdout, "")
	return err
}

// saveInterrupted writes what a training run stopped by a signal after
// epochs complete epochs has and returns the error that stopped it.
func (c *common) saveInterrupted(out *outputs, epochs int, stdout io.Writer, stopped error) error {
	if _, err := c.writeFiles(out, stdout, fmt.Sprintf("interrupted after %d complete epochs; ", epochs)); err != nil {
		return err
	}
	return stopped
}

// writeFiles writes the files of out into --out and prints their paths
// after prefix. It returns the paths written.
func (c *common) writeFiles(out *outputs, stdout io.Writer, prefix string) ([]string, error) {
	if out.err != nil {
		return nil, out.err
	}
	for _, f := range out.files {
		if err := checkOutput(c.fs, c.path(f.name)); err != nil {
			return nil, err
		}
	}
	if err := c.makeOut(); err != nil {
		return nil, err
	}
	var paths []string
	for _, f := range out.files {
		if err := fileio.WriteAtomic(c.path(f.name), f.data); err != nil {
			return paths, err
		}
		paths = append(paths, c.path(f.name))
	}
	fmt.Fprintf(stdout, "%swrote %s\n", prefix, strings.Join(paths, ", "))
	return paths, nil
}

// checkOutput returns an error if path cannot be written as an output: it
// is there and not a regular file (a device, a FIFO, a folder, a link), or
// it is one of the files the command's flags name as inputs.
func checkOutput(fs *flag.FlagSet, path string) error {
	if err := fileio.CheckDestination(path); err != nil {
		return err
	}
	var err error
	if fs != nil {
		fs.VisitAll(func(f *flag.Flag) {
			if v := f.Value.String(); err == nil && v != "" && fileio.SameFile(v, path) {
				err = fmt.Errorf("%s would replace the --%s file %s: choose another --out", path, f.Name, v)
			}
		})
	}
	return err
}
