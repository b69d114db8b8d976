package cli

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// CheckLimit refuses a negative sample limit of flag --name (0 is all).
func CheckLimit(name string, n int) error {
	if n < 0 {
		return Usagef("--%s %d: want 0 (all) or a positive count", name, n)
	}
	return nil
}

// CheckPositive refuses a value of flag --name that is not finite and
// positive (NaN too).
func CheckPositive(name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return Usagef("--%s %g: want a positive finite value", name, v)
	}
	return nil
}

// CheckFraction refuses a value of flag --name outside [0, hi) (NaN too).
func CheckFraction(name string, v, hi float64) error {
	if !(v >= 0 && v < hi) {
		return Usagef("--%s %g: want a value in [0, %g)", name, v, hi)
	}
	return nil
}

// FirstError returns the first non-nil error of errs, or nil.
func FirstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ParseSizes parses a list of sizes as "256,64": positive decimal
// integers, comma-separated, nothing else ("1e3", "12abc", "3.9" and
// "4 5" are refused, not read as 1, 12, 3 or 4).
func ParseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%q is not a list of positive sizes", s)
		}
		out = append(out, v)
	}
	return out, nil
}
