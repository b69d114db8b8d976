package dataset

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
)

// MaxClasses bounds the class labels of a sequence set (labels are
// 0 … MaxClasses−1), so that a stray huge label cannot make a classifier
// with billions of outputs.
const MaxClasses = 1 << 16

// Sequences is a set of n sequences of Steps steps of Features values, as a
// recurrent layer reads them: X is (n, steps, features) in row-major order,
// so sequence i is X[i·Steps·Features : (i+1)·Steps·Features], batch-first as
// in PyTorch. Lengths, Labels and Targets are optional.
type Sequences struct {
	N, Steps, Features int
	X                  []float64
	// Lengths gives the valid steps of each sequence (1 … Steps); the steps
	// after them are padding that the layers ignore.
	Lengths []int
	// Labels are class labels 0 … Classes−1, one per sequence.
	Labels  []int
	Classes int
	// Targets are TargetCols values per sequence, (n, k) row-major; a file
	// of shape (n, steps, outputs) gives k = steps·outputs.
	Targets    []float64
	TargetCols int
}

// Length returns the valid steps of sequence i: Lengths[i], or Steps when
// there are no lengths.
func (s *Sequences) Length(i int) int {
	if s.Lengths == nil {
		return s.Steps
	}
	return s.Lengths[i]
}

// FitStandardization returns each feature's standardisation (mean and
// standard deviation, ddof 0; scale 1 where the feature is constant) over
// the valid steps of the sequences that rows lists (all when nil): what a
// recurrent model's inputs are scaled with, fitted on the training
// sequences only. Values too large for the statistics are an error naming
// the feature.
func (s *Sequences) FitStandardization(rows []int) (Scaler, error) {
	if rows == nil {
		rows = make([]int, s.N)
		for i := range rows {
			rows[i] = i
		}
	}
	var steps []int // rows of X seen as (sequences·steps, features)
	for _, i := range rows {
		for t := 0; t < s.Length(i); t++ {
			steps = append(steps, i*s.Steps+t)
		}
	}
	if len(steps) == 0 {
		return Scaler{}, fmt.Errorf("dataset: no valid steps to standardise with")
	}
	return FitScaler(Standard, s.X, s.Features, steps)
}

// SequenceFiles names the arrays of a sequence set. Each is a .npy file, or
// an array of an .npz archive written "archive.npz:name"; only X is
// required.
type SequenceFiles struct {
	X, Lengths, Labels, Targets string
}

