// Package numcheck holds the numeric comparisons of physml's tests. Every
// one fails on NaN: a difference d passes only when d <= tol is true — never
// by d > tol being false, which a NaN makes false — and the largest error of
// a set is +Inf as soon as one error is NaN (Go's max would keep the NaN, and
// a later NaN > tol is false again).
package numcheck

import (
	"math"
	"testing"
)

// Float is float32 or float64.
type Float interface{ ~float32 | ~float64 }

// Within reports whether d is at most tol; false when d is NaN.
func Within(d, tol float64) bool { return d <= tol }

// Worst tracks the largest of a set of errors. Its zero value is 0; adding
// a NaN makes it +Inf for good.
type Worst float64

// Add takes d into account.
func (w *Worst) Add(d float64) {
	if math.IsNaN(d) {
		d = math.Inf(1)
	}
	if d > float64(*w) {
		*w = Worst(d)
	}
}

// MaxAbsDiff returns the largest |got[i] − want[i]|: +Inf when the lengths
// differ or a value of either is NaN.
func MaxAbsDiff[T Float](got, want []T) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	var w Worst
	for i := range got {
		w.Add(math.Abs(float64(got[i]) - float64(want[i])))
	}
	return float64(w)
}

// MaxRelDiff returns the largest |got[i] − want[i]| / max(|want[i]|, floor):
// +Inf when the lengths differ or a value is NaN.
func MaxRelDiff[T Float](got, want []T, floor float64) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	var w Worst
	for i := range got {
		w.Add(math.Abs(float64(got[i])-float64(want[i])) / math.Max(math.Abs(float64(want[i])), floor))
	}
	return float64(w)
}

// Close fails t unless every |got[i] − want[i]| ≤ tol; it reports the
// largest difference either way (in the verbose log when it passes).
func Close[T Float](t testing.TB, what string, got, want []T, tol float64) {
	t.Helper()
	d := MaxAbsDiff(got, want)
	if !Within(d, tol) {
		t.Errorf("%s: largest difference %.3g > %.3g (%d values, want %d)", what, d, tol, len(got), len(want))
		return
	}
	t.Logf("%s: largest difference %.3g", what, d)
}

// CloseRel fails t unless every |got[i] − want[i]| ≤ tol·max(|want[i]|, floor).
func CloseRel[T Float](t testing.TB, what string, got, want []T, tol, floor float64) {
	t.Helper()
	d := MaxRelDiff(got, want, floor)
	if !Within(d, tol) {
		t.Errorf("%s: largest relative difference %.3g > %.3g (%d values, want %d)", what, d, tol, len(got), len(want))
		return
	}
	t.Logf("%s: largest relative difference %.3g", what, d)
}

// Scalar fails t unless |got − want| ≤ tol (NaN fails).
func Scalar(t testing.TB, what string, got, want, tol float64) {
	t.Helper()
	if d := math.Abs(got - want); !Within(d, tol) {
		t.Errorf("%s = %.17g, want %.17g (difference %.3g > %.3g)", what, got, want, d, tol)
	}
}
