// Package shards reads data sharded over many files — .npy arrays and CSV
// tables matched by a glob, on any file system Beam knows (local, gs://, …)
// — into a Beam pipeline, and writes results back as .npy or CSV.
//
// Read emits Blocks: runs of consecutive rows of one shard, which keep the
// shard's name and the rows' place in it, so that an error can name the
// file and the row and results can be written shard by shard in the order
// of their input. Every shard must hold rows of the same width (the width
// given, or that of the first shard in name order), and every value must be
// finite: a shard that breaks either fails the pipeline with an error
// naming it and the row.
package shards

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/physml/physml/dataset"
)

func init() {
	beam.RegisterType(reflect.TypeOf((*Block)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*shardWidth)(nil)).Elem())
	register.DoFn3x1[context.Context, fileio.ReadableFile, func(shardWidth), error](&widthFn{})
	register.Emitter1[shardWidth]()
	register.DoFn4x1[context.Context, fileio.ReadableFile, shardWidth, func(Block), error](&readFn{})
	register.Emitter1[Block]()
	register.Function2x1(firstShard)
	register.DoFn2x0[Block, func([]float64)](&rowsFn{})
	register.Emitter1[[]float64]()
}

// Block is a run of consecutive rows of one shard.
type Block struct {
	File       string    // the shard's path
	Row        int       // the index in the shard of the first row, from 0
	Rows, Cols int       // the block holds Rows rows of Cols values
	Data       []float64 // Rows × Cols, row-major
}

// At returns row i of the block.
func (b Block) At(i int) []float64 { return b.Data[i*b.Cols : (i+1)*b.Cols] }

// Format is the format of the shards.
type Format int

// The formats Read takes.
const (
	ByExtension Format = iota // .npy → Npy, .csv and .txt → CSV (either may end in .gz)
	Npy                       // NumPy arrays: 2-D (rows × values), 1-D (one value per row) or n-D (rows × the product of the others)
	CSV                       // numeric tables, with or without a header
)

// Options tune Read.
type Options struct {
	Format Format
	// Width is the number of values each row must hold; 0 takes the
	// width of the first shard in name order.
	Width int
	// BlockRows is the most rows in a Block (default 1024).
	BlockRows int
	// CSV are the options of CSV shards (a label column to leave out, the
	// separator). Its Limits bound each shard: MaxBytes the values held in
	// memory (default dataset.MaxBytes), Rows the rows read from each.
	CSV dataset.CSVOptions
	// Limits bound each .npy shard as CSV.Limits do CSV shards.
	Limits dataset.Limits
	// MaxAbs, when positive, refuses values of larger magnitude, naming
	// shard, row and column: co-moments (Σxᵢxⱼ) overflow beyond about
	// 1e154, where the error would surface only in Beam's coder.
	MaxAbs float64
}

// MomentsMaxAbs is the MaxAbs of a pipeline that sums co-moments.
const MomentsMaxAbs = 1e150

func (o Options) format(file string) (Format, error) {
	if o.Format != ByExtension {
		return o.Format, nil
	}
	name := strings.TrimSuffix(strings.ToLower(path.Base(file)), ".gz")
	switch path.Ext(name) {
	case ".npy":
		return Npy, nil
	case ".csv", ".txt":
		return CSV, nil
	}
	return 0, fmt.Errorf("%s: not .npy, .csv or .txt; say the format", file)
}

// Read reads the shards that glob matches into a PCollection of Blocks. No
// match is an error.
func Read(s beam.Scope, glob string, opt Options) beam.PCollection {
	s = s.Scope("shards.Read")
	if opt.BlockRows <= 0 {
		opt.BlockRows = 1024
	}
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, glob, fileio.MatchEmptyDisallow()), fileio.ReadDirectoryDisallow())
	var ref beam.PCollection
	if opt.Width > 0 {
		ref = beam.Create(s, shardWidth{Width: opt.Width})
	} else {
		ref = beam.Combine(s, firstShard, beam.ParDo(s, &widthFn{Opt: opt}, files))
	}
	return beam.ParDo(s, &readFn{Opt: opt}, files, beam.SideInput{Input: ref})
}

// Rows turns a PCollection of Blocks into one of rows ([]float64).
func Rows(s beam.Scope, blocks beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("shards.Rows"), &rowsFn{}, blocks)
}

type rowsFn struct{}

func (*rowsFn) ProcessElement(b Block, emit func([]float64)) {
	for i := range b.Rows {
		emit(b.At(i))
	}
}

// shardWidth is the width of a shard's rows; File is empty when the width
// was given.
type shardWidth struct {
	File  string
	Width int
}

// firstShard keeps the width of the shard first in name order.
func firstShard(a, b shardWidth) shardWidth {
	if b.File < a.File {
		return b
	}
	return a
}

