package dataset

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
)

// Samples is a set of N samples of Features values each, as a Dense layer,
// an autoencoder or PCA reads them: X is (N, Features) row-major. Shape is
// the shape of one sample as stored — (height, width) for images, (p) for
// a table row — so that pictures can be drawn; its product is Features.
type Samples struct {
	N, Features int
	Shape       []int
	X           []float64
	// Names are the feature names of a CSV header; nil otherwise.
	Names []string
	// Labels are optional class labels 0 … Classes−1, one per sample.
	Labels  []int
	Classes int
}

// SampleFiles names a sample set: X is a .csv file, a .npy file, an .npz
// archive of one array or an array of an archive written
// "archive.npz:name"; Labels, optional, is an array given the same ways; LabelColumn, for a CSV file only,
// names (or indexes) its column of labels instead.
type SampleFiles struct {
	X, Labels, LabelColumn string
	Comma                  rune     // a CSV's separator (CSVOptions.Comma; 0 detects it)
	Drop                   []string // a CSV's columns to leave out (CSVOptions.Drop)
	Columns                []string // a CSV's only columns to read (CSVOptions.Columns)
}

// ReadSamples reads a sample set within lim (lim.Rows keeps the first
// samples) and checks it: X of shape (n, p), or (n, d1, d2, …) whose
// samples are flattened (an image set (n, height, width) keeps its image
// shape in Shape), at least one sample and one feature, all finite; labels
// (n,) integers in 0 … MaxClasses−1. Every error names the file and what is
// wrong.
func ReadSamples(files SampleFiles, lim Limits) (*Samples, error) {
	if files.X == "" {
		return nil, errors.New("dataset: no sample file given")
	}
	csv := strings.EqualFold(filepath.Ext(files.X), ".csv")
	if files.LabelColumn != "" && !csv {
		return nil, fmt.Errorf("%s: a label column applies to CSV files only", files.X)
	}
	if files.LabelColumn != "" && files.Labels != "" {
		return nil, fmt.Errorf("%s: labels from both a column and %s; give one", files.X, files.Labels)
	}
	s := &Samples{}
	if csv {
		t, err := ReadCSV(files.X, CSVOptions{LabelColumn: files.LabelColumn, Comma: files.Comma, Drop: files.Drop, Columns: files.Columns, Limits: lim})
		if err != nil {
			return nil, err
		}
		if t.Cols == 0 {
			return nil, fmt.Errorf("%s: no feature columns besides the labels", files.X)
		}
		s.N, s.Features, s.Shape, s.X, s.Names, s.Labels = t.Rows, t.Cols, []int{t.Cols}, t.Data, t.Columns, t.Labels
		for _, l := range s.Labels {
			if l >= MaxClasses {
				return nil, fmt.Errorf("%s: label %d: want an integer from 0 to %d", files.X, l, MaxClasses-1)
			}
			s.Classes = max(s.Classes, l+1)
		}
		return s, nil
	}
	if ext := strings.ToLower(filepath.Ext(files.X)); !strings.Contains(files.X, ".npz:") && ext != ".npy" && ext != ".npz" {
		return nil, fmt.Errorf("%s: want a .csv or .npy file, an .npz archive of one array, or archive.npz:array", files.X)
	}
	x, err := readArray(files.X, lim)
	if err != nil {
		return nil, err
	}
	if len(x.Shape) < 2 {
		return nil, fmt.Errorf("%s: shape %v: want (samples, features) or (samples, height, width)", files.X, x.Shape)
	}
	s.N, s.Shape, s.X = x.Shape[0], x.Shape[1:], x.Data
	if s.N == 0 || len(x.Data) == 0 {
		return nil, fmt.Errorf("%s: shape %v holds no values", files.X, x.Shape)
	}
	s.Features = len(x.Data) / s.N
	if err := checkFinite(files.X, s.X, s.Features); err != nil {
		return nil, err
	}
	if files.Labels != "" {
		if s.Labels, s.Classes, err = readLabels(files.Labels, files.X, s.N, "sample", lim); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// checkFinite refuses NaN and ±Inf in values, naming the sample and
// feature (per values a sample).
func checkFinite(path string, values []float64, per int) error {
	for k, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: %v at sample %d, value %d", path, v, k/per, k%per)
		}
	}
	return nil
}

// readLabels reads n class labels of the items (samples or sequences) of
// xPath from a .npy or "archive.npz:name" array, and returns them with the
// number of classes (the largest label plus one).
func readLabels(path, xPath string, n int, item string, lim Limits) ([]int, int, error) {
	a, err := readArray(path, lim)
	if err != nil {
		return nil, 0, err
	}
	if len(a.Shape) != 1 || a.Shape[0] != n {
		return nil, 0, fmt.Errorf("%s: labels of shape %v, want (%d,): one per %s of %s", path, a.Shape, n, item, xPath)
	}
	labels, classes := make([]int, n), 0
	for i, l := range a.Data {
		if l != math.Trunc(l) || l < 0 || l >= MaxClasses {
			return nil, 0, fmt.Errorf("%s: label %v of %s %d: want an integer from 0 to %d", path, l, item, i, MaxClasses-1)
		}
		labels[i] = int(l)
		classes = max(classes, labels[i]+1)
	}
	return labels, classes, nil
}

// checkClasses refuses labels that make more classes than there are items
// (labels number the classes 0 … classes−1): one stray large label would
// otherwise size a classifier's head and its confusion matrix.
func checkClasses(path string, labels []int, classes int, item string) error {
	if classes <= len(labels) {
		return nil
	}
	for i, l := range labels {
		if l >= len(labels) {
			return fmt.Errorf("%s: label %d of %s %d makes %d classes for %d %ss: labels number the classes from 0, at most one class per %s",
				path, l, item, i, classes, len(labels), item, item)
		}
	}
	return nil
}

// MissingClasses returns the classes 0 … classes−1 that no label has, in
// order (labels 1 … 3 make four classes, class 0 empty), or nil.
func MissingClasses(labels []int, classes int) []int {
	seen := make([]bool, classes)
	for _, l := range labels {
		if l >= 0 && l < classes {
			seen[l] = true
		}
	}
	var missing []int
	for c, ok := range seen {
		if !ok {
			missing = append(missing, c)
		}
	}
	return missing
}

// FeatureNames returns the names of the features: a CSV header's, or
// their numbers "0", "1", … when the data have none.
func (s *Samples) FeatureNames() []string {
	if s.Names != nil {
		return s.Names
	}
	names := make([]string, s.Features)
	for j := range names {
		names[j] = strconv.Itoa(j)
	}
	return names
}
