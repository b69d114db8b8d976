package forecast

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Fractions are the training and validation shares of a chronological
// split; the test part is the rest.
type Fractions struct {
	Train, Validation float64
}

// DefaultSplit is the 70/15/15 split.
var DefaultSplit = Fractions{Train: 0.70, Validation: 0.15}

// String returns the split as percentages, "70/15/15".
func (f Fractions) String() string {
	return fmt.Sprintf("%g/%g/%g", 100*f.Train, 100*f.Validation, math.Round(1e10*100*(1-f.Train-f.Validation))/1e10)
}

func (f Fractions) check() error {
	if !(f.Train > 0 && f.Validation > 0 && f.Train+f.Validation < 1) {
		return fmt.Errorf("forecast: split %g/%g: want positive training and validation fractions that leave a test part", f.Train, f.Validation)
	}
	return nil
}

// Split is a chronological split of a series: steps [0, TrainEnd) train,
// [TrainEnd, ValidationEnd) validate and [ValidationEnd, Steps) test.
type Split struct {
	TrainEnd, ValidationEnd, Steps int
}

// Of returns the split of a series of steps steps: the part boundaries
// rounded to the nearest step.
func (f Fractions) Of(steps int) Split {
	return Split{TrainEnd: int(math.Round(f.Train * float64(steps))),
		ValidationEnd: int(math.Round((f.Train + f.Validation) * float64(steps))), Steps: steps}
}

// ParseFractions reads a split written as three fractions, training,
// validation and test, that sum to 1: "0.7,0.15,0.15".
func ParseFractions(s string) (Fractions, error) {
	var fr []float64
	for _, field := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
		if err != nil || !(v > 0 && v < 1) {
			break
		}
		fr = append(fr, v)
	}
	if len(fr) != 3 || math.Abs(fr[0]+fr[1]+fr[2]-1) > 1e-9 {
		return Fractions{}, fmt.Errorf("forecast: split %q: want three positive fractions, training, validation and test, that sum to 1", s)
	}
	return Fractions{Train: fr[0], Validation: fr[1]}, nil
}

// Codes returns a code per step of the split: 0 training, 1 validation, 2
// test.
func (sp Split) Codes() []float64 {
	codes := make([]float64, sp.Steps)
	for t := range codes {
		switch {
		case t >= sp.ValidationEnd:
			codes[t] = 2
		case t >= sp.TrainEnd:
			codes[t] = 1
		}
	}
	return codes
}
