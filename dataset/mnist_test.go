package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/internal/mnistdir"
	"github.com/physml/physml/internal/numcheck"
)

func TestLoadMNISTFromModuleCache(t *testing.T) {
	dir, err := mnistdir.Find()
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 || train.Rows != 28 || train.Cols != 28 {
		t.Fatalf("train %d, test %d images of %d×%d", train.Len(), test.Len(), train.Rows, train.Cols)
	}
	// Known facts of MNIST: the first training labels and the pixel mean.
	if got := train.Labels[:5]; got[0] != 5 || got[1] != 0 || got[2] != 4 || got[3] != 1 || got[4] != 9 {
		t.Errorf("first training labels %v, want [5 0 4 1 9]", got)
	}
	var sum float64
	for _, p := range train.Pixels {
		sum += float64(p)
	}
	if mean := sum / float64(len(train.Pixels)) / 255; !numcheck.Within(math.Abs(mean-MNISTMean), 1e-4) {
		t.Errorf("training pixel mean %.5f, want %.4f", mean, MNISTMean)
	}
}

func idxBytes(magic [4]byte, dims []uint32, data []byte) []byte {
	out := append([]byte(nil), magic[:]...)
	for _, d := range dims {
		out = binary.BigEndian.AppendUint32(out, d)
	}
	return append(out, data...)
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestReadIDXPlainAndGzip(t *testing.T) {
	raw := idxBytes([4]byte{0, 0, 8, 3}, []uint32{2, 2, 3}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	for name, b := range map[string][]byte{"plain": raw, "gzip": gz(raw)} {
		idx, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(idx.Dims) != 3 || idx.Dims[2] != 3 || idx.Data[11] != 12 {
			t.Errorf("%s: got %v %v", name, idx.Dims, idx.Data)
		}
	}
}

func TestCorruptIDXErrorsNameTheProblem(t *testing.T) {
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty":         {nil, "magic number"},
		"bad magic":     {idxBytes([4]byte{1, 2, 8, 1}, []uint32{1}, []byte{0}), "magic number"},
		"float type":    {idxBytes([4]byte{0, 0, 0x0d, 1}, []uint32{1}, []byte{0, 0, 0, 0}), "data type"},
		"no dims":       {[]byte{0, 0, 8, 3, 0, 0}, "dimension"},
		"truncated":     {idxBytes([4]byte{0, 0, 8, 2}, []uint32{3, 4}, make([]byte, 11)), "truncated"},
		"too long":      {idxBytes([4]byte{0, 0, 8, 1}, []uint32{3}, make([]byte, 4)), "longer"},
		"huge claim":    {idxBytes([4]byte{0, 0, 8, 3}, []uint32{1 << 31, 1 << 31, 4}, nil), "claim"},
		"gzip garbage":  {[]byte{0x1f, 0x8b, 1, 2, 3}, "gzip"},
		"gzip truncate": {gz(idxBytes([4]byte{0, 0, 8, 1}, []uint32{100}, make([]byte, 100)))[:30], "data"},
	}
	for name, c := range cases {
		_, err := ReadIDX(bytes.NewReader(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
	}
}

func TestLoadMNISTErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := LoadMNIST(dir); err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte") {
		t.Errorf("missing files: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "train-images-idx3-ubyte"), idxBytes([4]byte{0, 0, 8, 3}, []uint32{2, 1, 1}, []byte{1, 2}), 0o644)
	os.WriteFile(filepath.Join(dir, "train-labels-idx1-ubyte"), idxBytes([4]byte{0, 0, 8, 1}, []uint32{3}, []byte{1, 2, 3}), 0o644)
	if _, _, err := LoadMNIST(dir); err == nil || !strings.Contains(err.Error(), "2 images but") {
		t.Errorf("mismatched counts: %v", err)
	}
}

func TestNormalizations(t *testing.T) {
	px := []byte{0, 255}
	for _, c := range []struct {
		n        Normalization
		lo, high float64
	}{{Unit, 0, 1}, {Symmetric, -1, 1}, {Standardize, -0.1307 / 0.3081, (1 - 0.1307) / 0.3081}} {
		got := Floats[float64](px, c.n)
		if !numcheck.Within(math.Abs(got[0]-c.lo), 1e-15) || !numcheck.Within(math.Abs(got[1]-c.high), 1e-15) {
			t.Errorf("%v: %v, want [%g %g]", c.n, got, c.lo, c.high)
		}
	}
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes([4]byte{0, 0, 8, 3}, []uint32{1, 2, 2}, []byte{1, 2, 3, 4}))
	f.Add(gz(idxBytes([4]byte{0, 0, 8, 1}, []uint32{3}, []byte{1, 2, 3})))
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := ReadIDX(bytes.NewReader(data))
		if err != nil {
			return
		}
		n := 1
		for _, d := range idx.Dims {
			n *= d
		}
		if n != len(idx.Data) {
			t.Fatalf("dims %v but %d bytes", idx.Dims, len(idx.Data))
		}
	})
}

// TestMNISTOfTheWrongShapeIsAnError checks that 27×28 images and empty
// files are refused by the loader (the commands used to panic on them).
func TestMNISTOfTheWrongShapeIsAnError(t *testing.T) {
	for _, c := range []struct {
		n, rows, cols uint32
		want          string
	}{{5, 27, 28, "27×28"}, {0, 28, 28, "no images"}} {
		dir := t.TempDir()
		for _, prefix := range []string{"train", "t10k"} {
			os.WriteFile(filepath.Join(dir, prefix+"-images-idx3-ubyte"), idxBytes([4]byte{0, 0, 8, 3}, []uint32{c.n, c.rows, c.cols}, make([]byte, c.n*c.rows*c.cols)), 0o644)
			os.WriteFile(filepath.Join(dir, prefix+"-labels-idx1-ubyte"), idxBytes([4]byte{0, 0, 8, 1}, []uint32{c.n}, make([]byte, c.n)), 0o644)
		}
		if _, _, err := LoadMNIST(dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d images of %d×%d: error %v, want one mentioning %q", c.n, c.rows, c.cols, err, c.want)
		}
	}
}

func TestParseDigits(t *testing.T) {
	if got, err := ParseDigits("0, 1,9"); err != nil || !slices.Equal(got, []int{0, 1, 9}) {
		t.Errorf("ParseDigits(\"0, 1,9\") = %v, %v", got, err)
	}
	for _, s := range []string{"", "10", "-1", "1,1", "a", "1,", "3.0"} {
		if _, err := ParseDigits(s); err == nil {
			t.Errorf("ParseDigits(%q) accepted", s)
		}
	}
}