// ReadSequences reads a sequence set within lim (lim.Rows keeps the first
// sequences) and checks it: X of shape (n, steps, features), or (n, steps)
// for one feature, all finite; lengths (n,) integers in 1 … steps; labels
// (n,) integers in 0 … MaxClasses−1 making at most n classes; targets
// (n, k) or (n,), finite. Every error names the file, the array and what
// is wrong.
func ReadSequences(files SequenceFiles, lim Limits) (*Sequences, error) {
	if files.X == "" {
		return nil, errors.New("dataset: no sequence file given")
	}
	x, err := readArray(files.X, lim)
	if err != nil {
		return nil, err
	}
	s := &Sequences{X: x.Data}
	switch len(x.Shape) {
	case 2:
		s.N, s.Steps, s.Features = x.Shape[0], x.Shape[1], 1
	case 3:
		s.N, s.Steps, s.Features = x.Shape[0], x.Shape[1], x.Shape[2]
	default:
		return nil, fmt.Errorf("%s: shape %v: want (sequences, steps, features) or (sequences, steps)", files.X, x.Shape)
	}
	if s.N == 0 || s.Steps == 0 || s.Features == 0 {
		return nil, fmt.Errorf("%s: shape %v holds no values", files.X, x.Shape)
	}
	for k, v := range s.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			per := s.Steps * s.Features
			return nil, fmt.Errorf("%s: %v at sequence %d, step %d, feature %d", files.X, v, k/per, k%per/s.Features, k%s.Features)
		}
	}
	column := func(path, what string) ([]float64, error) {
		a, err := readArray(path, lim)
		if err != nil {
			return nil, err
		}
		if len(a.Shape) != 1 || a.Shape[0] != s.N {
			return nil, fmt.Errorf("%s: %s of shape %v, want (%d,): one per sequence of %s", path, what, a.Shape, s.N, files.X)
		}
		return a.Data, nil
	}
	if files.Lengths != "" {
		v, err := column(files.Lengths, "lengths")
		if err != nil {
			return nil, err
		}
		s.Lengths = make([]int, s.N)
		for i, l := range v {
			if l != math.Trunc(l) || l < 1 || l > float64(s.Steps) {
				return nil, fmt.Errorf("%s: length %v of sequence %d: want an integer from 1 to the %d steps of %s", files.Lengths, l, i, s.Steps, files.X)
			}
			s.Lengths[i] = int(l)
		}
	}
	if files.Labels != "" {
		if s.Labels, s.Classes, err = readLabels(files.Labels, files.X, s.N, "sequence", lim); err != nil {
			return nil, err
		}
		// Sequence labels size a classifier's head: at most one class per
		// sequence.
		if err := checkClasses(files.Labels, s.Labels, s.Classes, "sequence"); err != nil {
			return nil, err
		}
	}
	if files.Targets != "" {
		a, err := readArray(files.Targets, lim)
		if err != nil {
			return nil, err
		}
		switch {
		case len(a.Shape) == 1 && a.Shape[0] == s.N:
			s.TargetCols = 1
		case len(a.Shape) == 2 && a.Shape[0] == s.N && a.Shape[1] > 0:
			s.TargetCols = a.Shape[1]
		case len(a.Shape) == 3 && a.Shape[0] == s.N && a.Shape[1] == s.Steps && a.Shape[2] > 0:
			s.TargetCols = a.Shape[1] * a.Shape[2] // per step: (n, steps, outputs)
		default:
			return nil, fmt.Errorf("%s: targets of shape %v, want (%d, k), (%d,) or (%d, %d, outputs): one row per sequence of %s", files.Targets, a.Shape, s.N, s.N, s.N, s.Steps, files.X)
		}
		for k, v := range a.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: target %v of sequence %d", files.Targets, v, k/s.TargetCols)
			}
		}
		s.Targets = a.Data
	}
	return s, nil
}

// readArray reads a .npy file or "archive.npz:name".
func readArray(path string, lim Limits) (*Array, error) {
	if archive, name, ok := strings.Cut(path, ".npz:"); ok {
		arrays, err := ReadNpzLimits(archive+".npz", lim)
		if err != nil {
			return nil, err
		}
		a, ok := arrays[name]
		if !ok {
			return nil, fmt.Errorf("%s.npz has no array %q", archive, name)
		}
		return a, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		return ReadNpyLimits(path, lim)
	case ".npz":
		// A whole archive stands for its one array.
		arrays, err := ReadNpzLimits(path, lim)
		if err != nil {
			return nil, err
		}
		for name, a := range arrays {
			if len(arrays) == 1 {
				return a, nil
			}
			return nil, fmt.Errorf("%s holds %d arrays: name one as %s:%s", path, len(arrays), path, name)
		}
		return nil, fmt.Errorf("%s holds no array", path)
	}
	return nil, fmt.Errorf("%s: want a .npy file, an .npz archive of one array, or archive.npz:array", path)
}

// SetClasses sets the number of classes of labelled sequences. With
// classes > 0 the labels may leave some classes without a sequence (a
// classifier still has an output for each), but every label must be below
// it. With 0 the labels' own count (the largest + 1) stays, and every class
// below the largest label must occur: a missing one is an error naming it,
// as labels 1 … 3 most likely mean three classes numbered from 1.
func (s *Sequences) SetClasses(classes int) error {
	switch {
	case s.Labels == nil:
		return fmt.Errorf("dataset: classes of sequences without labels")
	case classes > MaxClasses:
		return fmt.Errorf("dataset: %d classes: at most %d", classes, MaxClasses)
	case classes > 0 && classes < s.Classes:
		return fmt.Errorf("dataset: %d classes, fewer than the labels up to %d make", classes, s.Classes-1)
	case classes > 0:
		s.Classes = classes
		return nil
	}
	if missing := MissingClasses(s.Labels, s.Classes); missing != nil {
		return fmt.Errorf("dataset: no sequence has label %s, yet labels up to %d make %d classes (labels number the classes from 0): relabel them 0 … %d, or declare %d classes to train an output for each",
			strings.ReplaceAll(strings.Trim(fmt.Sprint(missing), "[]"), " ", ", "), s.Classes-1, s.Classes, s.Classes-1-len(missing), s.Classes)
	}
	return nil
}
