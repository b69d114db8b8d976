package dataset

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Scaling names how a Scaler maps features to network inputs.
type Scaling int

// The scalings of a Scaler, as scikit-learn's preprocessing names them
// where it has them.
const (
	NoScaling Scaling = iota // x as it is
	UnitRange                // (x − min)/(max − min) over all features: an image set to [0, 1] with its contrast kept
	MinMax                   // per feature (x − min_j)/(max_j − min_j) ∈ [0, 1], as MinMaxScaler
	Standard                 // per feature (x − mean_j)/std_j, as StandardScaler (std with ddof 0)
)

// String names the scaling as the command's --normalize flag does.
func (s Scaling) String() string {
	switch s {
	case NoScaling:
		return "none"
	case UnitRange:
		return "unit"
	case MinMax:
		return "minmax"
	case Standard:
		return "standard"
	}
	return fmt.Sprintf("Scaling(%d)", int(s))
}

// ParseScaling parses "none", "unit", "minmax" or "standard".
func ParseScaling(s string) (Scaling, error) {
	for _, k := range []Scaling{NoScaling, UnitRange, MinMax, Standard} {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("scaling %q: want none, unit, minmax or standard", s)
}

// Scaler maps each feature j to (x − Offset[j])/Scale[j]. Fit it on the
// training rows only, so that no statistic of the test rows leaks in.
type Scaler struct {
	Kind          Scaling
	Offset, Scale []float64
}

// FitScaler returns the scaler of the given kind for the rows of x (rows
// of p values, row-major) that rows lists (all rows when nil). A constant
// feature (or, for UnitRange, constant data) gets scale 1, as in
// scikit-learn.
func FitScaler(kind Scaling, x []float64, p int, rows []int) (Scaler, error) {
	s := Scaler{Kind: kind, Offset: make([]float64, p), Scale: make([]float64, p)}
	if p <= 0 || len(x)%p != 0 {
		return s, fmt.Errorf("dataset: %d values are not rows of %d features", len(x), p)
	}
	if rows == nil {
		rows = make([]int, len(x)/p)
		for i := range rows {
			rows[i] = i
		}
	}
	if len(rows) == 0 {
		return s, fmt.Errorf("dataset: no rows to fit a %v scaler on", kind)
	}
	row := func(i int) []float64 { return x[i*p : (i+1)*p] }
	switch kind {
	case NoScaling:
		for j := range s.Scale {
			s.Scale[j] = 1
		}
	case UnitRange, MinMax:
		lo, hi := make([]float64, p), make([]float64, p)
		copy(lo, row(rows[0]))
		copy(hi, row(rows[0]))
		for _, i := range rows {
			for j, v := range row(i) {
				lo[j], hi[j] = math.Min(lo[j], v), math.Max(hi[j], v)
			}
		}
		if kind == UnitRange {
			l, h := lo[0], hi[0]
			for j := range lo {
				l, h = math.Min(l, lo[j]), math.Max(h, hi[j])
			}
			for j := range lo {
				lo[j], hi[j] = l, h
			}
		}
		for j := range s.Offset {
			s.Offset[j], s.Scale[j] = lo[j], nonZero(hi[j]-lo[j])
		}
	case Standard:
		for _, i := range rows {
			for j, v := range row(i) {
				s.Offset[j] += v
			}
		}
		n := float64(len(rows))
		for j := range s.Offset {
			s.Offset[j] /= n
		}
		for _, i := range rows {
			for j, v := range row(i) {
				d := v - s.Offset[j]
				s.Scale[j] += d * d
			}
		}
		for j := range s.Scale {
			s.Scale[j] = nonZero(math.Sqrt(s.Scale[j] / n))
		}
	default:
		return s, fmt.Errorf("dataset: unknown scaling %v", kind)
	}
	for j := range s.Scale {
		if math.IsInf(s.Scale[j], 0) || math.IsInf(s.Offset[j], 0) {
			return s, fmt.Errorf("dataset: feature %d spans more than a float64 can hold; scale the data first", j)
		}
	}
	return s, nil
}

// nonZero returns v, or 1 when v is 0 (a constant feature).
func nonZero(v float64) float64 {
	if v == 0 {
		return 1
	}
	return v
}

// Transform returns the scaled rows of x, converted to T.
func Transform[T ~float32 | ~float64](s Scaler, x []float64) []T {
	p := len(s.Scale)
	out := make([]T, len(x))
	for k, v := range x {
		out[k] = T((v - s.Offset[k%p]) / s.Scale[k%p])
	}
	return out
}

// Inverse maps scaled rows back to the data's units.
func Inverse[T ~float32 | ~float64](s Scaler, y []T) []float64 {
	p := len(s.Scale)
	out := make([]float64, len(y))
	for k, v := range y {
		out[k] = float64(v)*s.Scale[k%p] + s.Offset[k%p]
	}
	return out
}

// Clone returns a copy of s that shares no slice with it.
func (s Scaler) Clone() Scaler {
	return Scaler{Kind: s.Kind, Offset: append([]float64(nil), s.Offset...), Scale: append([]float64(nil), s.Scale...)}
}

// Metadata describes the scaler as text (for a model file's metadata):
// keys prefix+"scaling", prefix+"offset" and prefix+"scale".
func (s Scaler) Metadata(prefix string) map[string]string {
	return map[string]string{prefix + "scaling": s.Kind.String(), prefix + "offset": JoinFloats(s.Offset), prefix + "scale": JoinFloats(s.Scale)}
}

// ScalerFromMetadata reads a scaler of p features written by Metadata.
func ScalerFromMetadata(meta map[string]string, prefix string, p int) (Scaler, error) {
	var s Scaler
	var err error
	if s.Kind, err = ParseScaling(meta[prefix+"scaling"]); err != nil {
		return s, fmt.Errorf("metadata %sscaling: %v", prefix, err)
	}
	if s.Offset, err = ParseFloats(meta[prefix+"offset"], p); err != nil {
		return s, fmt.Errorf("metadata %soffset: %v", prefix, err)
	}
	if s.Scale, err = ParseFloats(meta[prefix+"scale"], p); err != nil {
		return s, fmt.Errorf("metadata %sscale: %v", prefix, err)
	}
	for j, v := range s.Scale {
		if !(v > 0) || math.IsInf(v, 0) {
			return s, fmt.Errorf("metadata %sscale: value %d is %v; want a positive finite number", prefix, j, v)
		}
	}
	return s, nil
}

// JoinFloats writes values as a comma-separated list that parses back to
// the same float64s (the form of a scaler's metadata).
func JoinFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}

// ParseFloats parses p finite comma-separated numbers, the form
// JoinFloats writes.
func ParseFloats(s string, p int) ([]float64, error) {
	fields := strings.Split(s, ",")
	if len(fields) != p {
		return nil, fmt.Errorf("%d values, want %d", len(fields), p)
	}
	out := make([]float64, p)
	for i, f := range fields {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("value %d %q is not a finite number", i, f)
		}
		out[i] = v
	}
	return out, nil
}
