package dataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// MNIST image size.
const (
	MNISTRows   = 28
	MNISTCols   = 28
	MNISTPixels = MNISTRows * MNISTCols
)

// Images is a set of grey-scale images with labels: image i has pixels
// Pixels[i*Rows*Cols : (i+1)*Rows*Cols] (row-major, 0 = background,
// 255 = ink) and class Labels[i].
type Images struct {
	Rows, Cols int
	Pixels     []byte
	Labels     []int
}

// Len returns the number of images.
func (im *Images) Len() int { return len(im.Labels) }

// Image returns the pixels of image i.
func (im *Images) Image(i int) []byte {
	n := im.Rows * im.Cols
	return im.Pixels[i*n : (i+1)*n]
}

// Slice returns images [from, to) sharing storage with im.
func (im *Images) Slice(from, to int) *Images {
	n := im.Rows * im.Cols
	return &Images{Rows: im.Rows, Cols: im.Cols, Pixels: im.Pixels[from*n : to*n], Labels: im.Labels[from:to]}
}

// LoadMNIST reads the MNIST training (60000) and test (10000) sets from dir,
// accepting the files gzipped (name.gz) or not.
func LoadMNIST(dir string) (train, test *Images, err error) { return LoadMNISTLimits(dir, 0, 0) }

// LoadMNISTLimits reads the first trainLimit training and testLimit test
// images (all when 0) and stops reading the files there. The images must be
// 28×28 and there must be at least one in each set.
func LoadMNISTLimits(dir string, trainLimit, testLimit int) (train, test *Images, err error) {
	if trainLimit < 0 || testLimit < 0 {
		return nil, nil, fmt.Errorf("dataset: MNIST limits %d and %d must not be negative", trainLimit, testLimit)
	}
	train, err = loadMNISTSet(dir, "train", trainLimit)
	if err != nil {
		return nil, nil, err
	}
	test, err = loadMNISTSet(dir, "t10k", testLimit)
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func loadMNISTSet(dir, prefix string, limit int) (*Images, error) {
	images, err := readIDXEither(filepath.Join(dir, prefix+"-images-idx3-ubyte"), limit)
	if err != nil {
		return nil, err
	}
	labels, err := readIDXEither(filepath.Join(dir, prefix+"-labels-idx1-ubyte"), limit)
	if err != nil {
		return nil, err
	}
	im, err := NewImages(images.idx, labels.idx, images.path, labels.path)
	if err != nil {
		return nil, err
	}
	if im.Rows != MNISTRows || im.Cols != MNISTCols {
		return nil, fmt.Errorf("%s: images of %d×%d pixels; MNIST images are %d×%d", images.path, im.Rows, im.Cols, MNISTRows, MNISTCols)
	}
	if im.Len() == 0 {
		return nil, fmt.Errorf("%s: no images", images.path)
	}
	return im, nil
}

type namedIDX struct {
	idx  *IDX
	path string
}

// readIDXEither reads the first limit records (all when 0) of path.gz or
// path, whichever exists.
func readIDXEither(path string, limit int) (namedIDX, error) {
	for _, p := range []string{path + ".gz", path} {
		idx, err := ReadIDXFileLimits(p, Limits{Rows: limit})
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		return namedIDX{idx, p}, err
	}
	return namedIDX{}, fmt.Errorf("%s(.gz): file not found", path)
}

// NewImages pairs an IDX image file (n×rows×cols) with an IDX label file (n)
// and checks that they agree; the paths are for messages.
func NewImages(images, labels *IDX, imagesPath, labelsPath string) (*Images, error) {
	if len(images.Dims) != 3 {
		return nil, fmt.Errorf("%s: dimensions %s, want images × rows × columns", imagesPath, dimsString(images.Dims))
	}
	if len(labels.Dims) != 1 {
		return nil, fmt.Errorf("%s: dimensions %s, want one label per image", labelsPath, dimsString(labels.Dims))
	}
	if images.Dims[0] != labels.Dims[0] {
		return nil, fmt.Errorf("%s has %d images but %s has %d labels", imagesPath, images.Dims[0], labelsPath, labels.Dims[0])
	}
	out := &Images{Rows: images.Dims[1], Cols: images.Dims[2], Pixels: images.Data, Labels: make([]int, labels.Dims[0])}
	for i, l := range labels.Data {
		if l > 9 {
			return nil, fmt.Errorf("%s: label %d of image %d outside 0–9", labelsPath, l, i)
		}
		out.Labels[i] = int(l)
	}
	return out, nil
}

// ParseDigits parses a comma-separated list of distinct MNIST digits
// ("0,1,2"), each 0 to 9.
func ParseDigits(s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 0 || v > 9 || seen[v] {
			return nil, fmt.Errorf("%q: want distinct digits 0 to 9, comma-separated", s)
		}
		seen[v] = true
		out = append(out, v)
	}
	return out, nil
}
