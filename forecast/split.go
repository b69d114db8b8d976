package forecast

import (
	"fmt"
	"math"
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
