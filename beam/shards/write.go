package shards

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/fileio"
)

func init() {
	register.Function1x2(keyByFile)
	register.DoFn3x1[context.Context, string, func(*Block) bool, error](&writeShardFn{})
	register.Iter1[Block]()
}

// WriteFile writes data to path: atomically (a temporary file renamed) on
// the local file system, through Beam's file system elsewhere (gs://, …,
// whose objects appear whole when written).
func WriteFile(ctx context.Context, name string, data []byte) error {
	if !strings.Contains(name, "://") {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		return fileio.WriteAtomic(name, data)
	}
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, name)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// WriteNpy writes rows × cols values as a float64 .npy file; cols = 0
// writes a 1-D array of rows values.
func WriteNpy(ctx context.Context, name string, rows, cols int, data []float64) error {
	shape := []int{rows, cols}
	if cols == 0 {
		shape = shape[:1]
	}
	b, err := dataset.EncodeNpy(shape, data)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return WriteFile(ctx, name, b)
}

// WriteCSV writes rows of len(header) values as a CSV table under the
// header, each value in the shortest form that reads back exactly.
func WriteCSV(ctx context.Context, name string, header []string, data []float64) error {
	var b bytes.Buffer
	b.WriteString(strings.Join(header, ",") + "\n")
	for k, v := range data {
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		if (k+1)%len(header) == 0 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(',')
		}
	}
	return WriteFile(ctx, name, b.Bytes())
}

// OutputName returns the file WriteShards writes for shard: in dir, the
// shard's base name without its extension (and .gz), then suffix and ext.
func OutputName(dir, shard, suffix, ext string) string {
	base := strings.TrimSuffix(path.Base(shard), ".gz")
	base = strings.TrimSuffix(base, path.Ext(base))
	return strings.TrimSuffix(dir, "/") + "/" + base + suffix + ext
}

// CheckOutputNames returns an error naming both shards when two of the
// shards would write the same OutputName (a/part.csv and b/part.csv,
// x.npy and x.csv, x.npy and x.npy.gz): run it on the matched shards
// before WriteShards, which would merge them into one file.
func CheckOutputNames(shards []string, dir, suffix, ext string) error {
	seen := map[string]string{}
	for _, shard := range shards {
		name := OutputName(dir, shard, suffix, ext)
		if other, ok := seen[name]; ok {
			return fmt.Errorf("%s and %s would both write %s: rename one, or score them apart", other, shard, name)
		}
		seen[name] = shard
	}
	return nil
}

// Match returns the files that glob matches, through Beam's file systems
// (local, gs://, …), in name order.
func Match(ctx context.Context, glob string) ([]string, error) {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	files, err := fs.List(ctx, glob)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", glob, err)
	}
	slices.Sort(files)
	return files, nil
}

// WriteShards writes Blocks as one file per input shard, its rows in the
// order of the shard's: OutputName(dir, shard, suffix, ".npy") (format
// Npy) or ".csv" (CSV, with columns named by header). Shards whose names
// differ only in folder or extension would write the same file:
// CheckOutputNames finds them before the pipeline runs.
func WriteShards(s beam.Scope, dir, suffix string, format Format, header []string, blocks beam.PCollection) {
	s = s.Scope("shards.WriteShards")
	grouped := beam.GroupByKey(s, beam.ParDo(s, keyByFile, blocks))
	beam.ParDo0(s, &writeShardFn{Dir: dir, Suffix: suffix, Format: format, Header: header}, grouped)
}

func keyByFile(b Block) (string, Block) { return b.File, b }

type writeShardFn struct {
	Dir, Suffix string
	Format      Format
	Header      []string
}

func (fn *writeShardFn) ProcessElement(ctx context.Context, file string, blocks func(*Block) bool) error {
	var all []Block
	var b Block
	for blocks(&b) {
		all = append(all, b)
	}
	slices.SortFunc(all, func(a, b Block) int { return a.Row - b.Row })
	var data []float64
	next, cols := 0, 0
	for _, b := range all {
		if b.Row != next {
			return fmt.Errorf("%s: results of rows %d–%d are missing", file, next, b.Row-1)
		}
		data = append(data, b.Data...)
		next, cols = b.Row+b.Rows, b.Cols
	}
	if fn.Format == CSV {
		header := fn.Header
		if steps := cols / max(len(header), 1); cols > len(header) && cols%len(header) == 0 {
			// Values at every step (a regressor's): name_step.
			header = nil
			for t := range steps {
				for _, h := range fn.Header {
					header = append(header, fmt.Sprintf("%s_step%d", h, t))
				}
			}
		}
		return WriteCSV(ctx, OutputName(fn.Dir, file, fn.Suffix, ".csv"), header, data)
	}
	if cols == 1 {
		cols = 0 // one score per row: a 1-D array
	}
	return WriteNpy(ctx, OutputName(fn.Dir, file, fn.Suffix, ".npy"), next, cols, data)
}