// widthFn reads the header (and first row) of each shard for its width.
type widthFn struct{ Opt Options }

func (fn *widthFn) ProcessElement(ctx context.Context, f fileio.ReadableFile, emit func(shardWidth)) error {
	opt := fn.Opt
	opt.Limits.Rows, opt.CSV.Limits.Rows = 1, 1
	a, err := readShard(ctx, f, opt)
	if err != nil {
		return err
	}
	emit(shardWidth{File: f.Metadata.Path, Width: a.Cols})
	return nil
}

// readFn reads each shard, checks its width against the reference and its
// values, and emits it in Blocks.
type readFn struct{ Opt Options }

func (fn *readFn) ProcessElement(ctx context.Context, f fileio.ReadableFile, ref shardWidth, emit func(Block)) error {
	name := f.Metadata.Path
	a, err := readShard(ctx, f, fn.Opt)
	if err != nil {
		return err
	}
	if a.Cols != ref.Width {
		if ref.File == "" {
			return fmt.Errorf("%s, row 0: %d values per row; the pipeline reads rows of %d", name, a.Cols, ref.Width)
		}
		return fmt.Errorf("%s, row 0: %d values per row, but the first shard, %s, has %d", name, a.Cols, ref.File, ref.Width)
	}
	for k, v := range a.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s, row %d, column %d: %v", name, k/a.Cols, k%a.Cols, v)
		}
		if fn.Opt.MaxAbs > 0 && math.Abs(v) > fn.Opt.MaxAbs {
			return fmt.Errorf("%s, row %d, column %d: %g is beyond ±%g, where the sums of products overflow: rescale the data", name, k/a.Cols, k%a.Cols, v, fn.Opt.MaxAbs)
		}
	}
	for r := 0; r < a.Rows; r += fn.Opt.BlockRows {
		n := min(fn.Opt.BlockRows, a.Rows-r)
		emit(Block{File: name, Row: r, Rows: n, Cols: a.Cols, Data: a.Data[r*a.Cols : (r+n)*a.Cols]})
	}
	return nil
}

// table is a shard's rows.
type table struct {
	Rows, Cols int
	Data       []float64
}

// readShard reads the shard f (decompressed when its name ends in .gz),
// with errors that name it. An error's invalid UTF-8 (a CSV header's
// Latin-1 byte) is replaced by U+FFFD: the runner loses a message that is
// not UTF-8, and reports its own internals instead.
func readShard(ctx context.Context, f fileio.ReadableFile, opt Options) (table, error) {
	t, err := readShardBytes(ctx, f, opt)
	if err != nil && !utf8.ValidString(err.Error()) {
		err = errors.New(strings.ToValidUTF8(err.Error(), "\uFFFD"))
	}
	return t, err
}

// readShardBytes is readShard before its error is made valid UTF-8.
func readShardBytes(ctx context.Context, f fileio.ReadableFile, opt Options) (table, error) {
	name := f.Metadata.Path
	format, err := opt.format(name)
	if err != nil {
		return table{}, err
	}
	if err := checkRegular(name); err != nil {
		return table{}, err
	}
	r, err := f.Open(ctx)
	if err != nil {
		return table{}, fmt.Errorf("%s: %w", name, err)
	}
	defer r.Close()
	t, err := decode(r, format, f.Metadata.Size, strings.HasSuffix(strings.ToLower(name), ".gz"), opt)
	if err != nil {
		return table{}, fmt.Errorf("%s: %w", name, err)
	}
	return t, nil
}

// checkRegular refuses a local shard that is not a regular file after its
// links are followed — a FIFO would block the reader, a link to /dev/zero
// would be read without end — as physml itself refuses such inputs.
// Shards of other file systems (gs://, …) are objects, read as they are.
func checkRegular(name string) error {
	if strings.Contains(name, "://") {
		return nil
	}
	st, err := os.Stat(name)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file (%v); physml reads only regular files", name, st.Mode().Type())
	}
	return nil
}

func decode(r io.Reader, format Format, size int64, compressed bool, opt Options) (table, error) {
	if format == CSV {
		t, err := dataset.ParseCSV(r, opt.CSV)
		if err != nil {
			return table{}, err
		}
		return table{Rows: t.Rows, Cols: t.Cols, Data: t.Data}, nil
	}
	if compressed {
		size = -1
	}
	a, err := dataset.DecodeNpy(r, size, opt.Limits)
	if err != nil {
		return table{}, err
	}
	if len(a.Shape) == 0 {
		return table{}, fmt.Errorf("a 0-d array (shape ()) holds no rows")
	}
	cols := 1
	for _, d := range a.Shape[1:] {
		cols *= d
	}
	if cols == 0 {
		return table{}, fmt.Errorf("shape %v: rows of no values", a.Shape)
	}
	return table{Rows: a.Shape[0], Cols: cols, Data: a.Data}, nil
}
