package shards_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/physml/physml/beam/internal/beamtest"
	"github.com/physml/physml/beam/shards"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

// roundTrip reads the shards of glob and writes their blocks back, one
// .npy per shard, into a new folder, which it returns.
func roundTrip(t *testing.T, glob string, opt shards.Options) (string, error) {
	t.Helper()
	out := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	shards.WriteShards(s, out, ".copy", shards.Npy, nil, shards.Read(s, glob, opt))
	return out, beamtest.Run(p)
}

func readBack(t *testing.T, path string) *dataset.Array {
	t.Helper()
	a, err := dataset.ReadNpy(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestReadNpyCSVAndGzipShards(t *testing.T) {
	dir := t.TempDir()
	// A 3-D .npy (rows of 2 × 3 values, flattened), a gzipped .npy and a CSV
	// with a header and a label column to leave out.
	cube := make([]float64, 5*6)
	for i := range cube {
		cube[i] = float64(i) / 7
	}
	b, err := dataset.EncodeNpy([]int{5, 2, 3}, cube)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.npy"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	b2, err := dataset.EncodeNpy([]int{2, 6}, cube[:12])
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(b2)
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "b.npy.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	csv := "class,x0,x1,x2,x3,x4,x5\n1,0.5,1,1.5,2,2.5,3\n0,-1,-2,-3,-4,-5,-6\n"
	if err := os.WriteFile(filepath.Join(dir, "c.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := roundTrip(t, filepath.Join(dir, "*"), shards.Options{BlockRows: 2, CSV: dataset.CSVOptions{LabelColumn: "class"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		shape []int
		want  []float64
	}{
		{"a.npy", []int{5, 6}, cube},
		{"b.npy.gz", []int{2, 6}, cube[:12]},
		{"c.csv", []int{2, 6}, []float64{0.5, 1, 1.5, 2, 2.5, 3, -1, -2, -3, -4, -5, -6}},
	} {
		a := readBack(t, shards.OutputName(out, c.name, ".copy", ".npy"))
		if len(a.Shape) != 2 || a.Shape[0] != c.shape[0] || a.Shape[1] != c.shape[1] {
			t.Errorf("%s: shape %v; want %v", c.name, a.Shape, c.shape)
		}
		numcheck.Close(t, c.name, a.Data, c.want, 0)
	}
}

func TestOutputName(t *testing.T) {
	for _, c := range []struct{ shard, want string }{
		{"/data/shard-00.npy", "out/shard-00.scores.npy"},
		{"gs://b/x/run.2024.csv.gz", "out/run.2024.scores.npy"},
		{"plain", "out/plain.scores.npy"},
	} {
		if got := shards.OutputName("out/", c.shard, ".scores", ".npy"); got != c.want {
			t.Errorf("OutputName(%q) = %q; want %q", c.shard, got, c.want)
		}
	}
}

func TestReadRefusesBadShards(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		make func(dir string) error
		opt  shards.Options
		want string
	}{
		{"width option", func(dir string) error {
			return shards.WriteNpy(ctx, filepath.Join(dir, "a.npy"), 2, 3, make([]float64, 6))
		},
			shards.Options{Width: 4}, "a.npy, row 0: 3 values per row; the pipeline reads rows of 4"},
		{"Inf", func(dir string) error {
			return shards.WriteNpy(ctx, filepath.Join(dir, "a.npy"), 3, 2, []float64{0, 1, 2, 3, math.Inf(1), 5})
		}, shards.Options{}, "a.npy, row 2, column 0: +Inf"},
		{"unknown extension", func(dir string) error { return os.WriteFile(filepath.Join(dir, "a.parquet"), []byte("x"), 0o644) },
			shards.Options{}, "a.parquet: not .npy, .csv or .txt"},
		{"ragged CSV", func(dir string) error { return os.WriteFile(filepath.Join(dir, "a.csv"), []byte("1,2\n3\n"), 0o644) },
			shards.Options{}, "a.csv"},
		{"0-d npy", func(dir string) error {
			b, err := dataset.EncodeNpy([]int{}, []float64{1})
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "a.npy"), b, 0o644)
		}, shards.Options{}, "0-d array"},
		// Not a regular file (issue 31 M9): a link to /dev/zero was read
		// for 2 GiB.
		{"link to /dev/zero", func(dir string) error { return os.Symlink("/dev/zero", filepath.Join(dir, "a.csv")) },
			shards.Options{}, "a.csv: not a regular file"},
		{"shard over the memory bound", func(dir string) error {
			return shards.WriteNpy(ctx, filepath.Join(dir, "a.npy"), 100, 10, make([]float64, 1000))
		},
			shards.Options{Limits: dataset.Limits{MaxBytes: 4000}}, "a.npy: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := c.make(dir); err != nil {
				t.Fatal(err)
			}
			out, err := roundTrip(t, filepath.Join(dir, "*"), c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one with %q", err, c.want)
			}
			if files, _ := os.ReadDir(out); len(files) != 0 {
				t.Errorf("the failed pipeline wrote %d files", len(files))
			}
		})
	}
}
